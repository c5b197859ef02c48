/**
 * Reader for the CMU Sphinx "Trie Language Model" binary format (`*.lm.bin`), the format of
 * the shipped model and of the models `build.ts` writes. Layout: see FORMAT.md.
 *
 * The file stays in memory as is (27 MB for the shipped model) and the unigram records are used
 * in place. At load the reader validates sizes and pointers, converts the quantiser tables to
 * log10, builds the vocabulary Map, and decodes the word-id column of the bigram and trigram
 * arrays into Uint32Arrays (+15 MB for the shipped model): those are what the binary searches
 * probe, so a probe is one array load. Probabilities, backoffs and child pointers are read from
 * the packed bits once an entry is found. No allocation per query; recent answers are kept in a
 * fixed-size cache (query-cache.ts).
 */
import { isAscii } from "node:buffer";
import { readFileSync } from "node:fs";
import { InputError } from "../errors.js";
import { OOV_LOG_PROB, type LanguageModel } from "./lm.js";
import { QueryCache } from "./query-cache.js";

/** The file is not a trie language model, or is truncated or corrupt. */
export class ModelFormatError extends InputError {
  constructor(reason: string) {
    super(`not an unspin/Sphinx trie language model: ${reason}`);
    this.name = "ModelFormatError";
  }
}

export const TRIE_MAGIC = "Trie Language Model";
/** Quantiser code width (sphinx fixes both at 16 bits). */
export const QUANT_BITS = 16;
export const QUANT_BINS = 1 << QUANT_BITS;
/** Values in the file are log base 1.0001; multiply by this to get log10. */
export const LOG10_PER_UNIT = Math.log10(1.0001);
/** sphinx packs fields with 32-bit reads, so no field may be wider than 25 bits. */
export const MAX_FIELD_BITS = 25;
export const MAX_ORDER = 3;
/** Query cache of 2^16 slots (2 MB). */
const QUERY_CACHE_BITS = 16;

/** Number of bits needed to hold v (0 → 0), as sphinx's `bitarr_required_bits`. */
export function requiredBits(v: number): number {
  let bits = 0;
  while (v > 0) {
    bits++;
    v = Math.floor(v / 2);
  }
  return bits;
}

/** Byte size of a packed n-gram array: one extra entry for the end pointer, plus 8 bytes of padding. */
export function packedArrayBytes(entries: number, totalBits: number): number {
  return Math.floor(((entries + 1) * totalBits + 7) / 8) + 8;
}

/** Sizes and offsets of every section, derived from the header counts alone. */
export interface TrieLayout {
  order: number;
  counts: number[];
  wordBits: number;
  /** Bits per middle (bigram, for order 3) entry, and of its next-pointer field. */
  middleBits: number;
  nextBits: number;
  /** Bits per longest-order entry. */
  longestBits: number;
  quantOffset: number;
  quantFloats: number;
  unigramOffset: number;
  middleOffset: number;
  middleBytes: number;
  longestOffset: number;
  longestBytes: number;
  vocabOffset: number;
}

/** Compute the layout for given counts; throws ModelFormatError when the counts exceed what the format can address. */
export function trieLayout(counts: readonly number[]): TrieLayout {
  const order = counts.length;
  if (order < 1 || order > MAX_ORDER) throw new ModelFormatError(`unsupported order ${order} (1 to ${MAX_ORDER} supported)`);
  const wordBits = requiredBits(counts[0]);
  if (wordBits > MAX_FIELD_BITS) throw new ModelFormatError(`vocabulary of ${counts[0]} words is too large for the format`);
  for (let i = 1; i < order; i++) {
    if (counts[i] + 1 >= 2 ** MAX_FIELD_BITS) throw new ModelFormatError(`${counts[i]} ${i + 1}-grams is too many for the format`);
  }
  const quantOffset = TRIE_MAGIC.length + 1 + 4 * order;
  // One dummy int32, then (order-2) pairs of prob/backoff tables and one table for the longest order.
  const quantFloats = order > 1 ? ((order - 2) * 2 + 1) * QUANT_BINS : 0;
  const unigramOffset = quantOffset + (order > 1 ? 4 + quantFloats * 4 : 0);
  const middleOffset = unigramOffset + (counts[0] + 1) * 12;
  let middleBits = 0;
  let nextBits = 0;
  let middleBytes = 0;
  if (order === 3) {
    nextBits = requiredBits(counts[2]);
    middleBits = wordBits + 2 * QUANT_BITS + nextBits;
    middleBytes = packedArrayBytes(counts[1], middleBits);
  }
  const longestOffset = middleOffset + middleBytes;
  const longestBits = order > 1 ? wordBits + QUANT_BITS : 0;
  const longestBytes = order > 1 ? packedArrayBytes(counts[order - 1], longestBits) : 0;
  return {
    order, counts: [...counts], wordBits, middleBits, nextBits, longestBits,
    quantOffset, quantFloats, unigramOffset, middleOffset, middleBytes,
    longestOffset, longestBytes, vocabOffset: longestOffset + longestBytes,
  };
}

