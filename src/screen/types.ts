/**
 * The vocabulary of screening: records read from crawls, the batches that address them, the
 * per-page results, and the result store they are written to.
 *
 * A record is addressed by (input, offset): the input file and the byte offset its record
 * starts at (a WARC record's first byte in the file as stored, compressed or not; a JSONL
 * line's first byte; 0 for a file that is one page). A batch is a half-open byte range of one
 * input, [start, end): the records that start inside it. Any reader can re-read a batch from
 * its address alone, so a batch is a unit of work that can be retried on any machine, and
 * results keyed by (input, offset) make every write idempotent. (A WARC gzipped as a whole, one
 * gzip member for all records, has no record boundary in the compressed file: its records are
 * addressed by their offset in the decompressed stream; see warc.ts.)
 *
 * Folders are the exception to byte offsets: a folder of HTML or text pages is one input whose
 * batches are ranges of positions in its sorted recursive listing of page files, while each
 * page's result is addressed by its own file (input = the file's path, offset 0). WARC and
 * JSONL files found inside a folder are inputs of their own.
 */

import type { LearnedPair } from "../decode/learned.js";

export interface RecordAddress {
  /** Input file as given on the command line (a path every worker can open). */
  input: string;
  /** Byte offset of the record's first byte in the input. */
  offset: number;
}

/** A page ready for analysis: its article text and what is known about it. */
export interface PageRecord extends RecordAddress {
  url: string | null;
  /** ISO 8601 date (or date-time) when known: WARC-Date, JSONL `date`, a page's published time. */
  date: string | null;
  title: string | null;
  /** Article text (for HTML, the main article by readability). */
  text: string;
}

/** A record that cannot be screened, and why (counted and listed, never fatal to a run). */
export interface RecordProblem extends RecordAddress {
  url: string | null;
  /** Short reason: "invalid UTF-8", "over the size limit (12.3 MB > 10 MB)", "no article text", "malformed WARC header: …". */
  reason: string;
}

export type ReadItem = { page: PageRecord; problem?: undefined } | { problem: RecordProblem; page?: undefined };

export type InputFormat = "warc" | "jsonl" | "html" | "text" | "folder";

export interface ScreenInput {
  /** File or folder path, as every worker will open it. */
  input: string;
  size: number;
  format: InputFormat;
  /** WARC: gzip-compressed. */
  gzip: boolean;
}

export interface Batch {
  input: string;
  /** First byte of the batch's first record (folders: position of its first file). */
  start: number;
  /** Exclusive: records starting before this belong to the batch. */
  end: number;
  /** Bytes of input the batch covers (for progress; for folders, the files' sizes). */
  bytes: number;
  /** Records in the batch as counted by the planner. */
  records: number;
}

/** Stable identifier of a batch: `${input}@${start}`. */
export function batchId(b: Pick<Batch, "input" | "start">): string {
  return `${b.input}@${b.start}`;
}

/** A suspicious span of a page, with context so that a report can show it without the page. */
export interface ScreenSpan {
  /** Offsets into the page's article text. */
  start: number;
  end: number;
  text: string;
  replacement: string;
  confidence: number;
  /** Up to about 60 characters of text before and after the span. */
  before: string;
  after: string;
}

export interface TraceMatch {
  docId: number;
  extId: string | null;
  url: string | null;
  title: string | null;
  score: number;
  /** "verbatim" | "spun" | "paraphrased" | "translated" | "unrelated" (see trace/score.ts). */
  kind: string;
}

export interface PageResult extends RecordAddress {
  url: string | null;
  /** Registrable domain of the URL ("bbc.co.uk"), null without a URL. */
  site: string | null;
  date: string | null;
  title: string | null;
  /** "ok": analysed; "problem": not analysed, see `reason`. */
  status: "ok" | "problem";
  reason: string | null;
  words: number;
  /**
   * Which analysis gave the score: "full", the engine (`analyze`, as `unspin check`); "fast", the
   * first-stage detector cleared the page (its score is then the first stage's estimate, below
   * its pass threshold, and there are no spans); null for problems.
   */
  stage: "fast" | "full" | null;
  /** Calibrated P(spun) ("full"), or the first stage's estimate ("fast"); null for problems. */
  score: number | null;
  spinRate: number | null;
  /** The most confident spans, at most MAX_SPANS, by confidence. */
  spans: ScreenSpan[];
  /** Best source in the trace index (with `--sources`) when it scores as a match; else null. */
  trace: TraceMatch | null;
}

export const MAX_SPANS = 20;

/** Settings of a screening run, stored with its results; a resumed run continues with these. */
export interface RunInfo {
  /** Inputs as given (files and folders). */
  inputs: string[];
  /** Trace index location, when tracing. */
  sources: string | null;
  /** Pages scoring at least this count as spun in summaries. */
  spunThreshold: number;
  recordsPerBatch: number;
  /** Every page analysed by the full engine (`--full`); absent or false: the first stage clears obvious clean pages. */
  full?: boolean;
  /** Set when every input has been planned into batches. */
  planned: boolean;
  started: string;
  unspinVersion: string;
}

