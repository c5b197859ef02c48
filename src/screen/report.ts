/**
 * `unspin report`: one self-contained static HTML file from a ScreenSummary.
 *
 * The file opens offline and fetches nothing: uPlot's script and stylesheet are inlined from
 * the installed package, the chart data sits in a JSON block, and a CSP forbids every fetch.
 * Scripts and styles are allowed by their SHA-256 only, so even markup that slipped past the
 * escaping could not run. Everything a crawled page supplied (URLs, titles, span text, site
 * names, problem reasons) is untrusted: it is escaped, clipped in length, and linked only
 * when it is an http(s) URL. Tables are plain HTML, readable without scripts and on paper;
 * the charts are drawn over them when scripts run. The same summary and generatedAt give the
 * same bytes.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { REPORT_CLIENT_JS } from "./report-client.js";
import type { PageResult, ScreenSpan, ScreenSummary, SiteSummary, SiteTable } from "./types.js";

export interface ReportOptions {
  /** Heading and document title; default "unspin screening report". */
  title?: string;
  /** Printed in the report; default now. Pass it for reproducible output. */
  generatedAt?: Date;
  /** Spans shown for each page, its most confident (default SPANS_SHOWN; MAX_SPANS shows all a page has). */
  spansPerPage?: number;
  /** The run's learned site tables (`ResultStore.siteTables()`): shown for the sites the summary lists. */
  siteTables?: readonly SiteTable[];
}

/** Learned substitutions shown per site: its most frequent, by places. */
export const PAIRS_SHOWN = 10;

/**
 * Spans shown for each page by default. Each costs about 200 bytes (two contexts of up to
 * 60 characters): all 20 of 100 pages would make the file twice as large, and the first
 * ten already show what a page's spinning looks like.
 */
export const SPANS_SHOWN = 10;

/** Sites drawn in the site chart (the largest, by pages); the table lists every site of the summary. */
export const CHART_SITES = 25;

/** Length caps for untrusted strings, so that one hostile page cannot blow up the file. */
const CAP = { title: 300, url: 300, href: 2048, site: 253, context: 160, span: 120, reason: 300, path: 120 };

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "\u2028": "&#x2028;", "\u2029": "&#x2029;" };

/**
 * Text safe in HTML content and in quoted attribute values. Control characters (never
 * meaningful in page text, some invalid in HTML) and lone surrogates become U+FFFD; line and
 * paragraph separators are written as references, so the file has none raw (tools that
 * embed HTML in JavaScript strings break on them).
 */
