/**
 * Screening end to end on one machine: a generated crawl (WARC.gz with noise and damage, JSONL,
 * an HTML folder), the real engine on worker threads, real SQLite results; a run killed with
 * SIGKILL and resumed stores every record exactly once.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { writeScreenCorpus } from "../../bench/screen-corpus.js";
import { UnspinError } from "../errors.js";
import { listScreenInputs } from "./inputs.js";
import { readRecords } from "./records.js";
import { openResultStore } from "./results/index.js";
import { screenLocal } from "./run.js";
import type { PageResult } from "./types.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-screen-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const warc = path.join(dir, "crawl.warc.gz");
const jsonl = path.join(dir, "pages.jsonl");
const htmlDir = path.join(dir, "site");
const labels = new Map<string, boolean>();

before(async () => {
  await writeScreenCorpus({ pages: 90, spun: 0.3, seed: 5, format: "warc", out: warc, workers: 0 });
  await writeScreenCorpus({ pages: 40, spun: 0.3, seed: 6, format: "jsonl", out: jsonl, workers: 0, noise: false });
  await writeScreenCorpus({ pages: 12, spun: 0.3, seed: 7, format: "html-dir", out: htmlDir, workers: 0, noise: false });
  for (const f of [warc, jsonl]) {
    const file = f.replace(/\.(warc\.gz|jsonl)$/, ".labels.jsonl");
    for (const line of fs.readFileSync(file, "utf8").split("\n").filter(Boolean)) {
      const l = JSON.parse(line) as { url: string; spun: boolean };
      labels.set(l.url, l.spun);
    }
  }
  // Damage a crawl carries: a malformed JSON line and a line of invalid UTF-8.
  fs.appendFileSync(jsonl, Buffer.concat([Buffer.from('{"url": "https://example.org/broken", "text": \n'), Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d, 0x0a])]));
  // Labels sit beside the crawl files; screening only the crawl keeps them out.
  fs.mkdirSync(path.join(dir, "labels"));
  for (const f of fs.readdirSync(dir)) if (f.endsWith(".labels.jsonl")) fs.renameSync(path.join(dir, f), path.join(dir, "labels", f));
});

/** Every record address the readers find in the inputs: what a complete run must hold once each. */
async function expectedAddresses(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of await listScreenInputs(paths)) {
    for await (const item of readRecords(input)) {
      const r = item.page ?? item.problem;
      out.push(`${r.input}@${r.offset}`);
    }
  }
  return out.sort();
}

async function stored(location: string): Promise<PageResult[]> {
  const store = await openResultStore(location, { readOnly: true });
  try {
    const out: PageResult[] = [];
    for await (const r of store.results()) out.push(r);
    return out;
  } finally {
    await store.close();
  }
}

test("a crawl of WARC.gz, JSONL and an HTML folder: every record once, problems with reasons, spun pages found", async () => {
  const out = path.join(dir, "all.db");
  const store = await openResultStore(out, { create: true });
  const paths = [warc, jsonl, htmlDir];
  let updates = 0;
  const done = await screenLocal(store, { paths, threads: 2, recordsPerBatch: 8, onProgress: () => updates++ });
  await store.close();
  const results = await stored(out);
  const keys = results.map((r) => `${r.input}@${r.offset}`).sort();
  assert.deepEqual(keys, await expectedAddresses(paths));
  assert.equal(done.batchesDone, done.batchesTotal);
  assert.equal(done.bytesDone, done.bytesTotal);
  assert.equal(done.pages + done.problems, results.length);
  assert.ok(updates >= done.batchesTotal, "progress after every batch");
  const problems = results.filter((r) => r.status === "problem");
  for (const p of problems) assert.ok(p.reason && p.reason.length > 3 && p.score === null);
  const jsonlProblems = problems.filter((p) => p.input === jsonl).map((p) => p.reason ?? "");
  assert.equal(jsonlProblems.length, 2, jsonlProblems.join("; "));
  assert.ok(jsonlProblems.some((r) => /JSON/i.test(r)) && jsonlProblems.some((r) => /UTF-8/i.test(r)), jsonlProblems.join("; "));
  // Detection against the generator's labels, at the run's threshold.
  let tp = 0, fp = 0, fn = 0;
  for (const r of results) {
    const spun = r.url !== null ? labels.get(r.url) : undefined;
    if (spun === undefined || r.score === null) continue;
    if (r.score >= 0.5) spun ? tp++ : fp++;
    else if (spun) fn++;
  }
  assert.ok(tp / (tp + fn) >= 0.7, `recall ${tp}/${tp + fn}`);
  assert.ok(fp <= 2, `false positives ${fp}`);
  const spunPage = results.find((r) => r.url !== null && labels.get(r.url) && r.spans.length > 0)!;
  const span = spunPage.spans[0];
  assert.ok(span.replacement !== span.text && span.confidence > 0 && span.before.length + span.after.length > 0);
  assert.ok(results.filter((r) => r.status === "ok").every((r) => r.site !== null || r.input.startsWith(htmlDir)));
});

