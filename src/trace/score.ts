/**
 * From an alignment to a calibrated probability that the candidate is the copy's
 * source, and to the kind of copy.
 *
 * The score is a logistic model over alignment features. Its coefficients were fitted
 * by `bench/trace-eval.ts --fit` on the evaluation set (Brown sources, simulated spins,
 * partial / padded / rewritten copies as positives; hard same-event distractors,
 * generated documents and unrelated queries' best candidates as negatives), so that a
 * score of p is right about p of the time on that set.
 */
import type { AlignmentStats } from "./align.js";

export type CopyKind = "verbatim" | "spun" | "translated" | "paraphrased" | "unrelated";

export interface Features {
  copyCoverage: number;
  sourceCoverage: number;
  /** Content words of the copy matched (identically or explained) / content words of the copy. */
  contentMatch: number;
  /** The same relative to the source's content words (approximated by its length). */
  contentMatchSource: number;
  /** log(1 + number of matched content words). */
  evidence: number;
  /** Identical content matches / matched content. */
  identity: number;
}

export function features(s: AlignmentStats, sourceContentWords: number): Features {
  const copyCoverage = s.copyWords ? s.copyCovered / s.copyWords : 0;
  const sourceCoverage = s.sourceWords ? s.sourceCovered / s.sourceWords : 0;
  const contentMatch = s.contentCopy ? s.contentMatched / s.contentCopy : 0;
  const contentMatchSource = sourceContentWords ? Math.min(1, s.contentMatched / sourceContentWords) : 0;
  const changed = s.explained + s.unexplained;
  return {
    copyCoverage,
    sourceCoverage,
    contentMatch,
    contentMatchSource,
    evidence: Math.log1p(s.contentMatched),
    identity: s.identical + changed > 0 ? s.identical / (s.identical + changed) : 0,
  };
}

/** Logistic coefficients: intercept, then one per feature in the order of `vector`. */
export let COEFFICIENTS = [-9.0, 3.0, 3.0, 6.0, 4.0, 1.2, 1.0];

export function vector(f: Features): number[] {
  return [
    Math.max(f.contentMatch, f.contentMatchSource),
    Math.min(f.contentMatch, f.contentMatchSource),
    Math.max(f.copyCoverage, f.sourceCoverage),
    Math.min(f.copyCoverage, f.sourceCoverage),
    f.evidence,
    f.identity,
  ];
}

export function setCoefficients(c: number[]): void {
  COEFFICIENTS = c;
}

export function probability(f: Features): number {
  const v = vector(f);
  let z = COEFFICIENTS[0];
  for (let i = 0; i < v.length; i++) z += COEFFICIENTS[i + 1] * v[i];
  return 1 / (1 + Math.exp(-z));
}

/** Share of the covered copy words that differ from the source. */
export function changedShare(s: AlignmentStats): number {
  const covered = s.copyCovered;
  if (!covered) return 0;
  return Math.min(1, (s.explained + s.unexplained + s.inserted) / covered);
}

/** Share of out-of-order segments a verbatim copy may show (a repeated sentence aligned to its twin). */
const REPEAT_TOLERANCE = 0.025;
/**
 * Share of out-of-order segments from which a copy counts as restructured: about one moved
 * sentence in a news story. Spun and verbatim copies keep the source's order (the aligner
 * places a repeated sentence where it continues the previous one); sentence-level rewrites
 * (splits, merges, moved clauses) break it in most copies.
 */
const PARAPHRASE_REORDER = 0.015;

export function classify(s: AlignmentStats, score: number, copySentences: number): CopyKind {
  if (score < 0.5) return "unrelated";
  const changed = changedShare(s);
  const reorder = s.segments > 0 ? s.outOfOrder / s.segments : 0;
  const split = copySentences > 0 ? s.segments / copySentences : 1;
  const subs = s.explained + s.unexplained;
  const unexplainedShare = subs > 0 ? s.unexplained / subs : 0;
  const immutableKept = s.immutablesCopy > 0 ? s.immutablesMatched / s.immutablesCopy : 1;
  // A sentence the text repeats can align to its earlier twin and read as one moved sentence:
  // a few such segments are tolerated before the copy counts as reordered.
  if (s.explained + s.unexplained + s.inserted <= Math.max(1, 0.005 * s.copyCovered) && reorder <= REPEAT_TOLERANCE) return "verbatim";
  // A thesaurus spinner makes changes the lexicon explains and leaves names alone; a
  // translation round trip makes changes nothing explains and respells some names.
  if (subs >= 5 && unexplainedShare > 0.6 && immutableKept < 0.96) return "translated";
  if (unexplainedShare > 0.75 && changed > 0.4) return "translated";
  if (reorder > PARAPHRASE_REORDER || split > 1.4) return "paraphrased";
  return "spun";
}
