import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { analyze, applyEdits, DEFAULTS, type EditCandidate } from "./analyze.js";
import { spin } from "./spin/simulate.js";
import { brownDocuments } from "./corpus/brown.js";
import { available, missingShared, sharedPath } from "./test-support/require.js";

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
  const base = "data/seed/nato-2022-01-27";
  if (!available(t, missingShared(`${base}.spun.txt`, `${base}.substitutions.json`))) return;
  const text = readFileSync(sharedPath(`${base}.spun.txt`), "utf8");
  const gold = JSON.parse(readFileSync(sharedPath(`${base}.substitutions.json`), "utf8")) as {
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

  // Changes whose raw posterior is below minConfidence and whose calibrated confidence is below
  // minCalibratedConfidence are made only where the words as written are very unlikely ("have
  // been" read as "were" or "are"); without that rule they are not made at all.
  // (Read without the confidence floor, which holds back the weakest of them.)
  const candidates: EditCandidate[] = [];
  const again = analyze(text, { confidenceFloor: 0, onCandidate: (c) => candidates.push(c) });
  assert.equal(analyze(text, { onCandidate: () => {} }).edits.length, r.edits.length);
  const shared = candidates.filter((c) => c.made && c.evidence.posterior < DEFAULTS.minConfidence && c.confidence < DEFAULTS.minCalibratedConfidence);
  assert.ok(shared.length > 0, "the seed has changes whose evidence several originals share");
  for (const c of shared) assert.ok(c.evidence.asWritten <= 1 - DEFAULTS.minChangeProbability, `${c.text} -> ${c.replacement}: as written ${c.evidence.asWritten}`);
  const strict = analyze(text, { confidenceFloor: 0, minChangeProbability: 1.01 });
  assert.equal(strict.edits.length, again.edits.length - shared.length);
});

test("the README example: substitutions restored, and no wrong edit reported at 85 % or more", () => {
  // examples/harbour-bridge.spun.txt is `unspin spin --rate 0.3 --seed 7` of the clean story.
  const s = spin(clean, { rate: 0.3, seed: 7 });
  assert.equal(s.text, readFileSync(new URL("../examples/harbour-bridge.spun.txt", import.meta.url), "utf8"));
  const r = analyze(s.text);
  const right = (e: { start: number; end: number; replacement: string }) =>
    s.substitutions.some((sub) => sub.start === e.start && sub.end === e.end && sub.original.toLowerCase() === e.replacement.toLowerCase());
  const restored = r.edits.filter(right).length;
  const wrong = r.edits.filter((e) => !right(e));
  // README, Quick start: 12 of 19 restored, 1 wrong edit (at 0.17; issue 12: at least 12 with at most 1 wrong).
  assert.ok(restored >= 12, `restored ${restored} of ${s.substitutions.length}`);
  assert.ok(wrong.length <= 1, `wrong: ${wrong.map((e) => `${e.text}->${e.replacement}`).join(", ")}`);
  for (const e of wrong) assert.ok(e.confidence < 0.85, `wrong edit ${e.text} -> ${e.replacement} at ${e.confidence}`);
});

test("edit confidence is calibrated on held-out spun text (Brown press, not used to fit it)", () => {
  // Press sections a–c are held out from scripts/calibrate.ts.
  const docs = brownDocuments({ categories: ["a"] }).filter((_, i) => i % 11 === 0).slice(0, 4);
  const high = { calibrated: [0, 0], raw: [0, 0] };
  docs.forEach((d, i) => {
    const s = spin(d.text, { rate: 0.3, seed: 77 + i });
    const right = new Set(s.substitutions.map((sub) => `${sub.start}:${sub.end}:${sub.original.toLowerCase()}`));
    analyze(s.text, {
      onCandidate: (c) => {
        if (!c.made) return;
        const ok = right.has(`${c.start}:${c.end}:${c.replacement.toLowerCase()}`) ? 1 : 0;
        if (c.confidence >= 0.85) { high.calibrated[0]++; high.calibrated[1] += ok; }
        if (c.evidence.posterior >= 0.85) { high.raw[0]++; high.raw[1] += ok; }
      },
    });
  });
  const [n, k] = high.calibrated;
  assert.ok(n >= 10, `only ${n} edits at confidence >= 0.85`);
  assert.ok(k / n >= 0.8, `precision at confidence >= 0.85: ${k} of ${n}`);
  // The same bar on the decoder's raw posterior fails: the test can tell calibrated from not.
  assert.ok(high.raw[1] / high.raw[0] < 0.8, `raw posterior precision ${high.raw[1]} of ${high.raw[0]}`);
});
