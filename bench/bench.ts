/**
 * Speed figures (`npm run bench`):
 *  - `check` throughput in words per second on one core, after load: Brown press texts on a first
 *    pass and again with warm caches, then the other Brown sections read once (a long run's steady state);
 *  - load times of the model and lexicon;
 *  - CLI start-to-exit time for a short text, with model load, and its peak RSS
 *    (the compiled CLI in dist/, as `npx unspin` runs it; build first with `npm run build`);
 *  - start-up: `unspin check examples/harbour-bridge.spun.txt` (214 words) from the start of the
 *    process to the first byte of its result, median of STARTUP_RUNS (default 11) child processes.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { spin } from "../src/spin/simulate.js";

let t = performance.now();
const model = loadModel();
const modelMs = performance.now() - t;
t = performance.now();
const lexicon = loadLexicon();
const lexiconMs = performance.now() - t;
console.log(`load: model ${modelMs.toFixed(0)} ms, lexicon ${lexiconMs.toFixed(0)} ms`);

const docs = brownDocuments({ categories: ["a", "b", "c"] });
const spun = docs.map((d, i) => spin(d.text, { rate: 0.2, seed: i, lexicon }).text);
// Warm up caches and the JIT on a few documents, then time everything.
for (const text of docs.slice(0, 5).map((d) => d.text)) analyze(text, { model, lexicon });
// First pass: the lexicon meets most words for the first time; second pass: its caches are warm,
// as in a long screening run.
for (const pass of ["first pass", "warm caches"]) {
  for (const [label, texts] of [["clean", docs.map((d) => d.text)], ["spun 20%", spun]] as const) {
    let words = 0;
    const t0 = performance.now();
    for (const text of texts) words += analyze(text, { model, lexicon }).stats.words;
    const s = (performance.now() - t0) / 1000;
    console.log(`check throughput, ${pass} (${label}, ${texts.length} docs, ${words} words): ${Math.round(words / s)} words/s`);
  }
}

// Steady state of a long run: the other Brown sections (new genres, new words) read once each,
// after the press sections above; the lexicon keeps expanding words it has not seen.
{
  const others = brownDocuments().filter((d) => !"abc".includes(d.category));
  let words = 0;
  const t0 = performance.now();
  for (const d of others) words += analyze(d.text, { model, lexicon }).stats.words;
  const s = (performance.now() - t0) / 1000;
  console.log(`check throughput, long run (Brown d–r read once after the press sections, ${others.length} docs, ${words} words): ${Math.round(words / s)} words/s`);
}

const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
if (!existsSync(cli)) {
  console.log("cli: dist/cli/main.js missing; run `npm run build` first");
} else {
  const dir = mkdtempSync(join(tmpdir(), "unspin-bench-"));
  const file = join(dir, "short.txt");
  writeFileSync(file, docs[0].text.slice(0, 2000));
  const runs: number[] = [];
  let rss = 0;
  for (let i = 0; i < 5; i++) {
    const t1 = performance.now();
    const r = spawnSync("/usr/bin/time", ["-f", "%M", process.execPath, cli, "check", "--json", file], { encoding: "utf8" });
    runs.push(performance.now() - t1);
    if (r.status !== 0) throw new Error(`cli failed: ${r.stderr}`);
    rss = Math.max(rss, Number(r.stderr.trim().split("\n").pop()));
  }
  runs.sort((a, b) => a - b);
  console.log(`cli check (2,000 characters, model load included): median ${runs[2].toFixed(0)} ms, peak RSS ${(rss / 1024).toFixed(0)} MB`);
}

/**
 * Start-up: the README example through the built CLI, timed from the spawn to the first byte of
 * the result on stdout (and to the exit), median of STARTUP_RUNS runs after one warm-up run
 * (file cache). One child at a time; on a shared machine, other jobs show in the spread.
 */
async function startup(): Promise<void> {
  const example = join(import.meta.dirname, "..", "examples", "harbour-bridge.spun.txt");
  const runs = Math.max(1, Number(process.env.STARTUP_RUNS ?? 11));
  const once = () =>
    new Promise<{ first: number; exit: number }>((resolve, reject) => {
      const t0 = performance.now();
      let first = NaN;
      const child = spawn(process.execPath, [cli, "check", example], { stdio: ["ignore", "pipe", "pipe"] });
      let err = "";
      child.stdout.on("data", () => {
        if (Number.isNaN(first)) first = performance.now() - t0;
      });
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        if (code !== 0) reject(new Error(`cli check failed (exit ${code}): ${err}`));
        else resolve({ first, exit: performance.now() - t0 });
      });
    });
  await once();
  const firsts: number[] = [];
  const exits: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await once();
    firsts.push(r.first);
    exits.push(r.exit);
  }
  const median = (xs: number[]) => {
    const a = [...xs].sort((x, y) => x - y);
    return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  };
  console.log(
    `start-up, check on the example (214 words): wall ${median(firsts).toFixed(0)} ms to first result ` +
    `(min ${Math.min(...firsts).toFixed(0)}, max ${Math.max(...firsts).toFixed(0)}), ${median(exits).toFixed(0)} ms to exit, median of ${runs} runs`,
  );
}
if (existsSync(cli)) await startup();
