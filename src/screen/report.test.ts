/**
 * The screening report: escaping and the embedded JSON as plain unit tests, then the written
 * file in Debian's chromium (playwright-core, file:// URL, every other request aborted):
 * charts drawn and painted, hostile page strings shown as text, no console errors.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { REPORT_CLIENT_JS } from "./report-client.js";
import { CHART_SITES, PAIRS_SHOWN, SPANS_SHOWN, chartData, escapeHtml, jsonForScript, renderReport, safeHref, showBidi } from "./report.js";
import { mulberry32 } from "../spin/simulate.js";
import { MAX_SPANS, type PageResult, type ScreenSpan, type ScreenSummary, type SiteTable } from "./types.js";
import { CHROMIUM, available, missingChromium } from "../test-support/require.js";

const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const GENERATED = new Date("2026-12-01T09:30:00Z");

// Page-derived strings an attacker controls. Each must reach the reader as literal text.
const HOSTILE = {
  closeScript: "</script><script>window.__pwned = 1</script>",
  img: '<img src="http://tracker.invalid/p.png" onerror="window.__pwned = 2">',
  comment: "<!--<script>window.__pwned = 3</script>",
  attr: `"' onmouseover="window.__pwned = 4" x='`,
  svg: "<svg onload=window.__pwned=5>",
  entity: "&lt;b&gt;not bold&lt;/b&gt;",
  style: "<style>body { display: none }</style>",
  separators: "one\u2028two\u2029three",
  bidi: "abc\u202Edcba.example",
};
const HOSTILE_URL = "javascript:window.__pwned=6//https://example.org/";


const WORDS = ["the", "harbour", "council", "voted", "on", "a", "new", "budget", "for", "ferry", "repairs", "after", "heavy", "rainfall", "flooded", "lower", "streets", "residents", "said", "they", "wanted", "clearer", "plans", "and", "faster", "work"];
const SWAPS: [string, string][] = [["quick", "fast"], ["vessel", "ship"], ["dwellers", "residents"], ["financial plan", "budget"], ["precipitation", "rain"], ["mend", "repair"], ["avenues", "streets"], ["elected", "voted"], ["sizable", "large"], ["clearer", "plainer"]];

function words(r: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(" ");
}

interface SampleOptions {
  pages: number;
  sites: number;
  worst: number;
  spans: number;
  bins?: number;
  /** Histogram bins left empty. */
  emptyBins?: number[];
  hostile?: boolean;
  partial?: boolean;
}

