/**
 * Reader for the CMU Sphinx "Trie Language Model" binary format (`*.lm.bin`), the format of
 * the shipped model and of the models `build.ts` writes. Layout: see FORMAT.md.
 *
 * The file stays in memory as is (27 MB for the shipped model; read from disk page by page as
 * queries need it: sphinx-trie-file.ts) and the unigram records and quantiser tables are used in place.
 * At load the reader validates sizes and pointers and indexes the vocabulary (an open-addressing
 * hash table of word ids over the decoded vocabulary text: no string per word is made until a
 * word is asked for). The word-id column of
 * the bigram and trigram arrays is decoded into Uint32Arrays (+15 MB for the shipped model) range
 * by range, the first time a range is searched: those are what the binary searches probe, so a
 * probe is one array load, while a short text pays only for the ranges it touches (start-up).
 * Probabilities, backoffs and child pointers are read from the packed bits once an entry is
 * found. No allocation per query; recent answers are kept in a fixed-size cache (query-cache.ts).
 */
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
/** Backoff cache of 2^14 slots (512 KB). */
const BACKOFF_CACHE_BITS = 14;
/** Bigram search cache of 2^15 slots (384 KB). */
const BIGRAM_CACHE_BITS = 15;

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
const NON_ASCII = /[^\x00-\x7f]/;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Whether float32 cell i (native order) of the memory `halves` views is a NaN. Read as 16-bit
 * halves: start-up code runs unoptimised, where reading a float boxes it (megabytes of garbage).
 */
function isNaN32(halves: Uint16Array, i: number): boolean {
  const hi = halves[2 * i + (LITTLE_ENDIAN ? 1 : 0)];
  return (hi & 0x7f80) === 0x7f80 && ((hi & 0x7f) !== 0 || halves[2 * i + (LITTLE_ENDIAN ? 0 : 1)] !== 0);
}

/** Copy of `bytes` (little-endian 4-byte cells) into fresh, aligned, native-order memory. */
function littleEndianCells(bytes: Uint8Array): Uint8Array {
  const out = new Uint32Array(bytes.length >>> 2);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = dv.getUint32(4 * i, true);
  return new Uint8Array(out.buffer);
}

/** The word-id field (first in each entry) of entries [begin, end) of a packed array, into out[begin, end). */
function decodeWords(a: Uint8Array, begin: number, end: number, totalBits: number, mask: number, out: Uint32Array, plus = 0): void {
  for (let e = begin, bit = begin * totalBits; e < end; e++, bit += totalBits) out[e] = readBits(a, bit, mask) + plus;
}

