import { test } from "node:test";
import assert from "node:assert/strict";
import { plainProgress, progressBar, progressLine } from "./progress.js";
import type { ScreenProgress } from "../screen/run.js";

const p: ScreenProgress = {
  pages: 1200, problems: 34, spun: 100, traced: 0, fast: 900, batchesDone: 3, batchesTotal: 10, bytesDone: 2_500_000, bytesTotal: 10_000_000,
  planned: true, inputBytes: 10_000_000, pagesThisRun: 1234, elapsedMs: 10_000, failedBatches: 0,
};

test("not a terminal: a plain line at most every 5 seconds, the first after 5 seconds", () => {
  let clock = 1_000;
  const lines: string[] = [];
  const progress = plainProgress((s) => lines.push(s), () => clock);
  for (const t of [1_000, 2_000, 5_999, 6_000, 7_000, 10_999, 11_000, 11_001]) {
    clock = t;
    progress.update(p);
  }
  progress.stop();
  assert.equal(lines.length, 2);
  assert.equal(lines[0], "unspin: screening: 1,234 pages, 25.0% of the input, 123 pages/s\n");
  assert.equal(progressLine({ ...p, planned: false, bytesTotal: 0 }), "unspin: screening: 1,234 pages, 25.0% of the input, 123 pages/s");
});

test("a stream that is not a terminal gets no bar", () => {
  const written: string[] = [];
  const stream = { isTTY: false, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
  const progress = progressBar(stream);
  progress.update(p);
  progress.stop();
  assert.deepEqual(written, [], "nothing before 5 seconds, and no final bar on stop");
});
