/**
 * Memory of a long screening run (`npm run bench:screen-memory`): screen a generated crawl of
 * 100,000 ~500-word news pages (bench/screen-corpus.ts, 20 % spun; JSON Lines, generated once
 * and kept in the system's temporary folder: generating takes about 25 min on 2 cores) with a
 * pool of worker threads, and sample the process's resident memory (all threads) every 10,000
 * pages. The run levels off when each sample after the first 20,000 pages is within 10 % of the
 * last one.
 *
 *   node --import tsx bench/screen-memory.ts [--pages 100000] [--every 10000] [--settle 20000]
 *       [--threads N] [--root OTHER_CHECKOUT]
 *
 * --pages screens the first N pages of the 100,000-page crawl. --root runs another checkout's
 * pool on the same pages (before/after comparisons).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Batch, PageResult, ScreenInput } from "../src/screen/types.js";
import { writeScreenCorpus } from "./screen-corpus.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const CORPUS_PAGES = 100_000;
const pages = Number(arg("pages") ?? CORPUS_PAGES);
const every = Number(arg("every") ?? 10_000);
const settle = Number(arg("settle") ?? 20_000);
const threads = Number(arg("threads") ?? os.availableParallelism());
const root = path.resolve(arg("root") ?? path.join(import.meta.dirname, ".."));
const RECORDS_PER_BATCH = 100;

interface Pool {
  run(input: ScreenInput, batch: Batch): Promise<PageResult[]>;
  close(): Promise<void>;
}
const { ScreenPool } = (await import(pathToFileURL(path.join(root, "src/screen/pool.ts")).href)) as {
  ScreenPool: { start(init: object, threads: number): Promise<Pool> };
};
const { planBatches } = (await import(pathToFileURL(path.join(root, "src/screen/records.ts")).href)) as {
  planBatches(input: ScreenInput, n: number): AsyncGenerator<Batch>;
};

const file = path.join(os.tmpdir(), `unspin-screen-memory-${CORPUS_PAGES}-1.jsonl`);
if (!fs.existsSync(file)) {
  const t0 = performance.now();
  console.log(`generating ${CORPUS_PAGES} pages → ${file} (once; about 25 min on 2 cores)`);
  await writeScreenCorpus({ pages: CORPUS_PAGES, seed: 1, spun: 0.2, format: "jsonl", out: file, onProgress: (d, n) => process.stderr.write(`\r${d}/${n} pages`) });
  process.stderr.write("\n");
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
const input: ScreenInput = { input: file, size: fs.statSync(file).size, format: "jsonl", gzip: false };

const mb = (bytes: number) => Math.round(bytes / 1048576);
console.log(`screen memory: ${pages} pages of ${file}, ${threads} threads, checkout ${root}; Node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
const t0 = performance.now();
const pool = await ScreenPool.start({}, threads);
console.log(`pool started in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${mb(process.memoryUsage().rss)} MB`);

const samples: Array<{ pages: number; rss: number; seconds: number }> = [];
let done = 0;
let submitted = 0;
const inFlight = new Set<Promise<void>>();
const tRun = performance.now();
for await (const batch of planBatches(input, RECORDS_PER_BATCH)) {
  if (submitted >= pages) break;
  submitted += batch.records;
  const job = pool.run(input, batch).then((results) => {
    const before = done;
    done += results.length;
    if (Math.floor(done / every) > Math.floor(before / every)) {
      const s = { pages: Math.floor(done / every) * every, rss: process.memoryUsage().rss, seconds: (performance.now() - tRun) / 1000 };
      samples.push(s);
      console.log(`${s.pages} pages: RSS ${mb(s.rss)} MB (${(done / s.seconds).toFixed(1)} pages/s so far)`);
    }
  });
  const tracked = job.finally(() => inFlight.delete(tracked));
  inFlight.add(tracked);
  while (inFlight.size >= threads * 2) await Promise.race(inFlight);
}
await Promise.all(inFlight);
const seconds = (performance.now() - tRun) / 1000;
await pool.close();

console.log(`\n${done} pages in ${seconds.toFixed(0)} s = ${(done / seconds).toFixed(1)} pages/s; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB; load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
console.log(`RSS samples (MB): ${samples.map((s) => `${s.pages / 1000}k ${mb(s.rss)}`).join(", ")}`);
const last = samples[samples.length - 1];
if (last !== undefined) {
  const later = samples.filter((s) => s.pages > settle);
  const off = later.filter((s) => Math.abs(s.rss - last.rss) > 0.1 * last.rss);
  console.log(off.length === 0
    ? `levels off: every sample after ${settle} pages is within 10 % of the last (${mb(last.rss)} MB)`
    : `does not level off: ${off.map((s) => `${s.pages / 1000}k (${mb(s.rss)} MB)`).join(", ")} more than 10 % from the last (${mb(last.rss)} MB)`);
}
