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
import { scan, type ScanToken } from "./scan.js";
import { combine, hashString } from "./hash.js";
import { STOPWORDS, type TraceLexicon } from "./keys.js";

export const FINGERPRINT_VERSION = 1;
/** Sampling moduli by level code (stored in the posting). */
export const LEVELS = [8, 4, 2, 1] as const;
export const BASE_MODULUS = 8;
export const MIN_SAMPLES = 12;

/** A word or number of a text with its spin-invariant key (see scan.ts for the other fields). */
export type Word = ScanToken;

const keyHashCache = new Map<string, number>();
function keyHash(k: string): number {
  let h = keyHashCache.get(k);
  if (h === undefined) {
    h = hashString(k);
    if (keyHashCache.size > 500_000) keyHashCache.clear();
    keyHashCache.set(k, h);
  }
  return h;
}

/** Words and numbers of a text with their spin-invariant keys. */
export function analyze(text: string, lex: TraceLexicon): Word[] {
  return wordsFromTokens(scan(text), lex);
}

/** Per lexicon: normalised word → [key, hash of key], for non-immutable words. */
const keyCaches = new WeakMap<TraceLexicon, Map<string, [string, number]>>();

/** Fill in keys and flags of scanned tokens, in place. */
export function wordsFromTokens(tokens: ScanToken[], lex: TraceLexicon): Word[] {
  let cache = keyCaches.get(lex);
  if (!cache) keyCaches.set(lex, (cache = new Map()));
  if (cache.size > 1_000_000) cache.clear();
  for (const t of tokens) {
    if (t.number) {
      const c = t.norm.charCodeAt(0);
      if (c === 36 || c === 0xa3 || c === 0x20ac || t.norm.includes(",")) t.norm = t.norm.replace(/^[$£€]/, "").replace(/,/g, "");
      t.immutable = true;
      t.key = t.norm;
      t.keyHash = keyHash(t.norm);
      continue;
    }
    const stop = STOPWORDS.has(t.norm);
    t.stop = stop;
    t.immutable = !stop && (t.allCaps || (t.capitalised && !t.sentenceStart && !t.headline));
    if (t.immutable) {
      t.key = t.norm;
      t.keyHash = keyHash(t.norm);
    } else {
      let e = cache.get(t.norm);
      if (e === undefined) {
        const k = lex.key(t.norm);
        e = [k, keyHash(k)];
        cache.set(t.norm, e);
      }
      t.key = e[0];
      t.keyHash = e[1];
    }
  }
  return tokens;
}

/** Shingle hashes of a text's words, in text order, with repeats. */
export function shingleList(words: Word[]): number[] {
  const out: number[] = [];
  let prev = -1;
  let prevSentence = -1;
  for (const w of words) {
    if (w.immutable && (!w.number || w.norm.length >= 2)) out.push(combine(w.keyHash, 0, 2));
    if (w.stop || (w.number && w.norm.length < 2)) continue;
    const h = w.keyHash;
    if (prev >= 0 && prevSentence === w.sentence) out.push(combine(prev, h, 1));
    prev = h;
    prevSentence = w.sentence;
  }
  return out;
}

/** All distinct shingle hashes of a text's words. */
export function shingles(words: Word[]): Uint32Array {
  return Uint32Array.from(new Set(shingleList(words)));
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