export interface ResultCounts {
  pages: number;
  problems: number;
  spun: number;
  traced: number;
  /** Pages the first stage cleared (stage "fast"), among `pages`. */
  fast: number;
  batchesDone: number;
  batchesTotal: number;
  /** Sum of `bytes` over done batches / over all planned batches: progress by bytes. */
  bytesDone: number;
  bytesTotal: number;
}

export interface SiteSummary {
  site: string;
  pages: number;
  spun: number;
  traced: number;
  meanScore: number;
}

export interface ScreenSummary {
  run: RunInfo | null;
  counts: ResultCounts;
  /** Score histogram over analysed pages: `bins` equal-width bins over [0, 1]. */
  histogram: { from: number; to: number; count: number }[];
  /** Sites by pages, descending (at most `maxSites`). */
  sites: SiteSummary[];
  /** Highest-scoring pages (at most `maxPages`), with their spans. */
  worst: PageResult[];
  /** Problem reasons (first words of the reason, before any colon or parenthesis) and how often. */
  problemReasons: { reason: string; count: number }[];
}

/**
 * A site's learned channel table, stored with the run (`site_tables`): the spinner table the
 * site-learning pass estimated from the site's own pages (and the substitutions of its traced
 * pages), with which the site's pages were then re-restored. An empty table with a `reason` is
 * stored too: the site was learned from and found clean (or too mixed), and is done.
 */
export interface SiteTable {
  site: string;
  /** The table (LearnedPair: original, spun, count, probability, pages, source), most places first. */
  pairs: LearnedPair[];
  /** Why the table is empty (or holds only the traced pairs), when the pages did not support one. */
  reason: string | null;
  /** Pages learned from. */
  pages: number;
  /** Pages whose results were re-restored with the table. */
  restored: number;
  /** ISO 8601 time the table was stored. */
  created: string;
}

/** Filters and window of `ResultStore.pages`. */
export interface PageQuery {
  /** Only this site's pages. */
  site?: string;
  /** Only pages scoring at least / at most this. */
  minScore?: number;
  maxScore?: number;
  /** At most this many pages (1 to 1000), after skipping `offset`. */
  limit: number;
  offset: number;
}

/**
 * Where screening results live. SQLite (one machine) and PostgreSQL (many) implement it and
 * pass the same contract tests. `completeBatch` is atomic and idempotent: a retried batch
 * (a worker died after writing, before acknowledging) writes nothing twice.
 */
export interface ResultStore {
  readonly backend: string;
  readonly location: string;
  getRun(): Promise<RunInfo | null>;
  setRun(run: RunInfo): Promise<void>;
  /** Record planned batches; batches already recorded are left as they are. */
  addBatches(batches: Batch[]): Promise<void>;
  /** Planned batches not yet done, in input and offset order. */
  pendingBatches(): Promise<Batch[]>;
  /** Whether a batch is done. */
  isDone(batch: Pick<Batch, "input" | "start">): Promise<boolean>;
  /**
   * In one transaction: store the batch's results (a result whose (input, offset) is already
   * stored is skipped) and mark the batch done.
   */
  completeBatch(batch: Batch, results: PageResult[]): Promise<{ written: number; skipped: number }>;
  counts(spunThreshold: number): Promise<ResultCounts>;
  /** Batches done and planned: the cheap progress check (no scan of the results). */
  batchProgress(): Promise<{ done: number; total: number }>;
  summary(opts: { spunThreshold: number; bins?: number; maxSites?: number; maxPages?: number }): Promise<ScreenSummary>;
  /**
   * Sites with at least `minPages` analysed pages, by pages descending, then name; `full`: how
   * many of them the full engine analysed (the rest the first stage cleared).
   */
  sitesWithPages(minPages: number): Promise<{ site: string; pages: number; full: number }[]>;
  /** The analysed ("ok") results of one site, in (input, offset) order. */
  siteResults(site: string): Promise<PageResult[]>;
  /**
   * In one transaction: store (or replace) the site's table and replace the analysis of the
   * given results (words, score, spinRate, spans, stage; keyed by (input, offset); results not stored
   * are ignored). A site's table and its re-restored pages commit together or not at all.
   */
  putSiteTable(table: SiteTable, results: PageResult[]): Promise<{ updated: number }>;
  /** Every stored site table, by site. */
  siteTables(): Promise<SiteTable[]>;
  /**
   * One page of the analysed ("ok") results that match the filters, highest score first (then
   * input and offset), with how many match in all: what a viewer of a run pages through.
   */
  pages(query: PageQuery): Promise<{ total: number; pages: PageResult[] }>;
  /** Every result in (input, offset) order, for export and tests. */
  results(): AsyncIterable<PageResult>;
  close(): Promise<void>;
}
