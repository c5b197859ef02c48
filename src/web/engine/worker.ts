/**
 * The engine in a Web Worker: the same `analyze` as the CLI and the server, given the
 * shipped model and lexicon as bytes fetched from this page's own origin (static assets of
 * the build) and the shipped calibrations. Nothing leaves the browser.
 */
import { analyze } from "../../analyze.js";
import { DEFAULT_MODEL_URL } from "../../model/index.js";
import { readSphinxTrie } from "../../model/sphinx-trie.js";
import { Artifact, decodeArtifact, defaultArtifactUrl } from "../../lexicon/artifact.js";
import { lexiconFromArtifact } from "../../lexicon/lexicon.js";
import type { Calibration } from "../../detect/score.js";
import type { EditCalibration } from "../../detect/confidence.js";
import calibration from "../../detect/calibration.json" with { type: "json" };
import editCalibration from "../../detect/edit-calibration.json" with { type: "json" };
import type { CheckRequest, WorkerMessage } from "./protocol.js";

const post = (m: WorkerMessage) => postMessage(m);
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

/** Fetches an asset with progress (the files are large: say how far along it is). */
async function fetchBytes(url: URL, name: string, done: { bytes: number }, total: number): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`could not load the ${name} (${response.status} ${response.statusText})`);
  const length = Number(response.headers.get("content-length")) || 0;
  const out = new Uint8Array(length);
  const chunks: Uint8Array[] = [];
  let at = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    if (at + value.length <= out.length) out.set(value, at);
    else chunks.push(value);
    at += value.length;
    done.bytes += value.length;
    post({ type: "progress", message: `Downloading the engine: ${mb(done.bytes)} of ${mb(total)} MB` });
  }
  if (chunks.length === 0 && at === out.length) return out;
  // No (or a wrong) length header: assemble what came.
  const whole = new Uint8Array(at);
  let k = 0;
  for (const c of [out.subarray(0, Math.min(at, out.length)), ...chunks]) {
    whole.set(c, k);
    k += c.length;
  }
  return whole;
}

type Engine = Pick<Parameters<typeof analyze>[1] & object, "model" | "lexicon" | "calibration" | "editCalibration">;
let engine: Promise<Engine> | undefined;

async function load(): Promise<Engine> {
  const t0 = performance.now();
  const done = { bytes: 0 };
  const total = 27_114_385 + 9_142_040;
  const [modelBytes, lexiconBytes] = await Promise.all([
    fetchBytes(DEFAULT_MODEL_URL, "language model", done, total),
    fetchBytes(defaultArtifactUrl(), "lexicon", done, total),
  ]);
  post({ type: "progress", message: "Preparing the engine…" });
  const e: Engine = {
    model: readSphinxTrie(modelBytes),
    lexicon: lexiconFromArtifact(new Artifact(decodeArtifact(lexiconBytes))),
    calibration: calibration as Calibration,
    editCalibration: editCalibration as EditCalibration,
  };
  post({ type: "ready", downloadBytes: done.bytes, loadMs: Math.round(performance.now() - t0) });
  return e;
}

addEventListener("message", async (event: MessageEvent<CheckRequest>) => {
  const { id, text } = event.data;
  try {
    engine ??= load();
    const options = await engine;
    post({ type: "result", id, result: analyze(text, options) });
  } catch (err) {
    if (!(err instanceof Error) || /could not load/.test(err.message)) engine = undefined;
    post({ type: "error", id, message: err instanceof Error ? err.message : String(err) });
  }
});
