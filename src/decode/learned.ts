/**
 * Substitutions learned from confirmed traces (`unspin learn`): pairs a spinner was seen to
 * make in copies of the user's own documents. They join the lexicon as candidates (a spinner
 * table the thesaurus does not know is exactly what they teach) and earn a channel bonus.
 */
import type { PhraseMatch, Substitution } from "../lexicon/types.js";
import type { ChannelLexicon, LearnedPairs } from "./channel.js";
import { FUNCTION_WORDS } from "../lexicon/function-words.js";

/**
 * Alignment noise shows up as one-off swaps between function words ("in" / "from", "its" /
 * "their"), and a single such pair would then fire on every clean "from"; those need to be
 * seen at least this often before they count.
 */
const MIN_FUNCTION_WORD_COUNT = 3;

function trusted(p: LearnedPair): boolean {
  if (p.probability !== undefined) return true; // the site learner weighed its own evidence
  const functionWords = (s: string) => s.toLowerCase().split(/\s+/).every((w) => FUNCTION_WORDS.has(w));
  return p.count >= MIN_FUNCTION_WORD_COUNT || !(functionWords(p.original) || functionWords(p.spun));
}

export interface LearnedPair {
  original: string;
  spun: string;
  /** Times the pair was seen (traced) or expected spun occurrences (site learner). */
  count: number;
  /**
   * P(spun | original) on the site the pair was learned from: how often the spinner's table
   * turns the original into these words. Absent for traced pairs, which earn a count bonus only.
   */
  probability?: number;
  /** Pages the evidence came from. */
  pages?: number;
  /** `slot`: a candidate the language model proposed, not yet evidence of anything (site learner). */
  source?: "site" | "traced" | "slot";
}

/** original → spun → {count, probability}, as the channel reads it. */
export function learnedMap(pairs: readonly LearnedPair[]): LearnedPairs {
  const map = new Map<string, Map<string, { count: number; probability: number }>>();
  for (const p of pairs) {
    if (!trusted(p)) continue;
    const original = p.original.toLowerCase();
    const spun = p.spun.toLowerCase();
    let inner = map.get(original);
    if (inner === undefined) map.set(original, (inner = new Map()));
    const old = inner.get(spun);
    if (old === undefined) inner.set(spun, { count: p.count, probability: p.probability ?? 0 });
    else {
      old.count += p.count;
      old.probability = Math.max(old.probability, p.probability ?? 0);
    }
  }
  return map;
}

/** A lexicon that also proposes every learned original for its learned spun phrase. */
export function withLearned(base: ChannelLexicon, pairs: readonly LearnedPair[]): ChannelLexicon {
  // spun first word → [spun words, original, count]
  const byFirst = new Map<string, Array<{ spun: string[]; original: string; count: number; slot: boolean }>>();
  const fanout = new Map<string, number>();
  let longest = base.maxPhraseLength;
  for (const p of pairs) {
    if (!trusted(p)) continue;
    const spun = p.spun.toLowerCase().split(/\s+/).filter(Boolean);
    const original = p.original.toLowerCase().trim();
    if (spun.length === 0 || original === "" || spun.join(" ") === original) continue;
    longest = Math.max(longest, spun.length);
    let list = byFirst.get(spun[0]);
    if (list === undefined) byFirst.set(spun[0], (list = []));
    list.push({ spun, original, count: p.count, slot: p.source === "slot" });
    fanout.set(original, (fanout.get(original) ?? 0) + 1);
  }
  return {
    maxPhraseLength: longest,
    morphology: base.morphology,
    match(norms: string[], i: number): PhraseMatch[] {
      const matches = base.match(norms, i);
      const learned = byFirst.get(norms[i]);
      if (learned === undefined) return matches;
      const out = matches.map((m) => ({ length: m.length, substitutions: [...m.substitutions] }));
      for (const l of learned) {
        if (!l.spun.every((w, k) => norms[i + k] === w)) continue;
        let m = out.find((x) => x.length === l.spun.length);
        if (m === undefined) out.push((m = { length: l.spun.length, substitutions: [] }));
        const sub: Substitution = {
          original: l.original,
          relation: l.slot ? "slot" : "learned",
          senseRank: 0,
          spunSenseRank: 0,
          fanout: fanout.get(l.original) ?? 1,
          observed: 0,
          tagCount: 0,
        };
        const existing = m.substitutions.findIndex((s) => s.original === l.original);
        if (existing >= 0) continue; // the channel's learned bonus applies to the lexicon's own entry
        m.substitutions.push(sub);
      }
      return out.sort((a, b) => a.length - b.length);
    },
  };
}
