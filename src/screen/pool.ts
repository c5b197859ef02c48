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
import type { RecordStart } from "./records.js";
import type { Batch, PageResult, ScreenInput } from "./types.js";


export interface PoolOptions {
  /** A record still being read or screened after this long is stored as a problem. */
  recordTimeoutMs?: number;
}

export interface WorkerInit {
  /** Language model file (`--lm`); the bundled one when absent. */
  lm?: string;
  /** Trace index to trace pages against (`--sources`). */
  sources?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
}

/** What a thread starts with: the options, and the model (`lm` or the shipped one) and lexicon bytes shared by all threads. */
export interface WorkerData extends WorkerInit {
  modelBytes: SharedArrayBuffer;
  lexiconBytes: SharedArrayBuffer;
}

export interface WorkerRequest {
  id: number;
  input: ScreenInput;
  batch: Batch;
  /** Records (by cursor) to store as problems with this reason, unread: they ran out of time. */
  skip?: [number, string][];
}

/** A record a thread has started: where it is (`cursor`, as in RecordStart) and what to call it. */
export type { RecordStart } from "./records.js";

export interface WorkerReply {
  id: number;
  ready?: boolean;
  /** The thread has started this record of the batch. */
  record?: RecordStart;
  results?: PageResult[];
  error?: string;
  /** The error is a user-facing one (bad index, …), not a bug. */
  userError?: boolean;
  /** A user error's exit code (EXIT in errors.ts). */
  exitCode?: number;
}

interface Job {
  req: Omit<WorkerRequest, "id">;
  resolve: (r: PageResult[]) => void;
  reject: (e: Error) => void;
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

  private constructor(readonly size: number, private readonly init: WorkerData, opts: PoolOptions) {
    this.recordTimeoutMs = opts.recordTimeoutMs ?? DEFAULT_RECORD_TIMEOUT_MS;
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
        if (m.error !== undefined) job.reject(m.userError ? new UnspinError(m.error, m.exitCode) : new Error(m.error));
        else job.resolve(m.results ?? []);
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
        else if (slot.busy !== null) slot.busy.reject(new Error(`screening worker exited (code ${code})`));
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
    if (job === null || this.closed) return;
    slot.busy = null;
    slot.retired = true;
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
    const reason = `took longer than ${seconds(this.recordTimeoutMs)} to read and screen (the per-record time limit)`;
    const skip: [number, string][] = [...(job.req.skip ?? []), [record.cursor, reason]];
    this.waiting.unshift({ req: { ...job.req, skip }, resolve: job.resolve, reject: job.reject });
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
    this.pump();
  }

  /** Screen a batch on the next free thread. */
  run(input: ScreenInput, batch: Batch): Promise<PageResult[]> {
    if (this.closed) return Promise.reject(new Error("pool is closed"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ req: { input, batch }, resolve, reject });
      this.pump();
    });
  }

  /** Threads with no batch. */
  get idle(): number {
    return this.slots.filter((s) => s.busy === null).length;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.waiting.length === 0) return;
      if (slot.busy !== null) continue;
      const next = this.waiting.shift()!;
      const id = this.nextId++;
      slot.busy = { ...next, id };
      slot.worker.postMessage({ id, ...next.req } satisfies WorkerRequest);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.slots) clearTimeout(s.busy?.timer);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(2)} s`;
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
