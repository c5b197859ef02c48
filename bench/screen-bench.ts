/**
 * Screening benchmark (`npm run bench:screen`): generated WARC.gz crawls of ~500-word news pages
 * (bench/screen-corpus.ts) with 5 % of the pages spun (a realistic share) and with 20 %, screened
 * check-only, everything included (reading, decompression, HTML extraction, first stage, full
 * analysis of the pages it passes on, storing in SQLite, engine start):
 *   - with every core, first stage on: pages per hour, CPU ms a page, pages cleared, accuracy
 *     against the crawl's labels; on the 5 % crawl also with one thread (scaling) and with
 *     `--full` (every page analysed: the figure before the first stage), peak RSS;
 *   - the site-learning pass after the 5 % run, timed on its own;
 *   - killed with SIGKILL mid-run and resumed: records lost and duplicated;
 *   - on a PostgreSQL queue (pg-boss) with 1 and 2 worker processes of one thread each (the fair
 *     test of scaling on 2 cores), and a local one-thread run of the same crawl (the queue's
 *     overhead), when PostgreSQL is available (UNSPIN_TEST_PG, else a throw-away cluster by
 *     scripts/pg-cluster.sh).
 *
 *   SCREEN_BENCH_PAGES=5000 SCREEN_BENCH_QUEUE_PAGES=2000 node --import tsx bench/screen-bench.ts [--quick | --queue-only]
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeScreenCorpus } from "./screen-corpus.js";
import { listScreenInputs } from "../src/screen/inputs.js";
import { readRecords } from "../src/screen/records.js";
import { openResultStore } from "../src/screen/results/index.js";
import { screenLocal } from "../src/screen/run.js";
import { learnSiteTables } from "../src/screen/site-tables.js";
import type { PageResult } from "../src/screen/types.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const PAGES = Number(process.env.SCREEN_BENCH_PAGES ?? 5000);
const QUEUE_PAGES = Number(process.env.SCREEN_BENCH_QUEUE_PAGES ?? 2000);
const quick = process.argv.includes("--quick");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-screen-bench-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

async function corpus(pages: number, seed: number, format: "warc" | "jsonl", spun: number): Promise<{ file: string; labels: Map<string, boolean> }> {
  // Kept between runs: generating is slower than screening.
  const file = path.join(os.tmpdir(), `unspin-screen-bench-${pages}-${seed}-s${Math.round(spun * 100)}.${format === "warc" ? "warc.gz" : "jsonl"}`);
  const labelsFile = file + ".labels";
  if (!fs.existsSync(file) || !fs.existsSync(labelsFile)) {
    const t0 = performance.now();
    await writeScreenCorpus({ pages, seed, spun, format, out: file, labels: labelsFile });
    console.log(`generated ${pages} pages → ${file} in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const labels = new Map<string, boolean>();
  for (const line of fs.readFileSync(labelsFile, "utf8").split("\n")) {
    if (!line) continue;
    const l = JSON.parse(line) as { url: string; spun: boolean };
    labels.set(l.url, l.spun);
  }
  return { file, labels };
}

async function allResults(location: string): Promise<PageResult[]> {
  const store = await openResultStore(location, { readOnly: true });
  const out: PageResult[] = [];
  for await (const r of store.results()) out.push(r);
  await store.close();
  return out;
}

function accuracy(results: PageResult[], labels: Map<string, boolean>, threshold = 0.5): string {
  let tp = 0, fp = 0, fn = 0;
  const pos: number[] = [], neg: number[] = [];
  for (const r of results) {
    const spun = r.url !== null ? labels.get(r.url) : undefined;
    if (spun === undefined || r.score === null) continue;
    (spun ? pos : neg).push(r.score);
    if (r.score >= threshold) spun ? tp++ : fp++;
    else if (spun) fn++;
  }
  neg.sort((a, b) => a - b);
  let auc = 0;
  for (const p of pos) {
    let lo = 0, hi = neg.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (neg[m] < p) lo = m + 1; else hi = m; }
    let eq = lo;
    while (eq < neg.length && neg[eq] === p) eq++;
    auc += lo + (eq - lo) / 2;
  }
  auc /= pos.length * neg.length || 1;
  return `precision ${(tp / (tp + fp || 1)).toFixed(3)}, recall ${(tp / (tp + fn || 1)).toFixed(3)} at score ≥ ${threshold}; AUROC ${auc.toFixed(4)} (${pos.length} spun, ${neg.length} clean pages)`;
}

const hour = (rate: number) => Math.round(rate * 3600).toLocaleString("en-US");

async function local(file: string, labels: Map<string, boolean> | null, threads: number, name: string, full = false): Promise<{ rate: number; out: string }> {
  const out = path.join(work, `${name}-${threads}${full ? "-full" : ""}.db`);
  const store = await openResultStore(out, { create: true });
  const rss: Record<string, number> = {};
  let peak = 0;
  const marks = [0.1, 0.5, 1];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const done = await screenLocal(store, {
    paths: [file],
    threads,
    full,
    // The site-learning pass is timed on its own (learning()).
    learn: false,
    onProgress: (p) => {
      peak = Math.max(peak, process.memoryUsage().rss);
      const share = p.bytesDone / Math.max(1, p.inputBytes);
      for (const m of marks) if (share >= m && rss[m] === undefined) rss[m] = peak;
    },
  });
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  const records = done.pages + done.problems;
  const rate = records / secs;
  console.log(`\n${name}, local, ${threads} thread${threads > 1 ? "s" : ""}${full ? ", --full (every page analysed)" : ""}: ${records} records in ${secs.toFixed(1)} s = ${rate.toFixed(1)} pages/s = **${hour(rate)} pages per hour**; CPU ${(((cpu.user + cpu.system) / 1000) / records).toFixed(1)} ms a page (all threads, engine start included); load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`  first stage cleared ${done.fast} of ${done.pages} pages (${((100 * done.fast) / Math.max(1, done.pages)).toFixed(1)} %); peak RSS at 10 % / 50 % / 100 % of the input: ${marks.map((m) => `${Math.round((rss[m] ?? peak) / 1048576)} MB`).join(" / ")}`);
  if (labels !== null) console.log(`  ${accuracy(await allResults(out), labels)}`);
  return { rate, out };
}

/** The site-learning pass on a finished run's results, timed on its own (screen runs it after the last batch). */
async function learning(out: string): Promise<void> {
  const store = await openResultStore(out);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const s = await learnSiteTables(store);
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  console.log(`  site learning after it: ${s.sites} sites with enough pages, ${s.withTable} with a table, ${s.restored} pages re-restored, in ${((performance.now() - t0) / 1000).toFixed(1)} s (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU, one thread)`);
}

