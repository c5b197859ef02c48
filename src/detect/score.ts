/**
 * The document score: a calibrated probability that the text was machine-spun.
 *
 * The evidence is the likelihood ratio the decoder already computes: how much better
 * the text is explained as "an original passed through a spinner at rate ρ̂" than as
 * "written like this" (the language model alone), per word, together with the fitted
 * spin rate ρ̂ and the share of words the restorer changed. A logistic model over these
 * features, fitted on labelled clean and simulator-spun text by `scripts/calibrate.ts`,
 * turns them into a probability; its coefficients live in `calibration.json` beside this file.
 */
import { readFileSync } from "node:fs";

export interface Evidence {
  /** Word tokens in the text. */
  words: number;
  /** Words some spinner table lists (positions with a candidate original). */
  eligible: number;
  /** Fitted document spin rate ρ̂. */
  rate: number;
  /** ln P(text | spun at ρ̂) − ln P(text | written as is), Viterbi approximation. */
  logLikelihoodRatio: number;
}

export interface Calibration {
  /** Feature names in order; see features(). */
  features: string[];
  weights: number[];
  bias: number;
  /** Where the coefficients came from. */
  trainedOn?: string;
}

export function features(e: Evidence): number[] {
  const words = Math.max(1, e.words);
  return [
    e.logLikelihoodRatio / words,
    Math.log(Math.max(1e-4, e.rate)),
    Math.log1p(words) / 10,
  ];
}

export const FEATURE_NAMES = ["llrPerWord", "logRate", "logWords/10"];

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
  const x = features(e);
  let z = calibration.bias;
  for (let i = 0; i < x.length; i++) z += (calibration.weights[i] ?? 0) * x[i];
  return 1 / (1 + Math.exp(-z));
}
