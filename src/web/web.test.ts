/**
 * The web app in Debian's chromium (playwright-core) against the real server on loopback: a
 * small trace index and a small screening run built here, the built page from dist/web.
 * Check (paste the seed, spans with details by keyboard, the restored view, download, an HTML
 * file dropped), Trace (ranked sources, the copy beside its source), Runs (the report, filters,
 * a page's spans), a server with neither index nor results saying so, 360 px without sideways
 * scrolling, the engine run in the browser itself; every request the pages make stays on the
 * server's origin. Screenshots of each view go to a folder the test prints
 * (UNSPIN_WEB_SCREENSHOT=1 also copies the Check view to docs/serve-check.png for the README).
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { writeScreenCorpus } from "../../bench/screen-corpus.js";
import { analyze } from "../analyze.js";
import { brownDocuments } from "../corpus/brown.js";
import { openResultStore } from "../screen/results/index.js";
import { screenLocal } from "../screen/run.js";
import { openIndex } from "../trace/index.js";
import { startServer, type RunningServer } from "../server/serve.js";
import { CHROMIUM, available, missingChromium, missingShared, sharedPath } from "../test-support/require.js";
import { applyEdits } from "../text/edits.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const SEED = "data/seed/nato-2022-01-27.spun.txt";
const SEED_SUBS = "data/seed/nato-2022-01-27.substitutions.json";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WEB = join(ROOT, "dist", "web", "index.html");

function missing(): string | undefined {
  if (!existsSync(WEB)) return "needs the built web app at dist/web: run npm run build";
  return missingChromium() ?? missingShared(SEED, SEED_SUBS);
}

const dir = mkdtempSync(join(tmpdir(), "unspin-web-"));
/** Screenshots of each view, kept after the run (the folder is printed). */
let shots = "";
let full: RunningServer | undefined;
let bare: RunningServer | undefined;
let browser: Browser | undefined;
let seed = "";

/** The seed's original wording, rebuilt in memory from its substitution list (never stored). */
function seedOriginal(spun: string): string {
  const gold = (JSON.parse(readFileSync(sharedPath(SEED_SUBS), "utf8")) as { substitutions: { start: number; end: number; original: string }[] }).substitutions;
  return applyEdits(spun, gold.map((g) => ({ start: g.start, end: g.end, replacement: g.original })));
}