async function resume(file: string): Promise<void> {
  const out = path.join(work, "resume.db");
  const expected = new Set<string>();
  for (const input of await listScreenInputs([file])) for await (const item of readRecords(input, {})) {
    const r = item.page ?? item.problem;
    expected.add(`${r.input}@${r.offset}`);
  }
  const child = spawn(process.execPath, [bin, "screen", file, "--out", out, "--no-progress"], { stdio: "ignore" });
  let killedAt = 0;
  while (killedAt === 0) {
    await new Promise((r) => setTimeout(r, 500));
    if (!fs.existsSync(out)) continue;
    const store = await openResultStore(out, { readOnly: true }).catch(() => null);
    if (store === null) continue;
    const c = await store.counts(0.5).catch(() => null);
    await store.close();
    if (c !== null && c.bytesDone >= 0.4 * c.bytesTotal && c.bytesTotal > 0) killedAt = c.pages + c.problems;
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const r = spawnSync(process.execPath, [bin, "screen", "--resume", "--out", out, "--no-progress"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`resume failed: ${r.stderr}`);
  const keys = (await allResults(out)).map((x) => `${x.input}@${x.offset}`);
  const seen = new Set(keys);
  const lost = [...expected].filter((k) => !seen.has(k)).length;
  console.log(`\nkill -9 at ${killedAt} of ${expected.size} records, then --resume: ${lost} lost, ${keys.length - seen.size} duplicated, ${keys.length} stored`);
}

async function queue(): Promise<void> {
  let url = process.env.UNSPIN_TEST_PG;
  let cluster: string | null = null;
  if (!url) {
    cluster = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-bench-pg-"));
    try {
      url = execFileSync("bash", [path.join(root, "scripts", "pg-cluster.sh"), "start", cluster], { encoding: "utf8" }).trim();
    } catch {
      console.log("\nqueue: PostgreSQL not available (set UNSPIN_TEST_PG or install postgresql); skipped");
      return;
    }
  }
  try {
    const { file } = await corpus(QUEUE_PAGES, 3, "warc", 0.05);
    // The same crawl screened locally by the same built CLI, one thread: the queue's overhead is what the queue adds to it.
    const localOut = path.join(work, "queue-local.db");
    const tl = performance.now();
    const lr = spawnSync(process.execPath, [bin, "screen", file, "--out", localOut, "--threads", "1", "--no-learn", "--no-progress"], { encoding: "utf8" });
    if (lr.status !== 0) throw new Error(lr.stderr);
    const localSecs = (performance.now() - tl) / 1000;
    const localStore = await openResultStore(localOut, { readOnly: true });
    const lc = await localStore.counts(0.5);
    await localStore.close();
    const localRate = (lc.pages + lc.problems) / localSecs;
    console.log(`\nqueue crawl (${QUEUE_PAGES} pages, 5 % spun), local, 1 thread (built CLI): ${lc.pages + lc.problems} records in ${localSecs.toFixed(1)} s = ${localRate.toFixed(1)} pages/s = ${hour(localRate)} per hour; load average ${os.loadavg()[0].toFixed(1)}`);
    const admin = new URL(url);
    const rates: Record<number, number> = {};
    let pages = 0;
    for (const workers of [1, 2]) {
      const db = `unspin_bench_q${workers}_${process.pid}`;
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${db}`);
      await client.query(`CREATE DATABASE ${db}`);
      await client.end();
      const dbUrl = new URL(admin.href);
      dbUrl.pathname = `/${db}`;
      const enq = spawnSync(process.execPath, [bin, "screen", file, "--queue", dbUrl.href, "--out", dbUrl.href], { encoding: "utf8" });
      if (enq.status !== 0) throw new Error(enq.stderr);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
        const w = spawn(process.execPath, [bin, "worker", "--queue", dbUrl.href, "--threads", "1", "--exit-when-idle"], { stdio: "ignore" });
        w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
      })));
      const secs = (performance.now() - t0) / 1000;
      const store = await openResultStore(dbUrl.href, { readOnly: true });
      const c = await store.counts(0.5);
      await store.close();
      pages = c.pages + c.problems;
      rates[workers] = pages / secs;
      console.log(`queue, ${workers} worker process${workers > 1 ? "es" : ""} × 1 thread: ${pages} records in ${secs.toFixed(1)} s = ${rates[workers].toFixed(1)} pages/s = ${hour(rates[workers])} per hour (engine start included); load average ${os.loadavg()[0].toFixed(1)}`);
    }
    console.log(`  scaling: 2 vs 1 worker processes ${(rates[2] / rates[1]).toFixed(2)}× on ${os.availableParallelism()} cores (goal ≥ 1.8×)`);
    console.log(`  queue overhead: 1 worker process on the queue against a local 1-thread run of the same crawl: ${((localRate / rates[1] - 1) * 100).toFixed(1)} % (goal ≤ 5 %)`);
  } finally {
    if (cluster !== null) execFileSync("bash", [path.join(root, "scripts", "pg-cluster.sh"), "stop", cluster]);
  }
}

const cores = os.availableParallelism();
console.log(`screen benchmark: ${PAGES} pages, ${cores} cores, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
// --queue-only: just the queue figures (they need a quiet machine more than the rest).
if (process.argv.includes("--queue-only")) {
  await queue();
  process.exit(0);
}
const five = await corpus(PAGES, 1, "warc", 0.05);
const twenty = await corpus(PAGES, 1, "warc", 0.2);
const all5 = await local(five.file, five.labels, cores, "5 % spun");
await learning(all5.out);
const all20 = await local(twenty.file, twenty.labels, cores, "20 % spun");
console.log(`\nall cores, first stage on: ${hour(all5.rate)} pages per hour at 5 % spun (goal ≥ 1,000,000), ${hour(all20.rate)} at 20 %`);
if (!quick) {
  const full5 = await local(five.file, five.labels, cores, "5 % spun", true);
  const one5 = await local(five.file, null, 1, "5 % spun");
  console.log(`\n5 % spun: first stage ${(all5.rate / full5.rate).toFixed(2)}× the pages per hour of --full; ${cores} threads ${(all5.rate / one5.rate).toFixed(2)}× one thread`);
  await resume(twenty.file);
}
await queue();
