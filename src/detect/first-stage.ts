/**
 * The first stage of screening: a cheap detector that clears obvious clean pages so that the
 * full engine (`analyze`) runs only on the rest.
 *
 * One pass over a page's lower-case words with per-word tables precomputed from the shipped
 * model and lexicon (scripts/build-first-stage.ts; format in data/README.md):
 *   - a spin likelihood ratio per word: how much likelier the word is on a spun page than on a
 *     written one (the lexicon's originals that a thesaurus spinner turns into it, weighed by
 *     how common they are in the model, against how common the word itself is);
 *   - whether a commoner word could have stood in its place (the lexicon's candidate originals).
 * Summed over the page at a few spin rates, they go through a small logistic model fitted by the
 * build script on simulator-spun Brown text (sections d–r) to predict the full engine's verdict.
 * A page is passed on to the full engine when its first-stage score reaches the threshold the
 * build chose to keep more than 99 % of the pages the full engine scores as spun.
 *
 * Capitalised words (names, sentence starts) and numbers are skipped: spinners leave names
 * alone, and skipping them keeps the pass to a regular expression and a map lookup a word.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { fnv1a, FNV_OFFSET, FNV_PRIME } from "../text/hash.js";

export const DEFAULT_FIRST_STAGE_URL = new URL("../../src/detect/data/first-stage.bin", import.meta.url);
export const FIRST_STAGE_MAGIC = "unspin first stage";
const FORMAT_VERSION = 1;

/** Spin rates the page likelihood ratio is summed at (a page's rate is unknown; the logistic weighs them). */
export const FIRST_STAGE_RATES = [0.03, 0.1, 0.3] as const;
/** Scale of the quantised tables: spin ratio in 1/16 log10 units, gain in 1/32. */
const SPIN_SCALE = 16;
const GAIN_SCALE = 32;
/** A gain below this (a commoner candidate, but not much commoner) counts for nothing. */
const GAIN_FLOOR = 1;

export interface WordTable {
  /** The words (lower-case ASCII, as the model spells them) joined by "\n". */
  pool: Uint8Array;
  /** log10 S(w)/P(w), quantised (×SPIN_SCALE, clipped to ±127); -128 when nothing is spun into the word. */
  spin: Int8Array;
  /** 1 when a spinner replaces the word itself. */
  eligible: Uint8Array;
  /** max log10 P(original)/P(w), ×GAIN_SCALE, clipped to 255. */
  gain: Uint8Array;
}

/** A word table's pool from its words. */
export function wordPool(words: readonly string[]): Uint8Array {
  for (const w of words) if (!/^[\x21-\x7e]+$/.test(w)) throw new Error(`first-stage tables hold printable ASCII words only: ${JSON.stringify(w)}`);
  return new Uint8Array(Buffer.from(words.join("\n"), "latin1"));
}

export interface FirstStageModel {
  /** Logistic coefficients over `FEATURE_NAMES` (same order), and the intercept. */
  weights: number[];
  intercept: number;
  /** Pages scoring at least this are passed to the full engine. */
  threshold: number;
}

/**
 * Per-word means of the page's log likelihood ratios and gain, and the ratio at 0.1 over √words
 * (a z-like sum: longer pages carry more evidence). The length itself is no feature: fitted on
 * excerpts, it learned that long ones are rarely called spun and cleared long spun pages.
 */
export const FEATURE_NAMES = ["llr@0.03 / words", "llr@0.1 / words", "llr@0.3 / words", "gain / words", "llr@0.1 / √words"] as const;

/**
 * Below this share of lower-case words in the tables (every word of the model's vocabulary is), a
 * page goes to the full engine, which decides whether it is English (analyze.ts asks for 60 %).
 */
const MIN_KNOWN_SHARE = 0.8;
/** Pages with fewer lower-case words go to the full engine: too little evidence, and cheap to analyse. */
const MIN_WORDS = 20;
/**
 * English's commonest words, which French or Spanish text lacks even when most of its words are in
 * the model's vocabulary: below this share of them, the full engine decides (it asks for 5 %).
 */
