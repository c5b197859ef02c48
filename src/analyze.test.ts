import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { analyze, applyEdits, DEFAULTS } from "./analyze.js";
import { spin } from "./spin/simulate.js";

const example = new URL("../examples/harbour-bridge.txt", import.meta.url);
const clean = readFileSync(example, "utf8");

test("empty and whitespace-only text: score 0, no edits, no estimated spin rate", () => {
  for (const text of ["", "   \n\n  "]) {
    const r = analyze(text);
    assert.equal(r.score, 0);
    assert.deepEqual(r.edits, []);
    assert.equal(r.restored, text);
    assert.equal(r.stats.spinRate, 0);
  }
});

test("clean text written for the project is left (almost) alone and scores low", () => {
  const r = analyze(clean);
  assert.ok(r.score < 0.2, `score ${r.score}`);
  assert.ok(r.edits.length <= 1, `edits: ${r.edits.map((e) => `${e.text}->${e.replacement}`).join(", ")}`);
});

test("the result contract: sorted, non-overlapping edits that rebuild `restored`", () => {
  const spun = spin(clean, { rate: 0.3, seed: 7 }).text;
  const r = analyze(spun);
  let last = -1;
  for (const e of r.edits) {
    assert.ok(e.start >= last && e.end > e.start);
    assert.equal(spun.slice(e.start, e.end), e.text);
    assert.ok(e.confidence > 0 && e.confidence <= 1);
    assert.ok(Array.isArray(e.alternatives));
    last = e.end;
  }
  assert.equal(applyEdits(spun, r.edits), r.restored);
});

test("spun text scores high and many substitutions are put back", () => {
  const s = spin(clean, { rate: 0.3, seed: 7 });
  const r = analyze(s.text);
  assert.ok(r.score > 0.8, `score ${r.score}`);
  const exact = s.substitutions.filter((sub) =>
    r.edits.some((e) => e.start === sub.start && e.end === sub.end && e.replacement.toLowerCase() === sub.original.toLowerCase()),
  ).length;
  assert.ok(exact >= s.substitutions.length * 0.3, `restored ${exact} of ${s.substitutions.length}`);
});

test("a real spun page (the seed): high score, most substitutions restored, few false edits", (t) => {
  const base = new URL("../../shared/data/seed/nato-2022-01-27", import.meta.url);
  let text: string;
  try {
    text = readFileSync(new URL(base.href + ".spun.txt"), "utf8");
  } catch {
    assert.fail("../shared/data/seed is missing: the seed test needs the shared test data beside the repository");
  }
  const gold = JSON.parse(readFileSync(new URL(base.href + ".substitutions.json"), "utf8")) as {
    substitutions: Array<{ start: number; end: number; original: string }>;
  };
  const r = analyze(text);
  assert.ok(r.score >= 0.8, `score ${r.score}`);
  const inSpan = (e: { start: number; end: number }) => gold.substitutions.some((g) => e.start < g.end && g.start < e.end);
  const falseEdits = r.edits.filter((e) => !inSpan(e));
  assert.ok(falseEdits.length <= 3, `false edits: ${falseEdits.map((e) => `${e.text}->${e.replacement}`).join(", ")}`);
  const exact = gold.substitutions.filter((g) => r.edits.some((e) => e.start <= g.start && e.end >= g.end && e.replacement.toLowerCase().includes(g.original.toLowerCase()))).length;
  t.diagnostic(`seed: ${exact} of ${gold.substitutions.length} restored exactly, ${falseEdits.length} false edits, score ${r.score}`);
  // A regression guard below the issue's bar (30 by the outside rule): see README, Evaluation.
  assert.ok(exact >= 22, `restored ${exact}`);

  // Changes below minConfidence are made only where the words as written are very unlikely
  // ("have been" read as "were" or "are"); without that rule they are not made at all.
  const shared = r.edits.filter((e) => e.confidence < DEFAULTS.minConfidence);
  assert.ok(shared.length > 0, "the seed has changes whose evidence several originals share");
  for (const e of shared) {
    const asWritten = e.alternatives.find((a) => a.replacement.toLowerCase() === e.text.toLowerCase())?.probability ?? 0;
    assert.ok(asWritten <= 1 - DEFAULTS.minChangeProbability, `${e.text} -> ${e.replacement}: as written ${asWritten}`);
  }
  const strict = analyze(text, { minChangeProbability: 1.01 });
  assert.ok(strict.edits.every((e) => e.confidence >= DEFAULTS.minConfidence));
  assert.equal(strict.edits.length, r.edits.length - shared.length);
});
