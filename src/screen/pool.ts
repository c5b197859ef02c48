/**
 * A pool of worker threads that screen batches: one engine per thread (the model and lexicon
 * are loaded once per thread), one batch at a time per thread. Used by `screen` on one machine
 * and by `worker` on each machine of a queue.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UnspinError } from "../errors.js";
import type { TextJob } from "./one-text.js";
import type { Batch, PageResult, ScreenInput } from "./types.js";

export interface WorkerInit {
  /** Language model file (`--lm`); the bundled one when absent. */
  lm?: string;
  /** Trace index to trace pages against (`--sources`). */
  sources?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
}

/** A batch to screen, or (`unspin serve`) one text job. */
type JobRequest = { job?: undefined; input: ScreenInput; batch: Batch } | { job: TextJob; input?: undefined; batch?: undefined };
export type WorkerRequest = JobRequest & { id: number };

export interface WorkerReply {
  id: number;
  ready?: boolean;
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
  /** The time limit of a text job, and the slot running it once it runs. */
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  busy: (Job & { id: number }) | null;
}

/** A text job refused because `maxWaiting` jobs already wait (a server answers 429). */
export class PoolBusyError extends UnspinError {
  constructor(waiting: number) {
    super(`the server is busy: ${waiting} requests are already waiting; try again shortly`);
    this.name = "PoolBusyError";
  }
}

/** A text job not finished in its time limit (a server answers 503); its thread was replaced. */
export class PoolTimeoutError extends UnspinError {
  constructor(ms: number) {
    super(`the request took longer than the server's limit of ${ms / 1000} s`);
    this.name = "PoolTimeoutError";
  }
}

export interface PoolOptions {
  /** Text jobs that may wait for a thread; more are refused with PoolBusyError. Default: no limit. */
  maxWaiting?: number;
}

/** The worker entry beside this module: `.ts` when running from source (tests, tsx), `.js` when built. */
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./worker.ts" : "./worker.js", import.meta.url);
/** From source (tests), the thread registers tsx's loader first: module hooks do not carry over to threads. */
function startWorker(init: WorkerInit): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { workerData: init });
  const boot = `import("tsx/esm/api").then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true, workerData: init });
}

export class ScreenPool {
  private slots: Slot[] = [];
  private waiting: Job[] = [];
  private nextId = 0;
  private closed = false;
  /** Threads being started in place of ones stopped at a time limit. */
  private replacing = 0;

  private constructor(readonly size: number, private readonly init: WorkerInit, private readonly options: PoolOptions) {}

  /** Start `threads` workers (default: one per core) and wait until each has loaded its engine. */
  static async start(init: WorkerInit, threads = defaultThreads(), options: PoolOptions = {}): Promise<ScreenPool> {
    const pool = new ScreenPool(threads, init, options);
    try {
      await Promise.all(Array.from({ length: threads }, () => pool.spawn(init)));
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private spawn(init: WorkerInit): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startWorker(init);
      const slot: Slot = { worker, busy: null };
      let ready = false;
      worker.on("message", (m: WorkerReply) => {
        if (m.id === -1) {
          if (m.error !== undefined) return reject(new UnspinError(m.error, m.exitCode));
          ready = true;
          this.slots.push(slot);
          resolve();
          this.pump();
          return;
        }
        const job = slot.busy;
        if (job === null || job.id !== m.id) return;
        slot.busy = null;
        clearTimeout(job.timer);
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
        if (!ready) reject(new Error(`screening worker exited during start-up (code ${code})`));
        else if (slot.busy !== null) {
          clearTimeout(slot.busy.timer);
          slot.busy.reject(new Error(`screening worker exited (code ${code})`));
        }
        if (!this.closed && this.slots.length === 0 && this.replacing === 0) for (const w of this.waiting.splice(0)) w.reject(new Error("no screening workers left"));
      });
    });
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
   * jobs already wait. With `timeoutMs`, a job not done in that time (waiting included) fails
   * with PoolTimeoutError; a running one's thread is stopped and replaced, so that a runaway
   * text cannot hold it.
   */
  runText<T>(job: TextJob, opts: { timeoutMs?: number } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error("pool is closed"));
    const max = this.options.maxWaiting;
    if (max !== undefined && this.waiting.length >= max && this.idle === 0) return Promise.reject(new PoolBusyError(this.waiting.length));
    return new Promise<T>((resolve, reject) => {
      const entry: Job = { req: { job }, resolve: resolve as (r: never) => void, reject };
      if (opts.timeoutMs !== undefined) entry.timer = setTimeout(() => this.expire(entry, opts.timeoutMs!), opts.timeoutMs);
      this.waiting.push(entry);
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

  private expire(entry: Job, ms: number): void {
    const at = this.waiting.indexOf(entry);
    if (at >= 0) this.waiting.splice(at, 1);
    const slot = entry.slot;
    if (slot !== undefined && slot.busy !== null && slot.busy.req === entry.req) {
      slot.busy = null;
      this.slots = this.slots.filter((s) => s !== slot);
      this.replacing++;
      void slot.worker.terminate();
      this.spawn(this.init)
        .catch((e: Error) => {
          if (this.slots.length === 0) for (const w of this.waiting.splice(0)) w.reject(e);
        })
        .finally(() => this.replacing--);
    }
    entry.reject(new PoolTimeoutError(ms));
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.busy !== null) continue;
      const next = this.waiting.shift()!;
      const id = this.nextId++;
      next.slot = slot;
      slot.busy = { ...next, id };
      slot.worker.postMessage({ id, ...next.req } as WorkerRequest);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
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

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