const CORE = ["the", "of", "and", "to", "is", "was", "that", "for", "with", "it", "be", "are", "have", "from", "by", "at", "not", "or", "but", "an"];
const MIN_CORE_SHARE = 0.1;

export interface FirstStageResult {
  /** P(the full engine calls the page spun), as the logistic model estimates it. */
  score: number;
  /** Whether the page goes on to the full engine. */
  pass: boolean;
  /** Words on the page (as the tokenizer counts words: numbers and punctuation apart). */
  words: number;
}

export interface PageFeatures {
  features: number[];
  /** Lower-case words, how many of them the tables list, and how many are English core words. */
  lower: number;
  known: number;
  core: number;
  /** Every word. */
  words: number;
}

const APOSTROPHE = 39, RIGHT_QUOTE = 0x2019, HYPHEN = 45;
/** A letter outside ASCII (the rare case: checked by a regular expression). */
const NON_ASCII_LETTER = /[\p{L}\p{M}]/u;
const isUpper = (ch: string) => ch !== ch.toLowerCase();
const isDigit = (c: number) => c >= 48 && c <= 57;
const isAsciiLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
/** What `\b` counts as a word character. */
const isAsciiWordChar = (c: number) => isAsciiLetter(c) || isDigit(c) || c === 95;

export class FirstStage {
  /** Open-addressing hash of the words: slot → word index + 1 (0: empty). */
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Where each word starts in the pool (and n + 1 entries: the end of the last). */
  private readonly starts: Uint32Array;
  /** Per word, per rate: the word's log10 likelihood ratio spun/written at that rate. */
  private readonly llr: Float64Array;
  private readonly gainOf: Float64Array;
  private readonly core: Uint8Array;
  readonly size: number;

