/**
 * Screening benchmark (`npm run bench:screen`): a generated WARC.gz of ~500-word news pages,
 * 20 % spun (bench/screen-corpus.ts), screened check-only
 *   - on one machine with 1 thread and with every core: pages/s, CPU ms a page, scaling,
 *     peak RSS at 10 %, 50 % and 100 % of the input, accuracy against the crawl's labels;
 *   - killed with SIGKILL mid-run and resumed: records lost and duplicated;
 *   - on a PostgreSQL queue (pg-boss) with 1, 2 and 4 worker processes of one thread each, when
 *     PostgreSQL is available (UNSPIN_TEST_PG, else a throw-away cluster by scripts/pg-cluster.sh).
 *
 *   SCREEN_BENCH_PAGES=5000 SCREEN_BENCH_QUEUE_PAGES=1200 node --import tsx bench/screen-bench.ts
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
import type { PageResult } from "../src/screen/types.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const PAGES = Number(process.env.SCREEN_BENCH_PAGES ?? 5000);
const QUEUE_PAGES = Number(process.env.SCREEN_BENCH_QUEUE_PAGES ?? 1200);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-screen-bench-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

async function corpus(pages: number, seed: number, format: "warc" | "jsonl"): Promise<{ file: string; labels: Map<string, boolean> }> {
  // Kept between runs: generating is slower than screening.
  const file = path.join(os.tmpdir(), `unspin-screen-bench-${pages}-${seed}.${format === "warc" ? "warc.gz" : "jsonl"}`);
  const labelsFile = file + ".labels";
  if (!fs.existsSync(file) || !fs.existsSync(labelsFile)) {
    const t0 = performance.now();
    await writeScreenCorpus({ pages, seed, spun: 0.2, format, out: file, labels: labelsFile });
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

async function local(file: string, labels: Map<string, boolean>, threads: number): Promise<number> {
  const out = path.join(work, `local-${threads}.db`);
  const store = await openResultStore(out, { create: true });
  const rss: Record<string, number> = {};
  let peak = 0;
  const marks = [0.1, 0.5, 1];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const done = await screenLocal(store, {
    paths: [file],
    threads,
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
  console.log(`\nlocal, ${threads} thread${threads > 1 ? "s" : ""}: ${records} records in ${secs.toFixed(1)} s = ${rate.toFixed(1)} pages/s (${Math.round(rate * 3600).toLocaleString("en-US")} per hour); CPU ${(((cpu.user + cpu.system) / 1000) / records).toFixed(1)} ms a page (all threads, engine start included)`);
  console.log(`  peak RSS at 10 % / 50 % / 100 % of the input: ${marks.map((m) => `${Math.round((rss[m] ?? peak) / 1048576)} MB`).join(" / ")}`);
  console.log(`  ${accuracy(await allResults(out), labels)}`);
  return rate;
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
    const { file } = await corpus(QUEUE_PAGES, 3, "jsonl");
    const admin = new URL(url);
    const rates: Record<number, number> = {};
    for (const workers of [1, 2, 4]) {
      const db = `unspin_bench_q${workers}_${process.pid}`;
      const pg = (await import("pg")).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${db}`);
      await client.query(`CREATE DATABASE ${db}`);
      await client.end();
      const dbUrl = new URL(admin.href);
      dbUrl.pathname = `/${db}`;
      const enq = spawnSync(process.execPath, [bin, "screen", file, "--queue", dbUrl.href, "--out", dbUrl.href, "--batch", "16"], { encoding: "utf8" });
      if (enq.status !== 0) throw new Error(enq.stderr);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: workers }, () => new Promise<void>((resolve, reject) => {
        const w = spawn(process.execPath, [bin, "worker", "--queue", dbUrl.href, "--threads", "1", "--exit-when-idle"], { stdio: "ignore" });
        w.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`worker exited ${code}`))));
      })));
      const secs = (performance.now() - t0) / 1000;
      rates[workers] = QUEUE_PAGES / secs;
      console.log(`queue, ${workers} worker process${workers > 1 ? "es" : ""} × 1 thread: ${QUEUE_PAGES} pages in ${secs.toFixed(1)} s = ${rates[workers].toFixed(1)} pages/s (engine start included)`);
    }
    console.log(`  scaling: 2 vs 1 workers ${(rates[2] / rates[1]).toFixed(2)}×; 4 vs 2 workers ${(rates[4] / rates[2]).toFixed(2)}× on ${os.availableParallelism()} cores`);
  } finally {
    if (cluster !== null) execFileSync("bash", [path.join(root, "scripts", "pg-cluster.sh"), "stop", cluster]);
  }
}

console.log(`screen benchmark: ${PAGES} pages, ${os.availableParallelism()} cores, Node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
const { file, labels } = await corpus(PAGES, 1, "warc");
const one = await local(file, labels, 1);
const all = await local(file, labels, os.availableParallelism());
console.log(`  per core (1 thread): ${one.toFixed(1)} pages/s; ${os.availableParallelism()} threads: ${(all / one).toFixed(2)}× one thread`);
await resume(file);
await queue();