/** A summary shaped like a real run's: sites by pages, worst pages with their spans. */
function sampleSummary(o: SampleOptions): ScreenSummary {
  const r = mulberry32(42);
  const bins = o.bins ?? 20;
  const histogram = Array.from({ length: bins }, (_, i) => {
    const from = i / bins;
    const count = o.emptyBins?.includes(i) ? 0 : Math.max(1, Math.round(o.pages * 0.55 * Math.pow(0.6, i)));
    return { from, to: (i + 1) / bins, count };
  });
  const sites = Array.from({ length: o.sites }, (_, i) => {
    const pages = Math.max(10, Math.round((o.pages / 6) / (i + 1)));
    const share = i === 3 ? 0 : 0.05 + 0.9 * r();
    return { site: `site-${String(i + 1).padStart(2, "0")}.example`, pages, spun: Math.round(pages * share), traced: Math.round(pages * share * 0.3), meanScore: 0.1 + 0.6 * share };
  });
  const worst: PageResult[] = Array.from({ length: o.worst }, (_, i) => {
    const spans: ScreenSpan[] = Array.from({ length: o.spans }, (_, j) => {
      const [text, replacement] = SWAPS[(i + j) % SWAPS.length];
      const start = 200 + j * 150;
      return { start, end: start + text.length, text, replacement, confidence: 0.99 - j * 0.03, before: words(r, 9) + " ", after: " " + words(r, 9) };
    });
    const site = sites[i % sites.length].site;
    return {
      input: `crawl/segment-${String(i % 7).padStart(3, "0")}.warc.gz`,
      offset: 1000 + i * 52_311,
      url: `https://${site}/news/2026/story-${i + 1}.html`,
      site,
      date: `2026-11-${String((i % 28) + 1).padStart(2, "0")}T10:00:00Z`,
      title: `Story ${i + 1}: ${words(r, 6)}`,
      status: "ok",
      stage: "full",
      reason: null,
      words: 600 + i,
      score: 0.999 - i * 0.004,
      spinRate: 0.3 - i * 0.001,
      spans,
      trace: i % 3 === 0 ? { docId: 10 + i, extId: `src-${i}`, url: `https://source.example/original/${i}`, title: `Original ${i}`, score: 0.8, kind: "spun" } : null,
    };
  });
  const summary: ScreenSummary = {
    run: {
      inputs: Array.from({ length: 12 }, (_, i) => `crawl/segment-${String(i).padStart(3, "0")}.warc.gz`),
      sources: "sources.db",
      spunThreshold: 0.5,
      recordsPerBatch: 1000,
      planned: true,
      started: "2026-11-30T08:00:00Z",
      unspinVersion: "0.1.0",
    },
    counts: {
      pages: o.pages,
      problems: Math.round(o.pages * 0.012),
      spun: Math.round(o.pages * 0.023),
      traced: Math.round(o.pages * 0.004),
      fast: Math.round(o.pages * 0.8),
      batchesDone: o.partial ? 412 : 1000,
      batchesTotal: 1000,
      bytesDone: o.partial ? 41_200_000_000 : 100_000_000_000,
      bytesTotal: 100_000_000_000,
    },
    histogram,
    sites,
    worst,
    problemReasons: [
      { reason: "no article text", count: Math.round(o.pages * 0.008) },
      { reason: "over the size limit", count: Math.round(o.pages * 0.003) },
      { reason: "invalid UTF-8", count: Math.round(o.pages * 0.001) },
    ],
  };
  if (o.hostile) plantHostile(summary);
  return summary;
}

/** Hostile strings in every page-derived field. */
function plantHostile(s: ScreenSummary): void {
  const h = HOSTILE;
  s.run!.inputs[0] = h.closeScript;
  s.sites[0].site = h.closeScript;
  s.sites[1].site = h.svg;
  s.sites[2].site = h.bidi;
  const p = s.worst[0];
  p.url = HOSTILE_URL;
  p.title = h.img;
  p.site = h.closeScript;
  p.date = h.attr;
  p.spans[0] = { ...p.spans[0], before: h.comment + " ", text: h.svg, replacement: h.closeScript, after: " " + h.separators };
  p.spans[1] = { ...p.spans[1], before: h.entity + " ", text: h.style, replacement: h.attr, after: " " + h.bidi };
  p.trace = { docId: 1, extId: null, url: "data:text/html,<script>window.__pwned=7</script>", title: h.img, score: 0.9, kind: h.svg };
  s.worst[1].url = `https://example.org/a?q="><script>window.__pwned=8</script>`;
  s.worst[1].title = h.separators;
  s.worst[2].title = "Story " + h.bidi;
  s.problemReasons.push({ reason: h.comment, count: 3 }, { reason: h.attr, count: 2 });
}

/** Learned tables for the summary's sites: `pairs` each, the last site's empty; hostile strings in the first two. */
function sampleTables(summary: ScreenSummary, pairs = 14, hostile = false): SiteTable[] {
  const tables: SiteTable[] = summary.sites.map((site, k) => ({
    site: site.site, reason: null, pages: site.pages, restored: site.pages, created: "2026-12-01T09:00:00.000Z",
    pairs: Array.from({ length: pairs }, (_, i) => ({
      original: SWAPS[i % SWAPS.length][1] + (i >= SWAPS.length ? ` ${i}` : ""), spun: SWAPS[i % SWAPS.length][0],
      count: 100 - i * 3 - k, probability: 0.9 - i / 40, pages: 20 - i, source: i === 2 ? "traced" as const : "site" as const,
    })),
  }));
  const last = tables[tables.length - 1];
  last.pairs = [];
  last.reason = "the pages do not read as spun by one table";
  if (hostile) {
    tables[0].pairs[0] = { ...tables[0].pairs[0], original: HOSTILE.img, spun: HOSTILE.closeScript };
    tables[0].pairs[1] = { ...tables[0].pairs[1], original: HOSTILE.attr, spun: HOSTILE.separators };
    tables[1].pairs = [];
    tables[1].reason = HOSTILE.comment;
  }
  return tables;
}

