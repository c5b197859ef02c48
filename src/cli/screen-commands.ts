/**
 * CLI commands of screening: `screen` (one machine, or enqueue on a PostgreSQL queue),
 * `worker` (take batches from the queue), `report` (a self-contained HTML page).
 */
import { Command, InvalidArgumentError } from "commander";
import { writeFileSync } from "node:fs";
import { EXIT, InputError, UnspinError } from "../errors.js";
import type { ScreenProgress } from "../screen/run.js";
import type { ResultStore } from "../screen/types.js";
import { readChannelTable } from "../decode/table.js";
import { collect } from "./learned.js";
import type { SiteLearningEvent } from "../screen/site-tables.js";
import { DEFAULT_LEARN_MIN_PAGES, DEFAULT_RECORD_TIMEOUT_MS, DEFAULT_RECORDS_PER_BATCH, DEFAULT_SPUN_THRESHOLD } from "../screen/defaults.js";

// The screening machinery (stores, HTML and WARC readers, the queue) is loaded by the command
// that runs, so that `unspin check` does not pay for it at start-up.
const queueModule = () => import("../screen/queue.js");

export const DEFAULT_RESULTS = "./results.db";

function positiveInt(name: string, max: number) {
  return (v: string) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1 || x > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return x;
  };
}

function probability(name: string) {
  return (v: string) => {
    const x = Number(v);
    if (!(x >= 0 && x <= 1)) throw new InvalidArgumentError(`${name} must be a number from 0 to 1`);
    return x;
  };
}

async function withResults<T>(location: string, create: boolean, f: (store: ResultStore) => Promise<T>): Promise<T> {
  const { openResultStore } = await import("../screen/results/index.js");
  const store = await openResultStore(location, { create });
  try {
    return await f(store);
  } finally {
    await store.close();
  }
}

interface ScreenFlags {
  out: string;
  sources?: string;
  lm?: string;
  channel: string[];
  resume?: boolean;
  full?: boolean;
  threads?: number;
  recordTimeout: number;
  batch: number;
  threshold: number;
  queue?: string;
  jobTimeout: number;
  progress: boolean;
  json?: boolean;
  learn: boolean;
  learnMinPages: number;
}

