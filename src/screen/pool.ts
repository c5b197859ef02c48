/**
 * A pool of worker threads that screen batches: one engine per thread (the model and lexicon
 * are loaded once per thread), one batch at a time per thread. Used by `screen` on one machine
 * and by `worker` on each machine of a queue.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { UnspinError } from "../errors.js";
import type { Batch, PageResult, ScreenInput } from "./types.js";

export interface WorkerInit {
  /** Language model file (`--lm`); the bundled one when absent. */
  lm?: string;
  /** Trace index to trace pages against (`--sources`). */
  sources?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
}

export interface WorkerRequest {
  id: number;
  input: ScreenInput;
  batch: Batch;
}

export interface WorkerReply {
  id: number;
  ready?: boolean;
  results?: PageResult[];
  error?: string;
  /** The error is a user-facing one (bad index, …), not a bug. */
  userError?: boolean;
  /** A user error's exit code (EXIT in errors.ts). */
  exitCode?: number;
}

interface Slot {
  worker: Worker;
  busy: { id: number; resolve: (r: PageResult[]) => void; reject: (e: Error) => void } | null;
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
  private waiting: { req: Omit<WorkerRequest, "id">; resolve: (r: PageResult[]) => void; reject: (e: Error) => void }[] = [];
  private nextId = 0;
  private closed = false;

  private constructor(readonly size: number) {}

  /** Start `threads` workers (default: one per core) and wait until each has loaded its engine. */
  static async start(init: WorkerInit, threads = defaultThreads()): Promise<ScreenPool> {
    const pool = new ScreenPool(threads);
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
        if (m.error !== undefined) job.reject(m.userError ? new UnspinError(m.error, m.exitCode) : new Error(m.error));
        else job.resolve(m.results ?? []);
        this.pump();
      });
      worker.on("error", (e) => {
        if (!ready) return reject(e);
        slot.busy?.reject(e);
        slot.busy = null;
      });
      worker.on("exit", (code) => {
        this.slots = this.slots.filter((s) => s !== slot);
        if (!ready) reject(new Error(`screening worker exited during start-up (code ${code})`));
        else if (slot.busy !== null) slot.busy.reject(new Error(`screening worker exited (code ${code})`));
        if (!this.closed && this.slots.length === 0) for (const w of this.waiting.splice(0)) w.reject(new Error("no screening workers left"));
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
      slot.busy = { id, resolve: next.resolve, reject: next.reject };
      slot.worker.postMessage({ id, ...next.req } satisfies WorkerRequest);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots = [];
  }
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}
