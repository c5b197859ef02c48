/**
 * Micro-benchmark of LanguageModel.logProb.
 *
 *   node --import tsx bench/model-bench.ts [model.lm.bin]   (npm run bench:model)
 *
 * Triples come from running text (the Brown corpus when installed, else a built-in sample),
 * scored two ways: as written (what a decoder sees along the best path) and with the predicted
 * word swapped for a random vocabulary word (what it sees when trying candidates: mostly misses
 * at the trigram and bigram level, so the slower backoff path).
 */
import { pathToFileURL } from "node:url";
import { tokenize } from "../src/text/tokenize.js";
import { brownDocuments } from "../src/corpus/brown.js";
import type { LanguageModel } from "../src/model/lm.js";

export interface BenchResult {
  calls: number;
  seconds: number;
  callsPerSecond: number;
  nsPerCall: number;
  /** Sum of the returned log-probs, so the work cannot be optimised away. */
  checksum: number;
}

/** Score `triples` (flat w, h1, h2 …) repeatedly for about `seconds`; returns the measured rate. */
export function benchmarkLogProb(model: LanguageModel, triples: Int32Array, seconds = 1): BenchResult {
  let checksum = 0;
  const pass = (): void => {
    for (let i = 0; i < triples.length; i += 3) checksum += model.logProb(triples[i], triples[i + 1], triples[i + 2]);
  };
  pass(); // warm up the JIT
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    pass();
    calls += triples.length / 3;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  return { calls, seconds: elapsed, callsPerSecond: calls / elapsed, nsPerCall: (elapsed * 1e9) / calls, checksum };
}

/** (w, h1, h2) id triples of consecutive words; -1 histories at sentence starts are replaced by <s>. */
export function triplesFromText(model: LanguageModel, text: string): Int32Array {
  const out: number[] = [];
  let h1 = model.bos;
  let h2 = -1;
  let sentence = -1;
  for (const t of tokenize(text)) {
    if (t.kind === "punct") continue;
    if (t.sentence !== sentence) {
      sentence = t.sentence;
      h1 = model.bos;
      h2 = -1;
    }
    const w = model.id(t.norm);
    if (w < 0) {
      h2 = h1;
      h1 = -1;
      continue;
    }
    out.push(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  return Int32Array.from(out);
}

/** Same contexts, random predicted words (seeded, reproducible). */
export function withRandomWords(model: LanguageModel, triples: Int32Array, seed = 1): Int32Array {
  const out = triples.slice();
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i += 3) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s % model.vocabularySize;
  }
  return out;
}

/**
 * Decoder-like workload: at each position of the running text, a candidate set of the true word
 * plus `extra` random vocabulary words; every (h2, h1, w) combination of the candidate sets at
 * t−2, t−1, t is scored, context-major (as a Viterbi step over trigram states does).
 */
export function latticeTriples(model: LanguageModel, triples: Int32Array, extra = 4, seed = 7): Int32Array {
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % model.vocabularySize;
  };
  const sets: number[][] = [];
  for (let i = 0; i < triples.length; i += 3) {
    const set = [triples[i]];
    for (let k = 0; k < extra; k++) set.push(rand());
    sets.push(set);
  }
  const out: number[] = [];
  for (let t = 2; t < sets.length; t++) {
    for (const h2 of sets[t - 2]) for (const h1 of sets[t - 1]) for (const w of sets[t]) out.push(w, h1, h2);
  }
  return Int32Array.from(out);
}

/** Running text for the benchmark: the Brown corpus, up to maxChars. */
export function benchmarkText(maxChars = 2_000_000): string {
  const parts: string[] = [];
  let size = 0;
  for (const d of brownDocuments()) {
    parts.push(d.text);
    size += d.text.length;
    if (size >= maxChars) break;
  }
  return parts.join("\n\n");
}

async function main(): Promise<void> {
  const { loadModel } = await import("../src/model/index.js");
  const t0 = performance.now();
  const model = loadModel(process.argv[2]);
  const loadMs = performance.now() - t0;
  const text = benchmarkText();
  const real = triplesFromText(model, text);
  const random = withRandomWords(model, real);
  const lattice = latticeTriples(model, real.subarray(0, 3 * 20_000));
  const a = benchmarkLogProb(model, real, 2);
  const b = benchmarkLogProb(model, random, 2);
  const c = benchmarkLogProb(model, lattice, 2);
  const fmt = (r: BenchResult): string => `${(r.callsPerSecond / 1e6).toFixed(2)} M calls/s (${r.nsPerCall.toFixed(0)} ns/call)`;
  console.log(`model loaded in ${loadMs.toFixed(0)} ms; ${real.length / 3} triples from ${text.length} chars of text`);
  console.log(`logProb, running text:          ${fmt(a)}`);
  console.log(`logProb, random predicted word: ${fmt(b)}`);
  console.log(`logProb, candidate lattice:     ${fmt(c)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