export function registerScreenCommands(program: Command): void {
  program
    .command("screen")
    .description("screen crawls for spun pages: WARC / WARC.gz, JSON Lines, folders of HTML or text; resumable")
    .argument("[inputs...]", "WARC, JSONL, HTML or text files, or folders")
    .option("--out <location>", "results: an SQLite file or a postgres:// URL", DEFAULT_RESULTS)
    .option("--sources <db>", "also trace each page against this index of originals (`unspin index add`)")
    .option("--lm <path>", "language model (default: the bundled one)")
    .option("--channel <table>", "use a learned channel table (unspin learn -o); repeat for several", collect, [])
    .option("--resume", "continue the run stored in --out (after an interruption or a crash)")
    .option("--full", "analyse every page with the full engine (default: a first stage clears obvious clean pages)")
    .option("--threads <n>", "worker threads (default: one per core)", positiveInt("--threads", 256))
    .option("--record-timeout <seconds>", "a record still being read or screened after this long is stored as a problem (its thread is replaced)", positiveInt("--record-timeout", 86_400), DEFAULT_RECORD_TIMEOUT_MS / 1000)
    .option("--batch <n>", "records per batch (the unit of work and of resuming)", positiveInt("--batch", 100_000), DEFAULT_RECORDS_PER_BATCH)
    .option("--threshold <p>", "pages scoring at least this count as spun in summaries", probability("--threshold"), DEFAULT_SPUN_THRESHOLD)
    .option("--queue <url>", "enqueue the batches on this PostgreSQL queue for `unspin worker` instead of screening here")
    .option("--job-timeout <seconds>", "queue: a batch not finished in this time is given to another worker", positiveInt("--job-timeout", 86_400), 900)
    .option("--learn-min-pages <n>", "after the run, learn a channel table for each site with at least this many pages and re-restore its pages", positiveInt("--learn-min-pages", 1_000_000), DEFAULT_LEARN_MIN_PAGES)
    .option("--no-learn", "no per-site tables after the run")
    .option("--no-progress", "no progress bar or progress lines")
    .option("--json", "print the final counts as JSON")
    .action(async (inputs: string[], flags: ScreenFlags) => {
      if (flags.resume && inputs.length > 0) throw new InputError("--resume continues the stored run with its own inputs: give no inputs with it");
      if (!flags.resume && inputs.length === 0) throw new InputError("nothing to screen: give WARC, JSONL or HTML files or folders (or --resume)");
      // Inputs are checked before the results store is created, so a mistyped path leaves no file.
      if (!flags.resume) await (await import("../screen/inputs.js")).listScreenInputs(inputs);
      for (const t of flags.channel) readChannelTable(t); // a bad table fails here, in one line, before any work
      const { enqueueRun, redactUrl: redact } = await queueModule();
      const settings = { paths: inputs, sources: flags.sources ?? null, recordsPerBatch: flags.batch, spunThreshold: flags.threshold, resume: flags.resume, full: flags.full };
      if (flags.queue !== undefined) {
        await withResults(flags.out, true, async (store) => {
          const r = await enqueueRun(store, flags.queue!, { ...settings, jobTimeoutSeconds: flags.jobTimeout });
          const line = `unspin: ${r.enqueued} batches enqueued on ${redact(flags.queue!)} (${r.alreadyDone} already done); start workers with "unspin worker --queue URL --out ${redact(flags.out)}"`;
          if (flags.json) process.stdout.write(JSON.stringify(r, null, 2) + "\n");
          else process.stderr.write(line + "\n");
        });
        return;
      }
      await withResults(flags.out, true, async (store) => {
        const [{ screenLocal }, { progressBar }] = await Promise.all([import("../screen/run.js"), import("./progress.js")]);
        const bar = flags.progress ? progressBar() : undefined;
        const controller = new AbortController();
        const onSignal = () => {
          if (controller.signal.aborted) process.exit(EXIT.interrupted);
          controller.abort();
          bar?.stop();
          process.stderr.write(`unspin: stopping after the batches in progress; continue with "unspin screen --resume --out ${flags.out}" (Ctrl-C again to stop now: nothing stored is lost)\n`);
        };
        process.on("SIGINT", onSignal);
        try {
          const onSiteLearning = (e: SiteLearningEvent | null) => {
            if (!flags.progress) return;
            bar?.stop();
            if (e === null) process.stderr.write("unspin: every batch done; learning the tables of sites with enough pages\n");
            else process.stderr.write(`unspin: site ${e.done}/${e.total}: ${e.site}: ${e.pairs > 0 ? `${e.pairs} substitution pair(s) learned from ${e.pages} pages; ${e.restored} pages re-restored` : `no table (${e.reason ?? "nothing learned"})`}\n`);
          };
          const done = await screenLocal(store, {
            ...settings, lm: flags.lm, channel: flags.channel, threads: flags.threads, recordTimeoutMs: flags.recordTimeout * 1000, signal: controller.signal, onProgress: bar?.update,
            learn: flags.learn, learnMinPages: flags.learnMinPages, onSiteLearning,
          });
          bar?.stop();
          if (flags.json) process.stdout.write(JSON.stringify(done, null, 2) + "\n");
          else process.stderr.write(summaryLine(done, flags.out, redact) + "\n");
          if (controller.signal.aborted) process.exitCode = EXIT.interrupted;
        } finally {
          bar?.stop();
          process.off("SIGINT", onSignal);
        }
      });
    });

  program
    .command("worker")
    // Site tables are learned after the run, on one machine: `screen --resume --out URL` once the workers are done.
    .description("take screening batches from a PostgreSQL queue until stopped (run on any number of machines); then learn site tables with `screen --resume --out URL`")
    .requiredOption("--queue <url>", "the PostgreSQL queue `screen --queue` filled")
    .option("--out <location>", "results (normally the same postgres:// URL)")
    .option("--lm <path>", "language model (default: the bundled one)")
    .option("--channel <table>", "use a learned channel table (unspin learn -o); repeat for several", collect, [])
    .option("--threads <n>", "worker threads (default: one per core)", positiveInt("--threads", 256))
    .option("--record-timeout <seconds>", "a record still being read or screened after this long is stored as a problem (its thread is replaced)", positiveInt("--record-timeout", 86_400), DEFAULT_RECORD_TIMEOUT_MS / 1000)
    .option("--full", "analyse every page with the full engine (a run enqueued with `screen --full` does anyway)")
    .option("--exit-when-idle", "stop when the queue has no batch left")
    .action(async (flags: { queue: string; out?: string; lm?: string; channel: string[]; threads?: number; recordTimeout: number; full?: boolean; exitWhenIdle?: boolean }) => {
      for (const t of flags.channel) readChannelTable(t);
      const [{ isPostgresUrl }, { redactUrl: redact, runWorker }] = await Promise.all([import("../store/index.js"), queueModule()]);
      if (!isPostgresUrl(flags.queue)) throw new InputError(`--queue must be a postgres:// URL, not ${redact(flags.queue)}`);
      const out = flags.out ?? flags.queue;
      await withResults(out, false, async (store) => {
        const controller = new AbortController();
        const stop = () => {
          if (controller.signal.aborted) process.exit(EXIT.interrupted);
          controller.abort();
          process.stderr.write("unspin: worker stopping after the batches in progress\n");
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
        try {
          const r = await runWorker(store, flags.queue, { lm: flags.lm, channel: flags.channel, threads: flags.threads, full: flags.full, recordTimeoutMs: flags.recordTimeout * 1000, exitWhenIdle: flags.exitWhenIdle, signal: controller.signal });
          process.stderr.write(`unspin: worker screened ${r.batches} batches (${r.pages} pages)\n`);
        } finally {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
        }
      });
    });

  program
    .command("report")
    .description("write a self-contained HTML report of a screening run (charts, sites, worst pages)")
    .usage("-o <file> [options]")
    .option("--out <location>", "results of `unspin screen`", DEFAULT_RESULTS)
    // commander's help does not mark required options itself.
    .requiredOption("-o, --output <file>", "HTML file to write (required)")
    .option("--sites <n>", "sites to list", positiveInt("--sites", 10_000), 50)
    .option("--pages <n>", "worst pages to show", positiveInt("--pages", 10_000), 100)
    .action(async (flags: { out: string; output: string; sites: number; pages: number }) => {
      await withResults(flags.out, false, async (store) => {
        const { runReport } = await import("../screen/run-report.js");
        const report = await runReport(store, { sites: flags.sites, pages: flags.pages });
        try {
          writeFileSync(flags.output, report.html);
        } catch (e) {
          throw new UnspinError(`cannot write ${flags.output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        process.stderr.write(`unspin: wrote ${flags.output} (${report.pages.toLocaleString("en-US")} pages, ${report.sites} site${report.sites === 1 ? "" : "s"})\n`);
      });
    });
}

function summaryLine(p: ScreenProgress, out: string, redact: (url: string) => string): string {
  const pct = (n: number, d: number) => (d > 0 ? `${((100 * n) / d).toFixed(1)} %` : "0 %");
  const rate = p.pagesThisRun / Math.max(1e-3, p.elapsedMs / 1000);
  const remaining = p.batchesTotal - p.batchesDone;
  return [
    `unspin: ${p.pages.toLocaleString("en-US")} pages screened (${p.fast.toLocaleString("en-US")} cleared by the first stage), ${p.spun.toLocaleString("en-US")} spun (${pct(p.spun, p.pages)}), ${p.traced.toLocaleString("en-US")} traced to a source; ${p.problems.toLocaleString("en-US")} records not screened (see the report)`,
    ...(p.siteLearning && p.siteLearning.sites > 0
      ? [`unspin: site tables: ${p.siteLearning.sites} site${p.siteLearning.sites === 1 ? "" : "s"} with enough pages, ${p.siteLearning.learned} learned now (${p.siteLearning.withTable} with a table, ${p.siteLearning.restored.toLocaleString("en-US")} pages re-restored)${p.siteLearning.alreadyDone ? `, ${p.siteLearning.alreadyDone} done before` : ""}; see "unspin report"`]
      : []),
    `unspin: this run: ${p.pagesThisRun.toLocaleString("en-US")} records at ${rate.toFixed(1)}/s; results in ${redact(out)}${remaining > 0 || !p.planned ? `; ${remaining} batches left: continue with "unspin screen --resume --out ${out}"` : ""}`,
  ].join("\n");
}
