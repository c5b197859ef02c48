import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { UnspinError } from "../../errors.js";
import { openStore } from "../../store/index.js";
import { SqliteStore } from "../../store/sqlite.js";
import { batch, collect, page, problem, resultStoreContract } from "./contract.js";
import { openResultStore } from "./index.js";
import { RESULTS_APPLICATION_ID, RESULTS_SCHEMA_VERSION, SqliteResultStore } from "./sqlite.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "unspin-results-"));

resultStoreContract("sqlite", async () => openResultStore(path.join(tmp(), "results.db"), { create: true }));

test("sqlite results: a marked, versioned WAL database", async () => {
  const file = path.join(tmp(), "r.db");
  const s = await openResultStore(file, { create: true });
  assert.equal(s.backend, "sqlite");
  await s.close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma("application_id", { simple: true }), RESULTS_APPLICATION_ID);
  assert.equal(db.pragma("user_version", { simple: true }), RESULTS_SCHEMA_VERSION);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all();
  assert.deepEqual(indexes, ["batches_pending", "results_score", "results_site"]);
  db.close();
});

test("sqlite results: a trace index is refused as results, and results as a trace index", async () => {
  const dir = tmp();
  const index = path.join(dir, "index.db");
  await SqliteStore.open(index, { create: true }).close();
  await assert.rejects(openResultStore(index, { create: true }),
    (e: Error) => e instanceof UnspinError && e.message === `${index} is an unspin trace index, not a screening results database`);
  const results = path.join(dir, "results.db");
  await (await openResultStore(results, { create: true })).close();
  await assert.rejects(openStore(results, { create: true }),
    (e: Error) => e instanceof UnspinError && e.message === `${results} is an unspin screening results database, not a trace index`);
  assert.equal(new Database(results, { readonly: true }).prepare("SELECT count(*) FROM results").pluck().get(), 0, "left as it was");
});

test("sqlite results: clear errors for missing, not SQLite, another program's, newer schema, locked", async () => {
  const dir = tmp();
  const is = (re: RegExp) => (e: Error) => e instanceof UnspinError && re.test(e.message) && !e.message.includes("\n");
  await assert.rejects(openResultStore(path.join(dir, "none.db")), is(/^no screening results at /));
  await assert.rejects(openResultStore(path.join(dir, "no/such/folder.db"), { create: true }), is(/folder .* does not exist/));
  const text = path.join(dir, "notes.txt");
  fs.writeFileSync(text, "not a database, just text\n");
  await assert.rejects(openResultStore(text, { create: true }), is(/not a screening results database \(not an SQLite file/));
  const other = path.join(dir, "other.db");
  const o = new Database(other);
  o.exec("CREATE TABLE users (name TEXT)");
  o.close();
  await assert.rejects(openResultStore(other, { create: true }), is(/not unspin screening results \(application id 0\); refusing/));
  const newer = path.join(dir, "newer.db");
  await (await openResultStore(newer, { create: true })).close();
  const n = new Database(newer);
  n.pragma(`user_version = ${RESULTS_SCHEMA_VERSION + 1}`);
  n.close();
  await assert.rejects(openResultStore(newer), is(/newer unspin \(schema 4, this one reads up to 3\)/));
  const locked = path.join(dir, "locked.db");
  await (await openResultStore(locked, { create: true })).close();
  const holder = new Database(locked);
  holder.exec("BEGIN IMMEDIATE");
  const s = await openResultStore(locked, { busyTimeoutMs: 50 });
  const b = batch("in", 0);
  await assert.rejects(s.completeBatch(b, [page("in", 0)]), is(/is locked by another process \(is another "unspin screen" running\?\)/));
  holder.exec("ROLLBACK");
  holder.close();
  assert.deepEqual(await s.completeBatch(b, [page("in", 0)]), { written: 1, skipped: 0 }, "works once the lock is gone");
  await s.close();
});

test("sqlite results: a writer killed with SIGKILL mid-run leaves every done batch whole and no partial batch", async () => {
  const file = path.join(tmp(), "killed.db");
  const per = 2000;
  const fixture = fileURLToPath(new URL("./sqlite-writer.fixture.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", fixture, file, String(per)], { stdio: ["ignore", "pipe", "inherit"] });
  let committed = 0;
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => (signal === "SIGKILL" ? resolve() : reject(new Error(`writer ended by itself: ${code} ${signal}`))));
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      committed = out.split("\n").length - 1;
      // Several batches in, at a moment unrelated to the commits: most likely inside a transaction.
      if (committed >= 4 && !child.killed) setTimeout(() => child.kill("SIGKILL"), 7 + Math.floor(Math.random() * 30));
    });
  });
  const s = SqliteResultStore.open(file);
  const done = new Set<number>();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  const batches = db.prepare("SELECT start_pos AS start, end_pos AS end, records, done_at IS NOT NULL AS done FROM batches").all() as
    { start: number; end: number; records: number; done: number }[];
  for (const b of batches) {
    const n = db.prepare("SELECT count(*) FROM results WHERE record_offset >= ? AND record_offset < ?").pluck().get(b.start, b.end) as number;
    if (b.done) {
      assert.equal(n, b.records, `done batch @${b.start} has all its results`);
      done.add(b.start);
    } else {
      assert.equal(n, 0, `batch @${b.start} is not done and has no results`);
    }
  }
  db.close();
  assert.ok(done.size >= committed, `every batch the writer reported committed is done (${done.size} ≥ ${committed})`);
  const total = (await collect(s)).length;
  assert.equal(total, done.size * per);
  assert.equal((await s.counts(0.5)).batchesDone, done.size);
  // The run resumes: the pending batch (if the kill landed in one) completes.
  for (const b of await s.pendingBatches()) assert.equal((await s.completeBatch(b, [])).written, 0);
  await s.close();
});

