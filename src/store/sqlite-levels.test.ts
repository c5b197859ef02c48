/**
 * The SQLite store's levels of postings runs (schema v3): bounded runs and n log n
 * merge work, lookups (and the cap) over all levels, kill -9 in the middle of a flush or
 * a merge, migration from v2 and v1 files.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { UnspinError } from "../errors.js";
import { HashFilter } from "./bloom.js";
import { APPLICATION_ID, SCHEMA_VERSION, SqliteStore, type MergeInfo } from "./sqlite.js";
import type { NewDocument, PostingLookup, TraceStore } from "./types.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "unspin-levels-"));

/** Document n: `per` shingles, a quarter of them drawn from 40 hashes that many documents share. */
function makeDoc(n: number, per = 20): NewDocument {
  let x = (n * 2654435761 + 1) >>> 0 || 1;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  const shingles: number[] = [];
  for (let k = 0; k < per; k++) {
    const v = next();
    shingles.push(v % 4 === 0 ? 1000 + ((v >>> 8) % 40) : v);
  }
  const hash = new Uint8Array(16);
  new DataView(hash.buffer).setUint32(0, n);
  hash[15] = 0xab;
  return { hash, text: `document ${n}`, words: per, shingles, level: n % 4, extId: `d${n}` };
}

const docs = (from: number, count: number, per?: number) => Array.from({ length: count }, (_, i) => makeDoc(from + i, per));

/** What a store should hold: hash → posting values, from the ids addBatch gave. */
class Reference {
  readonly lists = new Map<number, Set<number>>();
  note(batch: NewDocument[], ids: (number | null)[]): void {
    batch.forEach((d, i) => {
      const id = ids[i];
      if (id === null) return;
      for (const h of d.shingles) {
        let s = this.lists.get(h);
        if (!s) this.lists.set(h, (s = new Set()));
        s.add(id * 4 + d.level);
      }
    });
  }
  get postings(): number {
    let n = 0;
    for (const s of this.lists.values()) n += s.size;
    return n;
  }
  lookup(hashes: number[], cap: number): PostingLookup {
    const postings = new Map<number, number[]>();
    const common = new Set<number>();
    for (const h of hashes) {
      const s = this.lists.get(h);
      if (!s) continue;
      if (s.size > cap) common.add(h);
      else postings.set(h, [...s].sort((a, b) => a - b));
    }
    return { postings, common };
  }
}

const CAPS = [1, 5, 40, 100_000];

/** Every hash of the reference (and a few absent ones) looked up in the store, at each cap. */
async function assertLookups(store: TraceStore, ref: Reference, note: string): Promise<void> {
  const hashes = [...ref.lists.keys(), 7, 8, 9];
  for (const cap of CAPS) {
    for (let i = 0; i < hashes.length; i += 500) {
      const part = hashes.slice(i, i + 500);
      const got = await store.lookup(part, cap);
      const want = ref.lookup(part, cap);
      assert.deepEqual(got.common, want.common, `${note}: common hashes at cap ${cap}`);
      assert.deepEqual(got.postings, want.postings, `${note}: postings at cap ${cap}`);
    }
  }
}

/** Postings of a file as (hash, document content hash, level) rows, sorted; with the raw row count. */
function postingRows(file: string): { rows: string[]; raw: number } {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare(`SELECT p.h || ':' || hex(docs.hash) || ':' || (p.d % 4) FROM
    (SELECT h, d FROM postings UNION ALL SELECT h, d FROM recent_postings) p JOIN docs ON docs.id = p.d / 4`).pluck().all() as string[];
  const raw = db.prepare("SELECT (SELECT count(*) FROM postings) + (SELECT count(*) FROM recent_postings)").pluck().get() as number;
  db.close();
  return { rows: rows.sort(), raw };
}

