/** `unspin learn --unsupervised` and `--channel` as users run them: the built bin, real files. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { brownPages } from "../corpus/pages.js";
import { siteSpinner } from "../spin/site.js";
import { loadLexicon } from "../lexicon/files.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "unspin-learn-"));

function unspin(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const spinner = siteSpinner({ seed: 8, lexicon: loadLexicon() });
const pages = brownPages({ split: "train" }).slice(0, 40);
const site = join(dir, "site");
mkdirSync(site);
pages.forEach((p, i) => writeFileSync(join(site, `page-${i}.txt`), spinner.spinPage(p.text).text));
// The same pages as JSONL, as a crawl would give them.
const jsonl = join(dir, "site.jsonl");
writeFileSync(jsonl, pages.map((p, i) => JSON.stringify({ url: `https://farm.example/${i}`, text: spinner.spinPage(p.text).text })).join("\n") + "\n");

test("learn --unsupervised reads a folder of pages and writes a channel table that check --channel uses", { timeout: 300_000 }, () => {
  const table = join(dir, "site.tsv");
  const r = unspin(["learn", "--unsupervised", site, "-o", table, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.pagesRead, 40);
  assert.ok(summary.pairs >= 10, r.stdout);
  const text = readFileSync(table, "utf8");
  assert.match(text, /^unspin-channel\t1\n/);
  assert.match(text, /# source: site/);

  const held = spinner.spinPage(brownPages({ split: "held-out", categories: ["a"] })[0].text);
  const page = join(dir, "held.txt");
  writeFileSync(page, held.text);
  const plain = JSON.parse(unspin(["restore", "--json", page]).stdout);
  const tabled = unspin(["restore", "--json", "--channel", table, page]);
  assert.equal(tabled.code, 0, tabled.stderr);
  const withTable = JSON.parse(tabled.stdout);
  const exact = (edits: { start: number; end: number; replacement: string }[]) =>
    held.substitutions.filter((s) => edits.some((e) => e.start === s.start && e.end === s.end && e.replacement.toLowerCase() === s.original.toLowerCase())).length;
  assert.ok(exact(withTable.edits) > exact(plain.edits), `restored: ${exact(plain.edits)} without, ${exact(withTable.edits)} with the table`);
});

test("learn --unsupervised reads JSONL pages too", { timeout: 300_000 }, () => {
  const r = unspin(["learn", "--unsupervised", jsonl, "-o", join(dir, "jsonl.tsv"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).pagesRead, 40);
});

test("bad learn and --channel input: one line, non-zero exit, no stack", () => {
  const one = (r: { code: number | null; stderr: string }, pattern: RegExp) => {
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  };
  one(unspin(["learn", "--unsupervised", site]), /needs -o TABLE/);
  one(unspin(["learn", "--unsupervised", "-o", join(dir, "x.tsv")]), /needs the site's pages/);
  one(unspin(["learn", "--unsupervised", "--results", join(dir, "r.db"), "-o", join(dir, "x.tsv")]), /--results and --site go together/);
  const corrupt = join(dir, "corrupt.tsv");
  writeFileSync(corrupt, "unspin-channel\t1\noriginal\tspun\n");
  one(unspin(["check", "--channel", corrupt, join(site, "page-0.txt")]), /corrupt\.tsv, line 2: expected the column header/);
  const old = join(dir, "old.tsv");
  writeFileSync(old, "unspin-channel\t0\n");
  one(unspin(["restore", "--channel", old, join(site, "page-0.txt")]), /version 0 channel table/);
});

test("a too-small page set gives an empty table and says why (exit 0: the table is valid, just empty)", () => {
  const small = join(dir, "small");
  mkdirSync(small);
  writeFileSync(join(small, "a.txt"), readFileSync(join(site, "page-0.txt")));
  const table = join(dir, "small.tsv");
  const r = unspin(["learn", "--unsupervised", small, "-o", table]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /at least 3 English pages/);
  assert.match(r.stdout, /0 substitution pair\(s\) written/);
  const lines = readFileSync(table, "utf8").trimEnd().split("\n");
  assert.equal(lines[lines.length - 1], "original\tspun\tprobability\tcount\tpages\tsource", "no pair after the column header");
  assert.ok(lines.some((l) => l.startsWith("# empty: ")), "the table says why it is empty");
});

test("screen takes --channel tables too; a bad one stops it before any work", { timeout: 300_000 }, () => {
  const table = join(dir, "screen.tsv");
  assert.equal(unspin(["learn", "--unsupervised", site, "-o", table]).code, 0);
  const out = join(dir, "results.db");
  const r = unspin(["screen", site, "--channel", table, "--out", out, "--threads", "1", "--no-progress", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).counts?.pages ?? JSON.parse(r.stdout).pagesThisRun, 40);
  const bad = unspin(["screen", site, "--channel", join(dir, "nope.tsv"), "--out", join(dir, "bad.db"), "--no-progress"]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /no channel table at/);
});