/**
 * Read `mask`-wide field at bit offset `bit` of a packed array (LSB-first). Four bytes always
 * cover it: fields are ≤ 25 bits and the shift ≤ 7; arrays carry 8 bytes of padding.
 */
function readBits(a: Uint8Array, bit: number, mask: number): number {
  const i = bit >>> 3;
  return ((a[i] | (a[i + 1] << 8) | (a[i + 2] << 16) | (a[i + 3] << 24)) >>> (bit & 7)) & mask;
}

const latin1 = new TextDecoder("latin1");
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Copy of `bytes` (little-endian 4-byte cells) into fresh, aligned, native-order memory. */
function littleEndianCells(bytes: Uint8Array): Uint8Array {
  const out = new Uint32Array(bytes.length >>> 2);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getUint32(4 * i, true);
  return new Uint8Array(out.buffer);
}

/** The word-id field (first in each entry) of entries [0, n) of a packed array. */
function decodeWords(a: Uint8Array, n: number, totalBits: number, mask: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let e = 0, bit = 0; e < n; e++, bit += totalBits) out[e] = readBits(a, bit, mask);
  return out;
}

/**
 * Check the next-pointers of entries [0, n): non-decreasing and ≤ cap. Returns the last one,
 * or −(e+1) for the first bad entry e.
 */
function checkPointers(a: Uint8Array, n: number, totalBits: number, offset: number, mask: number, cap: number): number {
  let prev = 0;
  for (let e = 0, bit = offset; e < n; e++, bit += totalBits) {
    const v = readBits(a, bit, mask);
    if (v < prev || v > cap) return -(e + 1);
    prev = v;
  }
  return prev;
}

/**
 * Binary search for `key` in ids[begin, end) (sorted within a trie range); entry index or -1.
 * Binary rather than sphinx's interpolation search: on a decoded Uint32Array each probe is one
 * load, and the division each interpolation step needs cost more than the probes it saved (measured).
 */
function findEntry(ids: Uint32Array, begin: number, end: number, key: number): number {
  let lo = begin;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = ids[mid];
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid;
    else return mid;
  }
  return -1;
}

class SphinxTrieModel implements LanguageModel {
  readonly order: number;
  readonly vocabularySize: number;
  readonly bos: number;
  readonly eos: number;

  private readonly words: string[];
  private readonly ids: Map<string, number>;
  /**
   * The unigram records as in the file, 3 cells per word: prob and backoff (float32, log base
   * 1.0001: `uniF`), start of the word's range in the next order's array (uint32: `uniU`; the range
   * ends where word+1's starts). Kept interleaved, as two views of the same memory, so a query
   * touches one cache line per word rather than one per field.
   */
  private readonly uniF: Float32Array;
  private readonly uniU: Uint32Array;
  /** Quantiser tables, converted to log10. */
  private readonly midProbTable: Float64Array;
  private readonly midBoTable: Float64Array;
  private readonly longProbTable: Float64Array;
  private readonly mid: Uint8Array;
  private readonly lng: Uint8Array;
  /** Word-id column of the middle and longest arrays. */
  private readonly midWord: Uint32Array;
  private readonly longWord: Uint32Array;
  private readonly wordBits: number;
  private readonly midBits: number;
  private readonly nextMask: number;
  private readonly longBits: number;
  /** Answers to recent queries: the decoder repeats most of its queries (see query-cache.ts). */
  private readonly queries = new QueryCache(QUERY_CACHE_BITS);
  // One-entry cache of the bigram backoff bo(h2 h1): a decoder scores many words in the same context.
  private cacheH1 = -1;
  private cacheH2 = -1;
  private cacheBo = 0;