/** FNV-1a over UTF-16 code units of s[begin, end). */
function hashRange(s: string, begin: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = begin; i < end; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Check the next-pointers of entries [begin, end): non-decreasing and ≤ cap. Returns the last one,
 * or −(e+1) for the first bad entry e.
 */
function checkPointers(a: Uint8Array, begin: number, end: number, totalBits: number, offset: number, mask: number, cap: number): number {
  let prev = 0;
  for (let e = begin, bit = offset + begin * totalBits; e < end; e++, bit += totalBits) {
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

/**
 * Bytes of a model that arrive in pieces (a file read page by page: sphinx-trie-file.ts).
 * `bytes` is the whole model's length; `ensure` makes a range present before it is read.
 */
export interface BytePager {
  readonly bytes: Uint8Array;
  /** What the bytes are (a file path), for error messages. */
  readonly label: string;
  ensure(begin: number, end: number): void;
}

class SphinxTrieModel implements LanguageModel {
  readonly order: number;
  readonly vocabularySize: number;
  readonly bos: number;
  readonly eos: number;

  /** The vocabulary as one string, words separated by NULs; word i is vocabText[vocabStart[i], vocabStart[i+1] − 1). */
  private readonly vocabText: string;
  private readonly vocabStart: Int32Array;
  /** Open-addressing hash table (FNV-1a, linear probing) of word ids, −1 empty; lower ids first on a probe path. */
  private readonly vocabHash: Int32Array;
  /** Words made so far (strings are made on first use). */
  private readonly words: Array<string | undefined>;
  /**
   * The unigram records as in the file, 3 cells per word: prob and backoff (float32, log base
   * 1.0001: `uniF`), start of the word's range in the next order's array (uint32: `uniU`; the range
   * ends where word+1's starts). Kept interleaved, as two views of the same memory, so a query
   * touches one cache line per word rather than one per field.
   */
  private readonly uniF: Float32Array;
  private readonly uniU: Uint32Array;
  /** Quantiser tables as in the file (log base 1.0001: multiply by LOG10_PER_UNIT on use, as for unigrams). */
  private readonly midProbTable: Float32Array;
  private readonly midBoTable: Float32Array;
  private readonly longProbTable: Float32Array;
  private readonly mid: Uint8Array;
  private readonly lng: Uint8Array;
  /**
   * Word-id column of the middle and longest arrays, decoded range by range on first use: a range
   * of midWord is a unigram's (midDone[w]); a range of longWord is a bigram entry's (order 3: see
   * trigramRange) or, for an order-2 model, a unigram's (longDone[w]).
   */
  private readonly midWord: Uint32Array;
  private readonly longWord: Uint32Array;
  private readonly midDone: Uint8Array;
  private readonly longDone: Uint8Array;
  private readonly wordMask: number;
  private readonly wordBits: number;
  private readonly midBits: number;
  private readonly nextMask: number;
  private readonly longBits: number;
  /** Answers to recent queries: the decoder repeats most of its queries (see query-cache.ts). */
  private readonly queries = new QueryCache(QUERY_CACHE_BITS);
  /**
   * Backoff weights bo(h2 h1) of recent contexts, keyed (h1, h2): a decoder scores many words in
   * the same context, interleaved with other contexts (a one-entry cache kept 7 % of them), and
   * each miss is a binary search in h1's bigram range (long for common words).
   */
  private readonly backoffs = new QueryCache(BACKOFF_CACHE_BITS);
  /** Recent bigram searches (see bigramEntry): per slot w + 1 (0: empty), h1, entry index or −1. */
  private readonly bigramKeys = new Int32Array(3 << BIGRAM_CACHE_BITS);

  /**
   * Reads the file from `buf` (its whole length is the file's). Without a pager, `buf` holds the
   * whole file and every pointer is checked here; with one, the header, quantiser tables,
   * unigrams and vocabulary are read and checked here, and each range of the bigram and trigram
   * arrays is read and checked the first time a query needs it.
   */
  private readonly pager: BytePager | undefined;
  /** Trigram pointers may not exceed this (the last bigram's end pointer). */
  private readonly longCap: number;

  constructor(buf: Uint8Array, pager?: BytePager) {
    this.pager = pager;
    pager?.ensure(0, TRIE_MAGIC.length + 1 + 4 * MAX_ORDER);
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
    if (pager) {
      // Everything but the packed arrays: quantiser tables, unigrams, vocabulary.
      pager.ensure(L.quantOffset, L.middleOffset);
      pager.ensure(L.vocabOffset, buf.length);
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
    // Views of the file when it is aligned (no conversion pass at start-up), else aligned copies.
    const table = (k: number): Float32Array => {
      const at = L.quantOffset + 4 + k * QUANT_BINS * 4;
      let bytes = buf.subarray(at, at + QUANT_BINS * 4);
      if (bytes.byteOffset % 4 !== 0 || !LITTLE_ENDIAN) bytes = littleEndianCells(bytes);
      const t = new Float32Array(bytes.buffer, bytes.byteOffset, QUANT_BINS);
      const halves = new Uint16Array(bytes.buffer, bytes.byteOffset, 2 * QUANT_BINS);
      for (let i = 0; i < QUANT_BINS; i++) if (isNaN32(halves, i)) throw new ModelFormatError("NaN in quantiser table");
      return t;
    };
    const empty = new Float32Array(0);
    this.midProbTable = order === 3 ? table(0) : empty;
    this.midBoTable = order === 3 ? table(1) : empty;
    this.longProbTable = order === 3 ? table(2) : order === 2 ? table(0) : empty;

    // Views need 4-byte alignment: copy the records when the buffer does not give it.
    let uniBytes = buf.subarray(L.unigramOffset, L.unigramOffset + 12 * (V + 1));
    if (uniBytes.byteOffset % 4 !== 0 || !LITTLE_ENDIAN) uniBytes = littleEndianCells(uniBytes);
    this.uniF = new Float32Array(uniBytes.buffer, uniBytes.byteOffset, 3 * (V + 1));
    this.uniU = new Uint32Array(uniBytes.buffer, uniBytes.byteOffset, 3 * (V + 1));
    const uniHalves = new Uint16Array(uniBytes.buffer, uniBytes.byteOffset, 6 * (V + 1));
    const nextCap = order > 1 ? counts[1] : 0;
    let prevNext = 0;
    for (let i = 0, o = 0; i <= V; i++, o += 3) {
      const n = this.uniU[o + 2];
      if (i < V && (isNaN32(uniHalves, o) || isNaN32(uniHalves, o + 1))) throw new ModelFormatError(`NaN in unigram ${i}`);
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
    this.wordMask = 2 ** L.wordBits - 1;
    let usedLong = prevNext; // order 2: the unigrams point straight into the longest array
    if (order === 3 && pager === undefined) {
      // Check every bigram's trigram pointer (monotonic, inside the trigram array), so a corrupt
      // file fails here rather than giving garbage later. Entry prevNext holds the end pointer.
      usedLong = checkPointers(this.mid, 0, prevNext + 1, L.middleBits, L.wordBits + 2 * QUANT_BITS, this.nextMask, counts[2]);
      if (usedLong < 0) throw new ModelFormatError(`bigram ${-usedLong - 1} points outside the trigram array`);
    } else if (order === 3 && pager !== undefined) {
      // Paged: only the end pointer now; each unigram's bigram range is checked when first read.
      const bit = prevNext * L.middleBits + L.wordBits + 2 * QUANT_BITS;
      pager.ensure(L.middleOffset + Math.floor(bit / 8), L.middleOffset + Math.floor(bit / 8) + 4);
      usedLong = readBits(this.mid, bit, this.nextMask);
      if (usedLong > counts[2]) throw new ModelFormatError(`bigram ${prevNext} points outside the trigram array`);
    }
    this.longCap = usedLong;
    // Zero-filled until decoded (fresh pages cost nothing until written).
    this.midWord = new Uint32Array(order === 3 ? prevNext : 0);
    this.longWord = new Uint32Array(usedLong);
    this.midDone = new Uint8Array(order === 3 ? V : 0);
    this.longDone = new Uint8Array(order === 2 ? V : 0);

    // Vocabulary: NUL-terminated words; word id = position.
    const vocab = buf.subarray(L.vocabOffset + 4, buf.length);
    if (vocab.length === 0 || vocab[vocab.length - 1] !== 0) throw new ModelFormatError("vocabulary is not NUL-terminated");
    // Latin-1 decoding is twice as fast as UTF-8 and gives the same string for ASCII bytes;
    // a vocabulary with other bytes is decoded again as UTF-8.
    let text = latin1.decode(vocab);
    if (NON_ASCII.test(text)) text = new TextDecoder("utf-8").decode(vocab);
    let words = 0;
    for (let at = text.indexOf("\0"); at >= 0; at = text.indexOf("\0", at + 1)) words++;
    if (words !== V) throw new ModelFormatError(`vocabulary has ${words} words, header says ${V}`);
    const start = new Int32Array(V + 1);
    let size = 1;
    while (size < 2 * V) size <<= 1;
    const hash = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let i = 0, at = 0; i < V; i++) {
      const end = text.indexOf("\0", at);
      start[i] = at;
      let h = hashRange(text, at, end) & mask;
      while (hash[h] >= 0) h = (h + 1) & mask;
      hash[h] = i;
      at = end + 1;
    }
    start[V] = text.length;
    this.vocabText = text;
    this.vocabStart = start;
    this.vocabHash = hash;
    this.words = new Array<string | undefined>(V);
    const bos = this.id("<s>");
    const eos = this.id("</s>");
    if (bos < 0 || eos < 0) throw new ModelFormatError("vocabulary lacks <s> or </s>");
    this.bos = bos;
    this.eos = eos;
  }

  id(word: string): number {
    const { vocabHash: hash, vocabStart: start, vocabText: text } = this;
    const n = word.length;
    const mask = hash.length - 1;
    for (let h = hashRange(word, 0, n) & mask; ; h = (h + 1) & mask) {
      const i = hash[h];
      if (i < 0) return -1;
      const at = start[i];
      // The first id on the probe path wins, so a repeated word keeps its first id.
      if (start[i + 1] - 1 - at === n && text.startsWith(word, at)) return i;
    }
  }

  word(id: number): string {
    if (!(Number.isInteger(id) && id >= 0 && id < this.vocabularySize)) throw new RangeError(`word id ${id} out of range 0..${this.vocabularySize - 1}`);
    let w = this.words[id];
    if (w === undefined) w = this.words[id] = this.vocabText.slice(this.vocabStart[id], this.vocabStart[id + 1] - 1);
    return w;
  }

  /** midWord over unigram w's range of the middle array, decoded (order 3). */
  private midRange(w: number): Uint32Array {
    if (this.midDone[w] === 0) {
      const begin = this.uniU[3 * w + 2], end = this.uniU[3 * w + 5];
      if (this.pager !== undefined) {
        // Entries begin..end inclusive: entry `end` holds the end pointer of the last one's trigrams.
        const at = this.mid.byteOffset - this.pager.bytes.byteOffset;
        this.pager.ensure(at + Math.floor((begin * this.midBits) / 8), at + Math.floor(((end + 1) * this.midBits) / 8) + 4);
      }
      decodeWords(this.mid, begin, end, this.midBits, this.wordMask, this.midWord);
      this.midDone[w] = 1;
    }
    return this.midWord;
  }

  /** longWord over [begin, end), the range of middle entry (order 3) or unigram (order 2) `owner`, decoded. */
  private longRange(owner: number, begin: number, end: number): Uint32Array {
    if (this.longDone[owner] === 0) {
      if (this.pager !== undefined) {
        const at = this.lng.byteOffset - this.pager.bytes.byteOffset;
        this.pager.ensure(at + Math.floor((begin * this.longBits) / 8), at + Math.floor((end * this.longBits) / 8) + 4);
      }
      decodeWords(this.lng, begin, end, this.longBits, this.wordMask, this.longWord);
      this.longDone[owner] = 1;
    }
    return this.longWord;
  }

  /**
   * longWord over the trigram range [begin, end), decoded (order 3). There longWord holds word
   * id + 1, so 0 marks a range not decoded yet: no flag array to miss in the cache per lookup.
   */
  private trigramRange(begin: number, end: number): Uint32Array {
    if (begin < end && this.longWord[begin] === 0) {
      if (this.pager !== undefined) {
        const at = this.lng.byteOffset - this.pager.bytes.byteOffset;
        this.pager.ensure(at + Math.floor((begin * this.longBits) / 8), at + Math.floor((end * this.longBits) / 8) + 4);
      }
      decodeWords(this.lng, begin, end, this.longBits, this.wordMask, this.longWord, 1);
    }
    return this.longWord;
  }

  /** The whole word-id column of the bigrams (successors' index). */
  private bigramColumn(): Uint32Array {
    const V = this.vocabularySize;
    if (this.order === 2) {
      for (let w = 0; w < V; w++) this.longRange(w, this.uniU[3 * w + 2], this.uniU[3 * w + 5]);
      return this.longWord;
    }
    for (let w = 0; w < V; w++) this.midRange(w);
    return this.midWord;
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
    const begin = this.uniU[3 * w + 2], end = this.uniU[3 * w + 5];
    const column = this.order === 2 ? this.longRange(w, begin, end) : this.midRange(w);
    return column.subarray(begin, end);
  }

  /** Inverted bigram index (built on first use: the trie is keyed by the predicted word). */
  private successorStart: Uint32Array | undefined;
  private successorIds: Uint32Array | undefined;

  successors(h: number): Uint32Array {
    if (!(h >= 0 && h < this.vocabularySize) || this.order === 1) return new Uint32Array(0);
    if (this.successorIds === undefined) {
      const V = this.vocabularySize;
      const column = this.bigramColumn();
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
    const begin = this.uniU[wi + 2], end = this.uniU[wi + 5];
    const e = findEntry(this.longRange(w, begin, end), begin, end, h1);
    if (e >= 0) return this.longProbTable[readBits(this.lng, e * this.longBits + this.wordBits, 0xffff)] * LOG10_PER_UNIT;
    return (this.uniF[wi] + this.uniF[3 * h1 + 1]) * LOG10_PER_UNIT;
  }

  /** log10 P(w | h2 h1) of an order-3 model; w and h1 valid ids, h2 a valid id or −1. */
  private trigramLogProb(w: number, h1: number, h2: number): number {
    const uniF = this.uniF;
    const uniU = this.uniU;
    const wi = 3 * w;
    // Path in the reversed trie: w → h1 (middle array) → h2 (longest array).
    const hasH2 = h2 >= 0;
    const m = this.bigramEntry(w, h1);
    if (m < 0) {
      // No bigram (h1 w): P = P(w) · bo(h1) · bo(h2 h1).
      return (uniF[wi] + uniF[3 * h1 + 1]) * LOG10_PER_UNIT + (hasH2 ? this.bigramBackoff(h1, h2) : 0);
    }
    const mid = this.mid;
    const bit = m * this.midBits + this.wordBits; // at the backoff code; prob code and next follow
    const p2 = this.midProbTable[readBits(mid, bit + QUANT_BITS, 0xffff)] * LOG10_PER_UNIT;
    if (!hasH2) return p2;
    const tBegin = readBits(mid, bit + 2 * QUANT_BITS, this.nextMask);
    const tEnd = readBits(mid, bit + this.midBits + 2 * QUANT_BITS, this.nextMask);
    if (this.pager !== undefined && !(tBegin <= tEnd && tEnd <= this.longCap)) {
      // A paged file's pointers are checked as they are used (an in-memory one's all at load).
      throw new ModelFormatError(`${this.pager.label}: bigram ${m} points outside the trigram array`);
    }
    const t = findEntry(this.trigramRange(tBegin, tEnd), tBegin, tEnd, h2 + 1);
    if (t >= 0) return this.longProbTable[readBits(this.lng, t * this.longBits + this.wordBits, 0xffff)] * LOG10_PER_UNIT;
    // No trigram (h2 h1 w): P = P(w | h1) · bo(h2 h1).
    return p2 + this.bigramBackoff(h1, h2);
  }

  /**
   * Index of the middle-array entry of the bigram (h1 w), −1 when there is none. Recent answers
   * are kept: the decoder asks (w, h1) under many second history words h2 (one per hypothesis),
   * and the search is the longest of a query (w's range of predecessors is long for common words).
   */
  private bigramEntry(w: number, h1: number): number {
    const keys = this.bigramKeys;
    const slot = ((Math.imul(w, 0x9e3779b1) ^ Math.imul(h1, 0x85ebca6b)) >>> (32 - BIGRAM_CACHE_BITS)) * 3;
    if (keys[slot] === w + 1 && keys[slot + 1] === h1) return keys[slot + 2];
    const m = findEntry(this.midRange(w), this.uniU[3 * w + 2], this.uniU[3 * w + 5], h1);
    keys[slot] = w + 1;
    keys[slot + 1] = h1;
    keys[slot + 2] = m;
    return m;
  }

  /** log10 backoff weight of the bigram (h2 h1), 0 when it is not in the model. */
  private bigramBackoff(h1: number, h2: number): number {
    const slot = this.backoffs.slot(h1, h2, -1);
    let bo = this.backoffs.get(slot, h1, h2, -1);
    if (Number.isNaN(bo)) {
      const e = findEntry(this.midRange(h1), this.uniU[3 * h1 + 2], this.uniU[3 * h1 + 5], h2);
      bo = e >= 0 ? this.midBoTable[readBits(this.mid, e * this.midBits + this.wordBits, 0xffff)] * LOG10_PER_UNIT : 0;
      this.backoffs.set(slot, h1, h2, -1, bo);
    }
    return bo;
  }
}

/**
 * Parse a trie language model from memory: a file's bytes as a Uint8Array, ArrayBuffer or
 * SharedArrayBuffer (worker threads of one process can share one copy). The bytes are used in
 * place, not copied: do not modify them. Only small per-model structures are made here (the
 * vocabulary index, the query cache, and the word-id columns as queries decode them).
 */
export function readSphinxTrie(bytes: Uint8Array | ArrayBuffer | SharedArrayBuffer): LanguageModel {
  return new SphinxTrieModel(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
}

/** Parse a trie language model whose bytes a pager brings in as queries need them. */
export function readPagedSphinxTrie(pager: BytePager): LanguageModel {
  return new SphinxTrieModel(pager.bytes, pager);
}