function runs(file: string): { id: number; postings: number }[] {
  const db = new Database(file, { readonly: true });
  const r = db.prepare("SELECT id, postings FROM runs ORDER BY id").all() as { id: number; postings: number }[];
  db.close();
  return r;
}

test("flushes and merges keep a bounded number of runs and write each posting about once per level; lookups see every level", async () => {
  const file = path.join(tmp(), "levels.db");
  const flushAt = 100, T = 3;
  const events: MergeInfo[] = [];
  const s = SqliteStore.open(file, { create: true, mergePostingsAt: flushAt, levelRuns: T, onMerge: (m) => events.push(m) });
  const ref = new Reference();
  for (let b = 0; b < 80; b++) {
    const batch = docs(b * 10, 10);
    ref.note(batch, (await s.addBatch(batch)).ids);
    const total = ref.postings;
    const levels = 1 + Math.max(0, Math.ceil(Math.log(total / flushAt) / Math.log(T)));
    const live = runs(file).filter((r) => r.id > 0);
    assert.ok(live.length <= (T - 1) * levels, `batch ${b}: ${live.length} runs for ${total} postings (at most ${(T - 1) * levels})`);
    assert.equal(runs(file).reduce((n, r) => n + r.postings, 0), total, "the runs table counts every posting");
  }
  const total = ref.postings;
  assert.equal((await s.stats()).postings, total);
  assert.ok(events.some((e) => e.kind === "merge" && e.level >= 3), "merges reached level 3");
  // Merging into the largest run at every flush (schema v2) would write ~total²/(2 flushAt) postings.
  const written = events.reduce((n, e) => n + e.postings, 0);
  const levels = 1 + Math.ceil(Math.log(total / flushAt) / Math.log(T));
  assert.ok(written <= total * (levels + 1), `${written} postings written by flushes and merges for ${total} (levels ${levels})`);
  const { rows, raw } = postingRows(file);
  assert.equal(raw, total, "no posting stored twice");
  assert.equal(new Set(rows).size, total);
  // A shared hash whose postings are spread over several runs, each under the cap, is
  // common when their sum is over it.
  const db = new Database(file, { readonly: true });
  const spread = db.prepare("SELECT id FROM runs WHERE id > 0").pluck().all().map((id) =>
    db.prepare(`SELECT count(*) FROM postings_${id} WHERE h = 1000`).pluck().get() as number);
  db.close();
  const cap = Math.max(...spread);
  assert.ok(spread.filter((n) => n > 0).length >= 2 && spread.reduce((a, b) => a + b, 0) > cap);
  const l = await s.lookup([1000], cap);
  assert.ok(l.common.has(1000) && !l.postings.has(1000), "counted over all runs, not per run");
  await assertLookups(s, ref, "after 800 documents");
  await s.close();
  // Each run's filter holds every hash of the run, and rules out most others.
  const rdb = new Database(file, { readonly: true });
  for (const { id, filter } of rdb.prepare("SELECT id, filter FROM runs WHERE id > 0").all() as { id: number; filter: Buffer }[]) {
    const f = HashFilter.from(filter);
    assert.ok(f, `run ${id} has a filter`);
    const inRun = rdb.prepare(`SELECT DISTINCT h FROM postings_${id}`).pluck().all() as number[];
    assert.ok(inRun.every((h) => f.has(h)), `run ${id}: no hash of the run ruled out`);
    const inRunSet = new Set(inRun);
    const others = [...ref.lists.keys()].filter((h) => !inRunSet.has(h));
    assert.ok(others.filter((h) => f.has(h)).length <= Math.max(3, others.length * 0.03), `run ${id}: few false positives`);
  }
  rdb.close();
});

