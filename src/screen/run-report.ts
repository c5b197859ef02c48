/**
 * The HTML report of the run a results store holds: what `unspin report` writes and what
 * `unspin serve` answers at /v1/runs/:run/report, by one code path.
 */
import { InputError } from "../errors.js";
import { renderReport } from "./report.js";
import type { ResultStore } from "./types.js";

export interface RunReportOptions {
  /** Sites listed (default 50). */
  sites?: number;
  /** Worst pages shown (default 100). */
  pages?: number;
}

export const DEFAULT_REPORT_SITES = 50;
export const DEFAULT_REPORT_PAGES = 100;

/** The report page and the counts it was drawn from. Refused (InputError) when the store holds no run. */
export async function runReport(store: ResultStore, opts: RunReportOptions = {}): Promise<{ html: string; pages: number; sites: number }> {
  const run = await store.getRun();
  if (run === null) throw new InputError(`${store.location} holds no screening run`);
  const summary = await store.summary({
    spunThreshold: run.spunThreshold, maxSites: opts.sites ?? DEFAULT_REPORT_SITES, maxPages: opts.pages ?? DEFAULT_REPORT_PAGES,
  });
  const siteTables = await store.siteTables();
  return { html: renderReport(summary, { siteTables }), pages: summary.counts.pages, sites: summary.sites.length };
}
