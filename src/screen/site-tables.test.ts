/**
 * The site-learning pass end to end: a JSONL crawl in which one site (24 pages) is spun by a
 * simulated site spinner (src/spin/site.ts: one fixed table for the whole site) and another
 * (20 pages) is clean Brown text. The spun site gets a table and its pages are re-restored
 * (checked against the spinner's labels); the clean site's table is empty. A pass killed with
 * SIGKILL and resumed leaves every site either wholly re-restored with its table or untouched.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { brownPages } from "../corpus/pages.js";
import { loadLexicon } from "../lexicon/files.js";
import { siteSpinner } from "../spin/site.js";
import { escapeHtml } from "./report.js";
import { openResultStore } from "./results/index.js";
import { screenLocal } from "./run.js";
import type { PageResult, SiteTable } from "./types.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-site-tables-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const crawl = path.join(dir, "crawl.jsonl");
/** The originals of the spun site's first pages: a trace index's sources. */
const originals = path.join(dir, "originals.jsonl");
/** url → the spinner's substitutions on that page (offsets in the page text as published). */
const labels = new Map<string, { start: number; end: number; original: string }[]>();
const SPUN = "spun.example", CLEAN = "clean.example", SMALL = "small.example";

before(() => {
  const pages = brownPages({ split: "train" });
  const spinner = siteSpinner({ seed: 31, lexicon: loadLexicon() });
  const lines: string[] = [];
  const add = (site: string, i: number, text: string) => lines.push(JSON.stringify({ url: `https://${site}/news/${i}.html`, title: `Story ${i}`, date: "2026-01-02", text }));
  pages.slice(0, 24).forEach((p, i) => {
    const s = spinner.spinPage(p.text);
    labels.set(`https://${SPUN}/news/${i}.html`, s.substitutions.map((x) => ({ start: x.start, end: x.end, original: x.original })));
    add(SPUN, i, s.text);
  });
  fs.writeFileSync(originals, pages.slice(0, 8).map((p, i) => JSON.stringify({ id: `orig-${i}`, url: `https://origin.example/${i}`, text: p.text })).join("\n") + "\n");
  pages.slice(100, 120).forEach((p, i) => add(CLEAN, i, p.text));
  // A site below the page threshold: left as it is.
  pages.slice(200, 205).forEach((p, i) => add(SMALL, i, spinner.spinPage(p.text).text));
  // Interleaved, as a crawl is: sites' pages fall in many batches.
  const order = lines.map((l, i) => ({ l, k: (i * 7919) % lines.length })).sort((a, b) => a.k - b.k).map((x) => x.l);
  fs.writeFileSync(crawl, order.join("\n") + "\n");
});

async function snapshot(location: string): Promise<{ results: PageResult[]; tables: SiteTable[] }> {
  const store = await openResultStore(location, { readOnly: true });
  try {
    const results: PageResult[] = [];
    for await (const r of store.results()) results.push(r);
    return { results, tables: await store.siteTables() };
  } finally {
    await store.close();
  }
}

/** Spans that restore a labelled substitution exactly (same words, the original as replacement). */
function restored(results: PageResult[]): { right: number; spans: number } {
  let right = 0, spans = 0;
  for (const r of results) {
    const subs = labels.get(r.url ?? "");
    if (subs === undefined) continue;
    spans += r.spans.length;
    for (const s of r.spans) if (subs.some((x) => x.start === s.start && x.end === s.end && x.original.toLowerCase() === s.replacement.toLowerCase())) right++;
  }
  return { right, spans };
}

const bySite = (rs: PageResult[], site: string) => rs.filter((r) => r.site === site);
const withoutTime = (ts: SiteTable[]) => ts.map((t) => ({ ...t, created: "" }));

let before1: PageResult[] = [];
let after1: { results: PageResult[]; tables: SiteTable[] } = { results: [], tables: [] };

