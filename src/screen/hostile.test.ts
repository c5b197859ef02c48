/**
 * Screening hostile and unlucky input end to end (real engine on worker threads, real SQLite):
 * pages nested thousands of elements deep or never closed, a record that runs past the
 * per-record time limit, text of NULs only, French, a run killed during a slow record and
 * resumed. Every input is generated here. Each run must finish, and its stored counts must add
 * up to the records in the input.
 */
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { brownDocuments } from "../corpus/brown.js";
import { extractArticle } from "../ingest/html.js";
import { htmlShape, linearArticle, MAX_DOM_DEPTH } from "../ingest/html-text.js";
import { listScreenInputs } from "./inputs.js";
import { openResultStore } from "./results/index.js";
import { screenLocal } from "./run.js";
import type { PageResult } from "./types.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-hostile-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

// Written for this test.
const PARAGRAPHS = [
  "The council said on Tuesday that the harbour bridge would close for repairs next month, and that buses would run in its place while the work is done.",
  "Engineers found cracks in two of the old steel supports during an inspection in the spring, the city's transport office said in a statement.",
  "Shop owners near the bridge said they were worried about losing customers, but most agreed that the repairs could not wait much longer.",
  "The work is expected to take about six weeks, and the bridge should open again to traffic before the start of the school year.",
];
const ARTICLE = PARAGRAPHS.map((p) => `<p>${p}</p>`).join("\n");

type Stored = Pick<PageResult, "input" | "url" | "status" | "reason" | "words">;

/** Every stored result, problems included, as the database holds them. */
function storedResults(db: string): Stored[] {
  const conn = new Database(db, { readonly: true });
  try {
    return conn.prepare("SELECT input, url, status, reason, words FROM results").all() as Stored[];
  } finally {
    conn.close();
  }
}

test("HTML nested thousands deep or never closed is read in linear time, with its text", () => {
  const nested = (d: number) => `<html><body>${"<div>".repeat(d)}${ARTICLE}${"</div>".repeat(d)}</body></html>`;
  const unclosed = (n: number) => `<html><head><title>Unclosed</title></head><body>${"<div><span><b>".repeat(n)}${ARTICLE}`;
  for (const html of [nested(1_000), nested(100_000), unclosed(100_000)]) {
    assert.ok(htmlShape(html).depth > MAX_DOM_DEPTH);
    const a = extractArticle(html);
    assert.ok(a, "the article is found");
    assert.match(a.extractor!, /^linear: nested over \d+ elements deep/);
    assert.deepEqual(a.text.split("\n\n"), PARAGRAPHS);
  }
  // An ordinary page still goes through readability.
  const ordinary = `<html><head><title>Bridge</title></head><body><nav><a href="/">Home</a></nav><article>${ARTICLE}</article></body></html>`;
  assert.equal(extractArticle(ordinary)?.extractor, "readability");
  assert.equal(htmlShape(ordinary).depth, 2, "html, head, body and p do not count: nav > a, article");
  // The linear reader: scripts, styles and navigation are not text; entities are decoded; inline tags join.
  const tricky = `<title>A &amp; B</title><script>var s = "<p>not text</p>";</script><style>p{}</style><nav>Home News Sport</nav>` +
    `<p>Wo<b>rd</b>s &ldquo;quoted&rdquo; &#8212; and &#x41;n entity, in a sentence long enough to count.</p><!-- <p>comment</p> -->`;
  assert.deepEqual(linearArticle(tricky), { title: "A & B", text: "Words \u201cquoted\u201d \u2014 and An entity, in a sentence long enough to count." });
});

