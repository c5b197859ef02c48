/**
 * The site-learning pass of a screening run: once every batch is screened, each site with
 * enough analysed pages gets its own spinner table, learned from its pages (`learnSite`, the
 * learner of `unspin learn --unsupervised`), and its pages are re-restored with that table.
 * One page cannot show a spinner's table; a site's pages together can, so a page's second
 * analysis restores what its first, blind to the site, left alone.
 *
 * Traced pages (`--sources`) add supervised evidence: the substitutions their alignment with
 * the source shows are the spinner's pairs seen at work, and seed the table.
 *
 * Crash safety: a site's table and the re-restored results of its pages are written in one
 * transaction (`putSiteTable`), and a stored table marks the site done. A pass killed at any
 * moment leaves each site either fully re-restored with its stored table or untouched, and a
 * resumed pass learns only the sites without a table. Learning runs on the main thread: it
 * reads a site's pages as a whole, and one site at a time keeps memory to one site.
 */
import { analyze, type AnalyzeOptions } from "../analyze.js";
import type { LearnedPair } from "../decode/learned.js";
import { learnSite } from "../decode/site-learn.js";
import { combineTables, readChannelTable } from "../decode/table.js";
import { loadLexicon } from "../lexicon/files.js";
import { loadModel } from "../model/index.js";
import { learnablePairs, openIndex, type TraceIndex } from "../trace/index.js";
import { screenPage, TRACE_MIN_SCORE } from "./page.js";
import { pagesAt } from "./pages.js";
import type { PageResult, ResultStore, SiteTable } from "./types.js";

import { DEFAULT_LEARN_MIN_PAGES } from "./defaults.js";

export { DEFAULT_LEARN_MIN_PAGES };
/**
 * Pages of one site a table is learned from (its first, in key order); every page of the site
 * is re-restored. A spinner's table shows in its first few hundred pages (README: the table
 * learned from 100 pages restores about as much as from 1,000), and learning time grows with pages.
 */
export const LEARN_MAX_PAGES = 1000;
/**
 * A site needs this share of its pages passed on by the first stage (analysed in full) to be
 * learned from. The learner writes no table that fewer than half the pages bear out, and the first
 * stage passes on nearly every spun page: a site it cleared mostly is clean or too mixed, and
 * reading all its pages again would cost what the first stage saved.
 */
export const LEARN_MIN_FULL_SHARE = 0.5;

export interface SiteLearningOptions {
  /** Sites with fewer analysed pages are left as they are. Default DEFAULT_LEARN_MIN_PAGES. */
  minPages?: number;
  /** Language model file (`--lm`), as the run's workers used. */
  lm?: string;
  /** The run's `--channel` tables: re-restoration uses them with the site's own. */
  channel?: string[];
  /** Trace index of the run (`--sources`): traced pages seed their site's table. */
  sources?: string | null;
  /** After each site is stored. */
  onSite?: (info: SiteLearningEvent) => void;
  /** Stop between sites (a stopped pass resumes with the sites not yet done). */
  signal?: AbortSignal;
}

export interface SiteLearningEvent {
  site: string;
  pages: number;
  pairs: number;
  restored: number;
  reason: string | null;
  /** Sites done and to do in this pass. */
  done: number;
  total: number;
}

export interface SiteLearningSummary {
  /** Sites with enough pages. */
  sites: number;
  /** Sites learned in this pass, and those already done by an earlier one. */
  learned: number;
  alreadyDone: number;
  /** Learned sites whose table is not empty. */
  withTable: number;
  /** Pages re-restored in this pass. */
  restored: number;
  /** Pages that could not be re-read from their inputs (left with their first analysis). */
  unreadable: number;
}

