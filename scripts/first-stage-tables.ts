/**
 * The per-word tables of the first-stage detector, computed from the shipped model and lexicon
 * (used by scripts/build-first-stage.ts).
 *
 * For every word w the tables hold
 *   - spin:  log10 S(w)/P(w), where P is the model's unigram distribution (what a writer uses) and
 *            S(w) = Σ_o P(o)·P(spinner writes w | o) over the originals o the lexicon can spin into
 *            w, with a thesaurus spinner's choice among o's listed substitutes (src/spin: relation
 *            mix, frequent senses first, no hand-written phrase table). A rare word that common
 *            words are often spun into has a large ratio;
 *   - eligible: whether a spinner would replace w itself (it has a usable substitute), so that a
 *            spun page has fewer of it;
 *   - gain:  max over the lexicon's candidate originals o of log10 P(o)/P(w), the unigram evidence
 *            the full engine starts from ("a much commoner word could have stood here").
 * Every lower-case word of the model's vocabulary is listed (the detector's test for English text).
 */
import type { Relation } from "../src/lexicon/types.js";
import type { Lexicon } from "../src/lexicon/lexicon.js";
import { OOV_LOG_PROB, type LanguageModel } from "../src/model/index.js";
import { DEFAULT_RELATION_WEIGHTS, fromPhraseTable, NUMBER_WORDS, thesaurusCandidates } from "../src/spin/simulate.js";

export interface WordRow {
  word: string;
  /** log10 S(w)/P(w); -Infinity when no original is spun into w. */
  spin: number;
  eligible: boolean;
  /** max log10 P(o)/P(w) over candidate originals (0 when none is commoner). */
  gain: number;
}

const WORD = /^[a-z][a-z'-]*$/;

export function wordTables(model: LanguageModel, lexicon: Lexicon, onProgress?: (done: number, total: number) => void): WordRow[] {
  const weights: Record<Relation, number> = { ...DEFAULT_RELATION_WEIGHTS, phrase: 0 };
  const logP = (w: string): number => {
    const id = model.id(w);
    return id >= 0 ? model.unigram(id) : OOV_LOG_PROB;
  };
  const spunMass = new Map<string, number>();
  const eligible = new Set<string>();
  const V = model.vocabularySize;
  const vocabulary: string[] = [];
  for (let id = 0; id < V; id++) {
    const w = model.word(id);
    if (WORD.test(w)) vocabulary.push(w);
  }
  let done = 0;
  for (const o of vocabulary) {
    if (++done % 5000 === 0) onProgress?.(done, vocabulary.length);
    if (NUMBER_WORDS.has(o)) continue;
    const norms = [o];
    const raw = lexicon.forward(norms, 0).filter((c) => c.length === 1 && !fromPhraseTable(c, norms, 0));
    const cands = thesaurusCandidates(raw, norms, 0, weights);
    if (cands.length === 0) continue;
    eligible.add(o);
    // The spinner's choice: a relation class by the relation mix, then a candidate by sense rank.
    const classes = new Map<Relation, typeof cands>();
    for (const c of cands) {
      const list = classes.get(c.relation);
      if (list === undefined) classes.set(c.relation, [c]);
      else list.push(c);
    }
    let classTotal = 0;
    for (const r of classes.keys()) classTotal += weights[r];
    const pO = Math.pow(10, logP(o));
    for (const [r, list] of classes) {
      const pClass = weights[r] / classTotal;
      let total = 0;
      for (const c of list) total += 1 / Math.sqrt(1 + c.senseRank);
      for (const c of list) {
        const share = pO * pClass * (1 / Math.sqrt(1 + c.senseRank)) / total;
        // A phrase written for one word puts each of its words on the page.
        for (const piece of c.spun.split(" ")) if (WORD.test(piece)) spunMass.set(piece, (spunMass.get(piece) ?? 0) + share);
      }
    }
  }
  const words = new Set<string>([...vocabulary, ...spunMass.keys()]);
  const rows: WordRow[] = [];
  for (const w of words) {
    const lp = logP(w);
    const s = spunMass.get(w);
    let gain = 0;
    for (const m of lexicon.match([w], 0)) {
      if (m.length !== 1) continue;
      for (const sub of m.substitutions) {
        if (sub.original.includes(" ")) continue;
        gain = Math.max(gain, logP(sub.original) - lp);
      }
    }
    const row: WordRow = { word: w, spin: s === undefined ? -Infinity : Math.log10(s) - lp, eligible: eligible.has(w), gain };
    rows.push(row);
  }
  rows.sort((a, b) => (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
  return rows;
}
