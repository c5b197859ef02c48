/**
 * One page through screening with the first stage: a clean page it clears is stored with its
 * score and stage "fast" and no analysis; a spun page goes on to the full engine ("full", spans);
 * without the first stage (`--full`) every page is analysed. And `--full` is kept with the run.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { brownDocuments } from "../corpus/brown.js";
import { loadFirstStage } from "../detect/first-stage.js";
import { spin } from "../spin/simulate.js";
import { tokenize } from "../text/tokenize.js";
import { screenPage } from "./page.js";
import { openResultStore } from "./results/index.js";
import { startRun } from "./run.js";
import type { PageRecord } from "./types.js";

const firstStage = loadFirstStage();
const record = (text: string, offset = 0): PageRecord => ({ input: "crawl.jsonl", offset, url: `https://news.example/${offset}`, date: null, title: null, text });

test("screenPage: cleared pages are stored fast with the first stage's score; spun pages and --full get the full analysis", async () => {
  const docs = brownDocuments({ categories: ["a"] }).slice(0, 10);
  // A clean press page the first stage clears (most are: see bench/first-stage-eval.ts).
  const clean = docs.find((d) => !firstStage.score(d.text).pass);
  assert.ok(clean, "the first stage clears some clean press page");
  const fast = await screenPage(record(clean.text), { firstStage });
  assert.equal(fast.stage, "fast");
  assert.equal(fast.status, "ok");
  assert.deepEqual(fast.spans, []);
  assert.equal(fast.spinRate, null);
  assert.ok(fast.score !== null && fast.score < firstStage.model.threshold, `score ${fast.score}`);
  assert.equal(fast.words, tokenize(clean.text).filter((t) => t.kind === "word").length);

  const full = await screenPage(record(clean.text), {});
  assert.equal(full.stage, "full");
  assert.equal(full.words, fast.words, "the same word count either way");
  assert.ok(full.score !== null && full.score < 0.5, "the full engine agrees the page is clean");

  const spun = await screenPage(record(spin(docs[0].text, { rate: 0.3, seed: 9 }).text, 1), { firstStage });
  assert.equal(spun.stage, "full");
  assert.ok(spun.spans.length > 0);
  assert.ok(spun.score !== null && spun.score >= 0.5, `spun page score ${spun.score}`);
});

test("--full is kept with the run; a resume with --full turns it on", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-page-"));
  try {
    const input = path.join(dir, "page.txt");
    fs.writeFileSync(input, brownDocuments({ categories: ["a"] })[0].text);
    const a = await openResultStore(path.join(dir, "a.db"), { create: true });
    assert.equal((await startRun(a, { paths: [input], full: true })).full, true);
    assert.equal((await startRun(a, { resume: true })).full, true, "resumed as started");
    await a.close();
    const b = await openResultStore(path.join(dir, "b.db"), { create: true });
    assert.equal((await startRun(b, { paths: [input] })).full, undefined);
    assert.equal((await startRun(b, { resume: true, full: true })).full, true);
    assert.equal((await b.getRun())?.full, true, "stored");
    await b.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
