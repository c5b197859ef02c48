import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import {
  buildModel, buildModelFile, EmptyCorpusError, knDiscounts, quantise, quantiserTable, type BuildProgress,
} from "./build.js";
import { InputError } from "../text/input.js";
import { loadModel } from "./index.js";
import type { LanguageModel } from "./lm.js";
import { ModelFormatError, readSphinxTrie, trieLayout } from "./sphinx-trie.js";

// Written for these tests.
const CORPUS = [
  `The old lighthouse keeper climbed the stairs every evening. He lit the lamp before the sun went
down, and he watched the ships pass along the rocky coast. The keeper kept a small notebook in his
coat pocket. In the notebook he wrote the names of the ships and the state of the sea.`,
  `On Sunday the keeper walked to the village. He bought bread at the bakery and coffee at the
market. The baker asked him about the ships. The keeper said that the sea had been calm all week,
and that three ships had passed the lighthouse on Friday.`,
  `The village had one school, one bakery and one harbour. Children walked to the school along the
harbour wall. When the wind was strong the waves climbed the wall, and the teacher kept the
children inside. The teacher read them stories about the sea and about the old lighthouse.`,
  `In 1998 a storm broke the lamp. The keeper climbed the stairs in the dark and lit a lantern
instead. The ships saw the small light and stayed away from the rocks. The village still tells
the story of that night.`,
];

let cached: LanguageModel | undefined;
async function corpusModel(): Promise<LanguageModel> {
  cached ??= readSphinxTrie(await buildModel(CORPUS));
  return cached;
}

function sumOverVocabulary(m: LanguageModel, h1: number, h2: number): number {
  let sum = 0;
  for (let w = 0; w < m.vocabularySize; w++) sum += 10 ** m.logProb(w, h1, h2);
  return sum;
}

test("builds a readable order-3 model with a byte-sorted vocabulary", async () => {
  const m = await corpusModel();
  assert.equal(m.order, 3);
  assert.equal(m.word(m.bos), "<s>");
  assert.equal(m.word(m.eos), "</s>");
  const words = Array.from({ length: m.vocabularySize }, (_, i) => m.word(i));
  const sorted = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  assert.deepEqual(words, sorted);
  assert.ok(m.id("lighthouse") >= 0);
  assert.ok(m.id("1998") >= 0, "numbers are kept by their norm");
  assert.equal(m.id("Lighthouse"), -1, "the vocabulary is lower case");
  assert.equal(m.id("submarine"), -1, "unknown word");
  assert.equal(m.id("."), -1, "punctuation is not a word");
});

test("seen n-grams score higher than unseen ones", async () => {
  const m = await corpusModel();
  const id = (w: string): number => m.id(w);
  // Trigram seen ("the old lighthouse") vs the same word after a context it never followed.
  assert.ok(m.logProb(id("lighthouse"), id("old"), id("the")) > m.logProb(id("lighthouse"), id("bakery"), id("the")));
  assert.ok(m.logProb(id("stairs"), id("the"), id("climbed")) > m.logProb(id("bread"), id("the"), id("climbed")));
  assert.ok(m.logProb(id("keeper"), id("lighthouse"), id("old")) > m.logProb(id("baker"), id("lighthouse"), id("old")));
  // Bigram seen vs unseen.
  assert.ok(m.logProb(id("sea"), id("the"), -1) > m.logProb(id("coffee"), id("the"), -1));
  // Sentence boundaries: "the" often starts a sentence, "stairs" never does.
  assert.ok(m.logProb(id("the"), m.bos, -1) > m.logProb(id("stairs"), m.bos, -1));
  assert.ok(m.logProb(m.eos, id("week"), id("all")) > m.logProb(m.eos, id("the"), id("climbed")));
  // <s> is never predicted.
  assert.ok(m.logProb(m.bos, id("the"), -1) < -90);
});

test("probabilities sum to 1 over the vocabulary in every context", async () => {
  const m = await corpusModel();
  const id = (w: string): number => m.id(w);
  // A small corpus has few distinct values, so quantisation is lossless and the sums are exact up
  // to float32 rounding: this checks that the backoff encoding reproduces interpolated KN.
  const contexts: Array<[number, number]> = [
    [-1, -1], [m.bos, -1], [id("the"), -1], [id("keeper"), id("the")], [id("the"), id("climbed")],
    [id("lighthouse"), id("old")], [id("sea"), id("banana")], [id("walked"), m.bos], [id("submarine"), -1],
  ];
  for (const [h1, h2] of contexts) {
    const s = sumOverVocabulary(m, h1, h2);
    assert.ok(Math.abs(s - 1) < 1e-4, `context (${h2}, ${h1}): sum ${s}`);
  }
  // Every context that occurs in the corpus.
  const stream: number[] = [];
  for (const w of CORPUS.join(" ").toLowerCase().match(/[a-z0-9]+/g) ?? []) stream.push(m.id(w));
  for (let i = 1; i < stream.length; i += 7) {
    const s = sumOverVocabulary(m, stream[i], stream[i - 1]);
    assert.ok(Math.abs(s - 1) < 1e-4, `context at ${i}: sum ${s}`);
  }
});

test("order 2 models", async () => {
  const m = readSphinxTrie(await buildModel(CORPUS, { order: 2 }));
  const id = (w: string): number => m.id(w);
  assert.equal(m.order, 2);
  assert.ok(m.logProb(id("sea"), id("the"), -1) > m.logProb(id("coffee"), id("the"), -1));
  // h2 is ignored by a bigram model.
  assert.equal(m.logProb(id("sea"), id("the"), id("of")), m.logProb(id("sea"), id("the"), -1));
  for (const h1 of [-1, m.bos, id("the"), id("keeper")]) {
    const s = sumOverVocabulary(m, h1, -1);
    assert.ok(Math.abs(s - 1) < 1e-4, `sum ${s}`);
  }
  await assert.rejects(buildModel(CORPUS, { order: 4 }), RangeError);
});

