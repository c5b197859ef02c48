/**
 * A pool of worker threads that screen batches: one engine per thread, one batch at a time per
 * thread. The model and lexicon files are read once, here, into shared memory that every thread
 * (replacements too) builds its engine over. Used by `screen` on one machine and by `worker` on
 * each machine of a queue.
 *
 * No record may hold a thread longer than the per-record time limit: the thread says when it
 * starts each record, and a record still running at the limit costs the thread. The thread is
 * terminated (synchronous extraction or analysis cannot be interrupted any other way), a new
 * one takes its place, and the batch is run again with that record stored as a problem, so one
 * hostile page never stops a batch, a run, or a resumed run.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UnspinError } from "../errors.js";
import { readLexiconShared } from "../lexicon/files.js";
import { readModelShared } from "../model/index.js";
import { DEFAULT_RECORD_TIMEOUT_MS } from "./defaults.js";
import type { TextJob } from "./one-text.js";
import type { RecordStart } from "./records.js";
import type { Batch, PageResult, ScreenInput } from "./types.js";


export interface PoolOptions {
  /** A record still being read or screened after this long is stored as a problem. */
  recordTimeoutMs?: number;
  /** Text jobs (`runText`) that may wait for a thread; more are refused with PoolBusyError. Default: no limit. */
  maxWaiting?: number;
}

export interface WorkerInit {
  /** Language model file (`--lm`); the bundled one when absent. */
  lm?: string;
  /** Trace index to trace pages against (`--sources`). */
  sources?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
  /** Analyse every page fully (`--full`): no first stage. */
  full?: boolean;
}

/** A batch to screen, or (`unspin serve`) one text job. */
type JobRequest =
  | {
    job?: undefined;
    input: ScreenInput;
    batch: Batch;
    /** Records (by cursor) to store as problems with this reason, unread: they ran out of time. */
    skip?: [number, string][];
  }
  | { job: TextJob; input?: undefined; batch?: undefined; skip?: undefined };
export type WorkerRequest = JobRequest & { id: number };

/** What a thread starts with: the options, and the model (`lm` or the shipped one) and lexicon bytes shared by all threads. */
export interface WorkerData extends WorkerInit {
  modelBytes: SharedArrayBuffer;
  lexiconBytes: SharedArrayBuffer;
}

/** A record a thread has started: where it is (`cursor`, as in RecordStart) and what to call it. */
export type { RecordStart } from "./records.js";

export interface WorkerReply {
  id: number;
  ready?: boolean;
  /** The thread has started this record of the batch. */
  record?: RecordStart;
  results?: PageResult[];
  /** A text job's result. */
  value?: unknown;
  error?: string;
  /** The user error's class name (NotEnglishError, …), so that a server can answer by kind. */
  errorName?: string;
  /** The error is a user-facing one (bad index, …), not a bug. */
  userError?: boolean;
  /** A user error's exit code (EXIT in errors.ts). */
  exitCode?: number;
}

interface Job {
  req: JobRequest;
  resolve: (r: never) => void;
  reject: (e: Error) => void;
  /** A text job's time limit, ms, counted from when a thread takes it. */
  timeoutMs?: number;
}

/** A text job refused because `maxWaiting` jobs already wait (a server answers 429). */
export class PoolBusyError extends UnspinError {
  constructor(waiting: number) {
    super(`the server is busy: ${waiting} requests are already waiting; try again shortly`);
    this.name = "PoolBusyError";
  }
}

/** A text job that ran past its time limit (a server answers 503); its thread was replaced. */
export class PoolTimeoutError extends UnspinError {
  constructor(ms: number) {
    super(`the request took longer than the server's limit of ${seconds(ms)}`);
    this.name = "PoolTimeoutError";
  }
}

interface Slot {
  worker: Worker;
  busy: (Job & { id: number; timer?: NodeJS.Timeout }) | null;
  /** Terminated on purpose (a record ran out of time): its exit is not a failure. */
  retired?: boolean;
}

/** The worker entry beside this module: `.ts` when running from source (tests, tsx), `.js` when built. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./worker.ts" : "./worker.js", import.meta.url);
/** From source (tests), the thread registers tsx's loader first: module hooks do not carry over to threads. */
function startWorker(init: WorkerData): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: init });
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

export class ScreenPool {
  private slots: Slot[] = [];
  private waiting: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** Threads started to replace terminated ones, not yet ready. */
  private starting = 0;
  private readonly recordTimeoutMs: number;
  private readonly maxWaiting: number;

  private constructor(readonly size: number, private readonly init: WorkerData, opts: PoolOptions) {
    this.recordTimeoutMs = opts.recordTimeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
    this.maxWaiting = opts.maxWaiting ?? Infinity;
  }

