/**
 * "Run in this browser": the Check view's engine in a Web Worker, with no server. The worker
 * downloads the model and lexicon once (the browser caches them) and answers each check.
 */
import type { AnalysisResult } from "../analyze.js";
import type { LocalCheck } from "./check.js";
import type { Input } from "./api.js";
import type { WorkerMessage } from "./engine/protocol.js";

let worker: Worker | undefined;
let nextId = 0;
const pending = new Map<number, { resolve(r: AnalysisResult): void; reject(e: Error): void }>();
let progress: (message: string) => void = () => {};

function start(): Worker {
  const w = new Worker(new URL("./engine/worker.ts", import.meta.url), { type: "module", name: "unspin-engine" });
  w.addEventListener("message", (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    if (m.type === "progress") progress(m.message);
    else if (m.type === "ready") progress(`The engine is loaded in this browser (${(m.downloadBytes / 1024 / 1024).toFixed(1)} MB in ${(m.loadMs / 1000).toFixed(1)} s); checks run here.`);
    else {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.type === "result") p?.resolve(m.result);
      else p?.reject(new Error(m.message));
    }
  });
  w.addEventListener("error", (e) => {
    for (const p of pending.values()) p.reject(new Error(`The engine stopped in this browser: ${e.message || "unknown error"}`));
    pending.clear();
    worker = undefined;
  });
  return w;
}

export const localCheck: LocalCheck = (input: Input, onProgress) => {
  if (!("text" in input)) return Promise.reject(new Error("In this browser only plain text can be checked: extracting an article from an HTML page needs the server."));
  progress = onProgress;
  worker ??= start();
  const id = ++nextId;
  return new Promise<AnalysisResult>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker!.postMessage({ id, text: input.text });
  });
};