export function escapeHtml(s: string): string {
  return s
    .replace(/[&<>"'\u2028\u2029]/g, (c) => HTML_ESCAPES[c])
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/**
 * A name that identifies something (a site, a URL) with its bidirectional formatting
 * characters made visible: "abc\u202Eelpmaxe.com" would otherwise display as another
 * name. Titles are shown the same way (a reversed title misleads as much as a reversed
 * name); span text keeps them, inside isolating elements.
 */
export function showBidi(s: string): string {
  return s.replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}]`);
}

/** The URL to link to, normalised, when it is an absolute http(s) URL; else null (shown as text only). */
export function safeHref(url: string | null | undefined): string | null {
  if (!url || url.length > CAP.href) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  return parsed.href;
}

/**
 * JSON for a `<script type="application/json">` block: `<`, `>` and `&` are written as
 * \u escapes so that no `</script>` or `<!--` can end or bend the block, and U+2028/2029
 * likewise. JSON.parse of the block's text gives back the value unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** The data the charts draw, as embedded in the report. */
export interface ReportChartData {
  threshold: number | null;
  histogram: { from: number; to: number; count: number }[];
  /** The CHART_SITES largest sites, by spun share descending (then pages, then name). */
  sites: { site: string; pages: number; spun: number; share: number }[];
}

export function chartData(summary: ScreenSummary): ReportChartData {
  const sites = summary.sites
    .slice(0, CHART_SITES)
    .map((s) => ({ site: showBidi(clip(s.site, CAP.site)), pages: s.pages, spun: s.spun, share: ratio(s.spun, s.pages) ?? 0 }))
    .sort((a, b) => b.share - a.share || b.pages - a.pages || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
  return {
    threshold: summary.run?.spunThreshold ?? null,
    histogram: summary.histogram.map((b) => ({ from: b.from, to: b.to, count: b.count })),
    sites,
  };
}

/**
 * The report's Content-Security-Policy (its meta tag; a server sends it as a header too): no
 * fetch of any kind, and only the report's own script and style, by hash.
 */
export function reportContentSecurityPolicy(): string {
  const { js, css } = uplotAssets();
  return [
    "default-src 'none'",
    `script-src ${sha256(js)} ${sha256(REPORT_CLIENT_JS)}`,
    `style-src ${sha256(`${css}\n${REPORT_CSS}`)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
}

/** A complete HTML document reporting on a screening run. */
export function renderReport(summary: ScreenSummary, opts: ReportOptions = {}): string {
  const { js: uplotJs, css: uplotCss } = uplotAssets();
  const title = opts.title ?? "unspin screening report";
  const generated = (opts.generatedAt ?? new Date()).toISOString();
  const data = chartData(summary);

  const style = `${uplotCss}\n${REPORT_CSS}`;
  const csp = reportContentSecurityPolicy();

  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    '<link rel="icon" href="data:,">',
    `<title>${esc(title, CAP.title)}</title>`,
    `<style>${style}</style>`,
    "</head>",
    "<body>",
    renderHeader(summary, title, generated),
    renderFigures(summary),
    renderScores(summary, data),
    renderSites(summary, data, opts.siteTables ?? []),
    renderWorst(summary, Math.max(0, opts.spansPerPage ?? SPANS_SHOWN)),
    renderProblems(summary),
    `<footer><p>Made by unspin from the run's results database. Scores are calibrated probabilities that a page was machine-spun; a marked span is a word the model finds out of place, with the word it probably replaced. Charts drawn with uPlot (MIT licence, included in this file).</p></footer>`,
    `<script type="application/json" id="report-data">${jsonForScript(data)}</script>`,
    `<script>${uplotJs}</script>`,
    `<script>${REPORT_CLIENT_JS}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Sections

function renderHeader(summary: ScreenSummary, title: string, generated: string): string {
  const run = summary.run;
  const meta: string[] = [`Generated ${fmtTime(generated)}`];
  if (run) {
    meta.push(`run started ${fmtTime(run.started)}`);
    meta.push(`unspin ${esc(run.unspinVersion, 40)}`);
    meta.push(`spun means a score of at least ${fmtScore(run.spunThreshold)}`);
  }
  const lines = [`<header>`, `<h1>${esc(title, CAP.title)}</h1>`, `<p class="meta">${meta.join(" · ")}</p>`];
  if (run) {
    const shown = run.inputs.slice(0, 5).map((i) => `<code>${escapeHtml(clipStart(i, CAP.path))}</code>`);
    const more = run.inputs.length > 5 ? ` and ${fmtInt(run.inputs.length - 5)} more` : "";
    lines.push(`<p class="meta">Inputs: ${shown.join(", ") || "none"}${more}.`);
    lines.push(run.sources ? ` Sources: <code>${escapeHtml(clipStart(run.sources, CAP.path))}</code>.</p>` : " No source index (pages were not traced).</p>");
  } else {
    lines.push(`<p class="meta">No run settings were stored with these results.</p>`);
  }
  const c = summary.counts;
  const unfinished = c.batchesDone < c.batchesTotal;
  const unplanned = run !== null && !run.planned;
  if (unfinished || unplanned) {
    const bytes = c.bytesTotal > 0 ? ` (${pct(c.bytesDone / c.bytesTotal)} of the input bytes)` : "";
    const done = unfinished
      ? `${fmtInt(c.batchesDone)} of ${fmtInt(c.batchesTotal)} batches done${bytes}.${unplanned ? " Planning had not finished either: more batches may follow." : ""}`
      : `the ${fmtInt(c.batchesTotal)} batches planned so far are done, but planning had not finished: more may follow.`;
    lines.push(`<p class="partial" role="status"><strong>Partial run:</strong> ${done} The figures cover the pages screened so far.</p>`);
  }
  lines.push(`</header>`);
  return lines.join("\n");
}

function renderFigures(summary: ScreenSummary): string {
  const c = summary.counts;
  const run = summary.run;
  const records = c.pages + c.problems;
  const figure = (label: string, value: string, note: string) => `<div><dt>${label}</dt><dd>${value}<small>${note}</small></dd></div>`;
  const threshold = run ? ` scoring ${fmtScore(run.spunThreshold)} or more` : "";
  const traced = run && run.sources === null ? figure("Traced to a source", "—", "no source index") : figure("Traced to a source", fmtShare(c.traced, c.pages), `${fmtInt(c.traced)} pages`);
  const batchNote = c.batchesDone < c.batchesTotal || (run !== null && !run.planned) ? "partial run" : c.batchesTotal > 0 ? "complete" : "none planned";
  return [
    `<section id="figures" aria-label="Headline figures"><dl class="figures">`,
    figure("Pages screened", fmtInt(c.pages), `analysed, of ${fmtInt(records)} records read`),
    figure("Cleared by the first stage", fmtShare(c.fast, c.pages), c.fast > 0 ? `${fmtInt(c.fast)} pages read as clean without the full analysis` : run?.full ? "every page analysed in full (--full)" : "every page analysed in full"),
    figure("Problems", fmtInt(c.problems), records > 0 ? `${pct(c.problems / records)} of records, not analysed` : "records not analysed"),
    figure("Spun", fmtShare(c.spun, c.pages), `${fmtInt(c.spun)} pages${threshold}`),
    traced,
    figure("Batches", `${fmtInt(c.batchesDone)} / ${fmtInt(c.batchesTotal)}`, batchNote),
    `</dl></section>`,
  ].join("\n");
}

function renderScores(summary: ScreenSummary, data: ReportChartData): string {
  const bins = data.histogram;
  const total = bins.reduce((n, b) => n + b.count, 0);
  const lines = [`<section id="scores">`, `<h2>Scores</h2>`];
  if (bins.length === 0 || total === 0) {
    lines.push(`<p class="empty">No analysed pages yet.</p>`, `</section>`);
    return lines.join("\n");
  }
  const t = data.threshold;
  lines.push(
    `<figure>`,
    `<div class="chart" id="chart-histogram" role="img" aria-label="Histogram of spin scores over ${fmtInt(total)} analysed pages"></div>`,
    `<p class="readout" aria-hidden="true">&nbsp;</p>`,
    `<figcaption>Pages by spin score, ${bins.length} bins from 0 to 1${t !== null ? `; red bins are at or above the spun threshold, ${fmtScore(t)}` : ""}. The vertical scale is logarithmic.</figcaption>`,
    `<details class="fallback" open><summary>Table</summary>`,
    `<table><thead><tr><th>Score</th><th class="n">Pages</th><th class="n">Share</th></tr></thead><tbody>`,
    ...bins.map((b) => `<tr><td>${fmtScore(b.from)}–${fmtScore(b.to)}</td><td class="n">${fmtInt(b.count)}</td><td class="n">${fmtShare(b.count, total)}</td></tr>`),
    `</tbody></table></details>`,
    `</figure>`,
    `</section>`,
  );
  return lines.join("\n");
}

function renderSites(summary: ScreenSummary, data: ReportChartData, tables: readonly SiteTable[]): string {
  const lines = [`<section id="sites">`, `<h2>Sites</h2>`];
  if (summary.sites.length === 0) {
    lines.push(`<p class="empty">No analysed pages yet.</p>`, `</section>`);
    return lines.join("\n");
  }
  const n = data.sites.length;
  lines.push(
    `<figure>`,
    `<div class="chart" id="chart-sites" role="img" aria-label="Spun share of the ${n} largest sites"></div>`,
    `<p class="readout" aria-hidden="true">&nbsp;</p>`,
    `<figcaption>Share of pages spun, for the ${n === 1 ? "largest site" : `${n} largest sites`} by pages screened, highest share first.</figcaption>`,
    `<details class="fallback" open><summary>Table</summary>`,
    `<table><thead><tr><th>Site</th><th class="n">Spun share</th><th class="n">Pages</th></tr></thead><tbody>`,
    ...data.sites.map((s) => `<tr><td class="site">${escapeHtml(s.site)}</td><td class="n">${fmtShare(s.spun, s.pages)}</td><td class="n">${fmtInt(s.pages)}</td></tr>`),
    `</tbody></table></details>`,
    `</figure>`,
    `<h3>Largest sites</h3>`,
    `<table class="sites"><thead><tr><th>Site</th><th class="n">Pages</th><th class="n">Spun</th><th class="n">Traced</th><th class="n">Mean score</th></tr></thead><tbody>`,
    ...summary.sites.map(siteRow),
    `</tbody></table>`,
    renderLearned(summary, tables),
    `</section>`,
  );
  return lines.join("\n");
}

/** Each listed site's learned table: its most frequent substitutions, or why it has none. */
function renderLearned(summary: ScreenSummary, tables: readonly SiteTable[]): string {
  const byName = new Map(tables.map((t) => [t.site, t]));
  const shown = summary.sites.map((s) => byName.get(s.site)).filter((t): t is SiteTable => t !== undefined);
  if (shown.length === 0) return "";
  const rows = shown.map((t) => {
    const name = esc(showBidi(t.site), CAP.site);
    const about = `<div class="where">${fmtInt(t.pages)} pages learned from; ${fmtInt(t.pairs.length)} pair${t.pairs.length === 1 ? "" : "s"}; ${fmtInt(t.restored)} re-restored</div>`;
    if (t.pairs.length === 0) {
      return `<tbody class="learned"><tr><td class="site">${name}${about}</td><td colspan="5" class="empty">no table: ${esc(t.reason ?? "nothing learned", CAP.reason)}</td></tr></tbody>`;
    }
    const top = [...t.pairs].sort((a, b) => b.count - a.count).slice(0, PAIRS_SHOWN);
    const pairRows = top.map((p, i) =>
      `<tr>${i === 0 ? `<td class="site" rowspan="${top.length}">${name}${about}</td>` : ""}` +
      `<td class="u">${esc(p.original, CAP.span)}</td><td class="u">${esc(p.spun, CAP.span)}</td>` +
      `<td class="n">${p.probability === undefined || !Number.isFinite(p.probability) ? "—" : fmtScore(p.probability)}</td>` +
      `<td class="n">${fmtInt(p.count)}</td><td class="n">${p.pages === undefined ? "—" : fmtInt(p.pages)}${p.source === "traced" ? ` <span class="count">traced</span>` : ""}</td></tr>`);
    return `<tbody class="learned">${pairRows.join("")}</tbody>`;
  });
  return [
    `<h3 id="learned">Learned substitutions</h3>`,
    `<p class="note">For each site with enough pages, the spinner table learned from its pages (and from the substitutions of its pages traced to a source), with which its pages were re-restored: its ${PAIRS_SHOWN} most frequent substitutions, the wording <i>as written originally</i> and as the site publishes it, P(published | original), the places the table explains and the pages they are on.</p>`,
    `<table class="learned"><thead><tr><th>Site</th><th>Original</th><th>Published</th><th class="n">P</th><th class="n">Places</th><th class="n">Pages</th></tr></thead>`,
    ...rows,
    `</table>`,
  ].join("\n");
}

function siteRow(s: SiteSummary): string {
  return (
    `<tr><td class="site">${esc(showBidi(s.site), CAP.site)}</td><td class="n">${fmtInt(s.pages)}</td>` +
    `<td class="n">${fmtShare(s.spun, s.pages)} <span class="count">(${fmtInt(s.spun)})</span></td>` +
    `<td class="n">${fmtShare(s.traced, s.pages)} <span class="count">(${fmtInt(s.traced)})</span></td>` +
    `<td class="n">${fmtScore(s.meanScore)}</td></tr>`
  );
}

function renderWorst(summary: ScreenSummary, spansShown: number): string {
  const lines = [`<section id="worst">`, `<h2>Highest-scoring pages</h2>`];
  if (summary.worst.length === 0) {
    lines.push(`<p class="empty">No analysed pages yet.</p>`, `</section>`);
    return lines.join("\n");
  }
  lines.push(
    `<p class="note">Under each page, its most confident suspicious spans: the wording as published is <mark>marked</mark>, followed by <i>→ the wording it probably replaced</i> and the model's confidence.</p>`,
    `<table class="worst"><thead><tr><th class="n">#</th><th>Page</th><th>Site</th><th>Date</th><th class="n">Score</th><th class="n">Spin rate</th><th>Source match</th></tr></thead>`,
    ...summary.worst.map((p, i) => worstRows(p, i + 1, spansShown)),
    `</table>`,
    `</section>`,
  );
  return lines.join("\n");
}

function worstRows(p: PageResult, rank: number, spansShown: number): string {
  // A page without a URL is named by its file (the line below gives input and offset).
  const page = [linkOrText(p.url, escapeHtml(clipStart(p.input, CAP.path)))];
  if (p.title) page.push(`<div class="title">${esc(showBidi(p.title), CAP.title)}</div>`);
  page.push(`<div class="where">${escapeHtml(clipStart(p.input, CAP.path))} @ ${fmtInt(p.offset)}</div>`);
  const row =
    `<tr><td class="n">${rank}</td><td class="page">${page.join("")}</td><td class="site">${p.site ? esc(showBidi(p.site), CAP.site) : "—"}</td>` +
    `<td class="date">${fmtDate(p.date)}</td><td class="n">${p.score === null ? "—" : fmtScore(p.score)}</td>` +
    `<td class="n">${p.spinRate === null ? "—" : pct(p.spinRate)}</td><td class="trace">${traceCell(p)}</td></tr>`;
  const shown = p.spans.slice(0, spansShown);
  const hidden = p.spans.length - shown.length;
  let spans = shown.length ? `<ol class="spans">${shown.map(spanItem).join("")}</ol>` : "";
  if (hidden > 0) spans += `<p class="more">${shown.length ? "And " : ""}${hidden} more span${hidden === 1 ? "" : "s"}, less confident, not shown.</p>`;
  if (p.spans.length === 0) spans = `<p class="empty">No suspicious spans recorded.</p>`;
  return `<tbody class="page">${row}<tr class="spans"><td></td><td colspan="6">${spans}</td></tr></tbody>`;
}

function traceCell(p: PageResult): string {
  const t = p.trace;
  if (!t) return "—";
  const name = t.title ? clip(showBidi(t.title), CAP.title) : t.url ? clip(showBidi(t.url), CAP.url) : t.extId ? clip(t.extId, CAP.url) : `document ${t.docId}`;
  const href = safeHref(t.url);
  const source = href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${escapeHtml(name)}</a>` : `<span class="u">${escapeHtml(name)}</span>`;
  return `<span class="kind">${esc(t.kind, 40)}</span> ${fmtScore(t.score)}<div class="source">${source}</div>`;
}

function spanItem(s: ScreenSpan): string {
  // Ellipses where the context stops short of the text around it.
  const lead = s.start > s.before.length ? "…" : "";
  const tail = s.after.length > 0 ? "…" : "";
  // Terse markup: a report holds a thousand of these. <bdi> keeps each piece's text direction to itself.
  const conf = Number.isFinite(s.confidence) ? `${Math.round(s.confidence * 100)}%` : "";
  return (
    `<li><bdi>${lead}${escapeHtml(clipStart(s.before, CAP.context))}</bdi><mark>${esc(s.text, CAP.span)}</mark> ` +
    `<i>→ ${esc(s.replacement, CAP.span)}</i> <small>${conf}</small><bdi>${esc(s.after, CAP.context)}${tail}</bdi></li>`
  );
}

function renderProblems(summary: ScreenSummary): string {
  const lines = [`<section id="problems">`, `<h2>Problems</h2>`];
  const total = summary.counts.problems;
  if (summary.problemReasons.length === 0) {
    lines.push(`<p class="empty">${total > 0 ? `${fmtInt(total)} records could not be screened; no reasons were stored.` : "Every record read could be screened."}</p>`, `</section>`);
    return lines.join("\n");
  }
  lines.push(
    `<p class="note">Records that could not be screened, by reason. They are counted, never fatal to a run.</p>`,
    `<table class="problems"><thead><tr><th>Reason</th><th class="n">Records</th><th class="n">Share</th></tr></thead><tbody>`,
    ...summary.problemReasons.map((r) => `<tr><td class="u">${esc(r.reason, CAP.reason)}</td><td class="n">${fmtInt(r.count)}</td><td class="n">${fmtShare(r.count, total)}</td></tr>`),
    `</tbody></table>`,
    `</section>`,
  );
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Helpers

function linkOrText(url: string | null, missing: string): string {
  if (!url) return `<span class="missing">${missing}</span>`;
  const href = safeHref(url);
  const text = escapeHtml(clip(showBidi(url), CAP.url));
  return href ? `<a class="url" href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${text}</a>` : `<span class="url">${text}</span>`;
}

function esc(s: string, max: number): string {
  return escapeHtml(clip(s, max));
}

/** At most `max` UTF-16 units, never splitting a surrogate pair, with an ellipsis when cut. */
function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  if (/[\uD800-\uDBFF]/.test(s[end - 1] ?? "")) end--;
  return s.slice(0, end) + "…";
}

/** Like clip, keeping the end (for context before a span, and paths). */
function clipStart(s: string, max: number): string {
  if (s.length <= max) return s;
  let start = s.length - max + 1;
  if (/[\uDC00-\uDFFF]/.test(s[start] ?? "")) start++;
  return "…" + s.slice(start);
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 && Number.isFinite(part) ? part / whole : null;
}

function fmtShare(part: number, whole: number): string {
  const r = ratio(part, whole);
  return r === null ? "—" : pct(r);
}

/** A share as a percentage with one decimal; tiny and near-total shares are not rounded to 0% or 100%. */
function pct(x: number): string {
  if (!Number.isFinite(x)) return "—";
  if (x === 0) return "0%";
  if (x > 0 && x < 0.0005) return "&lt;0.1%";
  if (x < 1 && x > 0.9995) return "&gt;99.9%";
  return `${(x * 100).toFixed(1)}%`;
}

/** Integers with comma thousands separators, independent of the machine's locale. */
function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return "—";
  const s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return n < 0 ? `-${s}` : s;
}

function fmtScore(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : "—";
}

function fmtDate(d: string | null): string {
  if (!d) return "—";
  return /^\d{4}-\d{2}-\d{2}/.test(d) ? d.slice(0, 10) : esc(d, 40);
}

/** An ISO date-time as "2026-11-30 08:00 UTC"; anything else as given. */
function fmtTime(iso: string): string {
  const t = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC` : esc(iso, 40);
}

function sha256(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

let uplotCache: { js: string; css: string } | undefined;

/** uPlot's browser build and stylesheet from the installed package, its licence kept as a leading comment. */
function uplotAssets(): { js: string; css: string } {
  if (uplotCache) return uplotCache;
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve("uplot/dist/uPlot.iife.min.js");
  const js = readFileSync(jsPath, "utf8");
  const css = readFileSync(require.resolve("uplot/dist/uPlot.min.css"), "utf8");
  const licence = readFileSync(join(dirname(jsPath), "..", "LICENSE"), "utf8").trim();
  // Inlined verbatim, so it must not be able to end its own element.
  if (/<\/script|<!--/i.test(js + licence) || licence.includes("*/")) throw new Error(`uPlot's script (${jsPath}) cannot be inlined: it contains "</script", "<!--" or "*/"`);
  if (/<\/style/i.test(css)) throw new Error("uPlot's stylesheet cannot be inlined: it contains </style");
  uplotCache = { js: `/*! uPlot, ${licence}\n*/\n${js}`, css };
  return uplotCache;
}

const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2630; --muted: #5d6875; --line: #dde2e8; --grid: #e6e9ee; --bar: #5b84b8; --spun: #c0443c; --mark: #ffe28c; --warn-bg: #fff5d9; --warn-line: #e3c36a;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
body { margin: 0 auto; max-width: 1120px; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.25rem; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.05rem; margin: 24px 0 8px; }
a { color: #22589b; }
code { font-size: .9em; overflow-wrap: anywhere; }
.meta, .note, figcaption, .empty, footer { color: var(--muted); font-size: .9rem; }
.partial { background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 4px; padding: 8px 12px; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: 12px; margin: 20px 0; }
.figures div { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.figures dt { color: var(--muted); font-size: .85rem; }
.figures dd { margin: 0; font-size: 1.6rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.figures dd small { display: block; font-size: .8rem; font-weight: 400; color: var(--muted); }
figure { margin: 12px 0 20px; }
.chart { width: 100%; min-height: 1px; }
.readout { margin: 2px 0; min-height: 1.2em; font-size: .85rem; font-variant-numeric: tabular-nums; }
details.fallback { margin-top: 6px; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
/* Fixed layout: the pages table is most of the document, and auto layout measures every cell of it. */
table.worst { table-layout: fixed; }
.worst th:nth-child(1) { width: 2.2em; } .worst th:nth-child(3) { width: 13%; } .worst th:nth-child(4) { width: 6.5em; }
.worst th:nth-child(5) { width: 4em; } .worst th:nth-child(6) { width: 5.5em; } .worst th:nth-child(7) { width: 15%; }
details table { width: auto; min-width: 320px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; border-bottom-width: 2px; }
.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.count { color: var(--muted); }
.site, .url, .title, .where, .source, .u { overflow-wrap: anywhere; unicode-bidi: isolate; }
.title { margin-top: 2px; }
.where, .missing { color: var(--muted); font-size: .8rem; }
.date { white-space: nowrap; }
.kind { font-weight: 600; }
tbody.page > tr:first-child > td { border-top: 2px solid var(--line); border-bottom: 0; }
tbody.learned > tr:first-child > td { border-top: 2px solid var(--line); }
tr.spans > td { padding-top: 0; }
ol.spans { margin: 2px 0 10px; padding-left: 1.6em; font-size: .88rem; }
ol.spans li { margin: 2px 0; }
mark, ol.spans i { unicode-bidi: isolate; }
mark { background: var(--mark); color: inherit; padding: 0 2px; border-radius: 2px; }
ol.spans i, .note i { font-style: normal; color: #1d6a3a; }
ol.spans small { color: var(--muted); }
.more { margin: 0 0 10px; color: var(--muted); font-size: .85rem; }
footer { margin-top: 40px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  :root { font-size: 11pt; }
  body { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  figure, .figures div, tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .readout, details.fallback:not([open]) { display: none; }
  /* When printed without a beforeprint event (headless PDF), scale the canvases to the page. */
  .uplot, .u-wrap { max-width: 100%; }
  .u-wrap { height: auto !important; }
  .uplot canvas { max-width: 100%; height: auto !important; }
  mark, .partial { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
