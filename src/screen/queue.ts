/**
 * Screening across machines on a PostgreSQL job queue (pg-boss): `screen --queue` plans the
 * run into the results store and enqueues one job per pending batch; `worker` processes on any
 * number of machines take jobs and screen them on their own thread pools.
 *
 * Exactly once: a job carries a batch's address only, so any worker can redo it. A worker that
 * dies mid-batch leaves its job active until it expires (`jobTimeoutSeconds`); pg-boss then
 * retries it elsewhere. The batch's results and its done mark are written in one transaction
 * that skips results already stored, so a batch finished twice (the first worker wrote, then
 * died before acknowledging) is counted once. The queue is "stately" with the batch id as key:
 * enqueuing a run again (resume) adds no second waiting job for a batch. A batch that fails
 * (or expires) ten times is left failed rather than retried for ever: `screen --resume --queue`
 * enqueues it again once the cause is fixed.
 */
import PgBoss from "pg-boss";
import { InputError, UnspinError } from "../errors.js";
import { isPostgresUrl } from "../store/index.js";
import { listScreenInputs } from "./inputs.js";
import { ScreenPool, defaultThreads, type WorkerInit } from "./pool.js";
import { pendingBatches, startRun, type RunSettings } from "./run.js";
import { batchId, type Batch, type ResultStore, type ScreenInput } from "./types.js";

export const QUEUE_NAME = "unspin-screen";
const INSERT_CHUNK = 200;

export interface BatchJob {
  input: ScreenInput;
  batch: Batch;
}

async function startBoss(url: string, opts: { supervise: boolean; maintenanceIntervalSeconds?: number }): Promise<PgBoss> {
  if (!isPostgresUrl(url)) throw new InputError(`--queue must be a postgres:// URL, not ${url}`);
  const boss = new PgBoss({
    connectionString: url,
    application_name: "unspin",
    supervise: opts.supervise,
    schedule: false,
    maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 10,
  });
  // Connection losses after start are reported by the handlers that hit them.
  boss.on("error", () => {});
  try {
    await boss.start();
  } catch (e) {
    await boss.stop({ graceful: false }).catch(() => {});
    const err = e as NodeJS.ErrnoException;
    throw new UnspinError(`cannot use the queue at ${redactUrl(url)}: ${err.code === "ECONNREFUSED" ? "connection refused" : err.message}`);
  }
  return boss;
}

async function ensureQueue(boss: PgBoss, jobTimeoutSeconds: number): Promise<void> {
  const existing = await boss.getQueue(QUEUE_NAME);
  const options = { name: QUEUE_NAME, policy: "stately" as const, retryLimit: 10, retryDelay: 1, expireInSeconds: jobTimeoutSeconds };
  if (existing === null) await boss.createQueue(QUEUE_NAME, options);
  else await boss.updateQueue(QUEUE_NAME, options);
}

export interface EnqueueSettings extends RunSettings {
  /** A batch not finished in this time is retried by another worker. */
  jobTimeoutSeconds?: number;
}

