/**
 * A seeded, rate-controlled article-spinner simulator: it rewrites clean text the way a
 * thesaurus spinner does and records, for every change, where the spun words are and
 * what they replaced. Those records are the labels a restorer is evaluated against.
 *
 * Habits reproduced:
 * - context-blind sense choice: the substitute is drawn from the synonyms of ALL senses
 *   of the word (weighted toward the frequent senses, but often the wrong one);
 * - inflection to fit (the lexicon's forward() inflects its outputs);
 * - multi-word swaps both ways (word → phrase, phrase → word, phrase → phrase);
 * - function words and auxiliaries are swapped too whenever the lexicon offers a substitute;
 * - proper names (capitalised mid-sentence, all caps), numbers, headline lines (the tokenizer's
 *   `headline`, and any line of at most 12 words not ending like a sentence) and
 *   (optionally) quoted speech are left alone; the first letter keeps its case.
 *
 * Rate semantics: the document is walked left to right over word positions; a position is
 * ELIGIBLE when it is not protected and the lexicon offers at least one usable candidate
 * starting there. Each eligible position is replaced with probability `rate`, independently
 * (a multi-word swap consumes the positions it covers, which are then not visited).
 * So `substitutions.length / eligible` ≈ `rate`; `eligible` is returned with the result.
 *
 * Randomness is keyed by (seed, text, token position), so a run is deterministic given the seed,
 * and with one seed the changes made at a lower rate are (nearly always) a subset of those
 * made at a higher rate, with the same substitutes.
 *
 * See README.md in this folder for why the simulator's choice policy and its default of no
 * hand-written phrase table keep an evaluation honest.
 */

import type { Relation } from "../lexicon/types.js";
import { loadLexicon } from "../lexicon/files.js";
import type { ForwardCandidate as LexiconForwardCandidate } from "../lexicon/lexicon.js";
import { functionWordLexicon } from "./function-words.js";
import { matchApostrophes, matchCase, tokenize, type Token } from "../text/tokenize.js";
import { applyEdits } from "../text/edits.js";
import { fmix32, fnv1a } from "../text/hash.js";

/** The fields of the lexicon's forward candidates the simulator uses (a test may supply just these). */
export type ForwardCandidate = Pick<LexiconForwardCandidate, "length" | "spun" | "relation" | "senseRank" | "fanout">;

/** The part of the lexicon the simulator needs. */
export interface ForwardLexicon {
  forward(norms: readonly string[], i: number): readonly ForwardCandidate[];
}

export interface SpinOptions {
  /** Probability that each eligible position is replaced, 0..1. */
  rate: number;
  seed: number;
  /** Leave words inside double quotation marks alone. Default true. (Headline lines are always left alone.) */
  protectQuotes?: boolean;
  /** Leave proper names alone: capitalised mid-sentence words, all-caps words, and sentence-initial words that the document only ever writes capitalised. Default true. */
  protectNames?: boolean;
  /** Defaults to the project lexicon (loadLexicon()). */
  lexicon?: ForwardLexicon;
  /**
   * Also use the lexicon's 'phrase' relation (the hand-written function-word / phrase table).
   * Default false: a restorer that uses that table must not be graded on text made from it.
   */
  phraseTable?: boolean;
  /**
   * Also swap function words, modals and stock phrases from the simulator's OWN small table
   * (function-words.ts; relation 'phrase'), independent of the lexicon's hand-written table.
   * Default false. The lexicon offers function words only through its phrase table, so without
   * this option (or phraseTable) connectives, prepositions and auxiliaries are never changed.
   */
  functionWords?: boolean;
  /** Override the relation mix (relative weights of the relation classes; 0 disables a relation). */
  relationWeights?: Partial<Record<Relation, number>>;
}

export interface SpinSubstitution {
  /** Offsets of the spun words in the OUTPUT text. */
  start: number;
  end: number;
  /** The spun words as they appear in the output. */
  spun: string;
  /** The original words as they appear in the input (input.slice(originalStart, originalEnd)). */
  original: string;
  originalStart: number;
  originalEnd: number;
  relation: Relation;
  /** Rank of the original's sense the substitute was drawn from (0 = most frequent sense). */
  senseRank: number;
}

export interface SpinResult {
  text: string;
  /** In document order. */
  substitutions: SpinSubstitution[];
  /** Number of eligible positions visited (the denominator of the achieved rate). */
  eligible: number;
}

