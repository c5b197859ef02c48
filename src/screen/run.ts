/**
 * A screening run: its settings kept with the results, its inputs planned into batches
 * (stored before any is screened, so a crash loses no plan), and on one machine the batches
 * screened by a pool of worker threads. A resumed run re-plans what was not planned (planning
 * is deterministic and `addBatches` idempotent) and screens only batches not yet done; a done
 * batch's results were written in the same transaction that marked it done, so nothing is
 * lost and nothing counted twice whatever the moment of the interruption.
 *
 * When every batch is done, the site-learning pass (site-tables.ts) learns a table for each
 * site with enough pages and re-restores the site's pages with it; a resumed run finishes the
 * sites that pass had not reached.
 */
import { readFileSync } from "node:fs";
import { InputError, UnspinError } from "../errors.js";
import { listScreenInputs } from "./inputs.js";
import { ScreenPool, defaultThreads, type WorkerInit } from "./pool.js";
import { planBatches } from "./records.js";
import { learnSiteTables, type SiteLearningEvent, type SiteLearningSummary } from "./site-tables.js";
import type { Batch, PageResult, ResultCounts, ResultStore, RunInfo, ScreenInput } from "./types.js";

import { DEFAULT_RECORDS_PER_BATCH, DEFAULT_SPUN_THRESHOLD } from "./defaults.js";

export { DEFAULT_RECORDS_PER_BATCH, DEFAULT_SPUN_THRESHOLD };
/** Batches written to the store per planning step. */
const PLAN_CHUNK = 64;

const version = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

export interface RunSettings {
  /** Files and folders to screen (a new run). */
  paths?: string[];
  sources?: string | null;
  recordsPerBatch?: number;
  spunThreshold?: number;
  /** Analyse every page fully, no first stage (`--full`); a resumed run keeps what it started with unless this says true. */
  full?: boolean;
  /** Continue the run stored in the results. */
  resume?: boolean;
}

/** Start a run in `store`, or load the stored one to resume it. */
export async function startRun(store: ResultStore, s: RunSettings): Promise<RunInfo> {
  const stored = await store.getRun();
  if (s.resume) {
    if (stored === null) throw new InputError(`${store.location} holds no screening run to resume; start one with "unspin screen <inputs...> --out ${store.location}"`);
    if (s.full && !stored.full) {
      stored.full = true;
      await store.setRun(stored);
    }
    return stored;
  }
  if (stored !== null) {
    throw new InputError(`${store.location} already holds a screening run (of ${stored.inputs.join(", ")}); continue it with "unspin screen --resume --out ${store.location}" or write to another --out`);
  }
  if (s.paths === undefined || s.paths.length === 0) throw new InputError("nothing to screen: give WARC, JSONL or HTML files or folders");
  // Inputs that cannot be listed stop the run before anything is stored.
  if ((await listScreenInputs(s.paths)).length === 0) throw new InputError(`no pages to screen in ${s.paths.join(", ")}`);
  const run: RunInfo = {
    inputs: s.paths,
    sources: s.sources ?? null,
    spunThreshold: s.spunThreshold ?? DEFAULT_SPUN_THRESHOLD,
    recordsPerBatch: s.recordsPerBatch ?? DEFAULT_RECORDS_PER_BATCH,
    ...(s.full ? { full: true } : {}),
    planned: false,
    started: new Date().toISOString(),
    unspinVersion: version,
  };
  await store.setRun(run);
  return run;
}

/**
 * The run's batches not yet done, planning what the store does not hold yet: each chunk of
 * batches is stored before any of it is handed out.
 */
export async function* pendingBatches(store: ResultStore, run: RunInfo, inputs: ScreenInput[]): AsyncGenerator<Batch> {
  if (run.planned) {
    yield* await store.pendingBatches();
    return;
  }
  for (const input of inputs) {
    let chunk: Batch[] = [];
    const flush = async function* () {
      await store.addBatches(chunk);
      for (const b of chunk) if (!(await store.isDone(b))) yield b;
      chunk = [];
    };
    for await (const b of planBatches(input, run.recordsPerBatch)) {
      chunk.push(b);
      if (chunk.length >= PLAN_CHUNK) yield* flush();
    }
    yield* flush();
  }
  run.planned = true;
  await store.setRun(run);
}

export interface ScreenProgress extends ResultCounts {
  /** Planning has covered every input (bytesTotal is then exact). */
  planned: boolean;
  /** Total size of the inputs: the denominator of progress before planning ends. */
  inputBytes: number;
  /** Pages screened in this process, and its wall time. */
  pagesThisRun: number;
  elapsedMs: number;
  failedBatches: number;
  /** The site-learning pass, when it ran (every batch done, learning not turned off). */
  siteLearning?: SiteLearningSummary;
}

