/**
 * Hostile pages (`npm run bench:hostile`): what one record can cost.
 *   - article extraction time for deeply nested and unclosed HTML, and an ordinary page;
 *   - peak RSS of `unspin screen` (all cores) over a folder of near-limit (9 MB) HTML pages,
 *     against a folder of ordinary pages.
 * Every page is generated here.
 *
 *   HOSTILE_BENCH_PAGES=16 node --import tsx bench/hostile-bench.ts
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { extractArticle } from "../src/ingest/html.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const PAGES = Number(process.env.HOSTILE_BENCH_PAGES ?? 16);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-hostile-bench-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));

const SENTENCES = [
  "The council said on Tuesday that the harbour bridge would close for repairs next month.",
  "Buses will run in its place while the work is done, the transport office said.",
  "Engineers found cracks in two of the old steel supports during an inspection in the spring.",
  "Shop owners near the bridge said they were worried about losing customers over the summer.",
  "The work is expected to take about six weeks, and the bridge should open again in September.",
];
const article = (n: number) => Array.from({ length: n }, (_, i) => `<p>${SENTENCES[i % 5]} ${SENTENCES[(i + 2) % 5]}</p>`).join("\n");

function time(label: string, html: string): void {
  const t0 = performance.now();
  const a = extractArticle(html);
  const ms = performance.now() - t0;
  console.log(`  ${label.padEnd(34)} ${(html.length / 1e6).toFixed(2).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  ${a?.extractor ?? "no article"}`);
}

console.log(`load: ${os.loadavg().map((l) => l.toFixed(2)).join(" ")} (1/5/15 min), ${os.availableParallelism()} cores`);
console.log("article extraction, one page:");
const body = article(8);
time("ordinary page", `<html><head><title>T</title></head><body><nav><a href="/">Home</a></nav><article>${body}</article></body></html>`);
for (const d of [150, 1_000, 2_000, 4_000, 100_000]) time(`${d.toLocaleString("en-US")} nested <div>`, `<html><body>${"<div>".repeat(d)}${body}${"</div>".repeat(d)}</body></html>`);
time("100,000 unclosed <div><span><b>", `<html><body>${"<div><span><b>".repeat(100_000)}${body}`);
time("9 MB page (markup and scripts)", nearLimitPage(0));

/** A 9 MB page as big sites make them: a long article inside heavy markup, inline scripts and data. */
function nearLimitPage(seed: number): string {
  const script = `<script>window.__data = ${JSON.stringify({ items: Array.from({ length: 2000 }, (_, i) => ({ id: i + seed, name: `item ${i}`, tags: ["a", "b", "c"] })) })};</script>`;
  const card = (i: number) => `<div class="card card-${i}"><a href="/story/${i}" class="link"><span class="kicker">News</span><span class="headline">Story ${i}</span></a></div>`;
  const parts = [`<!doctype html><html><head><title>Near-limit page ${seed}</title>${script}</head><body><main><article>${article(120)}</article>`];
  let size = parts[0].length;
  for (let i = 0; size < 9_000_000; i++) {
    const c = i % 50 === 0 ? script : card(i);
    parts.push(c);
    size += c.length;
  }
  parts.push("</main></body></html>");
  return parts.join("");
}

function screenPeak(label: string, dir: string): void {
  const db = path.join(work, `${label}.db`);
  const t0 = performance.now();
  // GNU time reports the peak RSS of the process tree's largest process (the one running the worker threads).
  const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, bin, "screen", dir, "--out", db, "--no-progress", "--no-learn", "--json"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`screen failed: ${r.stderr}`);
  const peakKb = Number(r.stderr.trim().split("\n").pop());
  const done = JSON.parse(r.stdout) as { pagesThisRun: number };
  console.log(`  ${label.padEnd(34)} ${String(done.pagesThisRun).padStart(4)} pages  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  peak RSS ${(peakKb / 1024).toFixed(0)} MB`);
}

if (!fs.existsSync(bin) || !fs.existsSync("/usr/bin/time")) {
  console.log("peak RSS: skipped (needs dist/ built and /usr/bin/time)");
} else {
  console.log(`screen --threads ${os.availableParallelism()}, peak RSS:`);
  const big = path.join(work, "near-limit");
  const small = path.join(work, "ordinary");
  fs.mkdirSync(big);
  fs.mkdirSync(small);
  for (let i = 0; i < PAGES; i++) {
    fs.writeFileSync(path.join(big, `page-${i}.html`), nearLimitPage(i));
    fs.writeFileSync(path.join(small, `page-${i}.html`), `<html><head><title>Story ${i}</title></head><body><article>${article(120)}</article></body></html>`);
  }
  screenPeak(`${PAGES} ordinary pages`, small);
  screenPeak(`${PAGES} near-limit (9 MB) pages`, big);
}