/**
 * The simulator's relation mix: when a position is replaced, the relation class of the substitute
 * is drawn with these weights, renormalised over the classes the lexicon offers there.
 */
export const DEFAULT_RELATION_WEIGHTS: Readonly<Record<Relation, number>> = {
  synonym: 0.7,
  similar: 0.1,
  hypernym: 0.1,
  hyponym: 0.05,
  variant: 0.02,
  phrase: 0.15, // used only with phraseTable: true
  learned: 0, // the lexicon never offers learned pairs to the simulator
  slot: 0,
};

/** Extra weight for a candidate that replaces several original words (spinners match longest first). */
const MULTIWORD_BOOST = 2;
/** Sense weighting: weight 1 / (1 + senseRank)^SENSE_DECAY. */
const SENSE_DECAY = 0.5;

// ---------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a small, fast 32-bit PRNG. Returns a function giving uniform floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix a seed and a position into one 32-bit seed (murmur3 finaliser). */
export function mixSeed(seed: number, position: number): number {
  return fmix32((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(position + 1, 0x85ebca6b)) >>> 0);
}

// ---------------------------------------------------------------------------------------------

let defaultLexicon: ForwardLexicon | undefined;
let ownTableLexicon: ForwardLexicon | undefined;

export function ownTable(): ForwardLexicon {
  ownTableLexicon ??= functionWordLexicon();
  return ownTableLexicon;
}

function getDefaultLexicon(): ForwardLexicon {
  defaultLexicon ??= loadLexicon();
  return defaultLexicon;
}

/** Spin `text`. See the module comment for the rate semantics. */
export function spin(text: string, options: SpinOptions): SpinResult {
  const rate = options.rate;
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`rate must be in [0, 1], got ${rate}`);
  // Keyed by the text too, so that documents spun with one seed get independent draws.
  const seed = mixSeed(options.seed >>> 0, fnv1a(text));
  const protectQuotes = options.protectQuotes ?? true;
  const protectNames = options.protectNames ?? true;
  const phraseTable = options.phraseTable ?? false;
  const weights: Record<Relation, number> = { ...DEFAULT_RELATION_WEIGHTS, ...options.relationWeights };
  const functionWords = options.functionWords ?? false;
  if (!phraseTable && !functionWords) weights.phrase = 0;

  const { tokens, wordTok, norms, protectedWord } = wordView(text, { protectQuotes, protectNames });

  const base = options.lexicon ?? getDefaultLexicon();
  // Without phraseTable the lexicon's 'phrase' entries are dropped; the own table may add 'phrase' ones.
  const lexicon: ForwardLexicon = {
    forward(ns: readonly string[], i: number): readonly ForwardCandidate[] {
      let cands = base.forward(ns, i);
      if (!phraseTable) cands = cands.filter((c) => !fromPhraseTable(c, ns, i));
      return functionWords ? cands.concat(ownTable().forward(ns, i)) : cands;
    },
  };

  const substitutions: SpinSubstitution[] = [];
  let out = "";
  let copied = 0; // input offset up to which text has been copied to `out`
  let eligible = 0;

  for (let w = 0; w < norms.length; ) {
    const candidates = usableCandidates(tokens, wordTok, norms, w, protectedWord, weights, lexicon);
    if (candidates.length === 0) {
      w++;
      continue;
    }
    eligible++;
    const k = wordTok[w];
    const rng = mulberry32(mixSeed(seed, k));
    if (rng() >= rate) {
      w++;
      continue;
    }
    const choice = choose(candidates, weights, rng);
    const first = tokens[k];
    const last = tokens[wordTok[w + choice.length - 1]];
    const original = text.slice(first.start, last.end);
    const spun = matchApostrophes(matchCase(choice.spun, first.text), original);
    out += text.slice(copied, first.start);
    const start = out.length;
    out += spun;
    substitutions.push({
      start,
      end: out.length,
      spun,
      original,
      originalStart: first.start,
      originalEnd: last.end,
      relation: choice.relation,
      senseRank: choice.senseRank,
    });
    copied = last.end;
    w += choice.length;
  }
  out += text.slice(copied);
  return { text: out, substitutions, eligible };
}