test("async input, deterministic output, numbers optional", async () => {
  async function* gen(): AsyncGenerator<string> {
    for (const t of CORPUS) yield t;
  }
  const a = await buildModel(gen());
  const b = await buildModel(CORPUS);
  assert.ok(a.equals(b));
  const noNumbers = readSphinxTrie(await buildModel(CORPUS, { includeNumbers: false }));
  assert.equal(noNumbers.id("1998"), -1);
});

test("empty corpus is rejected", async () => {
  for (const input of [[], [""], ["   \n\n  "], ["... !!! ?? -- ,"]]) {
    await assert.rejects(buildModel(input), (e: unknown) => {
      assert.ok(e instanceof EmptyCorpusError);
      assert.match(e.message, /empty corpus/);
      return true;
    });
  }
  await assert.rejects(buildModel(["1998 2001"], { includeNumbers: false }), EmptyCorpusError);
});

test("buildModelFile writes a model loadModel reads, reporting progress", async () => {
  const dir = mkdtempSync(join(tmpdir(), "unspin-lm-"));
  try {
    const inputs = CORPUS.map((text, i) => {
      const p = join(dir, `part${i}.txt`);
      writeFileSync(p, text);
      return p;
    });
    const out = join(dir, "model.lm.bin");
    const phases = new Set<string>();
    let last: BuildProgress | undefined;
    const stats = await buildModelFile(inputs, out, { onProgress: (p) => { phases.add(p.phase); last = p.phase === "read" ? p : last; } });
    assert.deepEqual([...phases], ["read", "count", "estimate", "write"]);
    assert.equal(last?.bytesRead, last?.totalBytes);
    assert.equal(stats.order, 3);
    assert.equal(stats.sentences, 16);
    const m = loadModel(out);
    assert.deepEqual(stats.counts, [m.vocabularySize, stats.counts[1], stats.counts[2]]);
    // Same text, same model, whether from files or strings.
    const fromStrings = readSphinxTrie(await buildModel(CORPUS));
    const k = m.id("keeper");
    assert.equal(m.logProb(k, m.id("lighthouse"), m.id("old")), fromStrings.logProb(k, m.id("lighthouse"), m.id("old")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("buildModelFile refuses binary and invalid UTF-8 input as every command does", async () => {
  const dir = mkdtempSync(join(tmpdir(), "unspin-lm-"));
  try {
    const binary = join(dir, "image.bin");
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    const latin1 = join(dir, "latin1.txt");
    writeFileSync(latin1, Buffer.from("caf\xe9 au lait\n", "latin1"));
    await assert.rejects(buildModelFile([binary], join(dir, "a.lm")), (e: unknown) => e instanceof InputError && /binary/.test(e.message));
    await assert.rejects(buildModelFile([latin1], join(dir, "b.lm")), (e: unknown) => e instanceof InputError && /UTF-8/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a corrupt trigram pointer in a built model is caught at load", async () => {
  const buf = await buildModel(CORPUS);
  const counts = [buf.readUInt32LE(20), buf.readUInt32LE(24), buf.readUInt32LE(28)];
  const L = trieLayout(counts);
  // Set every bit of the first bigram's next-pointer field: larger than the trigram count.
  for (let b = 0; b < L.nextBits; b++) {
    const bit = L.wordBits + 32 + b;
    buf[L.middleOffset + (bit >> 3)] |= 1 << (bit & 7);
  }
  assert.throws(() => readSphinxTrie(buf), (e: unknown) => e instanceof ModelFormatError && /bigram 0 points outside/.test(e.message));
});

test("modified Kneser-Ney discounts and their fallbacks", () => {
  const [d1, d2, d3] = knDiscounts([1000, 400, 200, 120]);
  assert.ok(d1 > 0 && d1 < 1 && d2 > d1 && d3 > d2 && d3 < 3);
  assert.deepEqual(knDiscounts([10, 0, 0, 0]), [0.5, 0.5, 0.5]);
  const y = 10 / (10 + 2 * 5);
  assert.deepEqual(knDiscounts([10, 5, 0, 0]), [y, y, y]);
});

test("buildModelFile: missing input file", async () => {
  await assert.rejects(buildModelFile(["/nonexistent/corpus.txt"], "/tmp/never-written.lm.bin"), /input file not found: \/nonexistent\/corpus\.txt/);
});

test("quantiser tables: lossless for few values, quantile bins for many", () => {
  const few = Float64Array.from({ length: 1000 }, (_, i) => -(i % 300) * 17.5);
  const t1 = quantiserTable(few);
  for (const v of few) assert.equal(t1[quantise(t1, v)], v);
  let s = 12345;
  const many = Float64Array.from({ length: 300_000 }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return -(s / 2 ** 32) * 60_000; // log base 1.0001 units: 0 to about −2.6 in log10
  });
  const t2 = quantiserTable(many);
  for (let i = 1; i < t2.length; i++) assert.ok(t2[i] >= t2[i - 1], "table sorted");
  let worst = 0;
  for (const v of many) worst = Math.max(worst, Math.abs(t2[quantise(t2, v)] - v));
  assert.ok(worst < 5, `worst quantisation error ${worst} units`); // 5 units = 0.0002 in log10
});
