/**
 * The seed page: with its gold original (built here, in memory, from the seed and its
 * substitution list; never stored) indexed among the Brown documents, tracing the seed
 * must rank the original first and recover its substitutions.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { brownDocuments } from "../corpus/brown.js";
import { openIndex } from "./index.js";
import { available, missingShared, sharedPath } from "../test-support/require.js";

const SEED_FILES = ["data/seed/nato-2022-01-27.spun.txt", "data/seed/nato-2022-01-27.substitutions.json"];

interface Gold { start: number; end: number; spun: string; original: string }

function loadSeed(): { spun: string; gold: Gold[] } {
  const [textFile, subsFile] = SEED_FILES.map(sharedPath);
  return { spun: fs.readFileSync(textFile, "utf8"), gold: JSON.parse(fs.readFileSync(subsFile, "utf8")).substitutions };
}

test("seed: its gold original ranks first among the Brown documents; substitutions recovered", async (t) => {
  if (!available(t, missingShared(...SEED_FILES))) return;
  const { spun, gold } = loadSeed();
  let original = "";
  let pos = 0;
  const spans: { start: number; end: number; os: number; oe: number; original: string }[] = [];
  for (const g of gold) {
    original += spun.slice(pos, g.start);
    const os = original.length;
    original += g.original;
    spans.push({ start: g.start, end: g.end, os, oe: original.length, original: g.original });
    pos = g.end;
  }
  original += spun.slice(pos);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-seed-"));
  const index = await openIndex(path.join(dir, "seed.db"));
  try {
    await index.add(brownDocuments().map((d) => ({ id: d.id, text: d.text })));
    await index.add([{ id: "gold-original", text: original }]);
    const { matches } = await index.trace(spun, { top: 5 });
    assert.equal(matches[0].id, "gold-original");
    assert.ok(matches[0].score >= 0.9, `score ${matches[0].score}`);
    assert.equal(matches[0].kind, "spun");
    assert.ok(!matches[1] || matches[1].score < 0.5);
    const subs = matches[0].alignment.substitutions;
    let located = 0;
    let exact = 0;
    for (const g of spans) {
      const hits = subs.filter((p) => (p.copyEnd > p.copyStart ? p.copyStart < g.end && p.copyEnd > g.start : p.copyStart >= g.start && p.copyStart <= g.end));
      if (hits.length === 0) continue;
      located++;
      const src = original.slice(Math.min(...hits.map((h) => h.sourceStart)), Math.max(...hits.map((h) => h.sourceEnd)));
      if (src.toLowerCase().replace(/\s+/g, " ") === g.original.toLowerCase()) exact++;
    }
    const falseEdits = subs.filter((p) => !spans.some((g) => p.copyStart < g.end && p.copyEnd > g.start)).length;
    assert.ok(located >= 45, `${located} of ${spans.length} substitutions located`);
    assert.ok(exact >= 45, `${exact} of ${spans.length} substitutions recovered with the exact original`);
    assert.ok(falseEdits <= 3, `${falseEdits} reported substitutions outside the labelled ones`);
  } finally {
    await index.close();
  }
});