  /** Start `threads` workers (default: one per core) and wait until each has loaded its engine. */
  static async start(init: WorkerInit, threads = defaultThreads(), opts: PoolOptions = {}): Promise<ScreenPool> {
    const data: WorkerData = { ...init, modelBytes: readModelShared(init.lm), lexiconBytes: readLexiconShared() };
    const pool = new ScreenPool(threads, data, opts);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.spawn(data)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private spawn(init: WorkerData): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(init);
      const slot: Slot = { worker, busy: null };
      let ready = false;
      worker.on("message", (m: WorkerReply) => {
        if (m.id === -1) {
          if (m.error !== undefined) return reject(new UnspinError(m.error, m.exitCode));
          ready = true;
          // A replacement that became ready after close() has nothing to do.
          if (this.closed) {
            slot.retired = true;
            void worker.terminate();
            return resolve();
          }
          this.slots.push(slot);
          resolve();
          this.pump();
          return;
        }
        const job = slot.busy;
        if (job === null || job.id !== m.id) return;
        if (m.record !== undefined) {
          clearTimeout(job.timer);
          const record = m.record;
          job.timer = setTimeout(() => this.timeOut(slot, record), this.recordTimeoutMs);
          return;
        }
        clearTimeout(job.timer);
        slot.busy = null;
        if (m.error !== undefined) job.reject(m.userError ? userError(m) : new Error(m.error));
        else job.resolve((job.req.job !== undefined ? m.value : m.results ?? []) as never);
        this.pump();
      });
      worker.on("error", (e) => {
        if (!ready) return reject(e);
        clearTimeout(slot.busy?.timer);
        slot.busy?.reject(e);
        slot.busy = null;
      });
      worker.on("exit", (code) => {
        this.slots = this.slots.filter((s) => s !== slot);
        if (slot.retired) return;
        if (!ready) reject(new Error(`screening worker exited during start-up (code ${code})`));
        else if (slot.busy !== null) {
          clearTimeout(slot.busy.timer);
          slot.busy.reject(new Error(`screening worker exited (code ${code})`));
        }
        this.failIfNoThreads();
      });
    });
  }

  private failIfNoThreads(): void {
    if (!this.closed && this.slots.length === 0 && this.starting === 0) for (const w of this.waiting.splice(0)) w.reject(new Error("no screening workers left"));
  }

  /**
   * A record ran out of time: replace the thread, and run its batch again (first in line) with
   * that record, and any that ran out before, stored as problems unread.
   */
  private timeOut(slot: Slot, record: RecordStart): void {
    const job = slot.busy;
    if (job === null || this.closed || job.req.job !== undefined) return;
    this.replace(slot);
    const reason = `took longer than ${seconds(this.recordTimeoutMs)} to read and screen (the per-record time limit)`;
    const skip: [number, string][] = [...(job.req.skip ?? []), [record.cursor, reason]];
    this.waiting.unshift({ req: { ...job.req, skip }, resolve: job.resolve, reject: job.reject });
    this.pump();
  }

  /** A text job ran past its time limit: it fails, and its thread (stopped mid-job) is replaced. */
  private textTimeOut(slot: Slot, id: number, ms: number): void {
    const job = slot.busy;
    if (job === null || job.id !== id || this.closed) return;
    this.replace(slot);
    job.reject(new PoolTimeoutError(ms));
  }

  /** Terminate a busy thread (synchronous work cannot be interrupted any other way) and start another. */
  private replace(slot: Slot): void {
    slot.busy = null;
    slot.retired = true;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
    this.starting++;
    this.spawn(this.init).then(
      () => {
        this.starting--;
      },
      (e: Error) => {
        this.starting--;
        if (this.slots.length === 0) for (const w of this.waiting.splice(0)) w.reject(e);
      },
    );
  }

  /** Screen a batch on the next free thread. */
  run(input: ScreenInput, batch: Batch): Promise<PageResult[]> {
    if (this.closed) return Promise.reject(new Error("pool is closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ req: { input, batch }, resolve, reject });
      this.pump();
    });
  }

  /**
   * Run one text job (`unspin serve`) on the next free thread. Refused at once when `maxWaiting`
   * jobs already wait. With `timeoutMs`, a job that runs longer fails with PoolTimeoutError and
   * its thread is replaced, so that a runaway text cannot hold it. (Waiting is bounded by the
   * queue: at most maxWaiting jobs ahead, each at most timeoutMs.)
   */
  runText<T>(job: TextJob, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error("pool is closed"));
    if (this.waiting.length >= this.maxWaiting && this.idle === 0) return Promise.reject(new PoolBusyError(this.waiting.length));
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({ req: { job }, resolve: resolve as (r: never) => void, reject, timeoutMs: opts.timeoutMs });
      this.pump();
    });
  }

  /** Threads with no batch. */
  get idle(): number {
    return this.slots.filter((s) => s.busy === null).length;
  }

  /** Jobs running and jobs waiting for a thread. */
  get load(): { running: number; waiting: number } {
    return { running: this.slots.length - this.idle, waiting: this.waiting.length };
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.busy !== null) continue;
      const next = this.waiting.shift()!;
      const id = this.nextId++;
      slot.busy = { ...next, id };
      const ms = next.timeoutMs;
      if (ms !== undefined) slot.busy.timer = setTimeout(() => this.textTimeOut(slot, id, ms), ms);
      slot.worker.postMessage({ id, ...next.req } as WorkerRequest);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) clearTimeout(s.busy?.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}

/** A worker's user error as the class the server tells apart (by name; the message is the worker's). */
function userError(m: WorkerReply): UnspinError {
  const e = new UnspinError(m.error!, m.exitCode);
  if (m.errorName !== undefined) e.name = m.errorName;
  return e;
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(2)} s`;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
