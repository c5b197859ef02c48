/**
 * SQLite back end of the trace store (better-sqlite3 12, WAL).
 *
 * Schema versioned with `PRAGMA user_version` and migrated forward on open; the file is
 * marked with `PRAGMA application_id` so that another program's SQLite database is
 * refused rather than altered. Batches are single transactions; documents are unique
 * by content hash, so an add interrupted at any point (kill -9 included) is completed
 * by running it again. Postings live in WITHOUT ROWID tables keyed (hash, doc), about
 * 15 bytes a posting, arranged as a log-structured merge: a batch's postings go to a
 * small table of recent postings, which is flushed into a sorted run (a table of its own)
 * when it has grown; runs of similar size are merged into one when a level holds enough
 * of them (see `compactStep`). The view `postings` is the union of the runs. Each flush
 * or merge is a transaction of its own after the batch's; one cut short by a crash
 * leaves the runs as they were, and the next batch added does it again.
 */
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { InputError, UnspinError } from "../errors.js";
import { describeSqliteError } from "./sqlite-errors.js";
import { HashFilter } from "./bloom.js";
import type {
  AddBatchResult, ChannelPair, NewDocument, PostingLookup, StoreStats, StoredDocument, TraceRecord, TraceStore,
} from "./types.js";

/** "UNSP" */
export const APPLICATION_ID = 0x554e5350;
export const SCHEMA_VERSION = 3;
/** Postings per INSERT: a statement call per row costs more than SQLite's own work for it. */
const POSTINGS_PER_INSERT = 64;

