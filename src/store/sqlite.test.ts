import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import Database from "better-sqlite3";
import { UnspinError } from "../errors.js";
import { learnedSubstitutions, openStore } from "./index.js";
import { APPLICATION_ID, SCHEMA_VERSION, SqliteStore } from "./sqlite.js";
import type { NewDocument } from "./types.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "unspin-store-"));

function doc(n: number, text = `document number ${n}`): NewDocument {
  const hash = new Uint8Array(16);
  new DataView(hash.buffer).setUint32(0, n);
  hash[15] = text.length & 255;
  return { hash, text, words: 3, shingles: [n * 8, n * 8 + 16, 800], level: 0, extId: `d${n}` };
}

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

test("adds atomically, dedupes by content hash, looks postings up with a cap", async () => {
  const s = SqliteStore.open(path.join(tmp(), "b.db"), { create: true });
  const r1 = await s.addBatch([doc(1), doc(2), doc(1)]);
  assert.equal(r1.added, 2);
  assert.equal(r1.duplicates, 1);
  assert.equal(r1.ids[2], null);
  const r2 = await s.addBatch([doc(1), doc(2)]);
  assert.equal(r2.added, 0);
  assert.deepEqual(await s.hasHashes([doc(1).hash, doc(3).hash]), [true, false]);
  assert.equal(await s.documentCount(), 2);
  const l = await s.lookup([8, 800, 12345], 1);
  assert.deepEqual(l.postings.get(8), [r1.ids[0]! * 4]);
  assert.ok(l.common.has(800), "a shingle in more documents than the cap is reported as common");
  assert.ok(!l.postings.has(12345));
  const docs = await s.getDocuments([r1.ids[1]!]);
  assert.equal(docs[0].text, "document number 2");
  assert.equal(docs[0].extId, "d2");
  const st = await s.stats();
  assert.equal(st.documents, 2);
  assert.equal(st.postings, 6);
  await s.close();
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

test("channel table: learned counts accumulate; traces fold in once", async () => {
  const file = path.join(tmp(), "c.db");
  const s = SqliteStore.open(file, { create: true });
  await s.addChannelCounts([{ original: "military", spun: "navy", count: 2 }]);
  await s.addChannelCounts([{ original: "military", spun: "navy", count: 1 }]);
  assert.equal(await s.recordTrace({ copyHash: "aa", docId: 1, score: 0.99, kind: "spun", pairs: [{ original: "said", spun: "stated" }, { original: "military", spun: "navy" }] }), true);
  assert.equal(await s.recordTrace({ copyHash: "aa", docId: 1, score: 0.99, kind: "spun", pairs: [] }), false, "the same trace is logged once");
  assert.deepEqual(await s.learnPending(), { traces: 1, pairs: 2 });
  assert.deepEqual(await s.learnPending(), { traces: 0, pairs: 0 }, "learning twice adds nothing");
  await s.close();
  const pairs = await learnedSubstitutions(file);
  assert.deepEqual(pairs, [{ original: "military", spun: "navy", count: 4 }, { original: "said", spun: "stated", count: 1 }]);
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

test("openStore refuses PostgreSQL URLs with a clear message (not implemented)", () => {
  assert.throws(() => openStore("postgres://localhost/x"), UnspinError);
});
