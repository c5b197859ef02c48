import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { before, after, test } from "node:test";
import { brownDocuments, type BrownDocument } from "../corpus/brown.js";
import { UnspinError } from "../errors.js";
import { spin, type SpinSubstitution } from "../spin/simulate.js";
import { tokenize } from "../text/tokenize.js";
import { align } from "./align.js";
import { analyze, sample, shingles, wordsOf, MIN_SAMPLES } from "./fingerprint.js";
import { openIndex, MAX_QUERY_BYTES, type TraceIndex } from "./index.js";
import { scan } from "./scan.js";
import { loadTraceLexicon } from "./keys.js";

const lex = await loadTraceLexicon();
let dir: string;
let index: TraceIndex;
let sources: BrownDocument[];
let outside: BrownDocument[];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-trace-"));
  const all = brownDocuments({ categories: ["a", "b", "c", "f"] });
  sources = all.filter((_, i) => i % 3 !== 2);
  outside = all.filter((_, i) => i % 3 === 2);
  index = await openIndex(path.join(dir, "t.db"));
  const r = await index.add(sources.map((d) => ({ id: d.id, text: d.text, title: `Brown ${d.id}`, url: `https://brown.test/${d.id}` })));
  assert.equal(r.added, sources.length);
});

after(async () => {
  await index.close();
});

function spun(text: string, rate: number, seed: number) {
  return spin(text, { rate, seed });
}

/** Predicted substitutions that overlap a labelled one, and labelled ones overlapped. */
function score(pred: { copyStart: number; copyEnd: number }[], gold: SpinSubstitution[]) {
  const overlaps = (p: { copyStart: number; copyEnd: number }, g: SpinSubstitution) =>
    p.copyEnd > p.copyStart ? p.copyStart < g.end && p.copyEnd > g.start : p.copyStart >= g.start && p.copyStart <= g.end;
  const tp = pred.filter((p) => gold.some((g) => overlaps(p, g))).length;
  const found = gold.filter((g) => pred.some((p) => overlaps(p, g))).length;
  return { precision: pred.length ? tp / pred.length : 1, recall: gold.length ? found / gold.length : 1 };
}

test("scanner agrees with the project tokenizer on words, offsets, sentences and headlines", () => {
  for (const d of brownDocuments({ ids: ["ca01", "cb05", "cf10", "cr02"] })) {
    const a = tokenize(d.text).filter((t) => t.kind !== "punct");
    const b = scan(d.text);
    assert.equal(b.length, a.length, d.id);
    for (let i = 0; i < a.length; i++) {
      assert.equal(b[i].start, a[i].start);
      assert.equal(b[i].end, a[i].end);
      assert.equal(b[i].norm, a[i].norm);
      assert.equal(b[i].sentenceStart, a[i].sentenceStart, `${d.id} ${a[i].text}`);
      assert.equal(b[i].headline, a[i].headline, `${d.id} ${a[i].text}`);
    }
  }
});

test("sampling is content-defined: every document keeps enough postings; copies sample what survives", () => {
  const short = analyze("The mayor of Springfield opened the new bridge on Tuesday.", lex);
  assert.ok(sample(shingles(short)).hashes.length > 0);
  const long = analyze(sources[0].text, lex);
  const s = sample(shingles(long));
  assert.ok(s.hashes.length >= MIN_SAMPLES);
  const copyWords = analyze(spun(sources[0].text, 0.3, 1).text, lex);
  const copySampled = new Set(sample(shingles(copyWords)).hashes);
  const kept = s.hashes.filter((h) => copySampled.has(h)).length;
  assert.ok(kept / s.hashes.length > 0.5, `most sampled shingles survive a 30% spin (${kept}/${s.hashes.length})`);
});

test("alignment recovers the spinner's substitutions, including multi-word ones", () => {
  const source = "Officials said the military agency were ready. The ground was wet, and people could see it.";
  const copy = "Officials stated the navy company have been ready. The bottom was wet, and individuals may see it.";
  const a = align(source, wordsOf(analyze(source, lex)), { text: copy, words: wordsOf(analyze(copy, lex)) }, lex);
  const pairs = a.substitutions.map((s) => `${s.source}→${s.copy}`);
  assert.deepEqual(pairs, ["said→stated", "military→navy", "agency→company", "were→have been", "ground→bottom", "people→individuals", "could→may"]);
  for (const s of a.substitutions) {
    assert.equal(source.slice(s.sourceStart, s.sourceEnd), s.source);
    assert.equal(copy.slice(s.copyStart, s.copyEnd), s.copy);
  }
  assert.equal(a.stats.copyCovered, a.stats.copyWords);
  assert.equal(a.stats.sourceCovered, a.stats.sourceWords);
});

test("spun copies at 10–40 % trace to their source, rank 1, with substitutions matching the labels", async () => {
  let n = 0, p = 0, r = 0;
  for (const [k, d] of sources.slice(0, 12).entries()) {
    const rate = [0.1, 0.2, 0.4][k % 3];
    const s = spun(d.text, rate, 100 + k);
    const res = await index.traceDetailed(s.text, { top: 3 });
    assert.equal(res[0]?.id, d.id, `${d.id} at ${rate}`);
    assert.ok(res[0].score >= 0.9, `score ${res[0].score}`);
    assert.ok(["spun", "verbatim"].includes(res[0].kind), res[0].kind);
    assert.ok(!res[1] || res[1].score < 0.5, "the runner-up is not confident");
    const m = score(res[0].alignment.substitutions, s.substitutions);
    p += m.precision;
    r += m.recall;
    n++;
  }
  assert.ok(p / n >= 0.9, `precision ${p / n}`);
  assert.ok(r / n >= 0.9, `recall ${r / n}`);
});

