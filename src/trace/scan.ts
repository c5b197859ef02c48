/**
 * A fast word scanner for fingerprinting and alignment.
 *
 * The project tokenizer (src/text/tokenize.ts) is general and regex-driven; indexing
 * must run at over a million words a second, so the tracer scans character codes
 * directly and produces only what it needs: word and number tokens with offsets,
 * sentence numbers, capitalisation, quotation and headline-line flags. It follows the
 * same conventions (contractions and hyphenated words whole, `’` folded to `'` in
 * `norm`, abbreviations do not end sentences, a blank line or a line break before a
 * capital starts a new sentence). Index and query always use this scanner, so their
 * fingerprints agree. The scan is columnar (`scanText`), with word forms interned
 * (vocabulary.ts); `scan` gives the same tokens as objects.
 */

import { ABBREVIATIONS, normalizeWord, type Token } from "../text/tokenize.js";
import { Vocabulary } from "./vocabulary.js";

/** A word or number as the tracer sees it; offsets and flags mean what they mean for `Token`. */
export interface ScanToken
  extends Pick<Token, "norm" | "start" | "end" | "sentence" | "quoted" | "capitalised" | "allCaps" | "sentenceStart" | "headline"> {
  /** Filled by the analyser (fingerprint.ts): spin-invariant key, function word, name/number. */
  key: string;
  /** Hash of `key` (fingerprint.ts). */
  keyHash: number;
  stop: boolean;
  immutable: boolean;
  number: boolean;
}

const letterCache = new Map<number, boolean>();
const LETTER_RE = /[\p{L}\p{M}]/u;
function isLetter(c: number): boolean {
  if (c < 128) return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
  let v = letterCache.get(c);
  if (v === undefined) {
    v = c >= 0xd800 && c <= 0xdfff ? false : LETTER_RE.test(String.fromCharCode(c));
    letterCache.set(c, v);
  }
  return v;
}
const isDigit = (c: number) => c >= 48 && c <= 57;
const isUpper = (c: number) => (c >= 65 && c <= 90) || (c >= 128 && isLetter(c) && String.fromCharCode(c) !== String.fromCharCode(c).toLowerCase());
const isApos = (c: number) => c === 39 || c === 0x2019;

/** Token flags (`ScannedText.flags`). */
export const NUMBER = 1, CAPITALISED = 2, ALL_CAPS = 4, QUOTED = 8, SENTENCE_START = 16, HEADLINE = 32;

/**
 * A scanned text as parallel arrays, one entry per token: no object per token, and
 * each token's normalised form as an id into `norms` (see vocabulary.ts).
 */
export interface ScannedText {
  length: number;
  /** Normalised form by word id (append-only: the ids of this scan stay valid). */
  norms: readonly string[];
  word: number[];
  start: number[];
  end: number[];
  sentence: number[];
  flags: number[];
}

const vocabulary = new Vocabulary();