/** A document's word tokens as the simulators walk them, with the protection rule applied. */
export interface WordView {
  tokens: Token[];
  /** wordTok[w] is the token index of word w. */
  wordTok: number[];
  /** Normalised words (the lexicon's keys), word tokens only. */
  norms: string[];
  /** Whether a token is protected (headline line, heading, quoted speech, name). */
  protectedWord: (t: Token) => boolean;
}

/** Tokenise `text` and build the protection rule shared by `spin()` and the site spinner (site.ts). */
export function wordView(text: string, options: { protectQuotes: boolean; protectNames: boolean }): WordView {
  const { protectQuotes, protectNames } = options;
  const tokens = tokenize(text);
  // The lexicon sees the word tokens only; wordTok maps a word index to its token index.
  const wordTok: number[] = [];
  const norms: string[] = [];
  tokens.forEach((t, k) => {
    if (t.kind === "word") {
      wordTok.push(k);
      norms.push(t.norm);
    }
  });
  const names = protectNames ? documentNames(tokens) : new Set<string>();
  const headings = headingTokens(text, tokens);
  const protectedWord = (t: Token): boolean =>
    t.headline || headings.has(t.start) ||
    (protectQuotes && t.quoted) ||
    (protectNames && (t.allCaps || (t.capitalised && (!t.sentenceStart || names.has(t.norm)))));
  return { tokens, wordTok, norms, protectedWord };
}

/**
 * Whether a forward candidate comes from the lexicon's hand-written phrase table (which includes
 * the observed development pairs). The lexicon marks those with `link: "phrase"`. Without a `link`
 * (other lexicons), the test falls back to the relation. Table rows are relation 'phrase', or
 * 'variant' for contractions and spacing ("did not" ↔ "didn't", "per cent" ↔ "percent"). WordNet
 * variants are single-word spelling pairs, so a variant is counted as table-made when either side
 * has an apostrophe or the two sides have different word counts.
 */
export function fromPhraseTable(c: ForwardCandidate & { link?: string }, norms: readonly string[], i: number): boolean {
  if (c.link !== undefined) return c.link === "phrase";
  if (c.relation === "phrase") return true;
  if (c.relation !== "variant") return false;
  const original = norms.slice(i, i + c.length).join(" ");
  return /['’]/.test(c.spun) || /['’]/.test(original) || c.spun.split(" ").length !== c.length;
}

/** Undo a spin: apply the substitutions in reverse to the spun text. Gives back the input exactly. */
export function unspinWith(spunText: string, substitutions: readonly SpinSubstitution[]): string {
  return applyEdits(spunText, substitutions.map((s) => ({ start: s.start, end: s.end, replacement: s.original })));
}

/** Short lines that do not end like a sentence ("Merger proposed"): headings, even when not title case. */
const HEADING_MAX_WORDS = 12;

function headingTokens(text: string, tokens: Token[]): Set<number> {
  const out = new Set<number>();
  let k = 0;
  while (k < tokens.length) {
    let lineEnd = text.indexOf("\n", tokens[k].start);
    if (lineEnd < 0) lineEnd = text.length;
    let j = k;
    let words = 0;
    while (j < tokens.length && tokens[j].start < lineEnd) {
      if (tokens[j].kind === "word") words++;
      j++;
    }
    const last = tokens[j - 1];
    if (words <= HEADING_MAX_WORDS && !/[.!?:;…"”’)]/.test(last.text)) {
      for (let m = k; m < j; m++) out.add(tokens[m].start);
    }
    k = j;
  }
  return out;
}

/**
 * Words the document treats as names: seen capitalised in mid-sentence and never in lower case.
 * A sentence-initial "Bill" or "Fulton" is then left alone like its mid-sentence occurrences.
 */
function documentNames(tokens: Token[]): Set<string> {
  const capitalised = new Set<string>();
  const lower = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== "word") continue;
    if (!t.capitalised) lower.add(t.norm);
    else if (!t.sentenceStart) capitalised.add(t.norm);
  }
  for (const n of lower) capitalised.delete(n);
  return capitalised;
}

/** Spinners leave numbers alone, spelled out or not. */
export const NUMBER_WORDS: ReadonlySet<string> = new Set(
  ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million " +
    "billion trillion first second third fourth fifth sixth seventh eighth ninth tenth dozen half quarter").split(" "),
);