  constructor(buf: Uint8Array) {
    if (buf.length < TRIE_MAGIC.length + 1) throw new ModelFormatError(`file too short (${buf.length} bytes)`);
    for (let i = 0; i < TRIE_MAGIC.length; i++) {
      if (buf[i] !== TRIE_MAGIC.charCodeAt(i)) throw new ModelFormatError("bad magic (expected \"Trie Language Model\")");
    }
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const order = buf[TRIE_MAGIC.length];
    if (order < 1 || order > MAX_ORDER) throw new ModelFormatError(`unsupported order ${order} (1 to ${MAX_ORDER} supported)`);
    if (buf.length < TRIE_MAGIC.length + 1 + 4 * order) throw new ModelFormatError("truncated header");
    const counts: number[] = [];
    for (let i = 0; i < order; i++) counts.push(dv.getUint32(TRIE_MAGIC.length + 1 + 4 * i, true));
    if (counts[0] < 1) throw new ModelFormatError("empty vocabulary");
    const L = trieLayout(counts);
    if (buf.length < L.vocabOffset + 4) {
      throw new ModelFormatError(`file is ${buf.length} bytes, header counts need at least ${L.vocabOffset + 4} (truncated?)`);
    }
    const vocabBytes = dv.getInt32(L.vocabOffset, true);
    const expected = L.vocabOffset + 4 + vocabBytes;
    if (vocabBytes < 0 || expected !== buf.length) {
      throw new ModelFormatError(`file is ${buf.length} bytes, header counts and vocabulary size give ${expected}`);
    }

    this.order = order;
    const V = counts[0];
    this.vocabularySize = V;

    // Quantiser tables: order 3 has bigram prob, bigram backoff, trigram prob; order 2 only bigram prob.
    const table = (k: number): Float64Array => {
      const at = L.quantOffset + 4 + k * QUANT_BINS * 4;
      const t = new Float64Array(QUANT_BINS);
      for (let i = 0; i < QUANT_BINS; i++) {
        const x = dv.getFloat32(at + 4 * i, true);
        if (Number.isNaN(x)) throw new ModelFormatError("NaN in quantiser table");
        t[i] = x * LOG10_PER_UNIT;
      }
      return t;
    };
    const empty = new Float64Array(0);
    this.midProbTable = order === 3 ? table(0) : empty;
    this.midBoTable = order === 3 ? table(1) : empty;
    this.longProbTable = order === 3 ? table(2) : order === 2 ? table(0) : empty;

    // Views need 4-byte alignment: copy the records when the buffer does not give it.
    let uniBytes = buf.subarray(L.unigramOffset, L.unigramOffset + 12 * (V + 1));
    if (uniBytes.byteOffset % 4 !== 0 || !LITTLE_ENDIAN) uniBytes = littleEndianCells(uniBytes);
    this.uniF = new Float32Array(uniBytes.buffer, uniBytes.byteOffset, 3 * (V + 1));
    this.uniU = new Uint32Array(uniBytes.buffer, uniBytes.byteOffset, 3 * (V + 1));
    const nextCap = order > 1 ? counts[1] : 0;
    let prevNext = 0;
    for (let i = 0, o = 0; i <= V; i++, o += 3) {
      const n = this.uniU[o + 2];
      if (i < V && (Number.isNaN(this.uniF[o]) || Number.isNaN(this.uniF[o + 1]))) throw new ModelFormatError(`NaN in unigram ${i}`);
      if (n < prevNext || n > nextCap) throw new ModelFormatError(`unigram ${i} points outside the bigram array`);
      prevNext = n;
    }

    // Decode the word-id column of the packed arrays into Uint32Arrays: searches then cost one
    // load per probe (the hot path), while probs, backoffs and pointers stay packed in `buf`.
    this.mid = buf.subarray(L.middleOffset, L.middleOffset + L.middleBytes);
    this.lng = buf.subarray(L.longestOffset, L.longestOffset + L.longestBytes);
    this.wordBits = L.wordBits;
    this.midBits = L.middleBits;
    this.nextMask = 2 ** L.nextBits - 1;
    this.longBits = L.longestBits;
    const wordMask = 2 ** L.wordBits - 1;
    let usedLong = prevNext; // order 2: the unigrams point straight into the longest array
    if (order === 3) {
      this.midWord = decodeWords(this.mid, prevNext, L.middleBits, wordMask);
      // Check every bigram's trigram pointer (monotonic, inside the trigram array), so a corrupt
      // file fails here rather than giving garbage later. Entry prevNext holds the end pointer.
      usedLong = checkPointers(this.mid, prevNext + 1, L.middleBits, L.wordBits + 2 * QUANT_BITS, this.nextMask, counts[2]);
      if (usedLong < 0) throw new ModelFormatError(`bigram ${-usedLong - 1} points outside the trigram array`);
    } else {
      this.midWord = new Uint32Array(0);
    }
    this.longWord = decodeWords(this.lng, usedLong, L.longestBits, wordMask);

    // Vocabulary: NUL-terminated words; word id = position.
    const vocab = buf.subarray(L.vocabOffset + 4, buf.length);
    if (vocab.length === 0 || vocab[vocab.length - 1] !== 0) throw new ModelFormatError("vocabulary is not NUL-terminated");
    // Latin-1 decoding is twice as fast as UTF-8 and gives the same string for ASCII bytes.
    const text = isAscii(vocab) ? latin1.decode(vocab) : new TextDecoder("utf-8").decode(vocab);
    const parts = text.split("\0");
    parts.pop(); // empty string after the last NUL
    if (parts.length !== V) throw new ModelFormatError(`vocabulary has ${parts.length} words, header says ${V}`);
    this.words = parts;
    this.ids = new Map();
    for (let i = 0; i < V; i++) if (!this.ids.has(parts[i])) this.ids.set(parts[i], i);
    const bos = this.ids.get("<s>");
    const eos = this.ids.get("</s>");
    if (bos === undefined || eos === undefined) throw new ModelFormatError("vocabulary lacks <s> or </s>");
    this.bos = bos;
    this.eos = eos;
  }

