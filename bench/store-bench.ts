/**
 * Storage back ends compared: SQLite file vs PostgreSQL, on the same work.
 *   trace index: ingest of N generated 500-word documents through the real ingest path
 *   (documents/s, and the share spent in the store's addBatch), then trace latency p50/p95
 *   of ~500-word spun copies (and the share spent in the store's lookup);
 *   results: completeBatch of 1,000-result batches (results/s), and a summary.
 *
 *   node --import tsx bench/store-bench.ts                   # N = 10000, a throw-away cluster
 *   STORE_BENCH_N=2000 STORE_BENCH_PG=postgres://… node --import tsx bench/store-bench.ts
 *
 * The throw-away cluster runs with fsync off (scripts/pg-cluster.sh); the bench turns fsync
 * and synchronous_commit back on, so commits cost what they cost on a real server.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { listInputs, readDocuments } from "../src/ingest/index.js";
import { openResultStore } from "../src/screen/results/index.js";
import type { PageResult } from "../src/screen/types.js";
import { mulberry32 } from "../src/spin/simulate.js";
import { pgTestServer } from "../src/store/pg-test.js";
import type { TraceStore } from "../src/store/types.js";
import { openIndex } from "../src/trace/index.js";
import { makeSpinner, MarkovGenerator, partial, split } from "./trace-corpus.js";

const N = Number(process.env.STORE_BENCH_N ?? 10_000);
const Q = Number(process.env.STORE_BENCH_Q ?? 100);
const BATCHES = Number(process.env.STORE_BENCH_BATCHES ?? 50);
const spinner = makeSpinner();
const { sources } = split(1, 100);
const gen = new MarkovGenerator(sources);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-store-bench-"));

/** Time spent inside a store method (the rest of ingest and trace is analysis and alignment). */
function meter(store: TraceStore, method: "addBatch" | "lookup"): { ms: number } {
  const m = { ms: 0 };
  const orig = store[method].bind(store) as (...a: unknown[]) => Promise<unknown>;
  (store as unknown as Record<string, unknown>)[method] = async (...a: unknown[]) => {
    const t = performance.now();
    try {
      return await orig(...a);
    } finally {
      m.ms += performance.now() - t;
    }
  };
  return m;
}

const pct = (a: number[], x: number) => [...a].sort((u, v) => u - v)[Math.min(a.length - 1, Math.floor(a.length * x))].toFixed(1);

async function traceBench(location: string, jsonl: string): Promise<string[]> {
  const ix = await openIndex(location);
  await ix.add(sources.map((d) => ({ id: d.id, text: d.text })));
  const adding = meter(ix.store, "addBatch");
  const t0 = performance.now();
  const p = await ix.add(readDocuments(await listInputs([jsonl])), { batchSize: 1000 });
  const secs = (performance.now() - t0) / 1000;
  await ix.close();
  const ix2 = await openIndex(location);
  const looking = meter(ix2.store, "lookup");
  const rnd = mulberry32(5);
  for (let q = 0; q < 20; q++) await ix2.trace(spinner.spin(partial(sources[q], 0.25, rnd), 0.2, 10_000 + q).text);
  looking.ms = 0;
  const lat: number[] = [];
  let ok = 0;
  for (let q = 0; q < Q; q++) {
    const d = sources[Math.floor(rnd() * sources.length)];
    const text = spinner.spin(partial(d, 0.25, rnd), 0.2, q).text;
    const t = performance.now();
    const r = await ix2.trace(text, { top: 5 });
    lat.push(performance.now() - t);
    if (r.matches[0]?.id === d.id) ok++;
  }
  const st = await ix2.stats();
  await ix2.close();
  return [
    `  ingest ${Math.round(p.added / secs)} documents/s (${p.added} documents, ${secs.toFixed(1)} s; addBatch ${(adding.ms / 1000).toFixed(1)} s of it)`,
    `  trace p50 ${pct(lat, 0.5)} ms, p95 ${pct(lat, 0.95)} ms; lookup ${(looking.ms / Q).toFixed(1)} ms a query (${Q} queries, rank-1 ${ok}/${Q})`,
    `  ${st.documents} documents, ${st.postings} postings, ${(st.storeBytes / 1024 / 1024).toFixed(1)} MB`,
  ];
}

async function resultsBench(location: string): Promise<string[]> {
  const s = await openResultStore(location, { create: true });
  const rnd = mulberry32(9);
  const batches = Array.from({ length: BATCHES }, (_, k) => ({ input: "/crawl/bench.warc.gz", start: k * 1e6, end: (k + 1) * 1e6, bytes: 1e6, records: 1000 }));
  await s.addBatches(batches);
  let ms = 0;
  for (const b of batches) {
    const rs: PageResult[] = Array.from({ length: 1000 }, (_, i) => ({
      input: b.input, offset: b.start + i * 1000, url: `https://site${i % 50}.example/${b.start}/${i}`, site: `site${i % 50}.example`,
      date: "2024-05-01", title: `Page ${i}`, status: "ok", reason: null, words: 600, stage: "full", score: rnd(), spinRate: rnd() * 0.2,
      spans: Array.from({ length: 5 }, (_, j) => ({ start: j * 100, end: j * 100 + 8, text: "utilize", replacement: "use", confidence: 0.9, before: "x".repeat(60), after: "y".repeat(60) })),
      trace: null,
    }));
    const t = performance.now();
    await s.completeBatch(b, rs);
    ms += performance.now() - t;
  }
  const t = performance.now();
  await s.summary({ spunThreshold: 0.5 });
  const summaryMs = performance.now() - t;
  await s.close();
  return [`  results: completeBatch ${Math.round((BATCHES * 1000) / (ms / 1000))} results/s (1,000-result batches with 5 spans); summary of ${BATCHES * 1000} results ${summaryMs.toFixed(0)} ms`];
}

// The ingest file: generated 500-word documents, streamed through the real ingest path.
const jsonl = path.join(dir, "docs.jsonl");
const out = fs.createWriteStream(jsonl);
for (const d of gen.documents(N - sources.length, 500, 99)) {
  if (!out.write(JSON.stringify(d) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
}
await new Promise<void>((r) => out.end(() => r()));

let pgUrl = process.env.STORE_BENCH_PG;
const server = pgUrl ? undefined : await pgTestServer();
if (server) {
  if (server.skip) throw new Error(server.skip);
  pgUrl = await server.database("bench");
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  await c.query("ALTER SYSTEM SET fsync = on");
  await c.query("ALTER SYSTEM SET synchronous_commit = on");
  await c.query("SELECT pg_reload_conf()");
  await c.end();
}
try {
  console.log(`store bench: ${N} documents, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`);
  console.log("sqlite:");
  console.log([...(await traceBench(path.join(dir, "index.db"), jsonl)), ...(await resultsBench(path.join(dir, "results.db")))].join("\n"));
  console.log(`postgres${server ? " (local throw-away cluster, fsync on)" : ""}:`);
  console.log([...(await traceBench(`${pgUrl}?schema=bench_index`, jsonl)), ...(await resultsBench(`${pgUrl}?schema=bench_results`))].join("\n"));
} finally {
  await server?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
}