test("screen learns a table per site with enough pages and re-restores its pages; a clean site's table is empty", { timeout: 600_000 }, async (t) => {
  const out = path.join(dir, "ref.db");
  const store = await openResultStore(out, { create: true });
  try {
    // First the run without learning (its results are the first analysis), then a resume that only learns.
    const first = await screenLocal(store, { paths: [crawl], threads: 2, recordsPerBatch: 8, learn: false });
    assert.equal(first.siteLearning, undefined);
    assert.deepEqual(await store.siteTables(), []);
  } finally {
    await store.close();
  }
  before1 = (await snapshot(out)).results;
  const again = await openResultStore(out);
  const events: string[] = [];
  try {
    const done = await screenLocal(again, { resume: true, threads: 1, onSiteLearning: (e) => events.push(e === null ? "start" : e.site) });
    assert.deepEqual(done.siteLearning, { sites: 2, learned: 2, alreadyDone: 0, withTable: 1, restored: 24, unreadable: 0 });
    assert.deepEqual(events, ["start", SPUN, CLEAN], "largest site first");
  } finally {
    await again.close();
  }
  after1 = await snapshot(out);
  const [clean, spun] = after1.tables;
  assert.deepEqual(after1.tables.map((t) => t.site), [CLEAN, SPUN], "only the sites with 20 pages or more");
  assert.deepEqual(clean.pairs, []);
  assert.match(clean.reason ?? "", /do not read as spun/);
  assert.equal(clean.restored, 0);
  assert.equal(spun.reason, null);
  assert.equal(spun.pages, 24);
  assert.equal(spun.restored, 24);
  assert.ok(spun.pairs.length >= 10, `${spun.pairs.length} pairs`);
  assert.ok(spun.pairs.every((p, i) => i === 0 || spun.pairs[i - 1].count >= p.count), "most places first");
  // The pairs are mostly the spinner's own: judged against its table, weighted by places.
  const spinner = siteSpinner({ seed: 31, lexicon: loadLexicon() });
  let right = 0, total = 0;
  for (const p of spun.pairs) {
    total += p.count;
    if (spinner.entry(p.original)?.spun === p.spun) right += p.count;
  }
  assert.ok(right / total >= 0.5, `share of learned places from the true table: ${(right / total).toFixed(2)}`);

  // The spun site's pages: more substitutions restored than by the first analysis.
  const was = restored(bySite(before1, SPUN)), now = restored(bySite(after1.results, SPUN));
  t.diagnostic(`spun site: ${spun.pairs.length} pairs (${(right / total).toFixed(2)} of places from the true table); restored spans ${was.right}/${was.spans} before, ${now.right}/${now.spans} after`);
  assert.ok(now.right > was.right, `restored spans: ${was.right} of ${was.spans} before, ${now.right} of ${now.spans} after`);
  assert.ok(now.right / now.spans >= was.right / Math.max(1, was.spans) - 0.1, "precision holds");
  // Everything else as it was; addresses, URLs and traces kept.
  assert.deepEqual(bySite(after1.results, CLEAN), bySite(before1, CLEAN));
  assert.deepEqual(bySite(after1.results, SMALL), bySite(before1, SMALL));
  assert.deepEqual(after1.results.map((r) => [r.input, r.offset, r.url, r.site, r.trace]), before1.map((r) => [r.input, r.offset, r.url, r.site, r.trace]));

  // A further resume finds every site done and changes nothing.
  const third = await openResultStore(out);
  try {
    const d = await screenLocal(third, { resume: true, threads: 1 });
    assert.deepEqual(d.siteLearning, { sites: 2, learned: 0, alreadyDone: 2, withTable: 0, restored: 0, unreadable: 0 });
  } finally {
    await third.close();
  }
  assert.deepEqual(await snapshot(out), after1);
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir, timeout: 300_000 });
}

test("screen killed with SIGKILL during the learning pass, then --resume: each site whole or untouched, then all done", { timeout: 600_000 }, async (t) => {
  if (after1.tables.length === 0) return t.skip("needs the reference run");
  const out = path.join(dir, "killed.db");
  const child = spawn(process.execPath, [bin, "screen", crawl, "--out", out, "--batch", "8", "--threads", "2"], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  // Kill as soon as the first site's table is stored: the second site is being learned.
  let killedWith = -1;
  for (let i = 0; i < 2400 && killedWith < 0; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (!/unspin: site 1\/2/.test(stderr)) continue;
    child.kill("SIGKILL");
    killedWith = 1;
  }
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));
  assert.equal(killedWith, 1, `the pass got going: ${stderr}`);
  const atKill = await snapshot(out);
  assert.ok(atKill.tables.length >= 1 && atKill.tables.length <= 2, `${atKill.tables.length} tables`);
  for (const site of [SPUN, CLEAN, SMALL]) {
    const table = atKill.tables.find((x) => x.site === site);
    const rs = bySite(atKill.results, site);
    if (table !== undefined) assert.deepEqual(rs, bySite(after1.results, site), `${site}: learned, wholly re-restored`);
    else assert.deepEqual(rs, bySite(before1, site), `${site}: not learned, untouched`);
  }
  const resumed = cli(["screen", "--resume", "--out", out, "--no-progress"]);
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /site tables: 2 sites with enough pages, \d learned now .* done before/);
  const end = await snapshot(out);
  assert.deepEqual(end.results, after1.results, "the same results as a run never interrupted");
  assert.deepEqual(withoutTime(end.tables), withoutTime(after1.tables));
});