before(async () => {
  if (missing() !== undefined) return;
  shots = mkdtempSync(join(tmpdir(), "unspin-web-screenshots-"));
  seed = readFileSync(sharedPath(SEED), "utf8");
  // A small index: 40 Brown documents and the seed's original.
  const sources = join(dir, "sources.db");
  const index = await openIndex(sources);
  await index.add(brownDocuments().slice(0, 40).map((d) => ({ id: d.id, text: d.text })));
  await index.add([{ id: "nato-original", title: "NATO delivers its response", text: seedOriginal(seed) }]);
  await index.close();
  // A small screening run: 30 generated pages over a few sites, half of them spun.
  const crawl = join(dir, "crawl.jsonl");
  await writeScreenCorpus({ pages: 30, spun: 0.5, seed: 11, format: "jsonl", out: crawl, workers: 0, noise: false });
  const results = join(dir, "results.db");
  const store = await openResultStore(results, { create: true });
  await screenLocal(store, { paths: [crawl], threads: 1, recordsPerBatch: 10, learn: false });
  await store.close();
  full = await startServer({ host: "127.0.0.1", port: 0, sources, results, threads: 1 });
  bare = await startServer({ host: "127.0.0.1", port: 0, threads: 1 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  await browser?.close();
  await full?.close();
  await bare?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Session {
  context: BrowserContext;
  page: Page;
  origin: string;
  /** Every request the pages (and their frames and workers) made. */
  requests: string[];
  /** Requests to anywhere but the origin (aborted). */
  foreign: string[];
  problems: string[];
}

async function open(t: TestContext, server: RunningServer, path: string, width = 1100): Promise<Session> {
  const origin = new URL(server.url).origin;
  const context = await browser!.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const requests: string[] = [];
  const foreign: string[] = [];
  const problems: string[] = [];
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  context.on("request", (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(origin + path);
  await page.waitForSelector("html[data-ready='1']");
  t.after(() => context.close());
  return { context, page, origin, requests, foreign, problems };
}

/** Nothing left the origin, nothing was refused by the CSP, no script error. */
function assertClean(s: Session): void {
  assert.deepEqual(s.foreign, [], "requests to another origin");
  for (const r of s.requests) assert.ok(r.startsWith(s.origin + "/") || r.startsWith("blob:" + s.origin), `request outside the origin: ${r}`);
  assert.deepEqual(s.problems, []);
}

async function shot(page: Page, name: string): Promise<string> {
  const file = join(shots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** The page is not wider than its viewport (no sideways scrolling). */
async function noSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the page is ${scroll} px wide in a ${client} px viewport`);
}

/** Text of an element without its details boxes. */
function visibleText(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (e) => {
    const copy = e.cloneNode(true) as HTMLElement;
    for (const tip of copy.querySelectorAll(".tip")) tip.remove();
    return copy.textContent ?? "";
  });
}

test("Check: the seed's spans, details by hover and keyboard, the restored view, copy and download; readable at 360 px", { timeout: 300_000 }, async (t) => {
  if (!available(t, missing())) return;
  const expected = analyze(seed);
  const s = await open(t, full!, "/");
  const { page } = s;
  await page.fill("#check-text", seed);
  await page.click("#check-run");
  await page.waitForSelector("#check-view mark");
  const marks = await page.locator("#check-view mark").count();
  assert.ok(expected.edits.length > 0);
  assert.ok(marks >= expected.edits.length, `${marks} spans highlighted, check reports ${expected.edits.length}`);
  assert.equal(await page.textContent("#check-score"), expected.score.toFixed(2));
  assert.equal(await page.$eval("#check-gauge", (m) => (m as HTMLMeterElement).value), expected.score);
  assert.equal(await visibleText(page, "#check-view"), seed, "the text as written, all of it");

  // Pointing at a span shows its details too.
  const pointed = page.locator("#check-view .marked").nth(1);
  await pointed.hover();
  assert.ok(await pointed.locator(".tip").isVisible(), "the details show on hover");
  assert.match(await pointed.locator(".tip").textContent() ?? "", new RegExp(`^Probably: ${expected.edits[1].replacement}`));

  // Keyboard only: Tab from the toggle button to the first span; its details show.
  await page.focus("#check-toggle");
  let focused = "";
  for (let i = 0; i < 10 && focused !== "MARK"; i++) {
    await page.keyboard.press("Tab");
    focused = await page.evaluate(() => document.activeElement?.tagName ?? "");
  }
  assert.equal(focused, "MARK", "a span takes keyboard focus");
  const first = expected.edits[0];
  const details = await page.evaluate(() => {
    const mark = document.activeElement as HTMLElement;
    const tip = document.getElementById(mark.getAttribute("aria-describedby") ?? "");
    const outline = getComputedStyle(mark).outlineStyle;
    return { text: mark.textContent, tip: tip?.textContent ?? null, shown: tip ? getComputedStyle(tip).display !== "none" : false, outline };
  });
  assert.equal(details.text, first.text);
  assert.ok(details.shown, "the details show on keyboard focus");
  assert.notEqual(details.outline, "none", "focus is visible");
  assert.match(details.tip ?? "", new RegExp(`Probably: ${first.replacement}.*Confidence ${Math.round(first.confidence * 100)}%`));
  await page.evaluate(() => window.scrollTo(0, document.getElementById("check-result-heading")!.getBoundingClientRect().top + window.scrollY - 8));
  await shot(page, "check");
  t.diagnostic(`screenshots: ${shots}`);
  await page.keyboard.press("Escape");
  assert.equal(await page.evaluate(() => {
    const tip = document.getElementById(document.activeElement!.getAttribute("aria-describedby")!)!;
    return getComputedStyle(tip).display;
  }), "none", "Escape hides the details");

  // The restored view, by keyboard: the restored text with each change marked.
  await page.focus("#check-toggle");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#check-toggle", "aria-pressed"), "true");
  assert.equal(await page.locator("#check-view ins").count(), expected.edits.length);
  assert.equal(await visibleText(page, "#check-view"), expected.restored);
  await shot(page, "check-restored");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#check-download")]);
  assert.equal(readFileSync(await download.path(), "utf8"), expected.restored);
  await s.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: s.origin });
  await page.click("#check-copy");
  // The clipboard write is asynchronous: wait for the page to say how it went.
  await page.waitForFunction(() => (document.getElementById("check-copied")?.textContent ?? "") !== "");
  assert.equal(await page.textContent("#check-copied"), "Copied.");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), expected.restored);
  assertClean(s);

  // At 360 px: no sideways scrolling, and a span's details fit on the screen.
  const narrow = await open(t, full!, "/", 360);
  await narrow.page.fill("#check-text", seed);
  await narrow.page.click("#check-run");
  await narrow.page.waitForSelector("#check-view mark");
  await noSidewaysScroll(narrow.page);
  const last = narrow.page.locator("#check-view mark").last();
  await last.focus();
  const box = await narrow.page.evaluate(() => {
    const tip = document.getElementById(document.activeElement!.getAttribute("aria-describedby")!)!.getBoundingClientRect();
    return { left: tip.left, right: tip.right };
  });
  assert.ok(box.left >= 0 && box.right <= 360, `details box at ${box.left}–${box.right} px`);
  await shot(narrow.page, "check-360");
  assertClean(narrow);

  // The README's picture: the project's own example (not the seed, which is test data only).
  const example = await open(t, full!, "/", 1100);
  await example.page.setViewportSize({ width: 1100, height: 1050 });
  await example.page.fill("#check-text", readFileSync(join(ROOT, "examples", "harbour-bridge.spun.txt"), "utf8"));
  await example.page.click("#check-run");
  await example.page.waitForSelector("#check-view mark");
  await example.page.evaluate(() => document.getElementById("check-text")!.scrollTo(0, 0));
  await example.page.locator("#check-view mark").nth(2).focus();
  const file = await shot(example.page, "check-example");
  if (process.env.UNSPIN_WEB_SCREENSHOT === "1") {
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    copyFileSync(file, join(ROOT, "docs", "serve-check.png"));
  }
  assertClean(example);
});

test("Check: an HTML page dropped on the text area is checked as its article", { timeout: 120_000 }, async (t) => {
  if (!available(t, missing())) return;
  const paragraphs = seed.split(/\n+/).filter((p) => p.trim()).map((p) => `<p>${p.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`).join("\n");
  const html = `<!doctype html><html><head><title>NATO</title></head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>NATO</h1>${paragraphs}</article><footer>© a farm</footer></body></html>`;
  const s = await open(t, full!, "/");
  await s.page.evaluate((content) => {
    const dt = new DataTransfer();
    dt.items.add(new File([content], "nato.html", { type: "text/html" }));
    const target = document.getElementById("check-text")!;
    target.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, html);
  await s.page.waitForSelector("#check-view mark");
  assert.match(await s.page.textContent("#check-source") ?? "", /nato\.html: the article text extracted from the page/);
  const text = await s.page.inputValue("#check-text");
  assert.ok(!text.includes("<p>") && !text.includes("Home") && text.includes("Stoltenberg"), "the text area holds the article text");
  assert.ok(await s.page.locator("#check-view mark").count() >= 10);
  assert.ok(Number(await s.page.textContent("#check-score")) >= 0.8);
  await shot(s.page, "check-html");
  assertClean(s);
});

test("Trace: ranked sources, the copy beside its source with every substitution", { timeout: 120_000 }, async (t) => {
  if (!available(t, missing())) return;
  const s = await open(t, full!, "/#trace");
  const { page } = s;
  assert.ok(await page.isHidden("#trace-unavailable"));
  const api = await (await fetch(new URL("/v1/trace", full!.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: seed }) })).json() as {
    matches: { id: string; alignment: { substitutions: { copyStart: number; copyEnd: number; sourceStart: number; sourceEnd: number }[] } }[];
    source: { text: string; segments: { copyStart: number; copyEnd: number; sourceStart: number; sourceEnd: number }[] };
  };
  assert.equal(api.matches[0].id, "nato-original");
  await page.fill("#trace-text", seed);
  await page.click("#trace-run");
  await page.waitForSelector("#trace-pair .pair-row .copy");
  const first = await page.textContent("#trace-matches li:first-child .match-name");
  assert.match(first ?? "", /NATO delivers its response \(nato-original\)/);
  assert.match(await page.textContent("#trace-matches li:first-child .match-score") ?? "", /spun copy/);
  const subs = api.matches[0].alignment.substitutions;
  assert.ok(subs.length >= 40, `${subs.length} substitutions`);
  assert.equal(await page.locator("#trace-pair .copy mark").count(), subs.filter((x) => x.copyEnd > x.copyStart).length, "every substitution marked in the copy");
  assert.equal(await page.locator("#trace-pair .source mark").count(), subs.filter((x) => x.sourceEnd > x.sourceStart).length, "and in the source");
  // Row by row, the aligned ranges: each row shows its ranges of the source and the copy.
  // (No named helper inside the page function: tsx would wrap it in a helper the page lacks.)
  const cells = await page.$$eval("#trace-pair .pair-row:not(.pair-head)", (rs) => rs.map((r) => [".source", ".copy"].map((sel) => {
    const c = r.querySelector(sel)!.cloneNode(true) as HTMLElement;
    for (const x of c.querySelectorAll(".tip, .absent")) x.remove();
    return c.textContent ?? "";
  })));
  const rows = cells.map(([source, copy]) => ({ source, copy }));
  assert.deepEqual(rows, api.source.segments.map((g) => ({ source: api.source.text.slice(g.sourceStart, g.sourceEnd), copy: seed.slice(g.copyStart, g.copyEnd) })));
  assert.ok(rows.length >= 10, `${rows.length} rows`);
  const mark = page.locator("#trace-pair .copy mark").first();
  await mark.focus();
  assert.match(await page.evaluate(() => document.getElementById(document.activeElement!.getAttribute("aria-describedby")!)!.textContent ?? ""), /^The source has: /);
  await shot(page, "trace");
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page);
  await page.locator("#trace-pair-heading").scrollIntoViewIfNeeded();
  await shot(page, "trace-360");
  assertClean(s);
});

test("Runs: the run's report, pages filtered by site and score, a page's spans on click", { timeout: 120_000 }, async (t) => {
  if (!available(t, missing())) return;
  const s = await open(t, full!, "/#runs");
  const { page } = s;
  await page.waitForSelector("#run-detail:not([hidden]) #pages-list li");
  assert.ok(await page.isHidden("#runs-unavailable"));
  // The report is the one `unspin report` writes, drawn in its frame.
  const frame = page.frameLocator("#run-report");
  await frame.locator("html[data-ready='1']").waitFor();
  assert.ok(await frame.locator(".uplot").count() >= 1, "the report's charts are drawn");
  // Filters: a site and a score range; every page listed fits them.
  const api = await (await fetch(new URL("/v1/runs", full!.url))).json() as { runs: { id: string }[] } | { id: string }[];
  const runId = (Array.isArray(api) ? api : api.runs)[0].id;
  const all = await (await fetch(new URL(`/v1/runs/${encodeURIComponent(runId)}/pages?limit=100&offset=0`, full!.url))).json() as { pages: { site: string; score: number }[] };
  const site = all.pages.find((p) => p.score >= 0.5)!.site;
  const want = all.pages.filter((p) => p.site === site && p.score >= 0.5).length;
  await page.fill("#pages-site", site);
  await page.fill("#pages-min", "0.5");
  await page.click("#pages-form button[type=submit]");
  await page.waitForFunction((n) => document.querySelectorAll("#pages-list li").length === n, want);
  const listed = await page.$$eval("#pages-list li", (ls) => ls.map((l) => ({ score: Number(l.querySelector(".page-score")!.textContent), meta: l.querySelector(".page-meta")!.textContent ?? "" })));
  for (const p of listed) {
    assert.ok(p.score >= 0.5, `score ${p.score}`);
    assert.ok(p.meta.startsWith(site), p.meta);
  }
  // A page's spans, opened from the keyboard.
  await page.focus("#pages-list li:first-child button");
  await page.keyboard.press("Enter");
  assert.equal(await page.getAttribute("#pages-list li:first-child button", "aria-expanded"), "true");
  assert.ok(await page.locator("#pages-list li:first-child .page-spans mark").count() >= 1);
  await shot(page, "runs");
  await page.setViewportSize({ width: 360, height: 800 });
  await noSidewaysScroll(page);
  await shot(page, "runs-360");
  assertClean(s);
});

test("a server with no index and no results store says so plainly", { timeout: 60_000 }, async (t) => {
  if (!available(t, missing())) return;
  const s = await open(t, bare!, "/#trace");
  assert.ok(await s.page.isVisible("#trace-unavailable"));
  assert.match(await s.page.textContent("#trace-unavailable") ?? "", /no index of source documents/);
  assert.match(await s.page.textContent("#server-status") ?? "", /no trace index · no results store/);
  await shot(s.page, "trace-no-index");
  await s.page.click("a[data-nav=runs]");
  assert.ok(await s.page.isVisible("#runs-unavailable"));
  assert.match(await s.page.textContent("#runs-unavailable") ?? "", /no results store/);
  await shot(s.page, "runs-no-results");
  assertClean(s);
});

test("Check in this browser: the engine in a Web Worker gives the server's result", { timeout: 300_000 }, async (t) => {
  if (!available(t, missing())) return;
  const expected = analyze(seed);
  const s = await open(t, bare!, "/");
  await s.page.fill("#check-text", seed);
  await s.page.check("#check-local");
  const t0 = performance.now();
  await s.page.click("#check-run");
  await s.page.waitForSelector("#check-view mark", { timeout: 240_000 });
  const first = performance.now() - t0;
  assert.equal(await s.page.locator("#check-view mark").count(), expected.edits.length);
  assert.equal(await s.page.textContent("#check-score"), expected.score.toFixed(2));
  await s.page.click("#check-toggle");
  assert.equal(await visibleText(s.page, "#check-view"), expected.restored);
  const status = await s.page.textContent("#check-local-status");
  assert.match(status ?? "", /loaded in this browser/);
  const engine = s.requests.filter((r) => /\.bin$/.test(r));
  assert.equal(engine.length, 2, "the model and the lexicon, fetched from the origin");
  assert.ok(!s.requests.some((r) => r.includes("/v1/check")), "the server was not asked");
  t.diagnostic(`in the browser: first result after ${(first / 1000).toFixed(1)} s (${status})`);
  assertClean(s);
});

test("Check: errors are said plainly (no text; not English, in the server's words)", { timeout: 60_000 }, async (t) => {
  if (!available(t, missing())) return;
  const s = await open(t, full!, "/");
  await s.page.click("#check-run");
  assert.match(await s.page.textContent("#check-error") ?? "", /There is no text to check/);
  assert.equal(await s.page.evaluate(() => document.activeElement?.id), "check-text", "back to the text area");
  const german = "Der Bürgermeister sagte am Dienstag, dass die alte Hafenbrücke ab März für sechs Monate gesperrt wird, während Ingenieure die Stahlseile ersetzen. Die Pendler können eine Fähre nutzen, die alle fünfzehn Minuten fährt.";
  await s.page.fill("#check-text", german);
  await s.page.click("#check-run");
  await s.page.waitForFunction(() => !document.getElementById("check-error")!.hidden && /English/.test(document.getElementById("check-error")!.textContent ?? ""));
  assert.match(await s.page.textContent("#check-error") ?? "", /does not look like English/);
  assert.ok(await s.page.isHidden("#check-result"));
  assert.equal(await s.page.getAttribute("#check-error", "role"), "alert");
  // The server answered 4xx: the page's console logs the failed request; nothing else went wrong.
  s.problems.splice(0, s.problems.length, ...s.problems.filter((p) => !/status of 4\d\d/.test(p)));
  assertClean(s);
});