const EMPTY: ScreenSummary = {
  run: null,
  counts: { pages: 0, problems: 0, spun: 0, traced: 0, fast: 0, batchesDone: 0, batchesTotal: 0, bytesDone: 0, bytesTotal: 0 },
  histogram: [],
  sites: [],
  worst: [],
  problemReasons: [],
};

const TYPICAL = { pages: 1_000_000, sites: 50, worst: 100, spans: 20 } as const;

// ---------------------------------------------------------------------------------------------
// Unit tests

test("escapeHtml: markup characters, controls and lone surrogates", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  assert.equal(escapeHtml("&lt;"), "&amp;lt;");
  assert.equal(escapeHtml("a\u0000b\u001bc\u0085d"), "a\uFFFDb\uFFFDc\uFFFDd");
  assert.equal(escapeHtml("tab\tnew\nline"), "tab\tnew\nline");
  assert.equal(escapeHtml("x\uD800y\uDC00z"), "x\uFFFDy\uFFFDz");
  assert.equal(escapeHtml("\uD83D\uDE00 café"), "\uD83D\uDE00 café");
  assert.equal(escapeHtml("a\u2028b\u2029c"), "a&#x2028;b&#x2029;c");
});

test("showBidi: direction overrides in names are shown, not obeyed", () => {
  assert.equal(showBidi(HOSTILE.bidi), "abc[U+202E]dcba.example");
  assert.equal(showBidi("\u2067x\u2069\u200F"), "[U+2067]x[U+2069][U+200F]");
  assert.equal(showBidi("مثال.example"), "مثال.example");
});