test("screen --no-learn and --learn-min-pages; report shows each site's top learned substitutions", { timeout: 600_000 }, async () => {
  const none = path.join(dir, "none.db");
  const r1 = cli(["screen", crawl, "--out", none, "--threads", "2", "--no-learn", "--no-progress"]);
  assert.equal(r1.status, 0, r1.stderr);
  assert.deepEqual((await snapshot(none)).tables, []);
  assert.doesNotMatch(r1.stderr, /site tables/);
  const bad = cli(["screen", crawl, "--out", path.join(dir, "bad.db"), "--learn-min-pages", "0"]);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--learn-min-pages must be a whole number/);

  // The reference run's report: the spun site's top pairs, the clean site's reason.
  const html = path.join(dir, "report.html");
  const rep = cli(["report", "--out", path.join(dir, "ref.db"), "-o", html]);
  assert.equal(rep.status, 0, rep.stderr);
  const page = fs.readFileSync(html, "utf8");
  const spun = after1.tables.find((t) => t.site === SPUN)!;
  assert.match(page, /<h3[^>]*>Learned substitutions<\/h3>/);
  const cells = (p: { original: string; spun: string }) => `<td class="u">${escapeHtml(p.original)}</td><td class="u">${escapeHtml(p.spun)}</td>`;
  for (const p of spun.pairs.slice(0, 10)) assert.ok(page.includes(cells(p)), `${p.original} → ${p.spun}`);
  assert.ok(spun.pairs.length <= 10 || !page.includes(cells(spun.pairs[spun.pairs.length - 1])), "top 10 only");
  // The first stage cleared most of the clean site's pages: it is not learned from, and says so.
  assert.match(page, /clean\.example<div class="where">0 pages learned from; 0 pairs; 0 re-restored<\/div><\/td><td colspan="5" class="empty">no table: the pages do not read as spun: the first stage cleared \d+ of 20 pages as clean/);

  // learn --unsupervised from the run's results still works.
  const table = path.join(dir, "spun.tsv");
  const l = cli(["learn", "--unsupervised", "--results", path.join(dir, "ref.db"), "--site", SPUN, "-o", table]);
  assert.equal(l.status, 0, l.stderr);
  assert.match(fs.readFileSync(table, "utf8"), /^unspin-channel\t1\n/);
});

test("--sources: the substitutions of a site's traced pages join its table as traced evidence", { timeout: 600_000 }, async (t) => {
  const index = path.join(dir, "sources.db");
  const add = cli(["index", "add", originals, "--db", index]);
  assert.equal(add.status, 0, add.stderr);
  const out = path.join(dir, "traced.db");
  const r = cli(["screen", crawl, "--out", out, "--sources", index, "--threads", "2", "--no-progress"]);
  assert.equal(r.status, 0, r.stderr);
  const { results, tables } = await snapshot(out);
  assert.equal(bySite(results, SPUN).filter((x) => x.trace !== null).length, 8, "the spun site's first pages traced");
  const spun = tables.find((t) => t.site === SPUN)!;
  const traced = spun.pairs.filter((p) => p.source === "traced");
  assert.ok(traced.length >= 10, `${traced.length} traced pairs`);
  const spinner = siteSpinner({ seed: 31, lexicon: loadLexicon() });
  let right = 0, total = 0;
  for (const p of traced) {
    total += p.count;
    if (spinner.entry(p.original)?.spun === p.spun) right += p.count;
  }
  t.diagnostic(`${traced.length} traced pairs of ${spun.pairs.length}; ${right.toFixed(0)} of ${total.toFixed(0)} places from the true table`);
  assert.ok(right / total >= 0.8, `traced places from the true table: ${right}/${total}`);
  assert.ok(traced.every((p) => p.pages !== undefined && p.pages >= 1));
  // The clean site traced nothing: its table stays empty.
  assert.deepEqual(tables.find((t) => t.site === CLEAN)!.pairs, []);
});