/** Learn a table for every site of the run with enough pages and no table yet; re-restore its pages. */
export async function learnSiteTables(store: ResultStore, opts: SiteLearningOptions = {}): Promise<SiteLearningSummary> {
  const minPages = opts.minPages ?? DEFAULT_LEARN_MIN_PAGES;
  const sites = await store.sitesWithPages(minPages);
  const done = new Set((await store.siteTables()).map((t) => t.site));
  const todo = sites.filter((s) => !done.has(s.site));
  const summary: SiteLearningSummary = { sites: sites.length, learned: 0, alreadyDone: sites.length - todo.length, withTable: 0, restored: 0, unreadable: 0 };
  if (todo.length === 0) return summary;
  const model = loadModel(opts.lm);
  const lexicon = loadLexicon();
  const userPairs = combineTables((opts.channel ?? []).map(readChannelTable));
  let index: TraceIndex | undefined;
  try {
    for (const { site, pages, full } of todo) {
      if (opts.signal?.aborted) break;
      if (full < LEARN_MIN_FULL_SHARE * pages) {
        const reason = `the pages do not read as spun: the first stage cleared ${pages - full} of ${pages} pages as clean`;
        const table: SiteTable = { site, pairs: [], reason, pages: 0, restored: 0, created: new Date().toISOString() };
        await store.putSiteTable(table, []);
        summary.learned++;
        opts.onSite?.({ site, pages: 0, pairs: 0, restored: 0, reason, done: summary.learned, total: todo.length });
        continue;
      }
      const results = await store.siteResults(site);
      const tally = { pages: 0, problems: 0 };
      // 1. The site's pages, and the substitutions of its traced ones.
      const texts: string[] = [];
      const traced = new Map<string, LearnedPair>();
      for await (const { address, page } of pagesAt(results.slice(0, LEARN_MAX_PAGES), tally)) {
        if (page === null) continue;
        texts.push(page.text);
        if (address.trace === null || !opts.sources) continue;
        index ??= await openIndex(opts.sources, { readOnly: true });
        const onPage = new Set<string>();
        for (const p of await tracedPairs(index, page.text, address.trace.docId)) {
          const key = `${p.original}\u0000${p.spun}`;
          let pair = traced.get(key);
          if (pair === undefined) traced.set(key, (pair = { ...p, count: 0, pages: 0, source: "traced" }));
          pair.count++;
          if (!onPage.has(key)) pair.pages = (pair.pages ?? 0) + 1;
          onPage.add(key);
        }
      }
      const seed = [...traced.values()];
      const learned = learnSite(texts, { model, lexicon, seed });
      const pairs = [...learned.pairs].sort((a, b) => b.count - a.count || (a.original < b.original ? -1 : 1));
      // 2. The site's pages again, restored with its table (and the run's own tables).
      const redone: PageResult[] = [];
      if (pairs.length > 0) {
        const analyzeOptions: AnalyzeOptions = { model, lexicon, learned: combineTables([{ meta: {}, pairs: userPairs }, { meta: {}, pairs }]) };
        // Check once that the table analyses at all: a failure here is a bug, not a page's problem.
        analyze("A short check.", analyzeOptions);
        for await (const { address, page } of pagesAt(results, tally)) {
          if (page === null) continue;
          const r = await screenPage(page, { analyze: analyzeOptions });
          if (r.status !== "ok") continue; // analysed once, it stays as it was
          redone.push({ ...r, site: address.site, trace: address.trace });
        }
      }
      const table: SiteTable = {
        site, pairs, reason: learned.reason ?? null, pages: learned.usedPages, restored: redone.length, created: new Date().toISOString(),
      };
      await store.putSiteTable(table, redone);
      summary.learned++;
      if (pairs.length > 0) summary.withTable++;
      summary.restored += redone.length;
      summary.unreadable += tally.problems;
      opts.onSite?.({ site, pages: table.pages, pairs: pairs.length, restored: redone.length, reason: table.reason, done: summary.learned, total: todo.length });
    }
  } finally {
    await index?.close();
  }
  return summary;
}

/** The (original → spun) pairs a traced page's alignment with its source shows, when it still traces to that source. */
async function tracedPairs(index: TraceIndex, text: string, docId: number): Promise<{ original: string; spun: string }[]> {
  const [best] = await index.traceDetailed(text, { top: 1 });
  if (best === undefined || best.docId !== docId || best.kind === "unrelated" || best.score < TRACE_MIN_SCORE) return [];
  return learnablePairs(best.alignment.substitutions);
}
