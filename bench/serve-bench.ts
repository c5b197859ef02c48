/**
 * Server benchmark (`npm run bench:serve`), loopback only, every loop bounded in count and time:
 *   - the engine's own throughput on 1,000-word texts in this process (analyze, one thread),
 *     in rounds alternating with the server's measurements (the machine's load moves both alike);
 *   - requests/s of `unspin serve --threads 1` (the built bin, a child process) on the same
 *     texts at 1, 4 and 16 concurrent clients: the server's overhead against the engine;
 *   - p50 / p99 latency of requests arriving at half the saturated rate (evenly spaced),
 *     against the single-request latency;
 *   - the server's RSS over SERVE_BENCH_RSS_REQUESTS requests (short texts, health, bad bodies).
 *
 *   SERVE_BENCH_SECONDS=60 SERVE_BENCH_REQUESTS=400 SERVE_BENCH_RSS_REQUESTS=10000 npm run bench:serve
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
const SECONDS = Number(process.env.SERVE_BENCH_SECONDS ?? 60);
const REQUESTS = Number(process.env.SERVE_BENCH_REQUESTS ?? 400);
const RSS_REQUESTS = Number(process.env.SERVE_BENCH_RSS_REQUESTS ?? 10_000);
const RSS_SECONDS = Number(process.env.SERVE_BENCH_RSS_SECONDS ?? 600);
/** Engine and server measurements alternate in this many rounds. */
const ROUNDS = Number(process.env.SERVE_BENCH_ROUNDS ?? 4);
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

/** Run `f` over the texts round-robin with `clients` at once, until `requests` or `seconds`. */
async function loop(clients: number, f: (text: string) => Promise<void>, requests = REQUESTS, seconds = SECONDS): Promise<{ ms: number; latencies: number[] }> {
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  let next = 0;
  const latencies: number[] = [];
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < requests && performance.now() < deadline) {
      const text = texts[next++ % texts.length];
      const s = performance.now();
      await f(text);
      latencies.push(performance.now() - s);
    }
  }));
  return { ms: performance.now() - t0, latencies };
}

/** A measurement summed over rounds: requests, wall time, CPU time, latencies. */
class Tally {
  n = 0;
  ms = 0;
  cpuMs = 0;
  latencies: number[] = [];
  add(r: { ms: number; latencies: number[] }, cpuMs: number): void {
    this.n += r.latencies.length;
    this.ms += r.ms;
    this.cpuMs += cpuMs;
    this.latencies.push(...r.latencies);
  }
  get rate(): number {
    return this.n / (this.ms / 1000);
  }
  get cpuPer(): number {
    return this.cpuMs / this.n;
  }
}

async function check(url: string, text: string): Promise<void> {
  const r = await fetch(`${url}/v1/check`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) });
  const body = await r.text();
  if (r.status !== 200) throw new Error(`check answered ${r.status}: ${body.slice(0, 200)}`);
}

/** CPU time a process has used, ms (user + system, all its threads), from /proc. */
function cpuOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS;
}
/** Clock ticks a second (USER_HZ): 100 on Linux. */
const TICKS = 100;

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

  // The engine alone, in this process, and the server, measured in alternating rounds so that
  // the machine's load (shared) moves both alike. Both are first run once over every text: the
  // engine's caches (model pages, channel candidates, LM queries) then hold the same texts.
  for (const t of texts) analyze(t);
  const server = await startServer(1);
  try {
    for (const t of texts) await check(server.url, t);
    const engine = new Tally();
    const byClients = new Map([1, 4, 16].map((c) => [c, new Tally()]));
    const perRound = Math.ceil(REQUESTS / ROUNDS), secondsPerRound = SECONDS / ROUNDS;
    for (let round = 0; round < ROUNDS; round++) {
      const cpu0 = process.cpuUsage();
      const e = await loop(1, async (t) => void analyze(t), perRound, secondsPerRound);
      const cpu = process.cpuUsage(cpu0);
      engine.add(e, (cpu.user + cpu.system) / 1000);
      // The engine held this event loop: let the HTTP client see the connections the server
      // closed meanwhile (idle past its keep-alive), rather than send on them.
      await new Promise((r) => setTimeout(r, 200));
      for (const [clients, tally] of byClients) {
        const before = cpuOf(server.pid);
        const r = await loop(clients, (t) => check(server.url, t), perRound, secondsPerRound);
        tally.add(r, cpuOf(server.pid) - before);
      }
    }
    console.log(`engine in-process: ${engine.rate.toFixed(2)} texts/s (${mean(engine.latencies).toFixed(0)} ms a text, ${engine.cpuPer.toFixed(1)} ms CPU a text, ${engine.n} texts)`);
    for (const [clients, t] of byClients) {
      console.log(`server --threads 1, ${String(clients).padStart(2)} clients: ${t.rate.toFixed(2)} req/s (${(100 * (1 - t.rate / engine.rate)).toFixed(1)} % below the engine), ` +
        `${t.cpuPer.toFixed(1)} ms CPU a request (${(100 * (t.cpuPer / engine.cpuPer - 1)).toFixed(1)} % over the engine's), ` +
        `p50 ${pct(t.latencies, 50).toFixed(0)} ms, p99 ${pct(t.latencies, 99).toFixed(0)} ms, ${t.n} requests`);
    }
    console.log(`load ${load()}`);
    const single = pct(byClients.get(1)!.latencies, 50);
    const singleP99 = pct(byClients.get(1)!.latencies, 99);
    const saturated = Math.max(...[...byClients.values()].map((t) => t.rate));

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
      `= ${(pct(latencies, 99) / singleP99).toFixed(2)}× the p99 of single requests (1 client: ${singleP99.toFixed(0)} ms), ` +
      `${(pct(latencies, 99) / single).toFixed(2)}× their p50 (${single.toFixed(0)} ms); load ${load()}`);
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
