/**
 * Worker-thread entry of the screening pool: builds the engine once over the model and lexicon
 * bytes the main thread shares with every thread (and opens the trace index read-only when
 * tracing), then screens the batches the main thread sends.
 */
import { parentPort, workerData } from "node:worker_threads";
import { UnspinError } from "../errors.js";
import { useSharedLexicon } from "../lexicon/files.js";
import { readSphinxTrie, useSharedModel } from "../model/index.js";
import { openIndex, type TraceIndex } from "../trace/index.js";
import { combineTables, readChannelTable } from "../decode/table.js";
import { loadFirstStage } from "../detect/first-stage.js";
import { screenBatch } from "./batch.js";
import { runTextJob } from "./one-text.js";
import type { ScreenEngine } from "./page.js";
import type { WorkerData, WorkerReply, WorkerRequest } from "./pool.js";
import type { RecordStart } from "./records.js";

const init = workerData as WorkerData;
const port = parentPort!;

async function main(): Promise<void> {
  // The shared bytes become this thread's shipped lexicon (and model, without --lm), so every
  // default load in the thread (analysis, trace keys) uses them rather than reading its own copy.
  useSharedLexicon(init.lexiconBytes);
  if (init.lm === undefined) useSharedModel(init.modelBytes);
  const engine: ScreenEngine = { analyze: init.lm !== undefined ? { model: readSphinxTrie(init.modelBytes) } : {} };
  if (init.channel !== undefined && init.channel.length > 0) engine.analyze!.learned = combineTables(init.channel.map(readChannelTable));
  if (init.sources !== undefined) engine.sources = await openIndex(init.sources, { readOnly: true });
  // `unspin serve` adds documents through a second, writable connection, opened when first needed.
  let writable: Promise<TraceIndex> | undefined;
  const writableIndex = () => {
    if (init.sources === undefined) throw new UnspinError("no trace index to add documents to");
    return (writable ??= openIndex(init.sources, { create: false }));
  };
  if (!init.full) engine.firstStage = loadFirstStage();
  // Jobs run one at a time: the analysis is synchronous, so a second would only wait.
  let chain = Promise.resolve();
  port.on("message", (req: WorkerRequest) => {
    chain = chain.then(async () => {
      let reply: WorkerReply;
      try {
        const onRecord = (record: RecordStart) => port.postMessage({ id: req.id, record } satisfies WorkerReply);
        reply = req.job !== undefined
          ? { id: req.id, value: await runTextJob(req.job, engine, writableIndex) }
          : { id: req.id, results: await screenBatch(req.input, req.batch, engine, { onRecord, skip: new Map(req.skip ?? []) }) };
      } catch (e) {
        reply = {
          id: req.id, error: e instanceof Error ? e.message : String(e), userError: e instanceof UnspinError, exitCode: exitCodeOf(e),
          errorName: e instanceof UnspinError ? e.name : undefined,
        };
      }
      port.postMessage(reply);
    });
  });
  port.postMessage({ id: -1, ready: true } satisfies WorkerReply);
}

/** The error's exit code, carried to the main thread so a worker's error exits as it would there. */
function exitCodeOf(e: unknown): number | undefined {
  return e instanceof UnspinError ? e.exitCode : undefined;
}

main().catch((e) => port.postMessage({ id: -1, error: e instanceof Error ? e.message : String(e), userError: true, exitCode: exitCodeOf(e) } satisfies WorkerReply));
