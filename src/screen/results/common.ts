/**
 * What the result store back ends share: the row form of a PageResult, summary assembly,
 * and the string rules both back ends apply so that they return the same values.
 */
import type { PageQuery, PageResult, ScreenSpan, SiteTable, TraceMatch } from "../types.js";

export const DEFAULT_BINS = 20;
export const DEFAULT_MAX_SITES = 50;
export const DEFAULT_MAX_PAGES = 50;
/** Rows per page of `results()`: memory stays flat however many results there are. */
export const RESULTS_PAGE = 500;

/**
 * A string as stored in a text column: PostgreSQL text cannot hold NUL, and neither back end
 * can hold half of a surrogate pair in UTF-8, so both become U+FFFD in both back ends (same
 * length, so offsets hold). Spans and trace are JSON, whose escapes keep them exact.
 */
export function storedText(s: string): string;
export function storedText(s: string | null | undefined): string | null;
export function storedText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  return s.replace(/\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** A result as the columns store it (in both back ends). */
export interface ResultRow {
  input: string;
  record_offset: number | string;
  url: string | null;
  site: string | null;
  date: string | null;
  title: string | null;
  status: string;
  reason: string | null;
  words: number;
  score: number | null;
  spin_rate: number | null;
  stage: string | null;
  /** JSON text (SQLite) or parsed JSON (PostgreSQL json columns). */
  spans: string | ScreenSpan[];
  trace: string | TraceMatch | null;
}

export function toRow(r: PageResult): ResultRow {
  return {
    input: storedText(r.input),
    record_offset: r.offset,
    url: storedText(r.url),
    site: storedText(r.site),
    date: storedText(r.date),
    title: storedText(r.title),
    status: r.status,
    reason: storedText(r.reason),
    words: r.words,
    score: r.score,
    spin_rate: r.spinRate,
    stage: r.stage,
    spans: JSON.stringify(r.spans ?? []),
    trace: r.trace ? JSON.stringify(r.trace) : null,
  };
}

export function fromRow(r: ResultRow): PageResult {
  return {
    input: r.input,
    offset: Number(r.record_offset),
    url: r.url,
    site: r.site,
    date: r.date,
    title: r.title,
    status: r.status as PageResult["status"],
    reason: r.reason,
    words: r.words,
    stage: r.stage as PageResult["stage"],
    score: r.score,
    spinRate: r.spin_rate,
    spans: typeof r.spans === "string" ? JSON.parse(r.spans) : r.spans,
    trace: typeof r.trace === "string" ? JSON.parse(r.trace) : r.trace,
  };
}

/** Byte order of UTF-8 (= code point order): how both back ends order keys (SQLite BINARY, PostgreSQL "C"). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Results in key order, so concurrent writers of overlapping keys lock them in the same order. */
export function sortedRows(results: PageResult[]): ResultRow[] {
  return results.map(toRow).sort((a, b) => compareKeys(a.input, b.input) || Number(a.record_offset) - Number(b.record_offset));
}

/** The grouping of a problem reason: its words before any colon or parenthesis. */
export function reasonGroup(reason: string | null): string {
  const r = (reason ?? "").split(/[:(]/)[0].trim();
  return r || (reason ?? "").trim() || "unknown";
}

/** Fold counts of full reasons into counts of reason groups, most frequent first. */
export function groupReasons(rows: { reason: string | null; count: number }[]): { reason: string; count: number }[] {
  const groups = new Map<string, number>();
  for (const r of rows) {
    const g = reasonGroup(r.reason);
    groups.set(g, (groups.get(g) ?? 0) + r.count);
  }
  return [...groups].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || compareKeys(a.reason, b.reason));
}

/** Histogram from counts per bin index (bin = min(floor(score * bins), bins - 1)). */
export function histogram(bins: number, counts: { bin: number; count: number }[]): { from: number; to: number; count: number }[] {
  const out = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0 }));
  for (const c of counts) out[Math.min(Math.max(c.bin, 0), bins - 1)].count += c.count;
  return out;
}

export function checkSummaryOptions(opts: { bins?: number; maxSites?: number; maxPages?: number }): { bins: number; maxSites: number; maxPages: number } {
  const bins = opts.bins ?? DEFAULT_BINS;
  const maxSites = opts.maxSites ?? DEFAULT_MAX_SITES;
  const maxPages = opts.maxPages ?? DEFAULT_MAX_PAGES;
  for (const [k, v] of Object.entries({ bins, maxSites, maxPages })) {
    if (!Number.isInteger(v) || v < (k === "bins" ? 1 : 0) || v > 1_000_000) throw new RangeError(`summary ${k} must be a whole number (got ${v})`);
  }
  return { bins, maxSites, maxPages };
}

/** A site table as the `site_tables` columns store it (both back ends): the pairs as JSON text. */
export interface SiteTableRow {
  site: string;
  pairs: string;
  reason: string | null;
  pages: number;
  restored: number;
  created: string;
}

export function toSiteTableRow(t: SiteTable): SiteTableRow {
  return { site: storedText(t.site), pairs: JSON.stringify(t.pairs), reason: storedText(t.reason), pages: t.pages, restored: t.restored, created: t.created };
}

export function fromSiteTableRow(r: SiteTableRow): SiteTable {
  return { site: r.site, pairs: JSON.parse(r.pairs), reason: r.reason, pages: Number(r.pages), restored: Number(r.restored), created: r.created };
}

/** The columns a re-restoration replaces, keyed by (input, offset). */
export function reanalysisRow(r: PageResult): { input: string; record_offset: number; words: number; score: number | null; spin_rate: number | null; stage: string | null; spans: string } {
  return { input: storedText(r.input), record_offset: r.offset, words: r.words, score: r.score, spin_rate: r.spinRate, stage: r.stage, spans: JSON.stringify(r.spans ?? []) };
}

/** Most pages one `pages` call returns. */
export const MAX_PAGE_LIMIT = 1000;

/** A page query checked, with the filters as the statements bind them (null: no filter). */
export function checkPageQuery(q: PageQuery): { site: string | null; min: number | null; max: number | null; limit: number; offset: number } {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE_LIMIT) throw new RangeError(`pages limit must be a whole number from 1 to ${MAX_PAGE_LIMIT} (got ${q.limit})`);
  if (!Number.isInteger(q.offset) || q.offset < 0) throw new RangeError(`pages offset must be a whole number from 0 (got ${q.offset})`);
  for (const v of [q.minScore, q.maxScore]) if (v !== undefined && !Number.isFinite(v)) throw new RangeError(`pages score bounds must be numbers (got ${v})`);
  return { site: q.site === undefined ? null : storedText(q.site), min: q.minScore ?? null, max: q.maxScore ?? null, limit: q.limit, offset: q.offset };
}
