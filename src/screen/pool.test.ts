/**
 * The screening pool's threads build their engines over the model and lexicon bytes the main
 * thread shares, replacement threads (after a record runs out of time) too.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { writeScreenCorpus } from "../../bench/screen-corpus.js";
import { ScreenPool } from "./pool.js";
import { planBatches } from "./records.js";
import type { ScreenInput } from "./types.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-pool-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function crawl(pages: number): Promise<ScreenInput> {
  const file = path.join(dir, `pages-${pages}.jsonl`);
  await writeScreenCorpus({ pages, spun: 0.5, seed: 11, format: "jsonl", out: file, workers: 0, noise: false });
  return { input: file, size: fs.statSync(file).size, format: "jsonl", gzip: false };
}

test("threads screen over the shared engine; a thread replaced after a record ran out of time gets the same shared bytes", async () => {
  const input = await crawl(4);
  const batches = [];
  for await (const b of planBatches(input, 4)) batches.push(b);
  assert.equal(batches.length, 1);
  const batch = batches[0];
  // Normal limit: every page analysed, by threads built over the shared model and lexicon.
  const pool = await ScreenPool.start({}, 2);
  try {
    const results = await pool.run(input, batch);
    assert.equal(results.length, 4);
    assert.ok(results.every((r) => r.status === "ok" && r.words > 100 && r.score !== null), JSON.stringify(results.map((r) => r.reason)));
  } finally {
    await pool.close();
  }
  // A limit no analysis can meet: each record costs its thread, and the batch is finished by the
  // replacements (which would fail to start without the shared bytes).
  const strict = await ScreenPool.start({}, 1, { recordTimeoutMs: 1 });
  try {
    const results = await strict.run(input, batch);
    assert.equal(results.length, 4);
    assert.ok(results.every((r) => r.status === "problem" && /per-record time limit/.test(r.reason ?? "")), JSON.stringify(results.map((r) => r.reason)));
    assert.equal(strict.idle, 1, "a replacement thread is ready");
  } finally {
    await strict.close();
  }
});
