/**
 * Candidates beyond the thesaurus: for a word the language model finds out of place, the words it
 * predicts in that slot from the two words on each side. A spinner's non-thesaurus choices
 * ("japanese" for "eastern", "bottom" for "ground") are invisible to any thesaurus, but the
 * slot they stand in still asks for the original: "back in japanese Europe" reads as
 * "back in eastern Europe" to a trigram model. One page's proposal is weak evidence (many words
 * fit most slots); the site learner promotes a proposal only when it recurs for the same word
 * across its pages, which is what a fixed spinner table produces.
 */
import type { LanguageModel } from "../model/lm.js";
import type { Token } from "../text/tokenize.js";
import { FUNCTION_WORDS } from "../lexicon/function-words.js";

export interface SlotPair {
  original: string;
  spun: string;
  /** Slots the model proposed the original for, over all pages. */
  count: number;
  pages: number;
  source: "slot";
}

export const SLOT_DEFAULTS = {
  /** A word is out of place when the best slot word scores this much better (log10, with context). */
  margin: 1.5,
  /** Proposals kept per slot. */
  perSlot: 3,
  /** A proposal must recur this often (and on this many pages) for the same word. */
  minCount: 2,
  minPages: 2,
  /** Candidate lists longer than this are not scanned (a slot after "the" admits half the vocabulary). */
  maxScan: 6000,
} as const;

const PLAIN = /^[a-z]+$/;

/** Proposals (original → observed word) for out-of-place words of the pages' text. */
export function slotCandidates(pages: readonly Token[][], lm: LanguageModel, options: Partial<typeof SLOT_DEFAULTS> = {}): SlotPair[] {
  const o = { ...SLOT_DEFAULTS, ...options };
  const predecessors = lm.predecessors?.bind(lm);
  const successors = lm.successors?.bind(lm);
  if (predecessors === undefined || successors === undefined) return [];
  const found = new Map<string, { count: number; pages: Set<number> }>();
  const plain = new Map<number, boolean>();
  const isPlain = (id: number): boolean => {
    let p = plain.get(id);
    if (p === undefined) {
      const w = lm.word(id);
      p = PLAIN.test(w) && w.length > 2 && !FUNCTION_WORDS.has(w);
      plain.set(id, p);
    }
    return p;
  };
  pages.forEach((tokens, page) => {
    const ids = tokens.map((t) => (t.kind === "word" ? lm.id(t.norm) : -1));
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind !== "word" || t.capitalised || t.quoted || t.headline || !PLAIN.test(t.norm) || FUNCTION_WORDS.has(t.norm)) continue;
      const w = ids[i];
      if (w < 0) continue;
      // Context: adjacent word tokens of the same sentence (punctuation breaks it).
      const at = (k: number) => (k >= 0 && k < tokens.length && tokens[k].kind === "word" && tokens[k].sentence === t.sentence ? ids[k] : -1);
      const h1 = t.sentenceStart ? lm.bos : at(i - 1);
      const h2 = t.sentenceStart ? -1 : at(i - 2);
      const r1 = at(i + 1);
      if (r1 < 0 || h1 < 0) continue;
      const r2 = at(i + 2);
      const score = (x: number) => lm.logProb(x, h1, h2) + lm.logProb(r1, x, h1) + (r2 >= 0 ? lm.logProb(r2, r1, x) : 0);
      const current = score(w);
      // Cheap test first: a word with a bigram on both sides fits its slot well enough.
      if (current > -6) continue;
      const before = predecessors(r1);
      const after = successors(h1);
      const [scan, other] = before.length <= after.length ? [before, after] : [after, before];
      if (scan.length > o.maxScan) continue;
      const best: Array<{ x: number; s: number }> = [];
      for (let k = 0; k < scan.length; k++) {
        const x = scan[k];
        if (x === w || !has(other, x) || !isPlain(x)) continue;
        const s = score(x);
        if (s < current + o.margin) continue;
        if (best.length < o.perSlot) best.push({ x, s });
        else {
          let worst = 0;
          for (let j = 1; j < best.length; j++) if (best[j].s < best[worst].s) worst = j;
          if (s > best[worst].s) best[worst] = { x, s };
        }
      }
      for (const b of best) {
        const key = `${lm.word(b.x)}\u0000${t.norm}`;
        let f = found.get(key);
        if (f === undefined) found.set(key, (f = { count: 0, pages: new Set() }));
        f.count++;
        f.pages.add(page);
      }
    }
  });
  const out: SlotPair[] = [];
  for (const [key, f] of found) {
    if (f.count < o.minCount || f.pages.size < Math.min(o.minPages, pages.length)) continue;
    const [original, spun] = key.split("\u0000");
    out.push({ original, spun, count: f.count, pages: f.pages.size, source: "slot" });
  }
  return out;
}

/** Binary search in an ascending id list. */
function has(list: Uint32Array, x: number): boolean {
  let lo = 0, hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = list[mid];
    if (v === x) return true;
    if (v < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