/** Scan a text into word and number tokens. Linear time. */
export function scanText(text: string): ScannedText {
  vocabulary.trim();
  const norms = vocabulary.norms;
  const out: ScannedText = { length: 0, norms, word: [], start: [], end: [], sentence: [], flags: [] };
  const n = text.length;
  let sentence = 0;
  let pendingBreak = false;
  let quoted = false;
  let newlines = 0; // newlines seen since the last token
  let lineStartTok = 0; // index of the first token of the current line
  let lineEndsSentence = false; // last punctuation on the line ends a sentence
  let i = 0;
  const closeLine = () => {
    markHeadline(out, lineStartTok, out.length, lineEndsSentence);
    lineStartTok = out.length;
    lineEndsSentence = false;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      newlines++;
      if (out.length > lineStartTok) closeLine();
      else lineEndsSentence = false;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xa0 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const start = i;
    if (newlines > 0) {
      // A blank line, or a line break before a capital, digit or opening quote, ends a sentence.
      if (out.length > 0 && (newlines >= 2 || isUpper(c) || isDigit(c) || c === 34 || c === 0x201c || c === 0x2018 || c === 39 || c === 0xab)) {
        pendingBreak = true;
      }
      if (newlines >= 2) quoted = false;
      newlines = 0;
    }
    let number = false;
    if (isDigit(c) || ((c === 36 || c === 0xa3 || c === 0x20ac) && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      number = true;
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (isDigit(d)) i++;
        else if ((d === 46 || d === 44 || d === 58 || d === 47) && i + 1 < n && isDigit(text.charCodeAt(i + 1))) i += 2;
        else break;
      }
      if (i < n && text.charCodeAt(i) === 37) i++;
      else if (i < n && isLetter(text.charCodeAt(i))) {
        // "1st", "20th", "5km": up to two letters
        let k = i;
        while (k < n && isLetter(text.charCodeAt(k)) && k - i < 3) k++;
        if (k - i <= 2 && !(k < n && isLetter(text.charCodeAt(k)))) i = k;
      }
    } else if (isLetter(c)) {
      i++;
      for (;;) {
        while (i < n) {
          const d = text.charCodeAt(i);
          if (isLetter(d) || isDigit(d)) i++;
          else break;
        }
        if (i + 1 < n && (isApos(text.charCodeAt(i)) || text.charCodeAt(i) === 45) && isLetter(text.charCodeAt(i + 1))) {
          i += 2;
          continue;
        }
        if (i + 1 < n && text.charCodeAt(i) === 45 && isDigit(text.charCodeAt(i + 1))) {
          i += 2;
          continue;
        }
        break;
      }
      // trailing apostrophe ("Jones'")
      if (i < n && isApos(text.charCodeAt(i)) && (i + 1 >= n || !isLetter(text.charCodeAt(i + 1))) &&
        (text.charCodeAt(i - 1) === 115 || text.charCodeAt(i - 1) === 83)) i++;
    } else {
      // Punctuation (one code unit; a surrogate pair is skipped whole).
      i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      if (c === 0x201c || c === 0x201e || c === 0xab) quoted = true;
      else if (c === 0x201d || c === 0xbb) quoted = false;
      else if (c === 34) quoted = !quoted;
      if (c === 46 || c === 33 || c === 63 || c === 0x2026) {
        const prev = out.length - 1;
        const abbrev = c === 46 && prev >= 0 && out.end[prev] === start && !(out.flags[prev] & NUMBER) &&
          (ABBREVIATIONS.has(norms[out.word[prev]]) || (out.end[prev] - out.start[prev] === 1));
        if (!abbrev) pendingBreak = true;
      }
      lineEndsSentence = c === 46 || c === 33 || c === 63 || c === 0x2026 || c === 58 || c === 59 || c === 44 || c === 34 || c === 0x201d;
      continue;
    }
    // A token.
    if (pendingBreak && out.length > 0) sentence++;
    pendingBreak = false;
    lineEndsSentence = false;
    let word = vocabulary.idOfSpan(text, start, i);
    if (word < 0) word = vocabulary.idOf(normalizeWord(text.slice(start, i)));
    let flags = number ? NUMBER : isUpper(c) ? CAPITALISED | (isAllCaps(text, start, i) ? ALL_CAPS : 0) : 0;
    if (quoted) flags |= QUOTED;
    if (out.length === 0 || out.sentence[out.length - 1] !== sentence) flags |= SENTENCE_START;
    out.word.push(word);
    out.start.push(start);
    out.end.push(i);
    out.sentence.push(sentence);
    out.flags.push(flags);
    out.length++;
  }
  if (out.length > lineStartTok) closeLine();
  return out;
}

/** Whether a capitalised word of two or more code units is written in capitals only. */
function isAllCaps(text: string, start: number, end: number): boolean {
  if (end - start < 2) return false;
  for (let k = start; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c >= 97 && c <= 122) return false;
    if (c >= 128) {
      const raw = text.slice(start, end);
      return raw === raw.toUpperCase();
    }
  }
  return true;
}

/** Headline-like line: at most 20 words, no sentence-final punctuation, mostly capitalised. */
function markHeadline(out: ScannedText, a: number, b: number, endsSentence: boolean): void {
  if (endsSentence) return;
  const words = b - a;
  if (words === 0 || words > 20) return;
  let content = 0, caps = 0, allCap = true;
  for (let k = a; k < b; k++) {
    const cap = (out.flags[k] & CAPITALISED) !== 0;
    if (!cap) allCap = false;
    if (!(out.flags[k] & NUMBER) && out.norms[out.word[k]].length > 3) {
      content++;
      if (cap) caps++;
    }
  }
  const isHeadline = content === 0 ? allCap : caps / content >= 0.6;
  if (isHeadline) for (let k = a; k < b; k++) out.flags[k] |= HEADLINE;
}

/** Scan a text into token objects (for alignment and tests; indexing uses `scanText`). */
export function scan(text: string): ScanToken[] {
  const s = scanText(text);
  const out: ScanToken[] = new Array(s.length);
  for (let t = 0; t < s.length; t++) {
    const f = s.flags[t];
    out[t] = {
      norm: s.norms[s.word[t]], key: "", keyHash: 0, stop: false, immutable: false, start: s.start[t], end: s.end[t],
      number: (f & NUMBER) !== 0, sentence: s.sentence[t], quoted: (f & QUOTED) !== 0,
      capitalised: (f & CAPITALISED) !== 0, allCaps: (f & ALL_CAPS) !== 0,
      sentenceStart: (f & SENTENCE_START) !== 0, headline: (f & HEADLINE) !== 0,
    };
  }
  return out;
}
