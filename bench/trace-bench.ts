/**
 * Tracer benchmarks (issue 3): ingest speed on 500-word documents (one core), trace
 * latency p50/p95, store bytes per document beyond the text, at each index size.
 *   node --import tsx bench/trace-bench.ts            # sizes 10000,100000
 *   TRACE_BENCH_SIZES=2000 TRACE_BENCH_Q=50 node --import tsx bench/trace-bench.ts
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { listInputs, readDocuments } from "../src/ingest/index.js";
import { openIndex } from "../src/trace/index.js";
import { makeSpinner, MarkovGenerator, partial, split } from "./trace-corpus.js";
import { mulberry32 } from "../src/spin/simulate.js";

const SIZES = (process.env.TRACE_BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const Q = Number(process.env.TRACE_BENCH_Q ?? 200);
const spinner = makeSpinner();
const { sources } = split(1, 100);
const gen = new MarkovGenerator(sources);

async function run(n: number): Promise<string[]> {
  const file = path.join(os.tmpdir(), `unspin-trace-bench-${n}.db`);
  for (const f of [file, file + "-wal", file + "-shm"]) fs.rmSync(f, { force: true });
  const ix = await openIndex(file);
  await ix.add(sources.map((d) => ({ id: d.id, text: d.text })));
  // Ingest: generated 500-word documents, written to a JSONL file first and streamed
  // through the real ingest path (what `unspin index add archive.jsonl` does).
  const jsonl = path.join(os.tmpdir(), `unspin-trace-bench-${n}.jsonl`);
  const out = fs.createWriteStream(jsonl);
  let words = 0, count = 0;
  for (const d of gen.documents(n - sources.length, 500, 99)) {
    words += d.text.split(/\s+/).length;
    count++;
    if (!out.write(JSON.stringify(d) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  // CPU time as well as wall time: on a shared machine the wall figure is noisy.
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await ix.add(readDocuments(await listInputs([jsonl])), { batchSize: 2000 });
  const cpu = process.cpuUsage(cpu0);
  const secs = (performance.now() - t0) / 1000;
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  fs.rmSync(jsonl);
  const docs = { length: count };
  words /= count;
  await ix.close();
  const ix2 = await openIndex(file);
  const st = await ix2.stats();
  const beyond = (st.storeBytes - st.textBytes) / st.documents;
  // Latency: ~500-word spun excerpts of sources (20 % spin), and whole ~2,000-word documents.
  const rnd = mulberry32(5);
  // Warm up (lexicon caches, JIT, SQLite page cache) as a long-running process would be.
  for (let q = 0; q < 50; q++) await ix2.trace(spinner.spin(partial(sources[q], 0.25, rnd), 0.2, 10_000 + q).text);
  const lat: number[] = [], latLong: number[] = [];
  let ok = 0;
  for (let q = 0; q < Q; q++) {
    const d = sources[Math.floor(rnd() * sources.length)];
    const text = spinner.spin(partial(d, 0.25, rnd), 0.2, q).text;
    const t = performance.now();
    const r = await ix2.trace(text, { top: 5 });
    lat.push(performance.now() - t);
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
    `${n.toLocaleString("en-US")} documents:`,
    `  ingest ${Math.round(docs.length / secs)} documents/s (${words.toFixed(0)}-word documents, one core, ${secs.toFixed(1)} s); CPU ${Math.round(docs.length / cpuSecs)} documents/s (${cpuSecs.toFixed(1)} s)`,
    `  store ${(st.storeBytes / 1024 / 1024).toFixed(1)} MB, text ${(st.textBytes / 1024 / 1024).toFixed(1)} MB: ${Math.round(beyond)} bytes per document beyond its text (${(st.postings / st.documents).toFixed(1)} postings per document)`,
    `  trace ~500-word copies: p50 ${p(lat, 0.5)} ms, p95 ${p(lat, 0.95)} ms (${Q} queries, rank-1 ${ok}/${Q})`,
    `  trace ~2,000-word copies: p50 ${p(latLong, 0.5)} ms, p95 ${p(latLong, 0.95)} ms (${latLong.length} queries)`,
  ];
}

console.log(`trace bench: spinner ${spinner.lexicon}`);
for (const n of SIZES) console.log((await run(n)).join("\n"));
