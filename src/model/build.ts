/**
 * Language-model builder: plain text in, a trie model (the format `sphinx-trie.ts` reads) out.
 *
 * Estimation: interpolated modified Kneser-Ney (Chen & Goodman), order 3 (or 2), three discounts
 * per order from the count-of-counts of that order's adjusted counts; unigrams interpolate with
 * the uniform distribution. The result is written as a backoff model: an n-gram's stored prob is
 * its full interpolated probability and a context's backoff weight is its interpolation weight
 * γ(h), which makes the reader's backoff arithmetic reproduce the interpolated model exactly
 * (up to quantisation).
 *
 * Counting is sort-based rather than hash-based: the corpus is kept as one Uint32Array of word
 * ids, n-grams are packed into float64 keys and sorted with the native TypedArray sort. A
 * 50 MB corpus (~10 M tokens) needs roughly 8 bytes per token per key array, far below the cost
 * of a Map (~50–80 B per entry, and a hard limit of 2^24 entries).
 *
 * Keys are ordered the way the reversed trie wants its entries: bigram (v w) → w·V + v, so the
 * sorted bigrams are grouped by predicted word w; trigram (u v w) → index(v w)·V + u.
 */
import { statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { InputError, UnspinError } from "../errors.js";
import { readTextPieces } from "../text/input.js";
import { tokenize } from "../text/tokenize.js";
import {
  LOG10_PER_UNIT, ModelFormatError, QUANT_BINS, QUANT_BITS, TRIE_MAGIC, trieLayout,
} from "./sphinx-trie.js";

/** The input held no words. */
export class EmptyCorpusError extends InputError {
  constructor(detail = "") {
    super(`cannot build a language model from an empty corpus${detail ? `: ${detail}` : ""}`);
    this.name = "EmptyCorpusError";
  }
}

/** Reported repeatedly while reading (after each text or file piece), then once as each later phase starts. */
export interface BuildProgress {
  phase: "read" | "count" | "estimate" | "write";
  /** Word tokens collected so far (sentence markers included). */
  tokens: number;
  /** For phase "read" with file input. */
  bytesRead?: number;
  totalBytes?: number;
}

export interface BuildOptions {
  /** N-gram order, 2 or 3 (default 3); anything else is a RangeError. */
  order?: number;
  /** Keep number tokens (by their `norm`, e.g. "1961", "$5") as words (default true). */
  includeNumbers?: boolean;
  onProgress?: (p: BuildProgress) => void;
}

export type BuildFileOptions = BuildOptions;

export interface BuildStats {
  order: number;
  /** Number of 1-, 2-, (3-)grams written. */
  counts: number[];
  /** Tokens in the training stream, <s> and </s> included. */
  tokens: number;
  sentences: number;
  /** Modified-KN discounts [D1, D2, D3+] per order, index 0 = unigrams. */
  discounts: number[][];
  bytes: number;
}

const BOS = "<s>";
const EOS = "</s>";
/** log10 probability written for <s>, which is never predicted (as in the shipped model). */
const BOS_LOG10 = -99;
/** Text is tokenised in pieces of about this many characters (tokenize() materialises token objects). */
const PIECE_CHARS = 256 * 1024;

/** Build a model from texts (each a document; sentences never span two texts). */
export async function buildModel(
  texts: Iterable<string> | AsyncIterable<string>,
  options: BuildOptions = {},
): Promise<Buffer> {
  return (await buildWithStats(texts, options, undefined)).buffer;
}

/** Build a model from UTF-8 text files and write it to `outPath`. */
export async function buildModelFile(
  inputPaths: string[],
  outPath: string,
  options: BuildFileOptions = {},
): Promise<BuildStats> {
  let totalBytes = 0;
  for (const p of inputPaths) {
    try {
      totalBytes += statSync(p).size;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") throw new InputError(`input file not found: ${p}`);
      throw e;
    }
  }
  const progress = { done: 0, totalBytes };
  const { buffer, stats } = await buildWithStats(readFiles(inputPaths, progress), options, progress);
  await writeFile(outPath, buffer);
  return stats;
}

async function buildWithStats(
  texts: Iterable<string> | AsyncIterable<string>,
  options: BuildOptions,
  fileProgress: { done: number; totalBytes: number } | undefined,
): Promise<{ buffer: Buffer; stats: BuildStats }> {
  const order = options.order ?? 3;
  if (order !== 2 && order !== 3) throw new RangeError(`order must be 2 or 3, not ${String(order)}`);
  const report = options.onProgress ?? (() => {});
  const corpus = new Corpus(options.includeNumbers ?? true);
  for await (const text of texts) {
    for (const piece of splitText(text, PIECE_CHARS)) corpus.add(piece);
    report({ phase: "read", tokens: corpus.length, bytesRead: fileProgress?.done, totalBytes: fileProgress?.totalBytes });
  }
  if (corpus.sentences === 0) throw new EmptyCorpusError("no words found");

  const { words, stream } = corpus.finish();
  report({ phase: "count", tokens: stream.length });
  const V = words.length;
  const bos = words.indexOf(BOS);
  const eos = words.indexOf(EOS);
  const counts = countNgrams(stream, V, eos, order);
  report({ phase: "estimate", tokens: stream.length });
  const model = estimate(counts, V, bos, order);
  report({ phase: "write", tokens: stream.length });
  const buffer = writeTrie(words, model, order);
  return {
    buffer,
    stats: {
      order,
      counts: order === 3 ? [V, counts.biKeys.length, counts.triKeys!.length] : [V, counts.biKeys.length],
      tokens: stream.length,
      sentences: corpus.sentences,
      discounts: model.discounts,
      bytes: buffer.length,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading and tokenising

/** Stream files as text pieces that end at paragraph breaks (so no sentence is cut in two). */
/** The files' text in pieces, checked as every input is (binary data and invalid UTF-8 refused). */
async function* readFiles(paths: string[], progress: { done: number }): AsyncGenerator<string> {
  for (const path of paths) {
    const base = progress.done;
    const size = statSync(path).size;
    for await (const piece of readTextPieces(path, PIECE_CHARS)) {
      progress.done = Math.min(base + size, progress.done + piece.length); // characters ≈ bytes
      yield piece;
    }
    progress.done = base + size;
  }
}

/** Split a long text into pieces of about `size` characters at paragraph, line or word breaks. */
function* splitText(text: string, size: number): Generator<string> {
  let start = 0;
  while (text.length - start > size) {
    const window = text.slice(start, start + size);
    let cut = window.lastIndexOf("\n\n");
    if (cut < size / 4) cut = window.lastIndexOf("\n");
    if (cut < size / 4) cut = Math.max(window.lastIndexOf(" "), window.lastIndexOf("\t"));
    if (cut < size / 4) cut = size - 1;
    yield window.slice(0, cut + 1);
    start += cut + 1;
  }
  if (start < text.length) yield text.slice(start);
}

/** The training stream: word ids with <s> … </s> around each sentence, and a provisional vocabulary. */
class Corpus {
  private readonly ids = new Map<string, number>([[BOS, 0], [EOS, 1]]);
  private readonly words: string[] = [BOS, EOS];
  private stream = new Uint32Array(1 << 16);
  length = 0;
  sentences = 0;

  constructor(private readonly includeNumbers: boolean) {}

  add(text: string): void {
    let sentence = -1;
    let open = false;
    for (const t of tokenize(text)) {
      if (t.kind === "punct" || (t.kind === "number" && !this.includeNumbers)) continue;
      if (t.sentence !== sentence) {
        if (open) this.push(1);
        this.push(0);
        open = true;
        sentence = t.sentence;
        this.sentences++;
      }
      let id = this.ids.get(t.norm);
      if (id === undefined) {
        id = this.words.length;
        this.ids.set(t.norm, id);
        this.words.push(t.norm);
      }
      this.push(id);
    }
    if (open) this.push(1);
  }

  private push(id: number): void {
    if (this.length === this.stream.length) {
      const bigger = new Uint32Array(this.stream.length * 2);
      bigger.set(this.stream);
      this.stream = bigger;
    }
    this.stream[this.length++] = id;
  }

  /** Final vocabulary sorted by UTF-8 byte order (as sphinx writes it), stream renumbered to match. */
  finish(): { words: string[]; stream: Uint32Array } {
    const bytes = this.words.map((w) => Buffer.from(w, "utf8"));
    const order = bytes.map((_, i) => i).sort((a, b) => Buffer.compare(bytes[a], bytes[b]));
    const remap = new Uint32Array(order.length);
    order.forEach((old, i) => (remap[old] = i));
    const stream = this.stream.subarray(0, this.length);
    for (let i = 0; i < stream.length; i++) stream[i] = remap[stream[i]];
    return { words: order.map((i) => this.words[i]), stream };
  }
}

// ---------------------------------------------------------------------------------------------
// Counting

interface Counts {
  /** Sorted unique bigram keys w·V + v and their raw counts. */
  biKeys: Float64Array;
  biCount: Uint32Array;
  /** Sorted unique trigram keys index(v w)·V + u and raw counts (order 3). */
  triKeys?: Float64Array;
  triCount?: Uint32Array;
}

/** Sort keys and collapse runs into (unique keys, counts). */
function uniqueCounts(keys: Float64Array): { keys: Float64Array; counts: Uint32Array } {
  keys.sort();
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) n++;
  const uk = new Float64Array(n);
  const uc = new Uint32Array(n);
  let j = -1;
  for (let i = 0; i < keys.length; i++) {
    if (i === 0 || keys[i] !== keys[i - 1]) uk[++j] = keys[i];
    uc[j]++;
  }
  return { keys: uk, counts: uc };
}

/** Index of `key` in a sorted array, or -1. */
function indexOf(sorted: Float64Array, key: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo] === key ? lo : -1;
}

function countNgrams(stream: Uint32Array, V: number, eos: number, order: number): Counts {
  // N-grams never cross a sentence: only </s> can precede a sentence boundary.
  let nb = 0;
  for (let i = 0; i + 1 < stream.length; i++) if (stream[i] !== eos) nb++;
  const bk = new Float64Array(nb);
  for (let i = 0, j = 0; i + 1 < stream.length; i++) if (stream[i] !== eos) bk[j++] = stream[i + 1] * V + stream[i];
  const bi = uniqueCounts(bk);
  if (order === 2) return { biKeys: bi.keys, biCount: bi.counts };

  let nt = 0;
  for (let i = 0; i + 2 < stream.length; i++) if (stream[i] !== eos && stream[i + 1] !== eos) nt++;
  const tk = new Float64Array(nt);
  for (let i = 0, j = 0; i + 2 < stream.length; i++) {
    if (stream[i] === eos || stream[i + 1] === eos) continue;
    tk[j++] = indexOf(bi.keys, stream[i + 2] * V + stream[i + 1]) * V + stream[i];
  }
  const tri = uniqueCounts(tk);
  return { biKeys: bi.keys, biCount: bi.counts, triKeys: tri.keys, triCount: tri.counts };
}

// ---------------------------------------------------------------------------------------------
// Estimation

interface Estimated {
  /** log10 values. */
  uniProb: Float64Array;
  uniBo: Float64Array;
  biWord: Uint32Array; // context word v of each bigram (the trie key at that level)
  biPred: Uint32Array; // predicted word w
  biProb: Float64Array;
  biBo: Float64Array; // order 3 only
  triWord?: Uint32Array; // u
  triParent?: Uint32Array; // index of bigram (v w)
  triProb?: Float64Array;
  discounts: number[][];
}

/**
 * Modified-KN discounts from count-of-counts t1..t4 (Chen & Goodman 1998). Small corpora can make
 * them undefined or out of range; fall back to one discount Y = t1 / (t1 + 2 t2), then to 0.5.
 */
export function knDiscounts(t: readonly number[]): [number, number, number] {
  const [t1, t2, t3, t4] = t;
  if (t1 > 0 && t2 > 0) {
    const y = t1 / (t1 + 2 * t2);
    if (t3 > 0 && t4 > 0) {
      const d1 = 1 - (2 * y * t2) / t1;
      const d2 = 2 - (3 * y * t3) / t2;
      const d3 = 3 - (4 * y * t4) / t3;
      if (d1 > 0 && d1 < 1 && d2 > 0 && d2 < 2 && d3 > 0 && d3 < 3) return [d1, d2, d3];
    }
    if (y > 0 && y < 1) return [y, y, y];
  }
  return [0.5, 0.5, 0.5];
}

function countOfCounts(adj: ArrayLike<number>): number[] {
  const t = [0, 0, 0, 0];
  for (let i = 0; i < adj.length; i++) {
    const c = adj[i];
    if (c >= 1 && c <= 4) t[c - 1]++;
  }
  return t;
}

/** Discount for an adjusted count under discounts D = [D1, D2, D3+]. */
function disc(c: number, d: readonly number[]): number {
  return c === 0 ? 0 : c === 1 ? d[0] : c === 2 ? d[1] : d[2];
}

/**
 * Per-context totals for interpolation: S(h) = Σ_w c(h w) and γ numerator Σ_w D(c(h w)).
 * Returns γ(h) = ΣD / S (0 where the context never occurs) and S.
 */
function contextWeights(ctx: ArrayLike<number>, adj: ArrayLike<number>, nCtx: number, d: readonly number[]) {
  const sum = new Float64Array(nCtx);
  const gamma = new Float64Array(nCtx);
  for (let i = 0; i < adj.length; i++) {
    sum[ctx[i]] += adj[i];
    gamma[ctx[i]] += disc(adj[i], d);
  }
  for (let h = 0; h < nCtx; h++) gamma[h] = sum[h] > 0 ? gamma[h] / sum[h] : 0;
  return { sum, gamma };
}

function estimate(c: Counts, V: number, bos: number, order: number): Estimated {
  const nBi = c.biKeys.length;
  const biPred = new Uint32Array(nBi);
  const biWord = new Uint32Array(nBi);
  for (let j = 0; j < nBi; j++) {
    const w = Math.floor(c.biKeys[j] / V);
    biPred[j] = w;
    biWord[j] = c.biKeys[j] - w * V;
  }

  // Adjusted counts. Highest order: raw counts. Lower orders: number of distinct left extensions
  // N1+(• h w), except n-grams starting with <s>, which cannot be extended and keep raw counts.
  let biAdj: Uint32Array;
  let triWord: Uint32Array | undefined;
  let triParent: Uint32Array | undefined;
  if (order === 3) {
    const nTri = c.triKeys!.length;
    triWord = new Uint32Array(nTri);
    triParent = new Uint32Array(nTri);
    biAdj = new Uint32Array(nBi);
    for (let k = 0; k < nTri; k++) {
      const p = Math.floor(c.triKeys![k] / V);
      triParent[k] = p;
      triWord[k] = c.triKeys![k] - p * V;
      biAdj[p]++;
    }
    for (let j = 0; j < nBi; j++) if (biWord[j] === bos) biAdj[j] = c.biCount[j];
  } else {
    biAdj = c.biCount;
  }
  const uniAdj = new Uint32Array(V);
  for (let j = 0; j < nBi; j++) uniAdj[biPred[j]]++;
  uniAdj[bos] = 0;

  // Unigrams: discounted, interpolated with the uniform distribution over the V−1 predictable words.
  const d1 = knDiscounts(countOfCounts(uniAdj));
  let s1 = 0;
  let g1 = 0;
  for (let w = 0; w < V; w++) {
    s1 += uniAdj[w];
    g1 += disc(uniAdj[w], d1);
  }
  const uni = new Float64Array(V);
  for (let w = 0; w < V; w++) {
    uni[w] = w === bos ? 0 : Math.max(uniAdj[w] - disc(uniAdj[w], d1), 0) / s1 + g1 / s1 / (V - 1);
  }

  // Bigrams: context = v (a word id).
  const d2 = knDiscounts(countOfCounts(biAdj));
  const bw = contextWeights(biWord, biAdj, V, d2);
  const bi = new Float64Array(nBi);
  for (let j = 0; j < nBi; j++) {
    const v = biWord[j];
    bi[j] = Math.max(biAdj[j] - disc(biAdj[j], d2), 0) / bw.sum[v] + bw.gamma[v] * uni[biPred[j]];
  }

  const discounts = [d1, d2];
  const biBoLin = new Float64Array(nBi).fill(1);
  let tri: Float64Array | undefined;
  if (order === 3) {
    // Trigrams: context = bigram (u v), found by its key v·V + u.
    const nTri = c.triKeys!.length;
    const ctx = new Uint32Array(nTri);
    for (let k = 0; k < nTri; k++) {
      const v = biWord[triParent![k]];
      ctx[k] = indexOf(c.biKeys, v * V + triWord![k]); // the bigram (u v) occurs wherever (u v w) does
    }
    const d3 = knDiscounts(countOfCounts(c.triCount!));
    discounts.push(d3);
    const tw = contextWeights(ctx, c.triCount!, nBi, d3);
    tri = new Float64Array(nTri);
    for (let k = 0; k < nTri; k++) {
      const h = ctx[k];
      const cnt = c.triCount![k];
      tri[k] = Math.max(cnt - disc(cnt, d3), 0) / tw.sum[h] + tw.gamma[h] * bi[triParent![k]];
    }
    for (let j = 0; j < nBi; j++) if (tw.sum[j] > 0) biBoLin[j] = tw.gamma[j];
  }

  const uniBo = new Float64Array(V);
  for (let v = 0; v < V; v++) uniBo[v] = bw.sum[v] > 0 ? Math.log10(bw.gamma[v]) : 0;
  const uniProb = new Float64Array(V);
  for (let w = 0; w < V; w++) uniProb[w] = w === bos ? BOS_LOG10 : Math.log10(uni[w]);
  return {
    uniProb, uniBo, biWord, biPred,
    biProb: log10All(bi),
    biBo: log10All(biBoLin),
    triWord, triParent,
    triProb: tri && log10All(tri),
    discounts,
  };
}

function log10All(a: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) a[i] = Math.log10(a[i]);
  return a;
}

// ---------------------------------------------------------------------------------------------
// Quantisation

/**
 * A 65,536-entry table for a set of values (log base 1.0001 units, as float32), sorted ascending.
 * If the values have at most 65,536 distinct float32 values the table holds them all and coding
 * is lossless. Otherwise equal-frequency (quantile) bins, each represented by the mean of its
 * values: the same scheme as sphinx_lm_convert, so dense regions get fine resolution.
 */
export function quantiserTable(values: Float64Array): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const table = new Float32Array(QUANT_BINS);
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) unique++;
  if (unique <= QUANT_BINS) {
    let j = -1;
    for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) table[++j] = sorted[i];
    table.fill(j >= 0 ? table[j] : 0, j + 1); // pad with the maximum: keeps the table sorted
    return table;
  }
  const n = sorted.length;
  for (let b = 0; b < QUANT_BINS; b++) {
    const from = Math.floor((n * b) / QUANT_BINS);
    const to = Math.floor((n * (b + 1)) / QUANT_BINS);
    let sum = 0;
    for (let i = from; i < to; i++) sum += sorted[i];
    table[b] = to > from ? sum / (to - from) : b > 0 ? table[b - 1] : sorted[0];
  }
  return table;
}