  id(word: string): number {
    return this.ids.get(word) ?? -1;
  }

  word(id: number): string {
    const w = this.words[id];
    if (w === undefined) throw new RangeError(`word id ${id} out of range 0..${this.vocabularySize - 1}`);
    return w;
  }

  unigram(w: number): number {
    return w >= 0 && w < this.vocabularySize ? this.uniF[3 * w] * LOG10_PER_UNIT : OOV_LOG_PROB;
  }

  logProb(w: number, h1: number, h2: number): number {
    const V = this.vocabularySize;
    if (!(w >= 0 && w < V)) return OOV_LOG_PROB;
    if (!(h1 >= 0 && h1 < V) || this.order === 1) return this.uniF[3 * w] * LOG10_PER_UNIT;
    if (this.order === 2 || !(h2 >= 0 && h2 < V)) h2 = -1; // no (usable) second history word
    const slot = this.queries.slot(w, h1, h2);
    let p = this.queries.get(slot, w, h1, h2);
    if (Number.isNaN(p)) {
      p = this.order === 2 ? this.bigramLogProb(w, h1) : this.trigramLogProb(w, h1, h2);
      this.queries.set(slot, w, h1, h2, p);
    }
    return p;
  }

  predecessors(w: number): Uint32Array {
    if (!(w >= 0 && w < this.vocabularySize) || this.order === 1) return new Uint32Array(0);
    const column = this.order === 2 ? this.longWord : this.midWord;
    return column.subarray(this.uniU[3 * w + 2], this.uniU[3 * w + 5]);
  }

  /** Inverted bigram index (built on first use: the trie is keyed by the predicted word). */
  private successorStart: Uint32Array | undefined;
  private successorIds: Uint32Array | undefined;