test("safeHref: only absolute http(s) URLs are linked", () => {
  assert.equal(safeHref("https://example.org/a b?q=<x>"), "https://example.org/a%20b?q=%3Cx%3E");
  assert.equal(safeHref("http://example.org"), "http://example.org/");
  for (const bad of [HOSTILE_URL, " javascript:alert(1)", "java\tscript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "vbscript:x", "file:///etc/passwd", "/relative/path", "//example.org/x", "", null, undefined, "https://" + "a".repeat(3000)]) {
    assert.equal(safeHref(bad), null, String(bad));
  }
});

test("jsonForScript: the block cannot be closed or bent, and parses back unchanged", () => {
  const value = { a: Object.values(HOSTILE), b: "</SCRIPT >", c: "<!-- -->", d: "\u2028\u2029", e: "]]>", f: 1.5 };
  const json = jsonForScript(value);
  assert.doesNotMatch(json, /<|>|&|\u2028|\u2029/);
  assert.deepEqual(JSON.parse(json), value);
});

test("renderReport: self-contained, strict CSP, deterministic, data block matches the charts", () => {
  const summary = sampleSummary({ ...TYPICAL, hostile: true });
  const siteTables = sampleTables(summary, 14, true);
  const html = renderReport(summary, { generatedAt: GENERATED, siteTables });
  assert.equal(html, renderReport(summary, { generatedAt: GENERATED, siteTables }), "same summary and date, same bytes");
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(csp, "CSP meta tag");
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+'; style-src 'sha256-[^']+'; img-src data:;/);
  assert.doesNotMatch(csp, /unsafe|https?:/);
  // Nothing loads from anywhere: no src attributes, no stylesheet links, only the data: icon.
  assert.doesNotMatch(html, /<(script|img|iframe|link)[^>]*\ssrc=/i);
  assert.deepEqual(html.match(/<link [^>]*>/g), ['<link rel="icon" href="data:,">']);
  assert.equal(html.match(/<script\b/g)?.length, 3, "the data block, uPlot, the report's script");
  assert.equal(html.match(/<\/script>/g)?.length, 3);
  assert.match(html, /MIT License/, "uPlot's licence travels with its code");
  const block = /<script type="application\/json" id="report-data">([^]*?)<\/script>/.exec(html)?.[1];
  assert.ok(block);
  assert.deepEqual(JSON.parse(block), chartData(summary));
  // Hostile markup appears only escaped.
  for (const s of ["<img src=", "<svg onload", "<style>body", "<!--<script", `onmouseover="window`, "\u2028", "\u2029"]) {
    assert.ok(!html.includes(s), `raw ${JSON.stringify(s)} in the output`);
  }
  assert.ok(!html.includes(`href="${HOSTILE_URL}`) && !html.includes('href="data:text'), "only http(s) links");
  for (const m of html.matchAll(/<a [^>]*>/g)) assert.match(m[0], /href="https?:\/\/[^"]*" rel="noopener noreferrer"/);
  // A title's direction override is shown, not obeyed, as in sites and URLs.
  assert.ok(html.includes('<div class="title">Story abc[U+202E]dcba.example</div>'));
  for (const m of html.matchAll(/<div class="title">([^<]*)<\/div>/g)) assert.ok(!m[1].includes("\u202E"), "no title obeys a direction override");
});

test("renderReport: a 1M-page summary (50 sites, 100 pages with 20 spans) stays a few hundred KB", (t) => {
  const summary = sampleSummary(TYPICAL);
  const t0 = performance.now();
  const html = renderReport(summary, { generatedAt: GENERATED });
  const ms = performance.now() - t0;
  const kb = Buffer.byteLength(html) / 1024;
  const all = renderReport(summary, { generatedAt: GENERATED, spansPerPage: MAX_SPANS });
  const allKb = Buffer.byteLength(all) / 1024;
  t.diagnostic(`typical report: ${kb.toFixed(0)} KB (${SPANS_SHOWN} spans a page; all ${MAX_SPANS}: ${allKb.toFixed(0)} KB), rendered in ${ms.toFixed(0)} ms (first call reads uPlot)`);
  assert.ok(kb < 400, `${kb.toFixed(0)} KB`);
  assert.ok(allKb < 600, `${allKb.toFixed(0)} KB`);
  assert.equal(html.match(/<\/bdi><mark>/g)?.length, TYPICAL.worst * SPANS_SHOWN);
  assert.equal(html.match(/ more spans, less confident, not shown/g)?.length, TYPICAL.worst);
  assert.equal(all.match(/<\/bdi><mark>/g)?.length, TYPICAL.worst * MAX_SPANS);
  assert.equal(html.match(/<tr><td class="site">/g)?.length, TYPICAL.sites + CHART_SITES, "sites table plus the chart's fallback table");
  // With every site's learned table: its ten most frequent pairs each, and still a few hundred KB.
  const learned = renderReport(summary, { generatedAt: GENERATED, siteTables: sampleTables(summary) });
  const learnedKb = Buffer.byteLength(learned) / 1024;
  t.diagnostic(`with 50 site tables: ${learnedKb.toFixed(0)} KB`);
  assert.ok(learnedKb < kb + 150, `${learnedKb.toFixed(0)} KB`);
  assert.equal(learned.match(/<tbody class="learned">/g)?.length, TYPICAL.sites);
  const cells = (h: string) => h.match(/<td class="u">/g)?.length ?? 0;
  assert.equal(cells(learned) - cells(html), 2 * PAIRS_SHOWN * (TYPICAL.sites - 1), "ten pairs of each non-empty table");
  assert.equal(learned.match(/<td colspan="5" class="empty">no table: the pages do not read as spun by one table<\/td>/g)?.length, 1);
  assert.equal(html.match(/Learned substitutions/g), null, "no section without tables");
});

test("renderReport: partial runs say so; an empty run renders", () => {
  const partial = renderReport(sampleSummary({ pages: 1000, sites: 3, worst: 2, spans: 1, partial: true }), { generatedAt: GENERATED });
  assert.match(partial, /<strong>Partial run:<\/strong> 412 of 1,000 batches done \(41\.2% of the input bytes\)/);
  const unplanned = sampleSummary({ pages: 1000, sites: 3, worst: 2, spans: 1 });
  unplanned.run!.planned = false;
  assert.match(renderReport(unplanned, { generatedAt: GENERATED }), /<strong>Partial run:<\/strong> the 1,000 batches planned so far are done, but planning had not finished/);
  const html = renderReport(EMPTY, { generatedAt: GENERATED, title: HOSTILE.closeScript });
  assert.ok(!html.includes("Partial run"));
  assert.ok(!html.includes('id="chart-histogram"') && !html.includes('id="chart-sites"'));
  assert.match(html, /No analysed pages yet/);
  assert.ok(html.includes(`<title>${escapeHtml(HOSTILE.closeScript)}</title>`));
});

test("the histogram's score axis has two decimals: its bins are 0.05 wide", () => {
  const m = /values: (\(u, s\) => s\.map\(\(v\) => [^\n]*?\)\)), label: "score"/.exec(REPORT_CLIENT_JS);
  assert.ok(m, "the score axis formatter");
  const format = new Function(`return ${m[1]}`)() as (u: unknown, s: number[]) => string[];
  assert.deepEqual(format(null, [0, 0.05, 0.1, 0.15, 0.2, 1]), ["0.00", "0.05", "0.10", "0.15", "0.20", "1.00"]);
});