test("a run is not started twice into one store; resume needs a stored run; bad inputs store nothing", async () => {
  const out = path.join(dir, "twice.db");
  const store = await openResultStore(out, { create: true });
  try {
    await assert.rejects(screenLocal(store, { resume: true }), (e: Error) => e instanceof UnspinError && /no screening run to resume/.test(e.message));
    await assert.rejects(screenLocal(store, { paths: [path.join(dir, "missing.warc")] }), (e: Error) => e instanceof UnspinError && /no such file/.test(e.message));
    assert.equal(await store.getRun(), null);
    await screenLocal(store, { paths: [jsonl], threads: 1, recordsPerBatch: 64 });
    await assert.rejects(screenLocal(store, { paths: [jsonl] }), (e: Error) => e instanceof UnspinError && /already holds a screening run/.test(e.message));
  } finally {
    await store.close();
  }
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir, timeout: 300_000 });
}

test("screen killed with SIGKILL mid-run, then --resume: every record exactly once", async () => {
  const out = path.join(dir, "killed.db");
  const child = spawn(process.execPath, [bin, "screen", warc, jsonl, "--out", out, "--batch", "4", "--threads", "1", "--no-progress"], { stdio: "ignore" });
  // Kill once some batches are done and some are not.
  let doneAtKill = 0;
  for (let i = 0; i < 600; i++) {
    await new Promise((r) => setTimeout(r, 250));
    if (!fs.existsSync(out)) continue;
    const store = await openResultStore(out, { readOnly: true }).catch(() => null);
    if (store === null) continue;
    const c = await store.counts(0.5).catch(() => null);
    await store.close();
    if (c !== null && c.batchesDone >= 3) {
      doneAtKill = c.batchesDone;
      break;
    }
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  assert.ok(doneAtKill >= 3, "the run got going before the kill");
  const partial = await stored(out);
  assert.ok(partial.length > 0 && partial.length < (await expectedAddresses([warc, jsonl])).length, "killed mid-run");

  const again = cli(["screen", warc, "--out", out]);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already holds a screening run.*--resume/);
  const resumed = cli(["screen", "--resume", "--out", out, "--no-progress"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /pages screened/);
  const keys = (await stored(out)).map((r) => `${r.input}@${r.offset}`).sort();
  assert.deepEqual(keys, await expectedAddresses([warc, jsonl]), "nothing lost, nothing twice");
});

test("screen's command line: clear one-line errors", () => {
  for (const [args, pattern] of [
    [["screen", "--out", "x.db"], /nothing to screen/],
    [["screen", "nope.warc.gz", "--out", "y.db"], /no such file or folder: nope\.warc\.gz/],
    [["screen", jsonl, "--resume", "--out", "z.db"], /give no inputs/],
    [["screen", jsonl, "--bogus"], /unknown option/],
    [["screen", jsonl, "--threads", "0"], /--threads must be/],
    [["report", "--out", path.join(dir, "none.db"), "-o", "r.html"], /no .*results|does not exist|no screening/],
    [["worker", "--queue", "mysql://x"], /postgres/],
  ] as const) {
    const r = cli([...args]);
    assert.notEqual(r.status, 0, args.join(" "));
    assert.match(r.stderr, pattern, args.join(" "));
    assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr);
  }
  assert.ok(!fs.existsSync(path.join(dir, "y.db")), "a run that cannot start leaves no results file");
});

