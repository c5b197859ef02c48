/**
 * Candidates beyond the thesaurus: for a word the language model finds out of place, the words it
 * predicts in that slot from the two words on each side. A spinner's non-thesaurus choices
 * ("japanese" for "eastern", "bottom" for "ground") are invisible to any thesaurus, but the
 * slot they stand in still asks for the original: "back in japanese Europe" reads as
 * "back in eastern Europe" to a trigram model. A slot is one word, or (with
 * `maxSpun: 2`) a two-word phrase with a content word in it ("the place" for "where"); the originals proposed are single words (two-word
 * originals were tried: they cost twenty times the time for under two points of reach). One page's proposal is weak evidence (many words
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
  /**
   * Spun phrases up to this many words are read as one slot. Default 1: two-word slots make
   * "the place" → "where" reachable, but on simulated sites they cost precision (0.67 → 0.61 of
   * the learned places right) and two and a half times the time, for no recall; the lexicon's
   * phrase table already lists the common rewrites of that kind.
   */
  maxSpun: 1,
} as const;

const PLAIN = /^[a-z]+$/;

/** Proposals (original → observed word) for out-of-place words of the pages' text. */
export function slotCandidates(pages: readonly Token[][], lm: LanguageModel, options: Partial<Record<keyof typeof SLOT_DEFAULTS, number>> = {}): SlotPair[] {
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
  // A one-word original of a phrase may be a function word ("the place" for "where").
  const fits = (id: number, functionWords: boolean): boolean => isPlain(id) || (functionWords && FUNCTION_WORDS.has(lm.word(id)));
  pages.forEach((tokens, page) => {
    const ids = tokens.map((t) => (t.kind === "word" ? lm.id(t.norm) : -1));
    const free = (t: Token | undefined): boolean =>
      t !== undefined && t.kind === "word" && !t.capitalised && !t.quoted && !t.headline && PLAIN.test(t.norm);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!free(t) || ids[i] < 0) continue;
      // Context: adjacent word tokens of the same sentence (punctuation breaks it).
      const at = (k: number) => (k >= 0 && k < tokens.length && tokens[k].kind === "word" && tokens[k].sentence === t.sentence ? ids[k] : -1);
      const h1 = t.sentenceStart ? lm.bos : at(i - 1);
      const h2 = t.sentenceStart ? -1 : at(i - 2);
      if (h1 < 0) continue;
      for (let length = 1; length <= o.maxSpun; length++) {
        // The spun words: one content word, or a short phrase with one ("the place" for "where").
        const span: number[] = [];
        let content = false;
        for (let k = i; k < i + length; k++) {
          if (!free(tokens[k]) || at(k) < 0) break;
          span.push(ids[k]);
          content ||= !FUNCTION_WORDS.has(tokens[k].norm);
        }
        if (span.length < length) break;
        if (!content) continue;
        const r1 = at(i + length);
        if (r1 < 0) break;
        const r2 = at(i + length + 1);
        const window = (words: readonly number[]): number => {
          let s = 0, a = h2, b = h1;
          for (const w of [...words, r1]) {
            s += lm.logProb(w, b, a);
            a = b;
            b = w;
          }
          return r2 >= 0 ? s + lm.logProb(r2, b, a) : s;
        };
        const current = window(span);
        // Cheap test first: words that fit their slot (about 1 in 100 per word or better) are left alone.
        if (current / (length + 2) > -2) continue;
        const spun = tokens.slice(i, i + length).map((x) => x.norm).join(" ");
        const best: Array<{ words: number[]; s: number }> = [];
        const offer = (words: number[]) => {
          const s = window(words);
          if (s < current + o.margin) return;
          if (best.length < o.perSlot) best.push({ words, s });
          else {
            let worst = 0;
            for (let j = 1; j < best.length; j++) if (best[j].s < best[worst].s) worst = j;
            if (s > best[worst].s) best[worst] = { words, s };
          }
        };
        // One-word originals: what may follow the left context and precede the right.
        const following = successors(h1);
        const preceding = predecessors(r1);
        const [scan, other] = following.length <= preceding.length ? [following, preceding] : [preceding, following];
        if (scan.length <= o.maxScan) {
          for (let k = 0; k < scan.length; k++) {
            const x = scan[k];
            if ((length === 1 && x === span[0]) || !has(other, x) || !fits(x, length > 1)) continue;
            offer([x]);
          }
        }
        for (const b of best) {
          const original = b.words.map((w) => lm.word(w)).join(" ");
          if (original === spun) continue;
          const key = `${original}\u0000${spun}`;
          let f = found.get(key);
          if (f === undefined) found.set(key, (f = { count: 0, pages: new Set() }));
          f.count++;
          f.pages.add(page);
        }
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