export interface LocalOptions extends RunSettings {
  lm?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
  /** Worker threads; default one per core. */
  threads?: number;
  /** Per-record time limit (`--record-timeout`); DEFAULT_RECORD_TIMEOUT_MS when absent. */
  recordTimeoutMs?: number;
  onProgress?: (p: ScreenProgress) => void;
  /** Stop handing out batches (in-flight ones finish and are written); stop learning between sites. */
  signal?: AbortSignal;
  /** Learn per-site tables once every batch is done (default true; `--no-learn`). */
  learn?: boolean;
  /** Analysed pages a site needs for a table (`--learn-min-pages`). */
  learnMinPages?: number;
  /** Called before the site-learning pass, and after each site. */
  onSiteLearning?: (e: SiteLearningEvent | null) => void;
}

/** Screen on this machine: plan, then screen every pending batch on a pool of threads. */
export async function screenLocal(store: ResultStore, opts: LocalOptions): Promise<ScreenProgress> {
  const run = await startRun(store, opts);
  const inputs = await listScreenInputs(run.inputs);
  const byInput = new Map(inputs.map((i) => [i.input, i]));
  const init: WorkerInit = {};
  if (opts.lm !== undefined) init.lm = opts.lm;
  if (opts.channel !== undefined) init.channel = opts.channel;
  if (run.sources !== null) init.sources = run.sources;
  if (run.full) init.full = true;
  const threads = opts.threads ?? defaultThreads();
  const pool = await ScreenPool.start(init, threads, { recordTimeoutMs: opts.recordTimeoutMs });
  const t0 = performance.now();
  const inputBytes = inputs.reduce((s, i) => s + i.size, 0);
  let pagesThisRun = 0;
  const failures: string[] = [];
  // Counting the stored results is a scan: do it once, then count what each batch adds. Only
  // the plan's totals are read again, at most once a second (planning adds to them).
  const counts = await store.counts(run.spunThreshold);
  let totalsRead = performance.now();
  const progress = async (): Promise<ScreenProgress> => {
    if (performance.now() - totalsRead > 1000) {
      const fresh = await store.counts(run.spunThreshold);
      counts.batchesTotal = fresh.batchesTotal;
      counts.bytesTotal = fresh.bytesTotal;
      totalsRead = performance.now();
    }
    return { ...counts, planned: run.planned, inputBytes, pagesThisRun, elapsedMs: performance.now() - t0, failedBatches: failures.length };
  };
  const tally = (batch: Batch, results: PageResult[], written: number) => {
    // A batch already done (a retry) adds nothing.
    if (written === 0 && results.length > 0) return;
    counts.batchesDone++;
    counts.bytesDone += batch.bytes;
    for (const r of results) {
      if (r.status !== "ok") counts.problems++;
      else {
        counts.pages++;
        if (r.stage === "fast") counts.fast++;
        if (r.score !== null && r.score >= run.spunThreshold) counts.spun++;
        if (r.trace !== null) counts.traced++;
      }
    }
  };
  const inFlight = new Set<Promise<void>>();
  try {
    for await (const batch of pendingBatches(store, run, inputs)) {
      if (opts.signal?.aborted) break;
      // Two batches per thread keep every thread busy while the main thread writes results.
      while (inFlight.size >= threads * 2) await Promise.race(inFlight);
      const input = byInput.get(batch.input);
      if (input === undefined) {
        failures.push(`${batch.input}: no longer among the inputs`);
        continue;
      }
      const job: Promise<void> = pool
        .run(input, batch)
        .then(async (results) => {
          const { written } = await store.completeBatch(batch, results);
          pagesThisRun += results.length;
          tally(batch, results, written);
          if (opts.onProgress) opts.onProgress(await progress());
        })
        .catch((e: unknown) => {
          failures.push(`${batch.input}@${batch.start}: ${e instanceof Error ? e.message : String(e)}`);
        })
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await pool.close();
  }
  let siteLearning: SiteLearningSummary | undefined;
  if (failures.length === 0 && opts.learn !== false && !opts.signal?.aborted && run.planned) {
    const c = await store.counts(run.spunThreshold);
    // Only a complete run: a site's table is learned from all of its pages, once.
    if (c.batchesDone === c.batchesTotal) {
      opts.onSiteLearning?.(null);
      siteLearning = await learnSiteTables(store, {
        minPages: opts.learnMinPages, lm: opts.lm, channel: opts.channel, sources: run.sources, signal: opts.signal, onSite: opts.onSiteLearning,
      });
    }
  }
  const final: ScreenProgress = {
    ...(await store.counts(run.spunThreshold)), planned: run.planned, inputBytes, pagesThisRun, elapsedMs: performance.now() - t0, failedBatches: failures.length,
    ...(siteLearning ? { siteLearning } : {}),
  };
  if (failures.length > 0) {
    throw new UnspinError(`${failures.length} batch${failures.length === 1 ? "" : "es"} could not be screened (first: ${failures[0]}); the rest are stored: fix the cause and run "unspin screen --resume --out ${store.location}"`);
  }
  return final;
}
