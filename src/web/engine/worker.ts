/**
 * The engine in a Web Worker: the same `analyze` as the CLI and the server, given the
 * shipped model and lexicon as bytes fetched from this page's own origin (static assets of
 * the build) and the shipped calibrations. Nothing leaves the browser.
 */
import { analyze } from "../../analyze.js";
import { DEFAULT_MODEL_URL } from "../../model/index.js";
import { readSphinxTrie } from "../../model/sphinx-trie.js";
import { defaultArtifactUrl } from "../../lexicon/files.js";
import { readLexicon } from "../../lexicon/lexicon.js";
import type { Calibration } from "../../detect/score.js";
import type { EditCalibration } from "../../detect/confidence.js";
import calibration from "../../detect/calibration.json" with { type: "json" };
import editCalibration from "../../detect/edit-calibration.json" with { type: "json" };
import { PIECE_SIZE } from "../../text/input.js";
import type { CheckRequest, WorkerMessage } from "./protocol.js";

/**
 * Longer texts are read in pieces by `check` and the server (src/screen/one-text.ts, which
 * also pulls in the HTML and trace readers); here they are left to the server.
 */
const MAX_LOCAL_CHARS = 2 * PIECE_SIZE;

const post = (m: WorkerMessage) => postMessage(m);
const mb = (n: number) => (n / 1024 / 1024).toFixed(1);

/** Opens an asset; its body is read by readAll. */
async function open(url: URL, name: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`could not load the ${name} (${response.status} ${response.statusText})`);
  return response;
}

/** Reads a response's body, counting the bytes into `done` (the files are large: say how far along it is). */
async function readAll(response: Response, done: { bytes: number }, total: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = response.body!.getReader();
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    chunks.push(value);
    length += value.length;
    done.bytes += value.length;
    post({ type: "progress", message: `Downloading the engine: ${mb(done.bytes)} of ${mb(total)} MB` });
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

type Engine = Pick<Parameters<typeof analyze>[1] & object, "model" | "lexicon" | "calibration" | "editCalibration">;
let engine: Promise<Engine> | undefined;

async function load(): Promise<Engine> {
  const t0 = performance.now();
  const done = { bytes: 0 };
  const files = await Promise.all([open(DEFAULT_MODEL_URL, "language model"), open(defaultArtifactUrl(), "lexicon")]);
  const total = files.reduce((n, r) => n + Number(r.headers.get("content-length") ?? 0), 0);
  const [modelBytes, lexiconBytes] = await Promise.all(files.map((r) => readAll(r, done, total)));
  post({ type: "progress", message: "Preparing the engine…" });
  const e: Engine = {
    model: readSphinxTrie(modelBytes),
    lexicon: readLexicon(lexiconBytes),
    calibration: calibration as Calibration,
    editCalibration: editCalibration as EditCalibration,
  };
  post({ type: "ready", downloadBytes: done.bytes, loadMs: Math.round(performance.now() - t0) });
  return e;
}

addEventListener("message", async (event: MessageEvent<CheckRequest>) => {
  const { id, text } = event.data;
  try {
    if (text.length > MAX_LOCAL_CHARS) throw new Error(`In this browser texts of up to ${MAX_LOCAL_CHARS.toLocaleString("en-US")} characters are checked; this one has ${text.length.toLocaleString("en-US")}: check it with the server.`);
    // A failed download is tried again at the next check.
    engine ??= load().catch((e: unknown) => {
      engine = undefined;
      throw e;
    });
    const options = await engine;
    post({ type: "result", id, result: analyze(text, options) });
  } catch (err) {
    post({ type: "error", id, message: err instanceof Error ? err.message : String(err) });
  }
});
