import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { UnspinError } from "../errors.js";
import { doc, traceStoreContract } from "./contract.js";
import { openStore } from "./index.js";
import { APPLICATION_ID, SCHEMA_VERSION, SqliteStore } from "./sqlite.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "unspin-store-"));

test("creates a versioned, marked schema and reopens it", async () => {
  const file = path.join(tmp(), "a.db");
  const s = SqliteStore.open(file, { create: true });
  await s.setMeta("k", "v");
  await s.close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma("user_version", { simple: true }), SCHEMA_VERSION);
  assert.equal(db.pragma("application_id", { simple: true }), APPLICATION_ID);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  db.close();
  const r = SqliteStore.open(file);
  assert.equal(await r.getMeta("k"), "v");
  await r.close();
});

test("recent postings are merged into the main table once there are enough; lookups see both", async () => {
  const file = path.join(tmp(), "m.db");
  const s = SqliteStore.open(file, { create: true, mergePostingsAt: 5 });
  const r1 = await s.addBatch([doc(1), doc(2)]);
  const r2 = await s.addBatch([doc(3)]);
  const rows = (table: string) => {
    const db = new Database(file, { readonly: true });
    const n = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    db.close();
    return n;
  };
  assert.equal(rows("postings"), 6, "the first batch reached the threshold and was merged");
  assert.equal(rows("recent_postings"), 3);
  const l = await s.lookup([8, 24, 40, 800], 10);
  assert.deepEqual(l.postings.get(8), [r1.ids[0]! * 4], "merged");
  assert.deepEqual(l.postings.get(40), [r2.ids[0]! * 4], "recent");
  assert.deepEqual(l.postings.get(24)?.sort((a, b) => a - b), [r1.ids[0]! * 4, r2.ids[0]! * 4], "one of each");
  assert.equal(l.postings.get(800)?.length, 3, "a shingle's postings from both tables");
  assert.equal((await s.stats()).postings, 9);
  await s.close();
});

test("a schema v1 index (postings in one table) is migrated on open and keeps its postings", async () => {
  const file = path.join(tmp(), "v1.db");
  const db = new Database(file);
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE docs (id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, ext_id TEXT, url TEXT, title TEXT, date TEXT,
      words INTEGER NOT NULL, level INTEGER NOT NULL, text TEXT NOT NULL);
    CREATE TABLE postings (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;
    CREATE TABLE channel (original TEXT NOT NULL, spun TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (original, spun)) WITHOUT ROWID;
    CREATE TABLE traces (copy_hash TEXT NOT NULL, doc INTEGER NOT NULL, score REAL NOT NULL, kind TEXT NOT NULL,
      pairs TEXT NOT NULL, learned INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL, PRIMARY KEY (copy_hash, doc));
    INSERT INTO docs (id, hash, words, level, text) VALUES (1, x'00000001000000000000000000000011', 3, 0, 'document number 1');
    INSERT INTO postings (h, d) VALUES (8, 4), (800, 4);
  `);
  db.pragma(`application_id = ${APPLICATION_ID}`);
  db.pragma("user_version = 1");
  db.close();
  const s = SqliteStore.open(file);
  assert.equal((await s.stats()).schemaVersion, SCHEMA_VERSION);
  assert.deepEqual((await s.lookup([8], 10)).postings.get(8), [4]);
  assert.deepEqual(await s.hasHashes([doc(1).hash]), [true]);
  const r = await s.addBatch([doc(2)]);
  assert.equal((await s.lookup([800], 10)).postings.get(800)?.length, 2);
  assert.equal(r.added, 1);
  await s.close();
});

test("clear errors: missing, not SQLite, another program's database, newer schema, corrupt", async () => {
  const dir = tmp();
  assert.throws(() => SqliteStore.open(path.join(dir, "none.db")), (e: Error) => e instanceof UnspinError && /no index at/.test(e.message));
  const text = path.join(dir, "notes.txt");
  fs.writeFileSync(text, "hello, this is not a database at all, just some text\n");
  assert.throws(() => SqliteStore.open(text), (e: Error) => e instanceof UnspinError && /not an unspin database/.test(e.message));
  const other = path.join(dir, "other.db");
  const db = new Database(other);
  db.exec("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('x')");
  db.close();
  assert.throws(() => SqliteStore.open(other, { create: true }), (e: Error) => e instanceof UnspinError && /not an unspin index/.test(e.message));
  const untouched = new Database(other, { readonly: true });
  assert.equal(untouched.prepare("SELECT count(*) FROM users").pluck().get(), 1, "another program's database is left alone");
  untouched.close();
  const newer = path.join(dir, "newer.db");
  (await SqliteStore.open(newer, { create: true }).close());
  const n = new Database(newer);
  n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
  n.close();
  assert.throws(() => SqliteStore.open(newer), (e: Error) => e instanceof UnspinError && /newer unspin/.test(e.message));
  // Corrupt: a valid header followed by garbage pages.
  const good = path.join(dir, "good.db");
  const g = SqliteStore.open(good, { create: true });
  await g.addBatch(Array.from({ length: 200 }, (_, i) => doc(i, "text ".repeat(200) + i)));
  await g.close();
  const bytes = fs.readFileSync(good);
  for (let i = 100; i < bytes.length; i++) bytes[i] = (i * 7919) & 255;
  const bad = path.join(dir, "bad.db");
  fs.writeFileSync(bad, bytes);
  await assert.rejects(async () => {
    const s = SqliteStore.open(bad);
    await s.stats();
  }, (e: Error) => e instanceof UnspinError && /corrupt|not an unspin|damaged/.test(e.message));
});

test("locked database: a clear error after the busy timeout; read-only store refuses writes", async () => {
  const file = path.join(tmp(), "l.db");
  (await SqliteStore.open(file, { create: true }).close());
  const holder = new Database(file);
  holder.pragma("journal_mode = WAL");
  holder.exec("BEGIN IMMEDIATE");
  const s = SqliteStore.open(file, { busyTimeoutMs: 50 });
  await assert.rejects(s.addBatch([doc(1)]), (e: Error) => e instanceof UnspinError && /locked by another process/.test(e.message));
  holder.exec("ROLLBACK");
  holder.close();
  assert.equal((await s.addBatch([doc(1)])).added, 1, "works once the lock is gone");
  await s.close();
  const ro = SqliteStore.open(file, { readOnly: true });
  assert.equal(ro.readOnly, true);
  await assert.rejects(ro.addBatch([doc(2)]), (e: Error) => e instanceof UnspinError && /read-only/.test(e.message));
  assert.equal(await ro.documentCount(), 1);
  await ro.close();
});

test("openStore opens SQLite files, and a postgres:// URL with a clear one-line error when no server answers", async () => {
  const file = path.join(tmp(), "o.db");
  const s = await openStore(file, { create: true });
  assert.equal(s.backend, "sqlite");
  await s.close();
  await assert.rejects(openStore("postgres://localhost:1/x", { connectTimeoutMs: 2000 }),
    (e: Error) => e instanceof UnspinError && /^cannot connect to PostgreSQL at localhost:1: /.test(e.message) && !e.message.includes("\n"));
});

traceStoreContract("sqlite", async () => SqliteStore.open(path.join(tmp(), "contract.db"), { create: true }));
