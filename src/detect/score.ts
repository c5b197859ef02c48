/**
 * The document score: a calibrated probability that the text was machine-spun.
 *
 * The evidence is the likelihood ratio the decoder already computes: how much better
 * the text is explained as "an original passed through a spinner at rate ρ̂" than as
 * "written like this" (the language model alone), per word, together with the fitted
 * spin rate ρ̂, the text's length, and what the changes on the rate fit's best path were.
 *
 * That last part separates spun text from text that is merely unusual for the language model
 * (learned and government prose, technical or old-fashioned vocabulary). Clean text of every
 * genre gets some changes: function-word and stock-phrase swaps through the phrase table ("shall"
 * → "will", "which" → "that"), loose links (a rare hyponym read as its common hypernym: "fennel" →
 * "vegetable") and a topic word changed wherever it recurs ("businesses" → "companies" six
 * times). A thesaurus spinner adds mostly synonym-link changes, spread over many different words.
 * So the changes are counted by link class and the share of repeats, and the calibration weighs
 * each (measured on Brown pages of every genre: `npm run eval:genre`).
 *
 * A logistic model over these features, fitted on labelled clean and simulator-spun Brown pages
 * by `scripts/calibrate.ts`, turns them into a probability; its coefficients and the features it
 * uses live in `calibration.json` beside this file.
 */
import { readFileSync } from "node:fs";

/** The changes on the rate fit's best path, by the class of the link that explains them. */
export interface FitChanges {
  /** Synonym and hypernym links (what a thesaurus spinner mostly makes). */
  thesaurus: number;
  /** Phrase-table and spelling-variant links (function words, stock phrases, contractions). */
  function: number;
  /** Similar-to, hyponym and other looser links. */
  loose: number;
  /** Distinct (original, written words) pairs among all of them. */
  distinct: number;
}

export interface Evidence {
  /** Word tokens in the text. */
  words: number;
  /** Words some spinner table lists (positions with a candidate original). */
  eligible: number;
  /** Fitted document spin rate ρ̂. */
  rate: number;
  /** ln P(text | spun at ρ̂) − ln P(text | written as is), Viterbi approximation. */
  logLikelihoodRatio: number;
  /** The changes behind that ratio (absent: treated as none, as an older calibration expects). */
  fitChanges?: FitChanges;
}

export interface Calibration {
  /** Feature names in order; each one of FEATURES. */
  features: string[];
  weights: number[];
  bias: number;
  /** Where the coefficients came from. */
  trainedOn?: string;
  /**
   * The documents the fit read: the train split of these Brown categories (src/corpus/pages.ts
   * isHeldOut with this share and seed). Evaluations use the rest (`npm run eval:genre`).
   */
  split?: { categories: string[]; heldOutShare: number; splitSeed: number };
}

const changesOf = (e: Evidence): FitChanges => e.fitChanges ?? { thesaurus: 0, function: 0, loose: 0, distinct: 0 };
const perWord = (e: Evidence, x: number): number => x / Math.max(1, e.words);

/** Every feature a calibration may name. */
export const FEATURES: Readonly<Record<string, (e: Evidence) => number>> = {
  llrPerWord: (e) => perWord(e, e.logLikelihoodRatio),
  logRate: (e) => Math.log(Math.max(1e-4, e.rate)),
  "logWords/10": (e) => Math.log1p(Math.max(1, e.words)) / 10,
  /** The ratio per word weighs more in a longer text (its total grows with the length). */
  "llrPerWord*logWords": (e) => perWord(e, e.logLikelihoodRatio) * Math.log1p(Math.max(1, e.words)),
  thesaurusChangesPerWord: (e) => perWord(e, changesOf(e).thesaurus),
  functionChangesPerWord: (e) => perWord(e, changesOf(e).function),
  looseChangesPerWord: (e) => perWord(e, changesOf(e).loose),
  /** Share of the changes that repeat an earlier (original, written) pair. */
  repeatShare: (e) => {
    const c = changesOf(e);
    const all = c.thesaurus + c.function + c.loose;
    return all > 0 ? 1 - Math.min(all, c.distinct) / all : 0;
  },
};

/** The features `scripts/calibrate.ts` fits. */
export const FEATURE_NAMES = [
  "llrPerWord", "logRate", "logWords/10", "llrPerWord*logWords",
  "thesaurusChangesPerWord", "functionChangesPerWord", "looseChangesPerWord", "repeatShare",
];

export function features(e: Evidence, names: readonly string[] = FEATURE_NAMES): number[] {
  return names.map((name) => {
    const f = FEATURES[name];
    if (f === undefined) throw new Error(`calibration names an unknown feature: ${name}`);
    return f(e);
  });
}

/** The link classes of FitChanges, by the lexicon's relation names. */
export function linkClass(relation: string | undefined): "thesaurus" | "function" | "loose" {
  if (relation === undefined || relation === "synonym" || relation === "hypernym" || relation === "learned") return "thesaurus";
  if (relation === "phrase" || relation === "variant") return "function";
  return "loose";
}

let cached: Calibration | undefined;

export function defaultCalibration(): Calibration {
  if (cached === undefined) {
    const url = new URL("../../src/detect/calibration.json", import.meta.url);
    cached = JSON.parse(readFileSync(url, "utf8")) as Calibration;
  }
  return cached;
}

export function spinProbability(e: Evidence, calibration: Calibration = defaultCalibration()): number {
  if (e.words === 0) return 0;
  const x = features(e, calibration.features);
  let z = calibration.bias;
  for (let i = 0; i < x.length; i++) z += (calibration.weights[i] ?? 0) * x[i];
  return 1 / (1 + Math.exp(-z));
}
