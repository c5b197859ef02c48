/**
 * Server benchmark (`npm run bench:serve`), loopback only, every loop bounded in count and time:
 *   - the engine's own throughput on 1,000-word texts in this process (analyze, one thread);
 *   - requests/s of `unspin serve --threads 1` (the built bin, a child process) on the same
 *     texts at 1, 4 and 16 concurrent clients: the server's overhead against the engine;
 *   - p50 / p99 latency of requests arriving at half the saturated rate (evenly spaced),
 *     against the single-request latency;
 *   - the server's RSS over SERVE_BENCH_RSS_REQUESTS requests (short texts, health, bad bodies).
 *
 *   SERVE_BENCH_SECONDS=30 SERVE_BENCH_REQUESTS=200 SERVE_BENCH_RSS_REQUESTS=10000 npm run bench:serve
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyze } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
/** Per measurement: at most this long, and at most this many requests. */
const SECONDS = Number(process.env.SERVE_BENCH_SECONDS ?? 30);
const REQUESTS = Number(process.env.SERVE_BENCH_REQUESTS ?? 200);
const RSS_REQUESTS = Number(process.env.SERVE_BENCH_RSS_REQUESTS ?? 10_000);
const RSS_SECONDS = Number(process.env.SERVE_BENCH_RSS_SECONDS ?? 600);
const WORDS = 1000;

/** 1,000-word texts: the first 1,000 words of Brown press documents. */
const texts = brownDocuments({ categories: ["a", "b"] }).slice(0, 24).map((d) => d.text.split(/(?<=\s)/).slice(0, WORDS).join("").trim());
const shortTexts = brownDocuments({ categories: ["c"] }).slice(0, 24).map((d) => d.text.split(/(?<=\s)/).slice(0, 60).join("").trim());

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const load = () => os.loadavg().map((x) => x.toFixed(1)).join(" ");

/** Run `f` over the texts round-robin until REQUESTS or SECONDS: rate and latencies. */
async function loop(clients: number, f: (text: string) => Promise<void>, list = texts): Promise<{ rate: number; latencies: number[]; n: number }> {
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < REQUESTS && performance.now() < deadline) {
      const text = list[next++ % list.length];
      const s = performance.now();
      await f(text);
      latencies.push(performance.now() - s);
    }
  }));
  return { rate: latencies.length / ((performance.now() - t0) / 1000), latencies, n: latencies.length };
}

async function check(url: string, text: string): Promise<void> {
  const r = await fetch(`${url}/v1/check`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
  const body = await r.text();
  if (r.status !== 200) throw new Error(`check answered ${r.status}: ${body.slice(0, 200)}`);
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function startServer(threads: number): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--threads", String(threads), "--queue", "1000"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited (${code})`)));
  });
  return {
    url, pid: child.pid!,
    stop: () => new Promise((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}

async function main(): Promise<void> {
  console.log(`serve bench: ${texts.length} texts of ${WORDS} words; at most ${REQUESTS} requests or ${SECONDS} s a measurement; ${os.cpus().length} cores; load ${load()}`);

  // The engine alone, in this process. Both it and the server are first run once over every
  // text: the engine's caches (model pages, channel candidates, LM queries) then hold the same
  // texts in both, so that the comparison is between equals.
  for (const t of texts) analyze(t);
  const engine = await loop(1, async (t) => void analyze(t));
  const engineMs = mean(engine.latencies);
  console.log(`engine in-process: ${engine.rate.toFixed(2)} texts/s (${engineMs.toFixed(0)} ms a text, ${engine.n} texts); load ${load()}`);

  const server = await startServer(1);
  try {
    for (const t of texts) await check(server.url, t);
    const rows: { clients: number; rate: number; p50: number; p99: number; n: number }[] = [];
    for (const clients of [1, 4, 16]) {
      const r = await loop(clients, (t) => check(server.url, t));
      rows.push({ clients, rate: r.rate, p50: pct(r.latencies, 50), p99: pct(r.latencies, 99), n: r.n });
      console.log(`server --threads 1, ${String(clients).padStart(2)} clients: ${r.rate.toFixed(2)} req/s (${(100 * (1 - r.rate / engine.rate)).toFixed(1)} % below the engine), ` +
        `p50 ${pct(r.latencies, 50).toFixed(0)} ms, p99 ${pct(r.latencies, 99).toFixed(0)} ms, ${r.n} requests; load ${load()}`);
    }
    const single = rows[0].p50;
    const saturated = Math.max(...rows.map((r) => r.rate));

    // Open loop at half the saturated rate: requests start on schedule whatever the answers do.
    const rate = saturated / 2;
    const latencies: number[] = [];
    const t0 = performance.now();
    const pending: Promise<void>[] = [];
    for (let k = 0; k < REQUESTS && performance.now() - t0 < SECONDS * 1000; k++) {
      const due = t0 + (k * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const s = performance.now();
      pending.push(check(server.url, texts[k % texts.length]).then(() => void latencies.push(performance.now() - s)));
    }
    await Promise.all(pending);
    console.log(`half the saturated rate (${rate.toFixed(2)} req/s, ${latencies.length} requests): p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms ` +
      `= ${(pct(latencies, 99) / single).toFixed(2)}× the single-request latency (${single.toFixed(0)} ms); load ${load()}`);
  } finally {
    await server.stop();
  }

  // Memory over many requests: short texts, with health checks and refused bodies mixed in.
  const rssServer = await startServer(1);
  try {
    const samples: { requests: number; rss: number }[] = [];
    const t0 = performance.now();
    let done = 0;
    samples.push({ requests: 0, rss: rssOf(rssServer.pid) });
    const every = Math.max(1, Math.floor(RSS_REQUESTS / 20));
    while (done < RSS_REQUESTS && performance.now() - t0 < RSS_SECONDS * 1000) {
      const k = done;
      if (k % 10 === 8) await fetch(`${rssServer.url}/v1/health`).then((r) => r.text());
      else if (k % 10 === 9) await fetch(`${rssServer.url}/v1/check`, { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"text": 5}' }).then((r) => r.text());
      else await check(rssServer.url, shortTexts[k % shortTexts.length]);
      done++;
      if (done % every === 0) samples.push({ requests: done, rss: rssOf(rssServer.pid) });
    }
    const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
    console.log(`RSS of the server over ${done} requests (${((performance.now() - t0) / 1000).toFixed(0)} s): ` + samples.map((s) => `${s.requests}: ${mb(s.rss)} MB`).join(", "));
    const warm = samples.filter((s) => s.requests >= done / 5);
    if (warm.length >= 2) console.log(`after warm-up (from request ${warm[0].requests}): ${mb(warm[0].rss)} → ${mb(warm[warm.length - 1].rss)} MB, max ${mb(Math.max(...warm.map((s) => s.rss)))} MB`);
  } finally {
    await rssServer.stop();
  }
  console.log(`load at the end ${load()}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
