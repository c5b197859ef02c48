/**
 * Tracer benchmarks (issue 3): ingest speed on 500-word documents (one core), trace
 * latency p50/p95, store bytes per document beyond the text, at each index size.
 *   node --import tsx bench/trace-bench.ts            # sizes 10000,100000
 *   TRACE_BENCH_SIZES=2000 TRACE_BENCH_Q=50 node --import tsx bench/trace-bench.ts
 *   TRACE_BENCH_SIZES=1000000 TRACE_BENCH_CORPUS=/var/tmp/unspin-corpus node --import tsx bench/trace-bench.ts
 * TRACE_BENCH_CORPUS: a folder where the generated JSONL is kept and reused (the
 * documents of a smaller size are the first lines of a larger one's file).
 * TRACE_BENCH_KEEP=1 keeps the index files (in the temporary folder); TRACE_BENCH_REUSE=1
 * measures tracing on a kept index without building it again (no ingest figures).
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { listInputs, readDocuments } from "../src/ingest/index.js";
import type { MergeInfo, SqliteStore } from "../src/store/sqlite.js";
import { openIndex, type TraceDocument } from "../src/trace/index.js";
import { makeSpinner, MarkovGenerator, partial, split } from "./trace-corpus.js";
import { mulberry32 } from "../src/spin/simulate.js";

const SIZES = (process.env.TRACE_BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const Q = Number(process.env.TRACE_BENCH_Q ?? 200);
const CORPUS = process.env.TRACE_BENCH_CORPUS;
const spinner = makeSpinner();
const { sources } = split(1, 100);
const gen = new MarkovGenerator(sources);

/** A JSONL file of at least `count` generated documents: a kept one when there is one. */
async function corpus(count: number): Promise<{ file: string; temporary: boolean }> {
  if (CORPUS) {
    fs.mkdirSync(CORPUS, { recursive: true });
    const kept = fs.readdirSync(CORPUS).map((f) => /^gen-(\d+)\.jsonl$/.exec(f)).filter((m) => m && Number(m[1]) >= count)
      .sort((a, b) => Number(a![1]) - Number(b![1]))[0];
    if (kept) return { file: path.join(CORPUS, kept[0]), temporary: false };
  }
  const file = CORPUS ? path.join(CORPUS, `gen-${count}.jsonl`) : path.join(os.tmpdir(), `unspin-trace-bench-${count}.jsonl`);
  const partFile = file + ".part";
  const out = fs.createWriteStream(partFile);
  for (const d of gen.documents(count, 500, 99)) {
    if (!out.write(JSON.stringify(d) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  fs.renameSync(partFile, file);
  return { file, temporary: !CORPUS };
}

/** Bytes this process has had written to disk (Linux), to show write amplification; undefined elsewhere. */
function writtenBytes(): number | undefined {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(fs.readFileSync("/proc/self/io", "utf8"));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function* take<T>(it: AsyncIterable<T>, n: number): AsyncGenerator<T> {
  if (n <= 0) return;
  for await (const x of it) {
    yield x;
    if (--n <= 0) return;
  }
}

async function run(n: number): Promise<string[]> {
  const file = path.join(os.tmpdir(), `unspin-trace-bench-${n}.db`);
  const lines = [`${n.toLocaleString("en-US")} documents:`];
  if (!(process.env.TRACE_BENCH_REUSE && fs.existsSync(file))) lines.push(...(await ingest(n, file)));
  else lines.push(`  (the index kept by an earlier run: no ingest figures)`);
  lines.push(...(await measure(file)));
  if (!process.env.TRACE_BENCH_KEEP) for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
  return lines;
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(1);

async function ingest(n: number, file: string): Promise<string[]> {
  for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
  const merges = { flushes: 0, merges: 0, written: 0 };
  const onMerge = (m: MergeInfo) => {
    if (m.kind === "flush") merges.flushes++;
    else merges.merges++;
    merges.written += m.postings;
  };
  const ix = await openIndex(file, { onMerge });
  // Flushes and merges run in compact() after a batch commits: time them apart.
  const sq = ix.store as SqliteStore;
  const compact = sq.compact.bind(sq);
  let compactCpu = 0;
  sq.compact = () => {
    const c = process.cpuUsage();
    compact();
    const d = process.cpuUsage(c);
    compactCpu += (d.user + d.system) / 1e6;
  };
  await ix.add(sources.map((d) => ({ id: d.id, text: d.text })));
  // Ingest: generated 500-word documents in a JSONL file, streamed through the real
  // ingest path (what `unspin index add archive.jsonl` does).
  const count = n - sources.length;
  const jsonl = await corpus(count);
  let words = 0;
  const docs = async function* (): AsyncGenerator<TraceDocument> {
    for await (const d of take(readDocuments(await listInputs([jsonl.file])), count)) {
      words += d.text.split(/\s+/).length;
      yield d;
    }
  };
  // Rate by tenth of the ingest, to see whether it falls as the index grows.
  const tenths: string[] = [];
  let mark = { at: 0, t: performance.now(), cpu: process.cpuUsage() };
  const onProgress = (p: { seen: number }) => {
    if (p.seen < mark.at + count / 10 && p.seen < count) return;
    const cpu = process.cpuUsage(mark.cpu);
    tenths.push(`${Math.round((p.seen - mark.at) / ((cpu.user + cpu.system) / 1e6))}`);
    mark = { at: p.seen, t: performance.now(), cpu: process.cpuUsage() };
  };
  // CPU time as well as wall time: on a shared machine the wall figure is noisy.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const written0 = writtenBytes();
  await ix.add(docs(), { batchSize: 2000, onProgress });
  const written = written0 === undefined ? undefined : writtenBytes()! - written0;
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  const rssIngest = process.resourceUsage().maxRSS / 1024;
  if (jsonl.temporary) fs.rmSync(jsonl.file);
  words /= count;
  const postings = (await ix.stats()).postings;
  await ix.close();
  return [
    `  ingest ${Math.round(count / secs)} documents/s (${words.toFixed(0)}-word documents, one core, ${secs.toFixed(1)} s); CPU ${Math.round(count / cpuSecs)} documents/s (${cpuSecs.toFixed(1)} s)`,
    `  ingest CPU documents/s by tenth of the run: ${tenths.join(" ")}`,
    `  postings: ${merges.flushes} flushes, ${merges.merges} merges, ${(merges.written / Math.max(1, postings)).toFixed(2)} writes per posting, ${compactCpu.toFixed(1)} s CPU` +
      (written === undefined ? "" : `; ${mb(written)} MB written to disk during the ingest (WAL and checkpoints)`),
    `  peak RSS ${Math.round(rssIngest)} MB after ingest`,
  ];
}

async function measure(file: string): Promise<string[]> {
  const ix2 = await openIndex(file, { readOnly: true });
  const st = await ix2.stats();
  const beyond = (st.storeBytes - st.textBytes) / st.documents;
  const onDisk = [file, file + "-wal"].reduce((s, f) => s + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
  const raw = new Database(file, { readonly: true });
  const runs = raw.prepare("SELECT id, postings FROM runs WHERE id > 0 ORDER BY postings DESC").all() as { id: number; postings: number }[];
  const recent = raw.prepare("SELECT postings FROM runs WHERE id = 0").pluck().get() as number;
  raw.close();
  // Store lookup time inside each trace (the rest is fingerprinting and alignment).
  const store = ix2.store;
  const lookup = store.lookup.bind(store);
  let lookupMs = 0;
  store.lookup = async (h, cap) => {
    const t = performance.now();
    const r = await lookup(h, cap);
    lookupMs += performance.now() - t;
    return r;
  };
  // Latency: ~500-word spun excerpts of sources (20 % spin), and whole ~2,000-word documents.
  const rnd = mulberry32(5);
  // Warm up (lexicon caches, JIT, SQLite page cache) as a long-running process would be.
  for (let q = 0; q < 50; q++) await ix2.trace(spinner.spin(partial(sources[q], 0.25, rnd), 0.2, 10_000 + q).text);
  // CPU time per query as well: on a shared machine wall time includes waiting for a core.
  const lat: number[] = [], latCpu: number[] = [], latLong: number[] = [], lookups: number[] = [];
  let ok = 0;
  for (let q = 0; q < Q; q++) {
    const d = sources[Math.floor(rnd() * sources.length)];
    const text = spinner.spin(partial(d, 0.25, rnd), 0.2, q).text;
    lookupMs = 0;
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await ix2.trace(text, { top: 5 });
    const dc = process.cpuUsage(c);
    lat.push(performance.now() - t);
    latCpu.push((dc.user + dc.system) / 1000);
    lookups.push(lookupMs);
    if (r.matches[0]?.id === d.id) ok++;
    if (q % 4 === 0) {
      const long = spinner.spin(d.text, 0.2, q).text;
      const t2 = performance.now();
      await ix2.trace(long, { top: 5 });
      latLong.push(performance.now() - t2);
    }
  }
  await ix2.close();
  const p = (a: number[], x: number) => a.sort((u, v) => u - v)[Math.min(a.length - 1, Math.floor(a.length * x))].toFixed(1);
  return [
    `  ${runs.length} runs (${runs.map((r) => r.postings).join(", ")} postings) + ${recent} recent postings`,
    `  store ${mb(st.storeBytes)} MB in use (${mb(onDisk)} MB on disk with the WAL), text ${mb(st.textBytes)} MB: ${Math.round(beyond)} bytes per document beyond its text (${(st.postings / st.documents).toFixed(1)} postings per document)`,
    `  trace ~500-word copies: p50 ${p(lat, 0.5)} ms, p95 ${p(lat, 0.95)} ms (${Q} queries, rank-1 ${ok}/${Q}); CPU p50 ${p(latCpu, 0.5)} ms, p95 ${p(latCpu, 0.95)} ms; store lookup p50 ${p(lookups, 0.5)} ms, p95 ${p(lookups, 0.95)} ms`,
    `  trace ~2,000-word copies: p50 ${p(latLong, 0.5)} ms, p95 ${p(latLong, 0.95)} ms (${latLong.length} queries)`,
    `  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB after tracing (the process's, since it started)`,
  ];
}

console.log(`trace bench: spinner ${spinner.lexicon}`);
for (const n of SIZES) console.log((await run(n)).join("\n"));