test("result contract: fields, offsets into the stored source and the query", async () => {
  const d = sources[5];
  const s = spun(d.text, 0.3, 7);
  const result = await index.trace(s.text, { top: 2 });
  const m = result.matches[0];
  assert.deepEqual(Object.keys(m).sort(), ["alignment", "id", "kind", "score", "title", "url"]);
  assert.deepEqual(Object.keys(m.alignment).sort(), ["changedShare", "copyCoverage", "sourceCoverage", "substitutions"]);
  assert.equal(m.url, `https://brown.test/${d.id}`);
  for (const sub of m.alignment.substitutions) {
    assert.deepEqual(Object.keys(sub).sort(), ["copy", "copyEnd", "copyStart", "source", "sourceEnd", "sourceStart"]);
    assert.equal(d.text.slice(sub.sourceStart, sub.sourceEnd), sub.source);
    assert.equal(s.text.slice(sub.copyStart, sub.copyEnd), sub.copy);
  }
  assert.ok(m.alignment.changedShare > 0 && m.alignment.changedShare < 0.5);
});

test("partial copies with boilerplate, and sentence-level rewrites, still trace", async () => {
  for (const [k, d] of sources.slice(20, 28).entries()) {
    const paras = d.paragraphs;
    const from = Math.floor(paras.length * 0.3);
    const part = paras.slice(from, from + Math.max(3, Math.ceil(paras.length * 0.35))).join("\n\n");
    const s = spun(part, 0.25, k);
    const copy = "Breaking News | Subscribe to our newsletter for daily updates.\n\n" + s.text +
      "\n\nRelated: Ten Things You Did Not Know About Gardening\nRelated: Markets Close Higher On Strong Earnings\n";
    const res = await index.trace(copy, { top: 1 });
    assert.equal(res.matches[0]?.id, d.id);
    const a = res.matches[0].alignment;
    assert.ok(a.sourceCoverage < 0.6 && a.copyCoverage > 0.7, `coverage both ways ${a.sourceCoverage} ${a.copyCoverage}`);
  }
  // Sentence reordering within paragraphs and merging of neighbours: traced, and reported as
  // restructured rather than merely spun.
  let paraphrased = 0;
  for (const d of sources.slice(30, 36)) {
    // Every third paragraph: a rewrite touches some sentences, not all.
    const rewritten = d.paragraphs.map((p, i) => {
      const sents = p.split(/(?<=[.!?])\s+(?=[A-Z])/);
      if (sents.length < 2 || i % 3 !== 0) return p;
      const [a, b, ...rest] = sents;
      return [b, a.replace(/[.!?]$/, "") + ", and " + (rest[0] ?? "").replace(/^\w/, (c) => c.toLowerCase()), ...rest.slice(1)].join(" ");
    }).join("\n\n");
    const res = await index.trace(spun(rewritten, 0.15, 3).text, { top: 1 });
    assert.equal(res.matches[0]?.id, d.id);
    if (res.matches[0].kind === "paraphrased") paraphrased++;
  }
  assert.ok(paraphrased >= 5, `${paraphrased} of 6 rewrites reported as paraphrased`);
});

test("verbatim copies are verbatim; unrelated texts score below 0.5", async () => {
  const v = await index.trace(sources[3].paragraphs.slice(0, 6).join("\n\n"));
  assert.equal(v.matches[0].id, sources[3].id);
  assert.equal(v.matches[0].kind, "verbatim");
  assert.equal(v.matches[0].alignment.changedShare, 0);
  let high = 0;
  for (const d of outside.slice(0, 25)) {
    const r = await index.trace(spun(d.text, 0.2, 9).text, { top: 1 });
    if (r.matches[0] && r.matches[0].score >= 0.5) high++;
    if (r.matches[0]) assert.equal(r.matches[0].score < 0.5 ? "unrelated" : r.matches[0].kind, r.matches[0].kind);
  }
  assert.equal(high, 0, "no unrelated text matched with score ≥ 0.5");
});

test("re-adding the same documents is a no-op; empty documents are skipped", async () => {
  const before = (await index.stats()).documents;
  const r = await index.add([...sources.slice(0, 5).map((d) => ({ text: d.text, id: "again-" + d.id })), { text: "  \n " }]);
  assert.deepEqual({ added: r.added, duplicates: r.duplicates, empty: r.empty }, { added: 0, duplicates: 5, empty: 1 });
  assert.equal((await index.stats()).documents, before);
});

test("bad queries: empty, longer than 5 MB", async () => {
  await assert.rejects(index.trace("   \n"), (e: Error) => e instanceof UnspinError && /empty/.test(e.message));
  const huge = "word ".repeat(Math.ceil(MAX_QUERY_BYTES / 5) + 10);
  await assert.rejects(index.trace(huge), (e: Error) => e instanceof UnspinError && /longer than 5 MB/.test(e.message));
});

test("learn: confirmed spun traces fold into the channel table and help later alignments", async () => {
  const d = sources[8];
  const s = spun(d.text, 0.3, 11);
  await index.trace(s.text, { record: true });
  const r = await index.learn();
  assert.ok(r.traces >= 1 && r.pairs > 0, JSON.stringify(r));
  const pairs = await index.learnedSubstitutions();
  assert.ok(pairs.some((p) => p.original === "said" && p.spun === "stated") || pairs.length > 3);
});