  constructor(readonly table: WordTable, readonly model: FirstStageModel) {
    const R = FIRST_STAGE_RATES.length;
    const pool = table.pool;
    const n = table.spin.length;
    this.size = n;
    this.starts = new Uint32Array(n + 1);
    let w = 0;
    for (let k = 0; k < pool.length && w < n; k++) if (pool[k] === 10) this.starts[++w] = k + 1;
    if (w !== (n === 0 ? 0 : n - 1)) throw new Error(`first-stage tables: ${w + 1} words in the pool, ${n} rows`);
    this.starts[n] = pool.length + 1;
    let size = 1;
    while (size < 2 * n) size <<= 1;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < n; i++) {
      let h = FNV_OFFSET;
      for (let k = this.starts[i]; k < this.starts[i + 1] - 1; k++) h = Math.imul(h ^ pool[k], FNV_PRIME);
      let slot = h & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = i + 1;
    }
    this.llr = new Float64Array(n * R);
    this.gainOf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const q = table.spin[i];
      const ratio = q === -128 ? 0 : Math.pow(10, q / SPIN_SCALE);
      for (let r = 0; r < R; r++) {
        const rho = FIRST_STAGE_RATES[r];
        this.llr[i * R + r] = Math.log10(1 - rho * table.eligible[i] + rho * ratio);
      }
      this.gainOf[i] = Math.max(0, table.gain[i] / GAIN_SCALE - GAIN_FLOOR);
    }
    this.core = new Uint8Array(n);
    for (const c of CORE) {
      const i = this.lookup(c);
      if (i >= 0) this.core[i] = 1;
    }
  }

  /** Index of a lower-case word, or -1. */
  lookup(word: string): number {
    return this.find(fnv1a(word), word, 0, word.length, false);
  }

  /** The word whose hash is h and whose lower-cased characters are text[from, to). */
  private find(h: number, text: string, from: number, to: number, fold: boolean): number {
    const pool = this.table.pool;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const e = this.slots[slot];
      if (e === 0) return -1;
      const i = e - 1;
      const s = this.starts[i];
      if (this.starts[i + 1] - 1 - s !== to - from) continue;
      let k = 0;
      for (; k < to - from; k++) {
        let c = text.charCodeAt(from + k);
        if (fold) c = c === RIGHT_QUOTE ? APOSTROPHE : c >= 65 && c <= 90 ? c | 32 : c;
        if (pool[s + k] !== c) break;
      }
      if (k === to - from) return i;
    }
  }

  /**
   * The page's features, in FEATURE_NAMES order, and its word counts. Words as the tokenizer
   * reads them (a letter, then letters, digits, apostrophes and inner hyphens), keyed as it
   * normalises them (lower case, ’ as '), scanned a character at a time: no string is made.
   */
  features(text: string): PageFeatures {
    const R = FIRST_STAGE_RATES.length;
    const sums = new Float64Array(R);
    let gain = 0;
    let words = 0, lower = 0, known = 0, core = 0;
    const len = text.length;
    let k = 0;
    while (k < len) {
      let c = text.charCodeAt(k);
      const asciiLetter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
      if (!asciiLetter && (c < 128 || !NON_ASCII_LETTER.test(text[k]))) {
        k++;
        continue;
      }
      // One or two letters glued to digits end a number ("13th", "1940s", "2d"), as the tokenizer reads them.
      if (k > 0 && isDigit(text.charCodeAt(k - 1))) {
        let j = k;
        while (j < len && j - k < 3 && isAsciiLetter(text.charCodeAt(j))) j++;
        if (j - k <= 2 && !(j < len && isAsciiWordChar(text.charCodeAt(j)))) {
          k = j;
          continue;
        }
      }
      // A word: hash its lower-cased characters while scanning to its end.
      const start = k;
      const lowerFirst = asciiLetter ? c >= 97 : !isUpper(text[k]);
      let ascii = c < 128;
      let h = FNV_OFFSET;
      let end = k;
      for (; k < len; k++) {
        c = text.charCodeAt(k);
        let b: number;
        if (c >= 97 && c <= 122) b = c;
        else if (c >= 65 && c <= 90) b = c | 32;
        else if ((c >= 48 && c <= 57) || c === APOSTROPHE || c === HYPHEN) b = c;
        else if (c === RIGHT_QUOTE) b = APOSTROPHE;
        else if (c >= 128 && NON_ASCII_LETTER.test(text[k])) {
          ascii = false;
          end = k + 1;
          continue;
        } else break;
        // A word does not end in a hyphen (nor run on through one into punctuation).
        if (c !== HYPHEN) end = k + 1;
        h = Math.imul(h ^ b, FNV_PRIME);
      }
      if (end < k) {
        // Trailing hyphens: rehash without them (rare).
        h = FNV_OFFSET;
        for (let j = start; j < end; j++) {
          const d = text.charCodeAt(j);
          h = Math.imul(h ^ (d === RIGHT_QUOTE ? APOSTROPHE : d >= 65 && d <= 90 ? d | 32 : d), FNV_PRIME);
        }
      }
      words++;
      if (!lowerFirst) continue;
      lower++;
      if (!ascii) continue;
      const i = this.find(h, text, start, end, true);
      if (i < 0) continue;
      known++;
      core += this.core[i];
      for (let r = 0; r < R; r++) sums[r] += this.llr[i * R + r];
      gain += this.gainOf[i];
    }
    const n = Math.max(lower, 1);
    return { features: [sums[0] / n, sums[1] / n, sums[2] / n, gain / n, sums[1] / Math.sqrt(n)], lower, known, core, words };
  }

  score(text: string): FirstStageResult {
    const { features, lower, known, core, words } = this.features(text);
    const score = logistic(this.model, features);
    const unsure = lower < MIN_WORDS || known < MIN_KNOWN_SHARE * lower || core < MIN_CORE_SHARE * lower;
    return { score, pass: unsure || score >= this.model.threshold, words };
  }
}

export function logistic(model: Pick<FirstStageModel, "weights" | "intercept">, features: readonly number[]): number {
  let z = model.intercept;
  for (let k = 0; k < features.length; k++) z += model.weights[k] * features[k];
  return 1 / (1 + Math.exp(-z));
}

// ------------------------------------------------------------------ artifact

