/**
 * Edit confidence: a calibrated probability that an edit restores the original wording.
 *
 * The decoder's local posterior (the chosen original against its alternatives, the words as
 * written among them) is overconfident: it trusts the language model, which prefers common words
 * in any context, and the fitted spin rate. A logistic model over that posterior's log-odds and a
 * few facts the decoder already has (the link's relation, whether real spinners were seen making
 * the swap, how much more common the original is than the spun words, whether the link's part of
 * speech can be the spun word's part of speech in its context, the document rate and score) turns
 * it into a probability. Features that describe a spinner's habits rather than the decoder's
 * reliability (the link's relation, its sense rank, whether real spinners were seen making the
 * swap) are left out on purpose: the simulator that labels the training text does not share real
 * spinners' habits (it never uses the observed pairs or the hand-written phrase table), so their
 * fitted weights would teach the simulator, not spinners; the channel model already weighs them. Its coefficients live in `edit-calibration.json` beside this file,
 * fitted by `scripts/calibrate.ts` on simulator-spun Brown sections d–r (press sections a–c held
 * out for `npm run eval`).
 */
import { readFileSync } from "node:fs";

export interface EditEvidence {
  /** Local posterior of the chosen option. */
  posterior: number;
  /** Local posterior of leaving the words as written. */
  asWritten: number;
  relation: string;
  /** Pages real spinners were seen making the swap on (0 if never). */
  observed: number;
  /** Rank of the linking sense among the original's senses. */
  senseRank: number;
  /** log10 unigram of the original − that of the spun words (mean per word). */
  frequencyGain: number;
  /** Mean log10 unigram probability of the spun words. */
  spunLogFreq: number;
  /** 1 when the link's part of speech cannot be the spun word's in its context. */
  posMismatch: number;
  /** Spun words minus original words. */
  lengthChange: number;
  /** Spin rate the restoration used. */
  rate: number;
  /** Document score P(spun). */
  score: number;
}

export const EDIT_FEATURE_NAMES = [
  "logitPosterior",
  "logitChange",
  "logRate",
  "logitScore",
  "frequencyGain",
  "spunLogFreq",
  "posMismatch",
  "lengthChange",
];

function logit(p: number, eps = 1e-4): number {
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q / (1 - q));
}

export function editFeatures(e: EditEvidence): number[] {
  return [
    logit(e.posterior),
    logit(1 - e.asWritten),
    Math.log(Math.max(1e-4, e.rate)),
    logit(e.score, 1e-3),
    Math.max(-3, Math.min(3, e.frequencyGain)),
    Math.max(-8, e.spunLogFreq) / 4,
    e.posMismatch,
    Math.abs(e.lengthChange),
  ];
}

export interface EditCalibration {
  features: string[];
  weights: number[];
  bias: number;
  trainedOn?: string;
}

let cached: EditCalibration | null | undefined;

/** The shipped calibration, or null when none has been fitted (then the raw posterior is used). */
export function defaultEditCalibration(): EditCalibration | null {
  if (cached === undefined) {
    try {
      const url = new URL("../../src/detect/edit-calibration.json", import.meta.url);
      cached = JSON.parse(readFileSync(url, "utf8")) as EditCalibration;
    } catch {
      cached = null;
    }
  }
  return cached;
}

export function editConfidence(e: EditEvidence, calibration: EditCalibration | null = defaultEditCalibration()): number {
  if (calibration === null) return e.posterior;
  const x = editFeatures(e);
  let z = calibration.bias;
  for (let i = 0; i < x.length; i++) z += (calibration.weights[i] ?? 0) * x[i];
  return 1 / (1 + Math.exp(-z));
}