test("sqlite results: a version 2 database (before the stage) is migrated on open: its pages were analysed in full", async () => {
  const file = path.join(tmp(), "v2.db");
  const s = await openResultStore(file, { create: true });
  await s.completeBatch(batch("in", 0), [page("in", 0), problem("in", 10, "no article text")]);
  await s.close();
  // Back to what version 2 wrote: no stage column, user_version 2.
  const db = new Database(file);
  db.exec("ALTER TABLE results DROP COLUMN stage");
  db.pragma("user_version = 2");
  db.close();
  await assert.rejects(openResultStore(file, { readOnly: true }), (e: Error) => e instanceof UnspinError && /needs a schema upgrade \(v2 → v3\) but is open read-only/.test(e.message));
  const m = await openResultStore(file);
  assert.deepEqual(await collect(m), [page("in", 0), problem("in", 10, "no article text")]);
  assert.equal((await m.counts(0.5)).fast, 0);
  await m.close();
  assert.equal(new Database(file, { readonly: true }).pragma("user_version", { simple: true }), RESULTS_SCHEMA_VERSION);
});

test("sqlite results: a version 1 database (before site tables) is migrated on open, its results kept", async () => {
  const file = path.join(tmp(), "v1.db");
  const s = await openResultStore(file, { create: true });
  await s.completeBatch(batch("in", 0), [page("in", 0)]);
  await s.close();
  // Back to what version 1 wrote: no site_tables, user_version 1.
  const db = new Database(file);
  db.exec("DROP TABLE site_tables; ALTER TABLE results DROP COLUMN stage");
  db.pragma("user_version = 1");
  db.close();
  await assert.rejects(openResultStore(file, { readOnly: true }), (e: Error) => e instanceof UnspinError && /needs a schema upgrade \(v1 → v3\) but is open read-only/.test(e.message));
  const m = await openResultStore(file);
  assert.deepEqual(await collect(m), [page("in", 0)]);
  assert.deepEqual(await m.siteTables(), []);
  await m.close();
  assert.equal(new Database(file, { readonly: true }).pragma("user_version", { simple: true }), RESULTS_SCHEMA_VERSION);
});