/** Quantise a word row's values into the table's cells. */
export function quantiseRow(spin: number, gain: number): { spin: number; gain: number } {
  return {
    spin: spin === -Infinity ? -128 : Math.max(-127, Math.min(127, Math.round(spin * SPIN_SCALE))),
    gain: Math.max(0, Math.min(255, Math.round(gain * GAIN_SCALE))),
  };
}

/**
 * Layout (little-endian): magic (18 ASCII bytes), uint8 version, uint32 JSON length, JSON
 * (FirstStageModel plus `rates` and provenance), uint32 word count n, uint32 byte length of the
 * words, the words (ASCII) joined by "\n", then n × int8 spin, n × uint8 eligible, n × uint8 gain.
 */
export function encodeFirstStage(table: WordTable, model: FirstStageModel, meta: Record<string, unknown> = {}): Buffer {
  const json = Buffer.from(JSON.stringify({ ...model, rates: FIRST_STAGE_RATES, features: FEATURE_NAMES, ...meta }));
  const words = Buffer.from(table.pool);
  const n = table.spin.length;
  const head = Buffer.alloc(FIRST_STAGE_MAGIC.length + 1 + 4);
  head.write(FIRST_STAGE_MAGIC, 0, "ascii");
  head.writeUInt8(FORMAT_VERSION, FIRST_STAGE_MAGIC.length);
  head.writeUInt32LE(json.length, FIRST_STAGE_MAGIC.length + 1);
  const counts = Buffer.alloc(8);
  counts.writeUInt32LE(n, 0);
  counts.writeUInt32LE(words.length, 4);
  return Buffer.concat([head, json, counts, words, Buffer.from(table.spin.buffer, table.spin.byteOffset, n), Buffer.from(table.eligible), Buffer.from(table.gain)]);
}

export function decodeFirstStage(buf: Buffer, where = "first-stage tables"): FirstStage {
  const bad = (why: string) => new InputError(`${where}: not an unspin first-stage file (${why})`);
  if (buf.length < FIRST_STAGE_MAGIC.length + 5 || buf.toString("ascii", 0, FIRST_STAGE_MAGIC.length) !== FIRST_STAGE_MAGIC) throw bad("bad magic");
  let at = FIRST_STAGE_MAGIC.length;
  const version = buf.readUInt8(at);
  if (version !== FORMAT_VERSION) throw bad(`version ${version}, expected ${FORMAT_VERSION}`);
  const jsonLength = buf.readUInt32LE(at + 1);
  at += 5;
  if (at + jsonLength + 8 > buf.length) throw bad("truncated");
  const model = JSON.parse(buf.toString("utf8", at, at + jsonLength)) as FirstStageModel & { rates: number[] };
  if (JSON.stringify(model.rates) !== JSON.stringify(FIRST_STAGE_RATES) || model.weights.length !== FEATURE_NAMES.length) throw bad("built for other features: rebuild it with npm run build:first-stage");
  at += jsonLength;
  const n = buf.readUInt32LE(at);
  const wordBytes = buf.readUInt32LE(at + 4);
  at += 8;
  if (at + wordBytes + 3 * n !== buf.length) throw bad("truncated");
  const pool = new Uint8Array(buf.subarray(at, at + wordBytes));
  at += wordBytes;
  const spin = new Int8Array(buf.buffer.slice(buf.byteOffset + at, buf.byteOffset + at + n));
  const eligible = new Uint8Array(buf.subarray(at + n, at + 2 * n));
  const gain = new Uint8Array(buf.subarray(at + 2 * n, at + 3 * n));
  try {
    return new FirstStage({ pool, spin, eligible, gain }, { weights: model.weights, intercept: model.intercept, threshold: model.threshold });
  } catch (e) {
    throw bad(e instanceof Error ? e.message : String(e));
  }
}

let shipped: FirstStage | undefined;

/** The shipped first stage (loaded once per thread), or one from a file. */
export function loadFirstStage(path?: string): FirstStage {
  if (path === undefined) {
    shipped ??= decodeFirstStage(readFileSync(fileURLToPath(DEFAULT_FIRST_STAGE_URL)), "src/detect/data/first-stage.bin");
    return shipped;
  }
  return decodeFirstStage(readFileSync(path), path);
}
