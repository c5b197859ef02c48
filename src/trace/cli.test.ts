/** The trace commands end to end, as processes: index add / stats / trace / learn, bad input, kill -9. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { brownDocuments } from "../corpus/brown.js";
import { spin } from "../spin/simulate.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = [
  "--import", path.join(ROOT, "node_modules/tsx/dist/esm/index.mjs"),
  path.join(ROOT, "src/cli/trace-commands.ts"),
];

function run(args: string[], input?: string, cwd?: string) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { input, cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("index add, stats, trace --json, trace report, learn", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-cli-"));
  const db = path.join(dir, "x.db");
  const docs = brownDocuments({ categories: ["a"] }).slice(0, 30);
  fs.mkdirSync(path.join(dir, "wires"));
  for (const d of docs.slice(0, 10)) fs.writeFileSync(path.join(dir, "wires", `${d.id}.txt`), d.text);
  fs.writeFileSync(path.join(dir, "archive.jsonl"),
    docs.slice(10).map((d) => JSON.stringify({ id: d.id, url: `https://w.test/${d.id}`, title: d.id.toUpperCase(), text: d.text })).join("\n") +
    "\n{broken\n");
  let r = run(["index", "add", path.join(dir, "wires"), path.join(dir, "archive.jsonl"), "--db", db]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /archive\.jsonl:21: not valid JSON/);
  assert.match(r.err, /indexed 30 new document\(s\)/);
  r = run(["index", "add", path.join(dir, "archive.jsonl"), "--db", db, "--json"]);
  assert.equal(JSON.parse(r.out).added, 0, "re-adding is a no-op");
  r = run(["index", "stats", "--db", db, "--json"]);
  assert.equal(JSON.parse(r.out).documents, 30);

  const src = docs[15];
  const copy = spin(src.text, { rate: 0.3, seed: 5 }).text;
  fs.writeFileSync(path.join(dir, "copy.txt"), copy);
  r = run(["trace", "--json", "--top", "2", "--db", db, path.join(dir, "copy.txt")]);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out);
  assert.equal(result.matches[0].id, src.id);
  assert.equal(result.matches[0].url, `https://w.test/${src.id}`);
  assert.ok(result.matches.length <= 2);
  r = run(["trace", "--db", db, "-"], copy);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /source found/);
  assert.match(r.out, new RegExp(src.id));
  assert.doesNotMatch(r.out, /\x1b\[/, "no colour when not a TTY / NO_COLOR");
  r = run(["learn", "--db", db, "--json"]);
  assert.equal(r.code, 0, r.err);
  assert.ok(JSON.parse(r.out).channelPairs > 0, r.out);
});

test("bad input (exit 2): missing index, empty query, too-long query, corrupt database, nothing readable", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-cli-"));
  let r = run(["trace", "--db", path.join(dir, "none.db"), "-"], "some text");
  assert.equal(r.code, 2);
  assert.match(r.err, /no index at/);
  const db = path.join(dir, "x.db");
  fs.writeFileSync(path.join(dir, "a.txt"), "A short story about a storm that hit the coast on Friday night.");
  assert.equal(run(["index", "add", path.join(dir, "a.txt"), "--db", db]).code, 0);
  r = run(["trace", "--db", db, "-"], "   \n");
  assert.equal(r.code, 2);
  assert.match(r.err, /empty/);
  const big = path.join(dir, "big.txt");
  fs.writeFileSync(big, "word ".repeat(1_100_000));
  r = run(["trace", "--db", db, big]);
  assert.equal(r.code, 2);
  assert.match(r.err, /longer than 5 MB/);
  const junk = path.join(dir, "junk.db");
  fs.writeFileSync(junk, "this is not a database, it is a text file with enough bytes in it\n".repeat(100));
  r = run(["index", "stats", "--db", junk]);
  assert.equal(r.code, 2);
  assert.match(r.err, /not an unspin database/);
  fs.writeFileSync(path.join(dir, "bad.jsonl"), "{oops\n[1]\n");
  r = run(["index", "add", path.join(dir, "bad.jsonl"), "--db", db]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.jsonl:1/);
  assert.match(r.err, /no document could be read/);
});

test("kill -9 during index add: the re-run completes with nothing lost or duplicated", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-crash-"));
  const paragraphs = brownDocuments().flatMap((d) => d.paragraphs.filter((p) => p.length > 200).map((p, i) => ({ id: `${d.id}-${i}`, text: p })));
  const unique = new Set(paragraphs.map((p) => p.text.trim())).size;
  const input = path.join(dir, "paras.jsonl");
  fs.writeFileSync(input, paragraphs.map((p) => JSON.stringify(p)).join("\n"));
  const db = path.join(dir, "crash.db");
  const child = spawn(process.execPath, [...CLI, "index", "add", input, "--db", db, "--batch", "200"], { stdio: "ignore" });
  // Wait until some batches are committed, then kill -9 in the middle of the run.
  let seen = 0;
  for (let i = 0; i < 600 && seen < 1000; i++) {
    await new Promise((r) => setTimeout(r, 25));
    if (!fs.existsSync(db)) continue;
    try {
      const c = new Database(db, { readonly: true, timeout: 1000 });
      seen = c.prepare("SELECT count(*) FROM docs").pluck().get() as number;
      c.close();
    } catch {
      /* schema not there yet */
    }
  }
  child.kill("SIGKILL");
  await new Promise((r) => child.on("exit", r));
  assert.ok(seen > 0 && seen < unique, `killed mid-run (${seen} of ${unique} stored)`);
  const r = run(["index", "add", input, "--db", db, "--json"]);
  assert.equal(r.code, 0, r.err);
  const ref = path.join(dir, "ref.db");
  assert.equal(run(["index", "add", input, "--db", ref]).code, 0);
  const count = (file: string) => {
    const c = new Database(file, { readonly: true });
    const v = {
      docs: c.prepare("SELECT count(*) FROM docs").pluck().get(),
      hashes: c.prepare("SELECT count(DISTINCT hash) FROM docs").pluck().get(),
      postings: c.prepare("SELECT count(*) FROM (SELECT h, d FROM postings UNION SELECT h, d FROM recent_postings)").pluck().get(),
      orphans: c.prepare("SELECT count(*) FROM (SELECT d FROM postings UNION ALL SELECT d FROM recent_postings) WHERE d / 4 NOT IN (SELECT id FROM docs)").pluck().get(),
      integrity: c.pragma("integrity_check", { simple: true }),
    };
    c.close();
    return v;
  };
  const got = count(db), want = count(ref);
  assert.equal(got.docs, unique);
  assert.equal(got.hashes, unique);
  assert.equal(got.postings, want.postings);
  assert.equal(got.orphans, 0);
  assert.equal(got.integrity, "ok");
});