test("screen with stderr not a terminal: no progress bar, only plain lines and the summary", () => {
  const r = cli(["screen", jsonl, "--out", path.join(dir, "plain.db"), "--threads", "1"]);
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /screening \[|\r|[░█]/, "no bar");
  for (const line of r.stderr.trimEnd().split("\n")) assert.match(line, /^unspin: /);
  assert.match(r.stderr, /pages screened/);
});

test("plain-text pages (no URL) are grouped under their input in the summary and the report", () => {
  const folder = path.join(dir, "texts");
  fs.mkdirSync(folder);
  for (const f of ["river-study.txt", "market-report.txt", "library-funding.txt"]) fs.copyFileSync(path.join(root, "examples", "clean", f), path.join(folder, f));
  const out = path.join(dir, "texts.db");
  assert.equal(cli(["screen", folder, "--out", out, "--threads", "1", "--no-progress"]).status, 0);
  const html = path.join(dir, "texts.html");
  const r = cli(["report", "--out", out, "-o", html]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\(3 pages, 1 site\)/);
  const page = fs.readFileSync(html, "utf8");
  assert.ok(!page.includes("(no URL)"));
  assert.ok(page.includes(`<td class="site">${folder}</td>`), "the folder is the site of its pages");
});

test("report --help marks -o as required", () => {
  const r = cli(["report", "--help"]);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Usage: unspin report -o <file> \[options\]$/m);
  assert.match(r.stdout, /-o, --output <file> +HTML file to write \(required\)/);
});

test("report: a self-contained page from the stored results", () => {
  const out = path.join(dir, "all.db");
  const html = path.join(dir, "report.html");
  const r = cli(["report", "--out", out, "-o", html]);
  assert.equal(r.status, 0, r.stderr);
  const page = fs.readFileSync(html, "utf8");
  assert.match(page, /<html/);
  assert.doesNotMatch(page, /<script[^>]+src=|<link[^>]+href="http/i, "nothing loaded from the network");
});

test("--sources: spun pages are traced to the clean page they were spun from", async () => {
  const labelled = fs.readFileSync(path.join(dir, "labels", "pages.labels.jsonl"), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { url: string; spun: boolean; source: string | null });
  const clean = new Set(labelled.filter((l) => !l.spun).map((l) => l.url));
  const originals = path.join(dir, "originals.jsonl");
  fs.writeFileSync(originals, fs.readFileSync(jsonl, "utf8").split("\n").filter((l) => {
    try {
      return clean.has((JSON.parse(l) as { url: string }).url);
    } catch {
      return false;
    }
  }).join("\n") + "\n");
  const index = path.join(dir, "sources.db");
  const add = cli(["index", "add", originals, "--db", index]);
  assert.equal(add.status, 0, add.stderr);
  const out = path.join(dir, "traced.db");
  const r = cli(["screen", jsonl, "--out", out, "--sources", index, "--threads", "2", "--no-progress"]);
  assert.equal(r.status, 0, r.stderr);
  const byUrl = new Map((await stored(out)).map((x) => [x.url, x]));
  let spunWithSource = 0;
  for (const l of labelled) {
    const res = byUrl.get(l.url)!;
    if (!l.spun) assert.equal(res.trace?.kind, "verbatim", l.url);
    else if (l.source !== null && clean.has(l.source)) {
      spunWithSource++;
      assert.equal(res.trace?.kind, "spun", l.url);
      assert.equal(res.trace?.url, l.source);
    } else assert.equal(res.trace, null, l.url);
  }
  assert.ok(spunWithSource >= 3, `spun copies of indexed pages: ${spunWithSource}`);
});