test("screen: hostile HTML pages, a record over the time limit, NUL-only and French text — every record stored, counts add up", { timeout: 300_000 }, async () => {
  const site = path.join(dir, "site");
  fs.mkdirSync(site);
  const pages: Record<string, string> = {
    "nested-1000.html": `<html><body>${"<div>".repeat(1_000)}${ARTICLE}${"</div>".repeat(1_000)}</body></html>`,
    "nested-4000.html": `<html><body>${"<div>".repeat(4_000)}${ARTICLE}${"</div>".repeat(4_000)}</body></html>`,
    "nested-100000.html": `<html><body>${"<div>".repeat(100_000)}${ARTICLE}${"</div>".repeat(100_000)}</body></html>`,
    "unclosed-100000.html": `<html><body>${"<div><span><b>".repeat(100_000)}${ARTICLE}`,
    "ordinary.html": `<html><head><title>Bridge</title></head><body><article>${ARTICLE}</article></body></html>`,
  };
  for (const [name, html] of Object.entries(pages)) fs.writeFileSync(path.join(site, name), html);

  // A text long enough that screening it takes far longer than the limit set below.
  const press = brownDocuments({ categories: ["a"] }).map((d) => d.text).join("\n\n");
  const long = press.repeat(Math.ceil(1_500_000 / press.length)).slice(0, 1_500_000);
  const jsonl = path.join(dir, "pages.jsonl");
  const records = [
    { url: "https://a.example/1", text: PARAGRAPHS.join("\n\n") },
    { url: "https://a.example/long", text: long },
    { url: "https://a.example/nul", text: "\u0000".repeat(200) },
    { url: "https://a.example/fr", text: "Le conseil municipal a annoncé mardi que le pont du port sera fermé pour des travaux le mois prochain, et que des autobus circuleront à sa place pendant toute la durée du chantier." },
    { url: "https://a.example/2", text: PARAGRAPHS.slice().reverse().join("\n\n") },
  ];
  fs.writeFileSync(jsonl, records.map((r) => JSON.stringify(r)).join("\n") + "\n");

  const db = path.join(dir, "hostile.db");
  const store = await openResultStore(db, { create: true });
  let done;
  try {
    done = await screenLocal(store, { paths: [site, jsonl], sources: null, recordsPerBatch: 64, spunThreshold: 0.5, threads: 1, recordTimeoutMs: 4_000, learn: false });
  } finally {
    await store.close();
  }
  assert.equal(done.failedBatches, 0);
  const results = storedResults(db);
  assert.equal(results.length, Object.keys(pages).length + records.length, "one stored result per record");
  const byKey = new Map(results.map((r) => [r.url ?? path.basename(r.input), r]));
  for (const name of Object.keys(pages)) {
    const r = byKey.get(name)!;
    assert.equal(r.status, "ok", `${name}: ${r.reason}`);
    assert.ok(r.words >= 90, `${name}: the article's words are there (${r.words})`);
  }
  assert.equal(byKey.get("https://a.example/long")!.status, "problem");
  assert.match(byKey.get("https://a.example/long")!.reason!, /took longer than 4 s to read and screen \(the per-record time limit\)/);
  assert.equal(byKey.get("https://a.example/nul")!.reason, "empty document");
  assert.match(byKey.get("https://a.example/fr")!.reason!, /does not look like English/);
  for (const u of ["https://a.example/1", "https://a.example/2"]) assert.equal(byKey.get(u)!.status, "ok", "the records after the slow one are screened");
});

test("screen --resume after a kill during a record over the time limit finishes, each record stored once", { timeout: 300_000 }, async () => {
  assert.ok(fs.existsSync(bin), "dist/ is built (npm test builds it first)");
  const press = brownDocuments({ categories: ["b"] }).map((d) => d.text).join("\n\n");
  const long = press.repeat(Math.ceil(1_500_000 / press.length)).slice(0, 1_500_000);
  const jsonl = path.join(dir, "slow-first.jsonl");
  const lines = [{ url: "https://b.example/long", text: long }];
  for (let i = 0; i < 6; i++) lines.push({ url: `https://b.example/${i}`, text: PARAGRAPHS.slice(i % 4).concat(PARAGRAPHS.slice(0, i % 4)).join("\n\n") });
  fs.writeFileSync(jsonl, lines.map((r) => JSON.stringify(r)).join("\n") + "\n");
  const db = path.join(dir, "resume.db");
  const args = [bin, "screen", "--out", db, "--threads", "1", "--batch", "2", "--record-timeout", "5", "--no-learn", "--no-progress"];
  // Killed once the run is planned and stored (then the thread is on the slow record, the first),
  // however long a loaded machine takes to get there.
  const child = spawn(process.execPath, [...args, jsonl], { stdio: "ignore" });
  for (let waited = 0; !plannedIn(db) && waited < 120_000; waited += 200) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1_000));
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
  const resumed = spawnSync(process.execPath, [...args, "--resume"], { encoding: "utf8", timeout: 240_000 });
  assert.equal(resumed.status, 0, resumed.stderr);
  const results = storedResults(db);
  assert.equal(results.length, lines.length, "every record once");
  assert.deepEqual(new Set(results.map((r) => r.url)).size, lines.length);
  const slow = results.find((r) => r.url === "https://b.example/long")!;
  assert.match(slow.reason ?? "", /per-record time limit/);
  assert.equal(results.filter((r) => r.status === "ok").length, lines.length - 1);
});

/** Whether the results database holds a planned run (its batches stored). */
function plannedIn(db: string): boolean {
  if (!fs.existsSync(db)) return false;
  try {
    const conn = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (conn.prepare("SELECT count(*) FROM batches").pluck().get() as number) > 0;
    } finally {
      conn.close();
    }
  } catch {
    return false; // not yet created, or its schema not yet written
  }
}

test("a gzipped JSON Lines file inside a folder is refused by name, not passed over", async () => {
  const folder = path.join(dir, "with-gz");
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, "page.html"), `<html><body><article>${ARTICLE}</article></body></html>`);
  const { gzipSync } = await import("node:zlib");
  fs.writeFileSync(path.join(folder, "more.jsonl.gz"), gzipSync(JSON.stringify({ text: PARAGRAPHS[0] }) + "\n"));
  await assert.rejects(listScreenInputs([folder]), /more\.jsonl\.gz is gzip-compressed but not a WARC file \(decompress it first/);
});