test("a page without a URL is named by its input file, not \"(no URL)\"", () => {
  const summary = sampleSummary({ pages: 10, sites: 1, worst: 1, spans: 1 });
  summary.worst[0] = { ...summary.worst[0], url: null, input: "notes/<b>plain</b>.txt", site: "notes/<b>plain</b>.txt" };
  const html = renderReport(summary, { generatedAt: GENERATED });
  assert.ok(!html.includes("(no URL)"));
  assert.ok(html.includes(`<span class="missing">${escapeHtml("notes/<b>plain</b>.txt")}</span>`));
  assert.ok(!html.includes("<b>plain</b>"), "the file name is escaped");
});

// ---------------------------------------------------------------------------------------------
// In the browser

test("a missing chromium says what to run", () => {
  assert.match(missingChromium("/nonexistent/chromium") ?? "", /run scripts\/ci\/chromium\.sh/);
});

interface ChartCheck {
  present: boolean;
  bars: number;
  drawn: number;
  labels: string[] | null;
  /** Canvas pixels that are not fully transparent. */
  inked: number;
  centers: number;
  /** Bar centres whose pixel has a bar colour. */
  centersPainted: number;
  /** Runs of bar-coloured pixels along the baseline (one per painted bar). */
  runs: number;
}

/**
 * Reads a chart's canvas in the page: what the report says it drew, checked against the
 * pixels. Plain JavaScript text: tsx would wrap named functions of a TypeScript callback in
 * a helper that does not exist in the page.
 */
const CHECK_CHART = `(id, horizontal) => {
  const el = document.getElementById(id);
  const canvas = el && el.querySelector(".uplot canvas");
  if (!canvas) return { present: false, bars: 0, drawn: 0, labels: null, inked: 0, centers: 0, centersPainted: 0, runs: 0 };
  const { width, height } = canvas;
  const px = canvas.getContext("2d").getImageData(0, 0, width, height).data;
  const rgb = (c) => {
    const probe = document.createElement("canvas").getContext("2d", { willReadFrequently: true });
    probe.fillStyle = c;
    probe.fillRect(0, 0, 1, 1);
    return Array.from(probe.getImageData(0, 0, 1, 1).data.slice(0, 3));
  };
  const colors = JSON.parse(el.dataset.colors).map(rgb);
  const isBar = (x, y) => {
    const i = (y * width + x) * 4;
    return px[i + 3] > 250 && colors.some((c) => Math.abs(c[0] - px[i]) + Math.abs(c[1] - px[i + 1]) + Math.abs(c[2] - px[i + 2]) < 12);
  };
  let inked = 0;
  for (let i = 3; i < px.length; i += 4) if (px[i] > 0) inked++;
  const centers = JSON.parse(el.dataset.centers);
  const [left, top, w, h] = JSON.parse(el.dataset.box);
  // Walk along the bars' baseline, just inside the plot: each bar crosses it once.
  let runs = 0;
  let inside = false;
  for (let k = 0; k < (horizontal ? h : w); k++) {
    const bar = horizontal ? isBar(left + 3, top + k) : isBar(left + k, top + h - 3);
    if (bar && !inside) runs++;
    inside = bar;
  }
  return {
    present: true,
    bars: Number(el.dataset.bars),
    drawn: Number(el.dataset.drawn),
    labels: el.dataset.labels ? JSON.parse(el.dataset.labels) : null,
    inked,
    centers: centers.length,
    centersPainted: centers.filter(([x, y]) => isBar(x, y)).length,
    runs,
  };
}`;