  successors(h: number): Uint32Array {
    if (!(h >= 0 && h < this.vocabularySize) || this.order === 1) return new Uint32Array(0);
    if (this.successorIds === undefined) {
      const V = this.vocabularySize;
      const column = this.order === 2 ? this.longWord : this.midWord;
      const start = new Uint32Array(V + 1);
      for (let w = 0; w < V; w++) for (let e = this.uniU[3 * w + 2], end = this.uniU[3 * w + 5]; e < end; e++) start[column[e] + 1]++;
      for (let i = 0; i < V; i++) start[i + 1] += start[i];
      const fill = start.slice(0, V);
      const ids = new Uint32Array(start[V]);
      // w ascending, so each list comes out sorted.
      for (let w = 0; w < V; w++) for (let e = this.uniU[3 * w + 2], end = this.uniU[3 * w + 5]; e < end; e++) ids[fill[column[e]]++] = w;
      this.successorStart = start;
      this.successorIds = ids;
    }
    return this.successorIds.subarray(this.successorStart![h], this.successorStart![h + 1]);
  }

  /** log10 P(w | h1) of an order-2 model; w and h1 valid ids. */
  private bigramLogProb(w: number, h1: number): number {
    const wi = 3 * w;
    const e = findEntry(this.longWord, this.uniU[wi + 2], this.uniU[wi + 5], h1);
    if (e >= 0) return this.longProbTable[readBits(this.lng, e * this.longBits + this.wordBits, 0xffff)];
    return (this.uniF[wi] + this.uniF[3 * h1 + 1]) * LOG10_PER_UNIT;
  }

  /** log10 P(w | h2 h1) of an order-3 model; w and h1 valid ids, h2 a valid id or −1. */
  private trigramLogProb(w: number, h1: number, h2: number): number {
    const uniF = this.uniF;
    const uniU = this.uniU;
    const wi = 3 * w;
    // Path in the reversed trie: w → h1 (middle array) → h2 (longest array).
    const hasH2 = h2 >= 0;
    const m = findEntry(this.midWord, uniU[wi + 2], uniU[wi + 5], h1);
    if (m < 0) {
      // No bigram (h1 w): P = P(w) · bo(h1) · bo(h2 h1).
      return (uniF[wi] + uniF[3 * h1 + 1]) * LOG10_PER_UNIT + (hasH2 ? this.bigramBackoff(h1, h2) : 0);
    }
    const mid = this.mid;
    const bit = m * this.midBits + this.wordBits; // at the backoff code; prob code and next follow
    const p2 = this.midProbTable[readBits(mid, bit + QUANT_BITS, 0xffff)];
    if (!hasH2) return p2;
    const tBegin = readBits(mid, bit + 2 * QUANT_BITS, this.nextMask);
    const tEnd = readBits(mid, bit + this.midBits + 2 * QUANT_BITS, this.nextMask);
    const t = findEntry(this.longWord, tBegin, tEnd, h2);
    if (t >= 0) return this.longProbTable[readBits(this.lng, t * this.longBits + this.wordBits, 0xffff)];
    // No trigram (h2 h1 w): P = P(w | h1) · bo(h2 h1).
    return p2 + this.bigramBackoff(h1, h2);
  }

  /** log10 backoff weight of the bigram (h2 h1), 0 when it is not in the model. */
  private bigramBackoff(h1: number, h2: number): number {
    if (h1 === this.cacheH1 && h2 === this.cacheH2) return this.cacheBo;
    const e = findEntry(this.midWord, this.uniU[3 * h1 + 2], this.uniU[3 * h1 + 5], h2);
    const bo = e >= 0 ? this.midBoTable[readBits(this.mid, e * this.midBits + this.wordBits, 0xffff)] : 0;
    this.cacheH1 = h1;
    this.cacheH2 = h2;
    this.cacheBo = bo;
    return bo;
  }
}

/** Parse a trie language model from memory. The buffer is kept (not copied): do not modify it. */
export function readSphinxTrie(buffer: Buffer | Uint8Array): LanguageModel {
  return new SphinxTrieModel(buffer);
}

/** Read a trie language model file. */
export function loadSphinxTrie(path: string | URL): LanguageModel {
  return readSphinxTrie(readFileSync(path));
}