test("the hash filter: no false negatives, about 1 % false positives, stored bytes checked", () => {
  const members = Array.from({ length: 20_000 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 0);
  const f = HashFilter.of(members);
  assert.ok(members.every((h) => f.has(h)));
  let fp = 0;
  for (let i = 0; i < 100_000; i++) if (f.has(Math.imul(i + 1, 40503) ^ 0x5bd1e995)) fp++;
  assert.ok(fp < 2000, `${fp} false positives in 100,000`);
  const again = HashFilter.from(f.bytes);
  assert.ok(again && members.every((h) => again.has(h)), "read back from its bytes");
  assert.equal(HashFilter.from(new Uint8Array(12)), undefined, "not a power of two: no filter (the run is always searched)");
  assert.equal(HashFilter.from(null), undefined);
});

test("a reader's lookups follow merges made by another connection", async () => {
  const file = path.join(tmp(), "reader.db");
  const w = SqliteStore.open(file, { create: true, mergePostingsAt: 50, levelRuns: 2 });
  const ref = new Reference();
  let batch = docs(0, 20);
  ref.note(batch, (await w.addBatch(batch)).ids);
  const r = SqliteStore.open(file, { readOnly: true });
  await assertLookups(r, ref, "before");
  assert.equal(await r.documentCount(), 20);
  for (let b = 1; b < 12; b++) {
    batch = docs(b * 20, 20);
    ref.note(batch, (await w.addBatch(batch)).ids);
  }
  assert.ok(runs(file).length > 2, "runs were merged meanwhile");
  await assertLookups(r, ref, "after the writer's merges");
  assert.equal(await r.documentCount(), 240, "the count follows the other connection's adds");
  await r.close();
  await w.close();
});

/** A child process adding documents, which stops for good inside a flush or merge (STOP_AT kind:min postings:skip). */
const CHILD = `
import fs from "node:fs";
const { SqliteStore } = await import(process.env.STORE_MODULE);
const docs = JSON.parse(fs.readFileSync(process.env.DOCS, "utf8")).map((d) => ({ ...d, hash: Buffer.from(d.hash, "hex") }));
const [kind, min, skip] = (process.env.STOP_AT ?? "").split(":");
let seen = 0;
const s = SqliteStore.open(process.env.DB, {
  create: true, mergePostingsAt: Number(process.env.FLUSH_AT), levelRuns: Number(process.env.LEVEL_RUNS), cacheMiB: 1,
  onMerge: (m) => {
    if (m.kind !== kind || m.postings < Number(min) || seen++ < Number(skip)) return;
    fs.writeSync(1, JSON.stringify(m) + "\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },
});
const batch = Number(process.env.BATCH);
for (let i = 0; i < docs.length; i += batch) await s.addBatch(docs.slice(i, i + batch));
await s.close();
fs.writeSync(1, "done\\n");
`;

/** Run the child until it reports it is inside the flush or merge, then kill -9 it. */
async function killInside(dir: string, env: Record<string, string>): Promise<MergeInfo> {
  const script = path.join(dir, "child.mjs");
  fs.writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    env: { ...process.env, ...env, STORE_MODULE: new URL("./sqlite.ts", import.meta.url).href },
    cwd: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../.."),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "", err = "";
  child.stderr.on("data", (c) => (err += c));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the child never reached its stop: ${out} ${err}`)), 120_000);
    child.stdout.on("data", (c) => {
      out += c;
      if (out.includes("\n")) {
        clearTimeout(timer);
        resolve(out.slice(0, out.indexOf("\n")));
      }
    });
    child.on("exit", () => reject(new Error(`the child exited before its stop: ${out} ${err}`)));
  });
  child.kill("SIGKILL");
  await exited;
  assert.notEqual(line, "done", "the child was stopped inside a flush or merge");
  return JSON.parse(line) as MergeInfo;
}

for (const stop of ["merge", "flush"] as const) {
  test(`kill -9 in the middle of a ${stop}: nothing lost before the re-run; the re-run completes the add as if never interrupted`, async () => {
    const dir = tmp();
    const all = docs(0, 6000, 40);
    fs.writeFileSync(path.join(dir, "docs.json"), JSON.stringify(all.map((d) => ({ ...d, hash: Buffer.from(d.hash).toString("hex") }))));
    const opts = { mergePostingsAt: 5000, levelRuns: 3 };
    const file = path.join(dir, "crash.db");
    // Stop inside a merge big enough (over 1 MiB of pages, with a 1 MiB cache) that the
    // transaction has spilled uncommitted pages to the WAL, or inside the 20th flush.
    const m = await killInside(dir, {
      DB: file, DOCS: path.join(dir, "docs.json"), BATCH: "100", FLUSH_AT: String(opts.mergePostingsAt), LEVEL_RUNS: String(opts.levelRuns),
      STOP_AT: stop === "merge" ? "merge:100000:0" : "flush:0:20",
    });
    assert.equal(m.kind, stop);
    if (stop === "merge") assert.ok(m.postings >= 100_000, `a large merge (${m.postings} postings)`);

    // Before any re-run: the batches committed are whole, the interrupted step is absent.
    let db = new Database(file, { readonly: true });
    const stored = db.prepare("SELECT id, hash FROM docs ORDER BY id").all() as { id: number; hash: Buffer }[];
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'postings_%'").pluck().all() as string[];
    const counted = {
      runs: db.prepare("SELECT count(*) FROM postings").pluck().get(),
      recent: db.prepare("SELECT count(*) FROM recent_postings").pluck().get(),
    };
    db.close();
    assert.deepEqual(counted, {
      runs: runs(file).filter((r) => r.id > 0).reduce((n, r) => n + r.postings, 0),
      recent: runs(file).find((r) => r.id === 0)?.postings,
    }, "the runs table agrees with the tables");
    assert.ok(stored.length > 0 && stored.length < all.length && stored.length % 100 === 0, `${stored.length} documents, whole batches`);
    assert.deepEqual(tables.sort(), runs(file).filter((r) => r.id > 0).map((r) => `postings_${r.id}`).sort(), "the run tables are the runs listed");
    const before = new Reference();
    before.note(all.slice(0, stored.length), stored.map((r) => r.id));
    assert.equal(postingRows(file).raw, before.postings, "every posting of the stored documents, once");
    const ro = SqliteStore.open(file, { readOnly: true });
    await assertLookups(ro, before, "after the kill");
    await ro.close();

    // The re-run of the same add, and a store built without interruption.
    const resumed = SqliteStore.open(file, opts);
    for (let i = 0; i < all.length; i += 100) await resumed.addBatch(all.slice(i, i + 100));
    const ref = new Reference();
    const clean = SqliteStore.open(path.join(dir, "clean.db"), { create: true, ...opts });
    for (let i = 0; i < all.length; i += 100) {
      const batch = all.slice(i, i + 100);
      ref.note(batch, (await clean.addBatch(batch)).ids);
    }
    db = new Database(file, { readonly: true });
    assert.equal(db.prepare("SELECT count(*) FROM docs").pluck().get(), all.length);
    assert.equal(db.prepare("SELECT count(DISTINCT hash) FROM docs").pluck().get(), all.length, "every document once");
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    db.close();
    const got = postingRows(file), want = postingRows(path.join(dir, "clean.db"));
    assert.equal(got.raw, want.raw, "no posting lost or duplicated");
    assert.deepEqual(got.rows, want.rows, "the same postings");
    assert.deepEqual(runs(file).map((r) => r.postings).sort(), runs(path.join(dir, "clean.db")).map((r) => r.postings).sort(), "the same runs");
    await assertLookups(resumed, ref, "after the re-run");
    await resumed.close();
    await clean.close();
  });
}

/** The schema of version 2 (and, without recent_postings, version 1), as those versions created it. */
const V1_SCHEMA = `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE docs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, ext_id TEXT, url TEXT, title TEXT, date TEXT,
    words INTEGER NOT NULL, level INTEGER NOT NULL, text TEXT NOT NULL);
  CREATE TABLE postings (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;
  CREATE TABLE channel (original TEXT NOT NULL, spun TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (original, spun)) WITHOUT ROWID;
  CREATE TABLE traces (copy_hash TEXT NOT NULL, doc INTEGER NOT NULL, score REAL NOT NULL, kind TEXT NOT NULL,
    pairs TEXT NOT NULL, learned INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, PRIMARY KEY (copy_hash, doc));`;
const V2_SCHEMA = V1_SCHEMA + `
  CREATE TABLE recent_postings (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;`;

/** A file as schema `version` wrote it: documents 1..main in `postings`, the rest in recent_postings (v2). */
function oldFile(file: string, version: 1 | 2, all: NewDocument[], main: number): Reference {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(version === 1 ? V1_SCHEMA : V2_SCHEMA);
  const insertDoc = db.prepare("INSERT INTO docs (id, hash, ext_id, words, level, text) VALUES (?, ?, ?, ?, ?, ?)");
  const ref = new Reference();
  db.transaction(() => {
    all.forEach((d, i) => {
      insertDoc.run(i + 1, d.hash, d.extId, d.words, d.level, d.text);
      const table = i < main ? "postings" : "recent_postings";
      for (const h of d.shingles) db.prepare(`INSERT OR IGNORE INTO ${table} (h, d) VALUES (?, ?)`).run(h, (i + 1) * 4 + d.level);
    });
    db.prepare("INSERT INTO meta (key, value) VALUES ('fingerprint_version', '1')").run();
  })();
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma(`user_version = ${version}`);
  db.close();
  ref.note(all, all.map((_, i) => i + 1));
  return ref;
}

for (const [version, main] of [[2, 300], [2, 0], [1, 400]] as const) {
  test(`a schema v${version} file (${main} of 400 documents merged) migrates to v${SCHEMA_VERSION} and goes on merging`, async () => {
    const file = path.join(tmp(), `v${version}.db`);
    const all = docs(0, 400);
    const ref = oldFile(file, version, all, main);
    const postingsBefore = ref.postings;
    assert.throws(() => SqliteStore.open(file, { readOnly: true }), (e: Error) => e instanceof UnspinError && /needs a schema upgrade/.test(e.message));
    const s = SqliteStore.open(file, { mergePostingsAt: 300, levelRuns: 2 });
    const st = await s.stats();
    assert.equal(st.schemaVersion, SCHEMA_VERSION);
    assert.equal(st.postings, postingsBefore);
    assert.equal(st.documents, 400);
    assert.equal(st.meta.fingerprint_version, "1");
    const db = new Database(file, { readonly: true });
    assert.equal(db.prepare("SELECT type FROM sqlite_master WHERE name = 'postings'").pluck().get(), "view");
    db.close();
    const r = runs(file);
    assert.deepEqual(r.map((x) => x.id), main > 0 ? [0, 1] : [0], "the main table became run 1");
    assert.equal(r.reduce((n, x) => n + x.postings, 0), postingsBefore);
    await assertLookups(s, ref, "migrated");
    for (let b = 0; b < 10; b++) {
      const batch = docs(1000 + b * 40, 40);
      ref.note(batch, (await s.addBatch(batch)).ids);
    }
    assert.ok(!runs(file).some((x) => x.id === 1), "the migrated run took part in a merge");
    assert.equal(postingRows(file).raw, ref.postings);
    await assertLookups(s, ref, "after merges");
    await s.close();
  });
}

test("a missing run table is reported as damage", async () => {
  const file = path.join(tmp(), "damaged.db");
  const s = SqliteStore.open(file, { create: true, mergePostingsAt: 10 });
  await s.addBatch(docs(0, 5));
  await s.close();
  const db = new Database(file);
  db.exec("DROP VIEW postings; DROP TABLE postings_1");
  db.close();
  assert.throws(() => SqliteStore.open(file), (e: Error) => e instanceof UnspinError && /damaged/.test(e.message));
});