function checkChart(page: Page, id: string, horizontal: boolean): Promise<ChartCheck> {
  return page.evaluate(`(${CHECK_CHART})(${JSON.stringify(id)}, ${horizontal})`) as Promise<ChartCheck>;
}

test("in chromium: offline, both charts drawn and painted, hostile strings stay text, no errors", { timeout: 180_000 }, async (t) => {
  if (!available(t, missingChromium())) return;
  const bins = 20;
  const emptyBins = [13, 16, 17];
  const summary = sampleSummary({ pages: 1_000_000, sites: 30, worst: 100, spans: 20, bins, emptyBins, hostile: true });
  const dir = mkdtempSync(join(tmpdir(), "unspin-report-"));
  const file = join(dir, "report.html");
  writeFileSync(file, renderReport(summary, { generatedAt: GENERATED, title: "Report <b>test</b>", siteTables: sampleTables(summary, 12, true) }));
  const url = pathToFileURL(file).href;
  const expectedSites = chartData(summary).sites;
  assert.equal(expectedSites.length, CHART_SITES);

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    const attempted: string[] = [];
    const requests: string[] = [];
    await context.route("**/*", (route) => {
      const u = route.request().url();
      if (u.startsWith("file:")) return route.continue();
      attempted.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("request", (r) => requests.push(r.url()));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });

    const t0 = performance.now();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector("html[data-ready='1']", { timeout: 30_000 });
    const wall = performance.now() - t0;
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return { script: Number(document.documentElement.dataset.renderMs), dcl: nav.domContentLoadedEventEnd, load: nav.loadEventEnd };
    });
    t.diagnostic(`browser: charts drawn in ${timing.script} ms of script; DOMContentLoaded ${timing.dcl.toFixed(0)} ms, load ${timing.load.toFixed(0)} ms; goto to ready ${wall.toFixed(0)} ms`);

    const hist = await checkChart(page, "chart-histogram", false);
    assert.ok(hist.present, "histogram: uPlot canvas present");
    assert.equal(hist.bars, bins, "histogram: one bar per bin");
    assert.ok(hist.drawn >= 1);
    assert.ok(hist.inked > 10_000, `histogram canvas is blank (${hist.inked} inked pixels)`);
    assert.equal(hist.centers, bins - emptyBins.length);
    assert.equal(hist.centersPainted, hist.centers, "histogram: every non-empty bar painted at its centre");
    assert.equal(hist.runs, bins - emptyBins.length, "histogram: painted bars counted along the baseline");

    const sites = await checkChart(page, "chart-sites", true);
    assert.ok(sites.present, "site chart: uPlot canvas present");
    assert.equal(sites.bars, CHART_SITES, "site chart: one bar per site");
    assert.deepEqual(sites.labels, expectedSites.map((s) => s.site), "site chart: sites sorted by spun share");
    assert.ok(sites.labels!.includes(HOSTILE.closeScript));
    assert.ok(sites.labels!.includes(showBidi(HOSTILE.bidi)));
    const nonzero = expectedSites.filter((s) => s.share > 0).length;
    assert.equal(nonzero, CHART_SITES - 1, "the sample has one site with nothing spun");
    assert.ok(sites.inked > 10_000, `site canvas is blank (${sites.inked} inked pixels)`);
    assert.equal(sites.centersPainted, nonzero, "site chart: every non-empty bar painted at its centre");
    assert.equal(sites.runs, nonzero, "site chart: painted bars counted down the axis");
    assert.equal(await page.locator(".uplot").count(), 2);
    assert.equal(await page.locator("details.fallback[open]").count(), 0, "data tables fold away once the charts are drawn");

    // Hostile strings: shown as text, nothing injected, nothing run.
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    const dom = await page.evaluate(() => ({
      scripts: document.scripts.length,
      styles: document.querySelectorAll("style").length,
      injected: document.querySelectorAll("body img, body svg, body iframe, body object, body embed, body b, body style, body form").length,
      handlers: Array.from(document.querySelectorAll("*")).filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith("on"))).length,
      hrefs: Array.from(document.querySelectorAll("a")).map((a) => a.getAttribute("href") ?? ""),
      text: document.body.innerText,
      title: document.title,
      firstTitle: document.querySelector("tbody.page .title")?.textContent,
      marks: Array.from(document.querySelectorAll("tbody.page:first-of-type mark")).slice(0, 2).map((m) => m.textContent),
      reasons: Array.from(document.querySelectorAll("table.problems td.u")).map((td) => td.textContent),
      learned: Array.from(document.querySelectorAll("tbody.learned:first-of-type td.u")).slice(0, 4).map((td) => td.textContent),
      noTable: document.querySelectorAll("tbody.learned")[1]?.querySelector("td.empty")?.textContent,
    }));
    assert.equal(dom.scripts, 3);
    assert.equal(dom.styles, 1);
    assert.equal(dom.injected, 0, "no element injected by page strings");
    assert.equal(dom.handlers, 0, "no event-handler attribute");
    assert.ok(dom.hrefs.length > 0 && dom.hrefs.every((h) => /^https?:\/\//.test(h)), "links are http(s) only");
    assert.equal(dom.title, "Report <b>test</b>");
    assert.equal(dom.firstTitle, HOSTILE.img);
    assert.deepEqual(dom.marks, [HOSTILE.svg, HOSTILE.style]);
    assert.ok(dom.reasons.includes(HOSTILE.comment) && dom.reasons.includes(HOSTILE.attr));
    assert.deepEqual(dom.learned, [HOSTILE.img, HOSTILE.closeScript, HOSTILE.attr, HOSTILE.separators], "learned pairs shown as text");
    assert.equal(dom.noTable, `no table: ${HOSTILE.comment}`);
    for (const s of [HOSTILE.closeScript, HOSTILE.img, HOSTILE.entity, HOSTILE_URL, showBidi(HOSTILE.bidi)]) assert.ok(dom.text.includes(s), `shown as text: ${s}`);

    assert.deepEqual(attempted, [], "no request beyond the file");
    assert.deepEqual(requests.filter((r) => r !== url), [], "the file was the only request");
    assert.deepEqual(problems, []);

    // Without scripts the tables carry everything, the chart data tables open.
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    const plain = await noJs.newPage();
    await plain.goto(url);
    const visible = await plain.evaluate(() => ({
      uplot: document.querySelectorAll(".uplot").length,
      open: document.querySelectorAll("details.fallback[open]").length,
      histRows: document.querySelectorAll("#scores details tbody tr").length,
      pages: document.querySelectorAll("table.worst tbody.page").length,
    }));
    assert.deepEqual(visible, { uplot: 0, open: 2, histRows: bins, pages: 100 });
    await noJs.close();

    // An empty run: no charts to draw, and no error for their absence.
    const emptyFile = join(dir, "empty.html");
    writeFileSync(emptyFile, renderReport(EMPTY, { generatedAt: GENERATED }));
    await page.goto(pathToFileURL(emptyFile).href);
    await page.waitForSelector("html[data-ready='1']", { timeout: 30_000 });
    assert.equal(await page.locator(".uplot").count(), 0);
    assert.deepEqual(attempted, []);
    assert.deepEqual(problems, []);
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