/** Candidates at word index w that the simulator may use, deduplicated by (length, spun). */
function usableCandidates(
  tokens: Token[], wordTok: number[], norms: string[], w: number,
  protectedWord: (t: Token) => boolean, weights: Record<Relation, number>, lexicon: ForwardLexicon,
): ForwardCandidate[] {
  const head = tokens[wordTok[w]];
  if (protectedWord(head) || NUMBER_WORDS.has(head.norm)) return [];
  const raw = lexicon.forward(norms, w);
  if (raw.length === 0) return [];
  const spanCache = new Map<number, boolean>([[1, true]]);
  return thesaurusCandidates(raw, norms, w, weights, (length) => {
    let ok = spanCache.get(length);
    if (ok === undefined) spanCache.set(length, (ok = spanOk(tokens, wordTok, w, length, protectedWord)));
    return ok;
  });
}

/**
 * The forward candidates a thesaurus spinner would list for the words starting at norms[w]:
 * relations with a positive weight, no co-hyponyms or two-step similar links, not the identity,
 * deduplicated by (length, spun) keeping the most frequent sense. `spanUsable(length)` says
 * whether a swap of that many words may be made there.
 */
export function thesaurusCandidates(
  raw: readonly ForwardCandidate[], norms: readonly string[], w: number,
  weights: Record<Relation, number>, spanUsable: (length: number) => boolean = () => true,
): ForwardCandidate[] {
  const seen = new Map<string, ForwardCandidate>();
  for (const c of raw) {
    if (!(weights[c.relation] > 0) || c.length < 1 || w + c.length > norms.length) continue;
    // Thesaurus tables list synonyms and near neighbours, not co-hyponyms (Monday → Tuesday).
    const link = (c as { link?: string }).link;
    if (link === "sibling" || link === "similar2") continue;
    if (!spanUsable(c.length)) continue;
    const spun = c.spun.trim().replace(/\s+/g, " ");
    if (spun.length === 0 || spun === norms.slice(w, w + c.length).join(" ")) continue;
    const key = `${c.length}\u0000${spun}`;
    const prev = seen.get(key);
    if (prev === undefined || c.senseRank < prev.senseRank ||
        (c.senseRank === prev.senseRank && weights[c.relation] > weights[prev.relation])) {
      seen.set(key, spun === c.spun ? c : { ...c, spun });
    }
  }
  return [...seen.values()];
}

/** The words w .. w+length-1 are adjacent tokens (only spaces between), in one sentence and unprotected. */
export function spanOk(tokens: Token[], wordTok: number[], w: number, length: number, protectedWord: (t: Token) => boolean): boolean {
  const k0 = wordTok[w];
  for (let j = 1; j < length; j++) {
    const k = wordTok[w + j];
    if (k !== k0 + j) return false;
    const t = tokens[k];
    if (t.sentence !== tokens[k0].sentence || protectedWord(t)) return false;
  }
  return true;
}

/**
 * The simulator's choice policy: draw a relation class with the relation mix (renormalised over
 * the classes on offer), then a candidate of that class with weight 1/sqrt(1 + senseRank)
 * (×2 for multi-word originals). Candidates come from all senses of the word: context-blind.
 */
export function choose(candidates: readonly ForwardCandidate[], weights: Record<Relation, number>, rng: () => number): ForwardCandidate {
  const classes = new Map<Relation, ForwardCandidate[]>();
  for (const c of candidates) {
    const list = classes.get(c.relation);
    if (list === undefined) classes.set(c.relation, [c]);
    else list.push(c);
  }
  const relations = [...classes.keys()].sort(); // order independent of the lexicon's output order
  const relation = pick(relations, relations.map((r) => weights[r]), rng());
  const pool = classes.get(relation)!.slice().sort(byKey);
  return pick(pool, pool.map((c) => (c.length > 1 ? MULTIWORD_BOOST : 1) / Math.pow(1 + c.senseRank, SENSE_DECAY)), rng());
}

function byKey(a: ForwardCandidate, b: ForwardCandidate): number {
  return a.length - b.length || (a.spun < b.spun ? -1 : a.spun > b.spun ? 1 : 0);
}

export function pick<T>(items: readonly T[], weights: readonly number[], u: number): T {
  let total = 0;
  for (const w of weights) total += w;
  let x = u * total;
  for (let k = 0; k < items.length; k++) {
    x -= weights[k];
    if (x < 0) return items[k];
  }
  return items[items.length - 1];
}
