/**
 * The browser build of the engine (`npm run bench:web`, after `npm run build`): what "Run in
 * this browser" costs. Serves the built web app with `unspin serve` on loopback and, in
 * Debian's chromium, checks the README example in a fresh browser context (cold cache) RUNS
 * times: the engine's download (bytes and, when the server compresses, bytes on the wire), the
 * time to the first result (download + model and lexicon set-up + the analysis), then a second
 * check in the same page (the engine warm). The same text through the server for comparison.
 * Loopback: a real network adds the download's time at its own speed (26.8 MB gzip).
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { chromium } from "playwright-core";
import { startServer } from "../src/server/serve.js";
import { CHROMIUM } from "../src/test-support/require.js";

const RUNS = Number(process.env.WEB_BENCH_RUNS ?? 3);
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const text = readFileSync(new URL("../examples/harbour-bridge.spun.txt", import.meta.url), "utf8");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await startServer({ host: "127.0.0.1", port: 0, threads: 1 });
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
const first: number[] = [], warm: number[] = [], viaServer: number[] = [];
let bytes = 0, wire = 0;
try {
  console.log(`load average before: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const engineFiles: Promise<{ body: number; wire: number }>[] = [];
    // The worker's fetches show in the page's network events (not in its resource timings).
    page.on("response", (r) => {
      if (/\.bin$/.test(r.url())) engineFiles.push(r.request().sizes().then((z) => ({ body: Number(r.headers()["content-length"] ?? 0), wire: z.responseBodySize })));
    });
    await page.goto(server.url);
    await page.waitForSelector("html[data-ready='1']");
    await page.fill("#check-text", text);
    // Through the server first (its engine warmed by the first run).
    let t0 = performance.now();
    await page.click("#check-run");
    await page.waitForSelector("#check-result:not([hidden])");
    viaServer.push(performance.now() - t0);
    await page.check("#check-local");
    await page.evaluate(() => document.getElementById("check-result")!.setAttribute("hidden", ""));
    t0 = performance.now();
    await page.click("#check-run");
    await page.waitForSelector("#check-result:not([hidden])", { timeout: 600_000 });
    first.push(performance.now() - t0);
    await page.evaluate(() => document.getElementById("check-result")!.setAttribute("hidden", ""));
    t0 = performance.now();
    await page.click("#check-run");
    await page.waitForSelector("#check-result:not([hidden])");
    warm.push(performance.now() - t0);
    const sizes = await Promise.all(engineFiles);
    const status = await page.textContent("#check-local-status");
    bytes = sizes.reduce((n, s) => n + s.body, 0);
    wire = sizes.reduce((n, s) => n + s.wire, 0);
    console.log(`run ${i + 1}: via the server ${viaServer[i].toFixed(0)} ms; in the browser: first result ${(first[i] / 1000).toFixed(2)} s, next check ${warm[i].toFixed(0)} ms (${status})`);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
console.log(`engine download: ${mb(bytes)} MB (${mb(wire)} MB on the wire) + the worker script`);
console.log(`median of ${RUNS}: first result in the browser ${(median(first) / 1000).toFixed(2)} s (cold cache, loopback); next check ${median(warm).toFixed(0)} ms; via the server ${median(viaServer).toFixed(0)} ms`);
console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
