/**
 * Which lemma a word's cluster key is taken from. Shared by the build (which places phrase and
 * observed edges on these lemmas) and the runtime `clusterKey`, so both sides agree.
 */
import type { Analysis } from "./morph.js";

/**
 * The analysis whose lemma is most used (WordNet tag counts over all its senses), a base-form
 * reading winning ties, then the alphabetically first lemma. Returns undefined for no analyses.
 */
export function pickKeyLemma(analyses: readonly Analysis[], usage: (lemma: string) => number): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  for (const a of analyses) {
    const score = usage(a.lemma) * 2 + (a.form === "base" ? 1 : 0);
    if (score > bestScore || (score === bestScore && best !== undefined && a.lemma < best)) {
      best = a.lemma;
      bestScore = score;
    }
  }
  return best;
}
