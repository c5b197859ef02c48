/**
 * Spin-robust fingerprints.
 *
 * Words become spin-invariant keys (the lexicon's synonym-cluster key; function words,
 * which spinners rewrite freely, are dropped). Two kinds of shingle are hashed:
 *  - key bigrams: two consecutive content keys within a sentence;
 *  - immutables: names (capitalised words inside a sentence, acronyms) and numbers,
 *    which spinners leave alone.
 *
 * Sampling instead of MinHash banding. MinHash estimates Jaccard similarity, which
 * collapses for the partial copies and boilerplate-padded copies this tool must find
 * (a copy of 30 % of a source has Jaccard ≈ 0.3 × survival even with a perfect key).
 * We keep instead every shingle whose hash is 0 mod P ("mod-P" sampling, Broder 1997):
 * the choice depends on the shingle alone, so a copy samples exactly the surviving
 * shingles the source sampled, and hit counts estimate *containment* both ways. Each
 * sampled shingle is an LSH band of one row, stored in the index as (hash, doc).
 * Short documents are sampled more densely (P = 4, 2, 1) so that every document keeps
 * at least MIN_SAMPLES postings; since these P divide 8, a shingle sampled at P = 8 is
 * sampled in every document, which is what makes the query side simple.
 */
import {
  ALL_CAPS, CAPITALISED, HEADLINE, NUMBER, QUOTED, scanText, SENTENCE_START, type ScannedText, type ScanToken,
} from "./scan.js";
import { combine, hashString } from "./hash.js";
import { STOPWORDS, type TraceLexicon } from "./keys.js";

export const FINGERPRINT_VERSION = 1;
/** Sampling moduli by level code (stored in the posting). */
export const LEVELS = [8, 4, 2, 1] as const;
export const BASE_MODULUS = 8;
export const MIN_SAMPLES = 12;

/** A word or number of a text with its spin-invariant key (see scan.ts for the other fields). */
export type Word = ScanToken;

/**
 * What fingerprints need of each word form of a scan's vocabulary, by word id: found
 * once per form and lexicon rather than once per token.
 */
export class WordFacts {
  /** `Word.norm`: the normalised form; a number without currency sign and thousands separators. */
  readonly norm: string[] = [];
  /** Spin-invariant key (a number keys to itself). */
  readonly key: string[] = [];
  /** Hash of `key`; -1 until the form's facts are found. */
  readonly keyHash: number[] = [];
  /** Hash of `norm`: the key of the form as a name or number. */
  readonly nameHash: number[] = [];
  readonly stop: boolean[] = [];

  constructor(readonly forms: readonly string[], private readonly lex: TraceLexicon) {}

  /** Make room for every form of the vocabulary so far. */
  extend(): void {
    for (let id = this.keyHash.length; id < this.forms.length; id++) {
      this.norm.push("");
      this.key.push("");
      this.keyHash.push(-1);
      this.nameHash.push(0);
      this.stop.push(false);
    }
  }

  /** Find the facts of form `id` (a number when its tokens are numbers). */
  learn(id: number, number: boolean): void {
    const form = this.forms[id];
    if (number) {
      const c = form.charCodeAt(0);
      const norm = c === 36 || c === 0xa3 || c === 0x20ac || form.includes(",") ? form.replace(/^[$£€]/, "").replace(/,/g, "") : form;
      this.norm[id] = this.key[id] = norm;
      this.keyHash[id] = this.nameHash[id] = hashString(norm);
      return;
    }
    const key = this.lex.key(form);
    this.norm[id] = form;
    this.key[id] = key;
    this.keyHash[id] = hashString(key);
    this.nameHash[id] = hashString(form);
    this.stop[id] = STOPWORDS.has(form);
  }
}

/** A scanned text and the facts of its word forms. */
export interface Analysis {
  scanned: ScannedText;
  facts: WordFacts;
}

const factsByLexicon = new WeakMap<TraceLexicon, WordFacts>();

/** Scan a text and find the keys of its words. */
export function analyze(text: string, lex: TraceLexicon): Analysis {
  const scanned = scanText(text);
  let facts = factsByLexicon.get(lex);
  if (facts?.forms !== scanned.norms) factsByLexicon.set(lex, (facts = new WordFacts(scanned.norms, lex)));
  facts.extend();
  for (let t = 0; t < scanned.length; t++) {
    const id = scanned.word[t];
    if (facts.keyHash[id] < 0) facts.learn(id, (scanned.flags[t] & NUMBER) !== 0);
  }
  return { scanned, facts };
}

/** A name: in capitals, or capitalised inside a sentence (not a headline). Spinners leave names alone. */
function isName(flags: number): boolean {
  return (flags & ALL_CAPS) !== 0 || (flags & (CAPITALISED | SENTENCE_START | HEADLINE)) === CAPITALISED;
}

/** The analysed text's words as objects, for alignment. */
export function wordsOf({ scanned: s, facts }: Analysis): Word[] {
  const out: Word[] = new Array(s.length);
  for (let t = 0; t < s.length; t++) {
    const id = s.word[t];
    const f = s.flags[t];
    const number = (f & NUMBER) !== 0;
    const stop = !number && facts.stop[id];
    const immutable = number || (!stop && isName(f));
    out[t] = {
      norm: facts.norm[id], key: immutable ? facts.norm[id] : facts.key[id],
      keyHash: immutable ? facts.nameHash[id] : facts.keyHash[id], stop, immutable,
      start: s.start[t], end: s.end[t], number, sentence: s.sentence[t], quoted: (f & QUOTED) !== 0,
      capitalised: (f & CAPITALISED) !== 0, allCaps: (f & ALL_CAPS) !== 0,
      sentenceStart: (f & SENTENCE_START) !== 0, headline: (f & HEADLINE) !== 0,
    };
  }
  return out;
}

/** Shingle hashes of an analysed text, in text order, with repeats. */
export function shingleList({ scanned: s, facts }: Analysis): number[] {
  const out: number[] = [];
  let prev = -1;
  let prevSentence = -1;
  for (let t = 0; t < s.length; t++) {
    const id = s.word[t];
    const f = s.flags[t];
    let h: number;
    if (f & NUMBER) {
      if (facts.norm[id].length < 2) continue;
      h = facts.nameHash[id];
      out.push(combine(h, 0, 2));
    } else if (facts.stop[id]) {
      continue;
    } else if (isName(f)) {
      h = facts.nameHash[id];
      out.push(combine(h, 0, 2));
    } else {
      h = facts.keyHash[id];
    }
    if (prev >= 0 && prevSentence === s.sentence[t]) out.push(combine(prev, h, 1));
    prev = h;
    prevSentence = s.sentence[t];
  }
  return out;
}

/** All distinct shingle hashes of an analysed text. */
export function shingles(a: Analysis): Uint32Array {
  return Uint32Array.from(new Set(shingleList(a)));
}

/** The shingles a document stores and its sampling level code (index into LEVELS). */
export function sample(all: Uint32Array | number[]): { hashes: number[]; level: number } {
  for (let level = 0; level < LEVELS.length; level++) {
    const p = LEVELS[level];
    const kept = new Set<number>();
    for (const h of all) if (h % p === 0) kept.add(h);
    if (kept.size >= MIN_SAMPLES || level === LEVELS.length - 1) return { hashes: [...kept], level };
  }
  return { hashes: [], level: LEVELS.length - 1 };
}

/** Pack a document id and its level code into one posting value. */
export function packPosting(docId: number, level: number): number {
  return docId * 4 + level;
}
export function unpackPosting(v: number): { docId: number; level: number } {
  return { docId: Math.floor(v / 4), level: v & 3 };
}