/** Migrations: MIGRATIONS[v] takes a database at version v to v + 1. */
const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE docs (
        id INTEGER PRIMARY KEY,
        hash BLOB NOT NULL UNIQUE,
        ext_id TEXT, url TEXT, title TEXT, date TEXT,
        words INTEGER NOT NULL,
        level INTEGER NOT NULL,
        text TEXT NOT NULL
      );
      CREATE TABLE postings (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID;
      CREATE TABLE channel (original TEXT NOT NULL, spun TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (original, spun)) WITHOUT ROWID;
      CREATE TABLE traces (
        copy_hash TEXT NOT NULL, doc INTEGER NOT NULL, score REAL NOT NULL, kind TEXT NOT NULL,
        pairs TEXT NOT NULL, learned INTEGER NOT NULL DEFAULT 0, created TEXT NOT NULL,
        PRIMARY KEY (copy_hash, doc)
      );
    `);
  },
  (db) => {
    db.exec("CREATE TABLE recent_postings (h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID");
  },
  (db) => {
    // v3: the main postings table becomes run 1 (a rename: no posting is rewritten, but
    // its hashes are read for its filter); `postings` becomes the view over the runs.
    // Row 0 of `runs` counts recent_postings.
    db.exec("CREATE TABLE runs (id INTEGER PRIMARY KEY, postings INTEGER NOT NULL, filter BLOB)");
    const count = (t: string) => db.prepare(`SELECT count(*) FROM ${t}`).pluck().get() as number;
    const merged = count("postings");
    db.prepare("INSERT INTO runs (id, postings) VALUES (0, ?)").run(count("recent_postings"));
    if (merged > 0) {
      db.exec(`ALTER TABLE postings RENAME TO ${runTable(1)}`);
      db.prepare("INSERT INTO runs (id, postings, filter) VALUES (1, ?, ?)").run(merged, runFilter(db, 1));
    } else {
      db.exec("DROP TABLE postings");
    }
    createPostingsView(db);
  },
];

const runTable = (id: number) => `postings_${id}`;
const POSTINGS_DDL = "(h INTEGER NOT NULL, d INTEGER NOT NULL, PRIMARY KEY (h, d)) WITHOUT ROWID";

/**
 * (Re)create the view `postings` over the runs listed in `runs`: lookups, stats and ad-hoc
 * SQL read it. Column `part` is the run's rank in id order, which lookups use to skip
 * the runs whose filter rules a hash out.
 */
function createPostingsView(db: Database.Database): void {
  const ids = db.prepare("SELECT id FROM runs WHERE id > 0 ORDER BY id").pluck().all() as number[];
  const arms = ids.map((id, part) => `SELECT h, d, ${part} AS part FROM ${runTable(id)}`);
  db.exec("DROP VIEW IF EXISTS postings");
  db.exec(`CREATE VIEW postings AS ${arms.length ? arms.join(" UNION ALL ") : "SELECT h, d, 0 AS part FROM recent_postings WHERE 0"}`);
}

/** The Bloom filter of a run's hashes, read from the run in key order. */
function runFilter(db: Database.Database, id: number): Buffer {
  let hashes = new Uint32Array(1 << 16);
  let n = 0;
  for (const h of db.prepare(`SELECT DISTINCT h FROM ${runTable(id)}`).pluck().iterate() as IterableIterator<number>) {
    if (n === hashes.length) {
      const grown = new Uint32Array(2 * n);
      grown.set(hashes);
      hashes = grown;
    }
    hashes[n++] = h;
  }
  const { bytes } = HashFilter.of(hashes, n);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Run ranks a lookup mask can name (a JS number is exact to 2^53); beyond, no run is skipped. */
const MASK_PARTS = 52;

/**
 * Postings held in `recent_postings` before they are flushed into a run. A batch's
 * postings fall at random places of a (hash, doc) B-tree, so inserting them straight
 * into a large table rewrites nearly every page of it at every commit. The recent table
 * stays small; a flush writes its postings, in key order, to a new table.
 */
const MERGE_POSTINGS_AT = 1 << 20;
/**
 * Runs per level before they are merged into one. Level k holds runs of
 * [T^(k-1), T^k) × MERGE_POSTINGS_AT postings, so a posting is rewritten about once per
 * level (log_T of the index size) and a lookup reads at most (T - 1) runs per level.
 * Merging into a new table, not into the largest run, is what keeps the total work
 * n log n: merging into the largest run rewrote it at every flush (v2).
 */
const LEVEL_RUNS = 4;

export interface SqliteOptions {
  /** Open for reading only (trace, stats). */
  readOnly?: boolean;
  /** Create the file when missing (index add). Default: false. */
  create?: boolean;
  /** How long to wait for another writer, ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Page cache, MiB. Default 256. */
  cacheMiB?: number;
  /** Flush recent postings into a run when there are this many. Default 2^20. */
  mergePostingsAt?: number;
  /** Merge the runs of a level when it holds this many (≥ 2). Default 4. */
  levelRuns?: number;
  /**
   * Called inside each flush or merge transaction once the new run is written, before
   * the runs it replaces are dropped and the transaction commits (progress reporting).
   */
  onMerge?: (m: MergeInfo) => void;
}

export interface MergeInfo {
  kind: "flush" | "merge";
  /** Runs merged (none for a flush of recent postings). */
  inputs: number[];
  /** The new run, its level and its postings. */
  run: number;
  level: number;
  postings: number;
}

function describe(e: unknown, file: string): Error {
  return describeSqliteError(e, file, { what: "database", writer: "unspin index add", corrupt: "restore it from a backup or index into a new file" });
}

export class SqliteStore implements TraceStore {
  readonly backend = "sqlite";
  readonly readOnly: boolean;
  private db: Database.Database;
  private closed = false;
  private stmts!: {
    hasHash: Database.Statement;
    insertDoc: Database.Statement;
    insertPosting: Database.Statement;
    insertPostings: Database.Statement;
    lookupCounts: Database.Statement;
    lookupLists: Database.Statement;
    getDoc: Database.Statement;
    getMeta: Database.Statement;
    setMeta: Database.Statement;
    count: Database.Statement;
    dataVersion: Database.Statement;
    runs: Database.Statement;
    runIds: Database.Statement;
    runFilter: Database.Statement;
    addRecent: Database.Statement;
  };
  /** Filters of the runs, by id, read once: a run never changes. */
  private filters = new Map<number, HashFilter | undefined>();
  private lookupTx!: (shingles: number[], cap: number) => PostingLookup;
  private mergePostingsAt = MERGE_POSTINGS_AT;
  private levelRuns = LEVEL_RUNS;
  private onMerge?: (m: MergeInfo) => void;
  /** Documents counted, and the data_version then; forgotten when this connection writes. */
  private docCount?: { version: number; n: number };

  private constructor(readonly location: string, db: Database.Database, readOnly: boolean) {
    this.db = db;
    this.readOnly = readOnly;
  }

  static open(file: string, opts: SqliteOptions = {}): SqliteStore {
    const abs = path.resolve(file);
    const exists = fs.existsSync(abs);
    if (!exists && !opts.create) {
      throw new InputError(`no index at ${file} (build one with "unspin index add <paths...>", or pass --db PATH)`);
    }
    if (exists) {
      const st = fs.statSync(abs);
      if (st.isDirectory()) throw new InputError(`${file} is a directory, not an unspin database`);
      if (st.size > 0) {
        const fd = fs.openSync(abs, "r");
        const head = Buffer.alloc(16);
        fs.readSync(fd, head, 0, 16, 0);
        fs.closeSync(fd);
        if (head.toString("latin1") !== "SQLite format 3\0") {
          throw new InputError(`${file} is not an unspin database (not an SQLite file, or corrupt)`);
        }
      }
    }
    let readOnly = !!opts.readOnly;
    if (!readOnly && exists && !writable(abs)) {
      if (opts.create) throw new UnspinError(`database ${file} is read-only: cannot add to it (check the file's and its folder's permissions)`);
      readOnly = true;
    }
    if (!exists) {
      const dir = path.dirname(abs);
      if (!fs.existsSync(dir)) throw new UnspinError(`cannot create database ${file}: folder ${dir} does not exist`);
    }
    let db: Database.Database;
    try {
      db = new Database(abs, { readonly: readOnly, fileMustExist: !opts.create, timeout: opts.busyTimeoutMs ?? 5000 });
    } catch (e) {
      throw describe(e, file);
    }
    const store = new SqliteStore(file, db, readOnly);
    try {
      store.init(opts);
    } catch (e) {
      db.close();
      throw describe(e, file);
    }
    return store;
  }

  private init(opts: SqliteOptions): void {
    const db = this.db;
    const appId = db.pragma("application_id", { simple: true }) as number;
    let version = db.pragma("user_version", { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) FROM sqlite_master").pluck().get() as number;
    if (appId !== APPLICATION_ID && (tables > 0 || version !== 0)) {
      throw new InputError(`${this.location} is an SQLite database but not an unspin index (application id ${appId}); refusing to change it`);
    }
    if (version > SCHEMA_VERSION) {
      throw new InputError(`${this.location} was written by a newer unspin (schema ${version}, this one reads up to ${SCHEMA_VERSION}); upgrade unspin`);
    }
    if (!this.readOnly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("wal_autocheckpoint = 16384");
      // A large merge is one transaction, and its size in the WAL: give the disk back after it.
      db.pragma("journal_size_limit = 67108864");
    }
    db.pragma(`cache_size = ${-1024 * (opts.cacheMiB ?? 256)}`);
    db.pragma("temp_store = MEMORY");
    if (version < SCHEMA_VERSION) {
      if (this.readOnly) {
        if (version === 0) throw new InputError(`${this.location} is an empty database, not an unspin index`);
        throw new UnspinError(`${this.location} needs a schema upgrade (v${version} → v${SCHEMA_VERSION}) but is open read-only`);
      }
      const migrate = db.transaction(() => {
        for (let v = version; v < SCHEMA_VERSION; v++) MIGRATIONS[v](db);
        db.pragma(`application_id = ${APPLICATION_ID}`);
        db.pragma(`user_version = ${SCHEMA_VERSION}`);
      });
      migrate.immediate();
      version = SCHEMA_VERSION;
    }
    const check = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").pluck().all() as string[];
    const runIds = check.includes("runs") ? db.prepare("SELECT id FROM runs WHERE id > 0").pluck().all() as number[] : [];
    for (const t of ["meta", "docs", "postings", "recent_postings", "runs", "channel", "traces", ...runIds.map(runTable)]) {
      if (!check.includes(t)) throw new InputError(`${this.location} is damaged: table "${t}" is missing`);
    }
    this.stmts = {
      hasHash: db.prepare("SELECT 1 FROM docs WHERE hash = ?").pluck(),
      insertDoc: db.prepare(
        "INSERT OR IGNORE INTO docs (hash, ext_id, url, title, date, words, level, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      insertPosting: db.prepare("INSERT OR IGNORE INTO recent_postings (h, d) VALUES (?, ?)"),
      insertPostings: db.prepare(`INSERT OR IGNORE INTO recent_postings (h, d) VALUES ${Array(POSTINGS_PER_INSERT).fill("(?, ?)").join(", ")}`),
      // A lookup is two statements, whatever the number of hashes: a call costs more than
      // the index searches it makes. First each hash's postings counted across all runs,
      // stopping at cap + 1: the view is flattened into one search per run, made only
      // when bit `part` of the hash's mask is set (its filter did not rule it out). Then
      // the lists of the hashes that are neither absent nor common.
      lookupCounts: db.prepare(
        `WITH q(h, m) AS (SELECT value ->> 0, value ->> 1 FROM json_each(@hashes))
         SELECT h, (SELECT count(*) FROM (SELECT 1 FROM postings p WHERE p.h = q.h AND (q.m >> p.part) & 1
           UNION ALL SELECT 1 FROM recent_postings r WHERE r.h = q.h LIMIT @limit)) FROM q`).raw(),
      lookupLists: db.prepare(
        `SELECT h, d FROM postings WHERE h IN (SELECT value FROM json_each(@hashes))
         UNION ALL SELECT h, d FROM recent_postings WHERE h IN (SELECT value FROM json_each(@hashes))`).raw(),
      getDoc: db.prepare("SELECT id, ext_id, url, title, date, words, text FROM docs WHERE id = ?"),
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
      count: db.prepare("SELECT count(*) FROM docs").pluck(),
      dataVersion: db.prepare("PRAGMA data_version").pluck(),
      runs: db.prepare("SELECT id, postings FROM runs ORDER BY id"),
      runIds: db.prepare("SELECT id FROM runs WHERE id > 0 ORDER BY id").pluck(),
      runFilter: db.prepare("SELECT filter FROM runs WHERE id = ?").pluck(),
      addRecent: db.prepare("UPDATE runs SET postings = postings + ? WHERE id = 0"),
    };
    this.mergePostingsAt = Math.max(1, opts.mergePostingsAt ?? MERGE_POSTINGS_AT);
    this.levelRuns = Math.max(2, opts.levelRuns ?? LEVEL_RUNS);
    this.onMerge = opts.onMerge;
    // One read transaction: the runs listed, the view, counts and lists of one snapshot.
    this.lookupTx = db.transaction((shingles: number[], cap: number) => this.lookupIn(shingles, cap));
  }

  private run<T>(f: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(describe(e, this.location));
    }
  }

  private mustWrite(): void {
    if (this.readOnly) throw new UnspinError(`database ${this.location} is open read-only`);
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.run(() => this.stmts.getMeta.get(key) as string | undefined);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.run(() => {
      this.mustWrite();
      this.stmts.setMeta.run(key, value);
    });
  }

  hasHashes(hashes: Uint8Array[]): Promise<boolean[]> {
    return this.run(() => hashes.map((h) => this.stmts.hasHash.get(h) !== undefined));
  }

  addBatch(docs: NewDocument[]): Promise<AddBatchResult> {
    return this.run(() => {
      this.mustWrite();
      const { insertDoc, insertPosting, insertPostings, addRecent } = this.stmts;
      let due = false;
      const tx = this.db.transaction((batch: NewDocument[]): AddBatchResult => {
        const ids: (number | null)[] = [];
        let added = 0, inserted = 0;
        const hashes: number[] = [];
        const values: number[] = [];
        for (const d of batch) {
          const r = insertDoc.run(d.hash, d.extId ?? null, d.url ?? null, d.title ?? null, d.date ?? null,
            d.words, d.level, d.text);
          if (r.changes === 0) {
            ids.push(null);
            continue;
          }
          const id = Number(r.lastInsertRowid);
          const v = id * 4 + d.level;
          for (const h of d.shingles) {
            hashes.push(h);
            values.push(v);
          }
          ids.push(id);
          added++;
        }
        // Postings in key order: the B-tree is then walked once per batch, not at random.
        // Values grow with the document id, so a stable sort by hash gives (hash, value) order.
        const order = stableOrder(Uint32Array.from(hashes));
        const args: number[] = new Array(2 * POSTINGS_PER_INSERT);
        let k = 0;
        for (; k + POSTINGS_PER_INSERT <= order.length; k += POSTINGS_PER_INSERT) {
          for (let j = 0; j < POSTINGS_PER_INSERT; j++) {
            args[2 * j] = hashes[order[k + j]];
            args[2 * j + 1] = values[order[k + j]];
          }
          inserted += insertPostings.run(args).changes;
        }
        for (; k < order.length; k++) inserted += insertPosting.run(hashes[order[k]], values[order[k]]).changes;
        addRecent.run(inserted);
        due = this.nextStep() !== null;
        return { ids, added, duplicates: batch.length - added };
      });
      this.docCount = undefined;
      const result = tx.immediate(docs);
      // Flushes and merges come after the batch's commit, each in a transaction of its
      // own: a kill -9 during one loses no batch, and the next batch redoes it.
      if (due) this.compact();
      return result;
    });
  }

  /** Flush and merge until no level is full; each step is one transaction. */
  compact(): void {
    this.mustWrite();
    while (this.db.transaction(() => this.compactStep()).immediate());
  }

  /** What is due: flush the recent postings, merge the runs of a level, or nothing. */
  private nextStep(): { kind: "flush" } | { kind: "merge"; inputs: number[] } | null {
    const runs = this.stmts.runs.all() as { id: number; postings: number }[];
    if ((runs.find((r) => r.id === 0)?.postings ?? 0) >= this.mergePostingsAt) return { kind: "flush" };
    const levels = new Map<number, number[]>();
    for (const r of runs) {
      if (r.id === 0) continue;
      const l = this.levelOf(r.postings);
      levels.set(l, [...(levels.get(l) ?? []), r.id]);
    }
    // The lowest full level first: its merged run may fill the next one.
    for (const l of [...levels.keys()].sort((a, b) => a - b)) {
      const ids = levels.get(l)!;
      if (ids.length >= this.levelRuns) return { kind: "merge", inputs: ids };
    }
    return null;
  }

  /** Level of a run by its size: 1 below T × mergePostingsAt postings, then one per factor T. */
  private levelOf(postings: number): number {
    let level = 1;
    for (let top = this.mergePostingsAt * this.levelRuns; postings >= top; top *= this.levelRuns) level++;
    return level;
  }

  /** One flush or merge, inside the caller's transaction; false when nothing was due. */
  private compactStep(): boolean {
    const step = this.nextStep();
    if (!step) return false;
    const db = this.db;
    const id = (db.prepare("SELECT max(id) FROM runs").pluck().get() as number) + 1;
    const inputs = step.kind === "merge" ? step.inputs : [];
    db.exec(`CREATE TABLE ${runTable(id)} ${POSTINGS_DDL}`);
    // Sources are read in key order (a merge of sorted scans, no sort), and the new table
    // is filled in key order: appends, pages left full.
    const source = step.kind === "flush"
      ? "SELECT h, d FROM recent_postings ORDER BY h, d"
      : inputs.map((r) => `SELECT h, d FROM ${runTable(r)}`).join(" UNION ALL ") + " ORDER BY 1, 2";
    const postings = db.prepare(`INSERT OR IGNORE INTO ${runTable(id)} (h, d) ${source}`).run().changes;
    db.prepare("INSERT INTO runs (id, postings, filter) VALUES (?, ?, ?)").run(id, postings, runFilter(db, id));
    this.onMerge?.({ kind: step.kind, inputs, run: id, level: this.levelOf(postings), postings });
    if (step.kind === "flush") {
      db.exec("DELETE FROM recent_postings");
      db.exec("UPDATE runs SET postings = 0 WHERE id = 0");
    } else {
      db.exec("DROP VIEW postings");
      for (const r of inputs) db.exec(`DROP TABLE ${runTable(r)}`);
      db.prepare(`DELETE FROM runs WHERE id IN (${inputs.join(", ")})`).run();
    }
    createPostingsView(db);
    return true;
  }

  lookup(shingles: number[], cap: number): Promise<PostingLookup> {
    return this.run(() => this.lookupTx(shingles, cap));
  }

  private lookupIn(shingles: number[], cap: number): PostingLookup {
    const postings = new Map<number, number[]>();
    const common = new Set<number>();
    const hashes = [...new Set(shingles)];
    if (hashes.length === 0) return { postings, common };
    const ids = this.stmts.runIds.all() as number[];
    for (const id of this.filters.keys()) if (!ids.includes(id)) this.filters.delete(id);
    for (const id of ids) {
      if (!this.filters.has(id)) this.filters.set(id, HashFilter.from(this.stmts.runFilter.get(id) as Buffer | null));
    }
    const filters = ids.map((id) => this.filters.get(id));
    const masked = hashes.map((h) => {
      if (ids.length > MASK_PARTS) return [h, -1];
      let m = 0;
      filters.forEach((f, part) => {
        if (!f || f.has(h)) m += 2 ** part;
      });
      return [h, m];
    });
    const counts = this.stmts.lookupCounts.all({ limit: cap + 1, hashes: JSON.stringify(masked) }) as [number, number][];
    const wanted: number[] = [];
    for (const [h, n] of counts) {
      if (n > cap) common.add(h);
      else if (n > 0) wanted.push(h);
    }
    if (wanted.length === 0) return { postings, common };
    for (const [h, d] of this.stmts.lookupLists.all({ hashes: JSON.stringify(wanted) }) as [number, number][]) {
      const list = postings.get(h);
      if (list) list.push(d);
      else postings.set(h, [d]);
    }
    // Ascending, whichever runs the postings are in.
    for (const list of postings.values()) list.sort((a, b) => a - b);
    return { postings, common };
  }

  getDocuments(ids: number[]): Promise<StoredDocument[]> {
    return this.run(() => {
      const out: StoredDocument[] = [];
      for (const id of ids) {
        const r = this.stmts.getDoc.get(id) as
          | { id: number; ext_id: string | null; url: string | null; title: string | null; date: string | null; words: number; text: string }
          | undefined;
        if (r) out.push({ id: r.id, extId: r.ext_id, url: r.url, title: r.title, date: r.date, words: r.words, text: r.text });
      }
      return out;
    });
  }

  documentCount(): Promise<number> {
    return this.run(() => {
      // count(*) reads the whole hash index (a few ms at 1M documents, on every trace):
      // kept until a commit, this connection's or another's (data_version).
      const version = this.stmts.dataVersion.get() as number;
      if (this.docCount?.version !== version) this.docCount = { version, n: this.stmts.count.get() as number };
      return this.docCount.n;
    });
  }

  stats(): Promise<StoreStats> {
    return this.run(() => {
      const db = this.db;
      const docs = db.prepare("SELECT count(*) AS n, coalesce(sum(words), 0) AS w, coalesce(sum(length(CAST(text AS BLOB))), 0) AS b FROM docs")
        .get() as { n: number; w: number; b: number };
      const postings = db.prepare("SELECT coalesce(sum(postings), 0) FROM runs").pluck().get() as number;
      const channelPairs = db.prepare("SELECT count(*) FROM channel").pluck().get() as number;
      const tr = db.prepare("SELECT coalesce(sum(learned = 0), 0) AS p, coalesce(sum(learned = 1), 0) AS l FROM traces")
        .get() as { p: number; l: number };
      const meta: Record<string, string> = {};
      for (const r of db.prepare("SELECT key, value FROM meta").all() as { key: string; value: string }[]) meta[r.key] = r.value;
      const pageCount = db.pragma("page_count", { simple: true }) as number;
      const pageSize = db.pragma("page_size", { simple: true }) as number;
      const freelist = db.pragma("freelist_count", { simple: true }) as number;
      return {
        backend: this.backend,
        location: this.location,
        schemaVersion: db.pragma("user_version", { simple: true }) as number,
        documents: docs.n,
        words: docs.w,
        textBytes: docs.b,
        postings,
        storeBytes: (pageCount - freelist) * pageSize,
        channelPairs,
        tracesPending: tr.p,
        tracesLearned: tr.l,
        meta,
      };
    });
  }

  addChannelCounts(pairs: ChannelPair[]): Promise<void> {
    return this.run(() => {
      this.mustWrite();
      const stmt = this.db.prepare(
        "INSERT INTO channel (original, spun, count) VALUES (?, ?, ?) ON CONFLICT(original, spun) DO UPDATE SET count = count + excluded.count");
      this.db.transaction(() => {
        for (const p of pairs) stmt.run(p.original, p.spun, p.count);
      }).immediate();
    });
  }

  learnedSubstitutions(): Promise<ChannelPair[]> {
    return this.run(() => this.db.prepare("SELECT original, spun, count FROM channel ORDER BY count DESC, original, spun").all() as ChannelPair[]);
  }

  recordTrace(r: TraceRecord): Promise<boolean> {
    return this.run(() => {
      this.mustWrite();
      const res = this.db.prepare(
        "INSERT OR IGNORE INTO traces (copy_hash, doc, score, kind, pairs, created) VALUES (?, ?, ?, ?, ?, ?)",
      ).run(r.copyHash, r.docId, r.score, r.kind, JSON.stringify(r.pairs), new Date().toISOString());
      return res.changes > 0;
    });
  }

  learnPending(): Promise<{ traces: number; pairs: number }> {
    return this.run(() => {
      this.mustWrite();
      const db = this.db;
      const upsert = db.prepare(
        "INSERT INTO channel (original, spun, count) VALUES (?, ?, ?) ON CONFLICT(original, spun) DO UPDATE SET count = count + excluded.count");
      return db.transaction(() => {
        const rows = db.prepare("SELECT copy_hash, doc, pairs FROM traces WHERE learned = 0").all() as
          { copy_hash: string; doc: number; pairs: string }[];
        const counts = new Map<string, number>();
        for (const r of rows) {
          for (const p of JSON.parse(r.pairs) as { original: string; spun: string }[]) {
            const k = p.original + "\u0000" + p.spun;
            counts.set(k, (counts.get(k) ?? 0) + 1);
          }
        }
        for (const [k, n] of counts) {
          const [original, spun] = k.split("\u0000");
          upsert.run(original, spun, n);
        }
        db.prepare("UPDATE traces SET learned = 1 WHERE learned = 0").run();
        return { traces: rows.length, pairs: counts.size };
      }).immediate();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.readOnly) this.db.pragma("wal_checkpoint(PASSIVE)");
    } catch {
      /* another connection may hold the database; the WAL is checkpointed later */
    }
    this.db.close();
  }
}

/** Positions of `keys` in ascending key order, equal keys in their given order (LSD radix sort, two 16-bit passes). */
function stableOrder(keys: Uint32Array): Uint32Array {
  let order = new Uint32Array(keys.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  let next = new Uint32Array(keys.length);
  const counts = new Uint32Array(1 << 16);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let k = 0; k < keys.length; k++) counts[(keys[k] >>> shift) & 0xffff]++;
    for (let b = 0, sum = 0; b < counts.length; b++) {
      const c = counts[b];
      counts[b] = sum;
      sum += c;
    }
    for (let k = 0; k < order.length; k++) next[counts[(keys[order[k]] >>> shift) & 0xffff]++] = order[k];
    [order, next] = [next, order];
  }
  return order;
}

function writable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.W_OK);
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