/** Code of the table entry nearest to `value` (table sorted ascending), as sphinx's bins_encode. */
export function quantise(table: Float32Array, value: number): number {
  let lo = 0;
  let hi = table.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === table.length) return table.length - 1;
  return value - table[lo - 1] < table[lo] - value ? lo - 1 : lo;
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * OR a field of `width` ≤ 25 bits into a zeroed packed array at bit `bit`, LSB first. With the
 * shift ≤ 7 the field fits one 32-bit window; the arrays' 8 padding bytes keep it in bounds.
 */
function writeBits(a: Uint8Array, bit: number, value: number): void {
  const i = bit >>> 3;
  const x = value << (bit & 7);
  a[i] |= x;
  a[i + 1] |= x >>> 8;
  a[i + 2] |= x >>> 16;
  a[i + 3] |= x >>> 24;
}

const toUnits = (log10: number): number => log10 / LOG10_PER_UNIT;

function writeTrie(words: string[], m: Estimated, order: number): Buffer {
  const V = words.length;
  const nBi = m.biPred.length;
  const nTri = m.triProb?.length ?? 0;
  const counts = order === 3 ? [V, nBi, nTri] : [V, nBi];
  let L;
  try {
    L = trieLayout(counts);
  } catch (e) {
    if (e instanceof ModelFormatError) throw new UnspinError(`corpus too large for the trie format: ${e.message}`);
    throw e;
  }
  const vocab = Buffer.from(words.map((w) => `${w}\0`).join(""), "utf8");
  const buf = Buffer.alloc(L.vocabOffset + 4 + vocab.length);

  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  buf.write(TRIE_MAGIC, 0, "latin1");
  buf[TRIE_MAGIC.length] = order;
  counts.forEach((n, i) => dv.setUint32(TRIE_MAGIC.length + 1 + 4 * i, n, true));
  dv.setInt32(L.quantOffset, 1, true); // the unused "quantisation type" word; the shipped file has 1

  // Quantiser tables, in file order: [bigram prob, bigram backoff,] longest prob.
  const toUnitArray = (a: Float64Array): Float64Array => a.map(toUnits);
  const tables: Float32Array[] = order === 3
    ? [quantiserTable(toUnitArray(m.biProb)), quantiserTable(toUnitArray(m.biBo)), quantiserTable(toUnitArray(m.triProb!))]
    : [quantiserTable(toUnitArray(m.biProb))];
  tables.forEach((t, k) => {
    const at = L.quantOffset + 4 + k * QUANT_BINS * 4;
    for (let i = 0; i < QUANT_BINS; i++) dv.setFloat32(at + 4 * i, t[i], true);
  });

  // Unigrams: prob, backoff, index of the first bigram predicting this word (bigrams are sorted by it).
  let j = 0;
  for (let w = 0; w <= V; w++) {
    const at = L.unigramOffset + 12 * w;
    while (j < nBi && m.biPred[j] < w) j++;
    if (w < V) {
      dv.setFloat32(at, toUnits(m.uniProb[w]), true);
      dv.setFloat32(at + 4, toUnits(m.uniBo[w]), true);
    }
    dv.setUint32(at + 8, w < V ? j : nBi, true);
  }

  if (order === 3) {
    const mid = buf.subarray(L.middleOffset, L.middleOffset + L.middleBytes);
    const [probT, boT, triT] = tables;
    let k = 0;
    for (let e = 0; e <= nBi; e++) {
      const bit = e * L.middleBits;
      // The extra last entry only carries the end pointer.
      while (k < nTri && m.triParent![k] < e) k++;
      if (e < nBi) {
        writeBits(mid, bit, m.biWord[e]);
        writeBits(mid, bit + L.wordBits, quantise(boT, toUnits(m.biBo[e])));
        writeBits(mid, bit + L.wordBits + QUANT_BITS, quantise(probT, toUnits(m.biProb[e])));
      }
      writeBits(mid, bit + L.wordBits + 2 * QUANT_BITS, e < nBi ? k : nTri);
    }
    const lng = buf.subarray(L.longestOffset, L.longestOffset + L.longestBytes);
    for (let t = 0; t < nTri; t++) {
      const bit = t * L.longestBits;
      writeBits(lng, bit, m.triWord![t]);
      writeBits(lng, bit + L.wordBits, quantise(triT, toUnits(m.triProb![t])));
    }
  } else {
    const lng = buf.subarray(L.longestOffset, L.longestOffset + L.longestBytes);
    const [probT] = tables;
    for (let e = 0; e < nBi; e++) {
      const bit = e * L.longestBits;
      writeBits(lng, bit, m.biWord[e]);
      writeBits(lng, bit + L.wordBits, quantise(probT, toUnits(m.biProb[e])));
    }
  }

  dv.setInt32(L.vocabOffset, vocab.length, true);
  vocab.copy(buf, L.vocabOffset + 4);
  return buf;
}