/** Plan the run into `store` and enqueue its pending batches. */
export async function enqueueRun(store: ResultStore, queueUrl: string, s: EnqueueSettings): Promise<{ enqueued: number; alreadyDone: number; batches: number }> {
  if (store.backend !== "postgres") {
    throw new InputError(`with --queue, --out must be a postgres:// URL that every worker can reach (not ${store.location})`);
  }
  const run = await startRun(store, s);
  const inputs = await listScreenInputs(run.inputs);
  const byInput = new Map(inputs.map((i) => [i.input, i]));
  const boss = await startBoss(queueUrl, { supervise: false });
  try {
    await ensureQueue(boss, s.jobTimeoutSeconds ?? 900);
    let enqueued = 0;
    let chunk: PgBoss.JobInsert[] = [];
    const flush = async () => {
      if (chunk.length > 0) await boss.insert(chunk);
      enqueued += chunk.length;
      chunk = [];
    };
    for await (const batch of pendingBatches(store, run, inputs)) {
      const input = byInput.get(batch.input);
      if (input === undefined) continue;
      chunk.push({ name: QUEUE_NAME, data: { input, batch } satisfies BatchJob, singletonKey: batchId(batch) });
      if (chunk.length >= INSERT_CHUNK) await flush();
    }
    await flush();
    const counts = await store.counts(run.spunThreshold);
    return { enqueued, alreadyDone: counts.batchesDone, batches: counts.batchesTotal };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}

export interface WorkerOptions {
  lm?: string;
  /** Learned channel tables (`--channel`). */
  channel?: string[];
  threads?: number;
  /** Analyse every page fully (`worker --full`), as a run enqueued with `screen --full` asks anyway. */
  full?: boolean;
  /** Per-record time limit (`--record-timeout`); DEFAULT_RECORD_TIMEOUT_MS when absent. */
  recordTimeoutMs?: number;
  /** Return once every planned batch of the run is done. */
  exitWhenIdle?: boolean;
  signal?: AbortSignal;
  /** How often an idle worker asks for a job. */
  pollingIntervalSeconds?: number;
  onBatch?: (batch: Batch, pages: number) => void;
}

/** Take batches from the queue and screen them until stopped (or, with exitWhenIdle, the run is done). */
export async function runWorker(store: ResultStore, queueUrl: string, opts: WorkerOptions = {}): Promise<{ batches: number; pages: number }> {
  const run = await store.getRun();
  if (run === null) throw new InputError(`${store.location} holds no screening run: enqueue one with "unspin screen <inputs...> --queue URL --out URL"`);
  const init: WorkerInit = {};
  if (opts.lm !== undefined) init.lm = opts.lm;
  if (opts.channel !== undefined) init.channel = opts.channel;
  if (run.sources !== null) init.sources = run.sources;
  if (opts.full || run.full) init.full = true;
  const threads = opts.threads ?? defaultThreads();
  const pool = await ScreenPool.start(init, threads, { recordTimeoutMs: opts.recordTimeoutMs });
  const boss = await startBoss(queueUrl, { supervise: true, maintenanceIntervalSeconds: 5 });
  let batches = 0, pages = 0;
  /** Ask now whether the run is done (set once the wait below has started). */
  let checkSoon = () => {};
  try {
    if ((await boss.getQueue(QUEUE_NAME)) === null) throw new InputError(`the queue at ${redactUrl(queueUrl)} has no screening jobs: enqueue with "unspin screen <inputs...> --queue URL"`);
    const handler = async ([job]: PgBoss.Job<BatchJob>[]) => {
      const { input, batch } = job.data;
      const results = await pool.run(input, batch);
      await store.completeBatch(batch, results);
      batches++;
      pages += results.length;
      opts.onBatch?.(batch, results.length);
      // Every thread idle: the queue may be empty; with exitWhenIdle, find out now rather than at the next tick.
      if (pool.idle === threads) checkSoon();
    };
    // Two subscriptions per thread, each taking one job at a time: a thread finds its next batch
    // waiting when it finishes one (as local runs keep two batches per thread in flight), rather
    // than idling while the results are written and the next job is fetched.
    const workOptions = { batchSize: 1, pollingIntervalSeconds: opts.pollingIntervalSeconds ?? 0.5 };
    for (let i = 0; i < 2 * threads; i++) await boss.work<BatchJob>(QUEUE_NAME, workOptions, handler);
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let checking = false;
      const check = async () => {
        clearTimeout(timer);
        if (opts.signal?.aborted) return resolve();
        if (checking) return;
        checking = true;
        try {
          if (opts.exitWhenIdle) {
            const b = await store.batchProgress();
            const latest = await store.getRun();
            if (latest?.planned && b.done >= b.total) return resolve();
          }
        } finally {
          checking = false;
        }
        // A count over the batches table (one row per batch, not per page): cheap at any size.
        timer = setTimeout(check, 5000);
      };
      if (opts.exitWhenIdle) checkSoon = () => void check();
      opts.signal?.addEventListener("abort", () => resolve(), { once: true });
      void check();
    });
    await boss.offWork(QUEUE_NAME);
  } finally {
    await boss.stop({ graceful: true, wait: true, timeout: 30_000 }).catch(() => {});
    await pool.close();
  }
  return { batches, pages };
}

/** A connection URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, "$1:***@");
}
