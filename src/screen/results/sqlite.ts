/**
 * SQLite result store (better-sqlite3, WAL): screening on one machine.
 *
 * Marked with its own `application_id` ("UNSR"; the trace index is "UNSP"), so neither is
 * mistaken for the other, and versioned with `user_version`. `completeBatch` is one
 * IMMEDIATE transaction: the results (keyed by (input, offset), a key already stored is
 * skipped) and the batch's done mark commit together or not at all, kill -9 included.
 */
import Database from "better-sqlite3";
import { describeSqliteError } from "../../store/sqlite-errors.js";
import fs from "node:fs";
import path from "node:path";
import { InputError, UnspinError } from "../../errors.js";
import { APPLICATION_ID as TRACE_APPLICATION_ID } from "../../store/sqlite.js";
import type { Batch, PageQuery, PageResult, ResultCounts, ResultStore, RunInfo, ScreenSummary, SiteSummary, SiteTable } from "../types.js";
import {
  checkPageQuery, checkSummaryOptions, compareKeys, fromRow, fromSiteTableRow, groupReasons, histogram, reanalysisRow, RESULTS_PAGE, sortedRows, storedText,
  toSiteTableRow, type ResultRow, type SiteTableRow,
} from "./common.js";

/** "UNSR" */
export const RESULTS_APPLICATION_ID = 0x554e5352;
export const RESULTS_SCHEMA_VERSION = 3;

const MIGRATIONS: ((db: Database.Database) => void)[] = [
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
      CREATE TABLE batches (
        input TEXT NOT NULL, start_pos INTEGER NOT NULL, end_pos INTEGER NOT NULL,
        bytes INTEGER NOT NULL, records INTEGER NOT NULL, done_at TEXT,
        PRIMARY KEY (input, start_pos)
      ) WITHOUT ROWID;
      CREATE INDEX batches_pending ON batches (input, start_pos) WHERE done_at IS NULL;
      CREATE TABLE results (
        input TEXT NOT NULL, record_offset INTEGER NOT NULL,
        url TEXT, site TEXT, date TEXT, title TEXT,
        status TEXT NOT NULL CHECK (status IN ('ok', 'problem')), reason TEXT,
        words INTEGER NOT NULL, score REAL, spin_rate REAL,
        spans TEXT NOT NULL, trace TEXT,
        PRIMARY KEY (input, record_offset)
      );
      CREATE INDEX results_site ON results (site);
      CREATE INDEX results_score ON results (score);
    `);
  },
  // v2: the site-learning pass's tables, one per site learned (site_tables.ts).
  (db) => {
    db.exec(`
      CREATE TABLE site_tables (
        site TEXT PRIMARY KEY, pairs TEXT NOT NULL, reason TEXT,
        pages INTEGER NOT NULL, restored INTEGER NOT NULL, created TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
  // v3: which analysis scored a page: the first stage ("fast") or the full engine; every page before was "full".
  (db) => {
    db.exec(`
      ALTER TABLE results ADD COLUMN stage TEXT CHECK (stage IN ('fast', 'full'));
      UPDATE results SET stage = 'full' WHERE status = 'ok';
    `);
  },
];

export interface SqliteResultOptions {
  create?: boolean;
  readOnly?: boolean;
  /** How long to wait for another writer, ms. Default 10000. */
  busyTimeoutMs?: number;
}

function describe(e: unknown, file: string): Error {
  return describeSqliteError(e, file, { what: "results database", writer: "unspin screen", corrupt: "restore it from a backup or screen into a new file" });
}

/** The filters of `pages` (a null parameter is no filter). */
const PAGE_FILTER = "status = 'ok' AND score IS NOT NULL AND (@site IS NULL OR site = @site) AND (@min IS NULL OR score >= @min) AND (@max IS NULL OR score <= @max)";

export class SqliteResultStore implements ResultStore {
  readonly backend = "sqlite";
  private closed = false;
  private stmts!: ReturnType<SqliteResultStore["prepare"]>;

  private constructor(readonly location: string, private readonly db: Database.Database, readonly readOnly: boolean) {}

  static open(file: string, opts: SqliteResultOptions = {}): SqliteResultStore {
    const abs = path.resolve(file);
    const exists = fs.existsSync(abs);
    if (!exists && !opts.create) throw new InputError(`no screening results at ${file}`);
    if (exists) {
      const st = fs.statSync(abs);
      if (st.isDirectory()) throw new InputError(`${file} is a directory, not a screening results database`);
      if (st.size > 0) {
        const fd = fs.openSync(abs, "r");
        const head = Buffer.alloc(16);
        fs.readSync(fd, head, 0, 16, 0);
        fs.closeSync(fd);
        if (head.toString("latin1") !== "SQLite format 3\0") {
          throw new InputError(`${file} is not a screening results database (not an SQLite file, or corrupt)`);
        }
      }
    } else if (!fs.existsSync(path.dirname(abs))) {
      throw new UnspinError(`cannot create results database ${file}: folder ${path.dirname(abs)} does not exist`);
    }
    let db: Database.Database;
    try {
      db = new Database(abs, { readonly: !!opts.readOnly, fileMustExist: !opts.create, timeout: opts.busyTimeoutMs ?? 10_000 });
    } catch (e) {
      throw describe(e, file);
    }
    const store = new SqliteResultStore(file, db, !!opts.readOnly);
    try {
      store.init();
    } catch (e) {
      db.close();
      throw describe(e, file);
    }
    return store;
  }

  private init(): void {
    const db = this.db;
    const appId = db.pragma("application_id", { simple: true }) as number;
    const version = db.pragma("user_version", { simple: true }) as number;
    const tables = db.prepare("SELECT count(*) FROM sqlite_master").pluck().get() as number;
    if (appId === TRACE_APPLICATION_ID) {
      throw new InputError(`${this.location} is an unspin trace index, not a screening results database`);
    }
    if (appId !== RESULTS_APPLICATION_ID && (tables > 0 || version !== 0)) {
      throw new InputError(`${this.location} is an SQLite database but not unspin screening results (application id ${appId}); refusing to change it`);
    }
    if (version > RESULTS_SCHEMA_VERSION) {
      throw new InputError(`${this.location} was written by a newer unspin (schema ${version}, this one reads up to ${RESULTS_SCHEMA_VERSION}); upgrade unspin`);
    }
    if (!this.readOnly) {
      db.pragma("journal_mode = WAL");
      // NORMAL in WAL mode: a commit survives the process dying (kill -9); only power loss can undo the last ones.
      db.pragma("synchronous = NORMAL");
    }
    if (version < RESULTS_SCHEMA_VERSION) {
      if (this.readOnly) {
        if (version === 0) throw new InputError(`${this.location} is an empty database, not screening results`);
        throw new UnspinError(`${this.location} needs a schema upgrade (v${version} → v${RESULTS_SCHEMA_VERSION}) but is open read-only`);
      }
      db.transaction(() => {
        for (let v = version; v < RESULTS_SCHEMA_VERSION; v++) MIGRATIONS[v](db);
        db.pragma(`application_id = ${RESULTS_APPLICATION_ID}`);
        db.pragma(`user_version = ${RESULTS_SCHEMA_VERSION}`);
      }).immediate();
    }
    this.stmts = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      getMeta: db.prepare("SELECT value FROM meta WHERE key = ?").pluck(),
      setMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
      addBatch: db.prepare("INSERT OR IGNORE INTO batches (input, start_pos, end_pos, bytes, records) VALUES (?, ?, ?, ?, ?)"),
      pending: db.prepare("SELECT input, start_pos, end_pos, bytes, records FROM batches WHERE done_at IS NULL ORDER BY input, start_pos"),
      isDone: db.prepare("SELECT done_at IS NOT NULL FROM batches WHERE input = ? AND start_pos = ?").pluck(),
      markDone: db.prepare("UPDATE batches SET done_at = ? WHERE input = ? AND start_pos = ? AND done_at IS NULL"),
      // Plain INSERT with DO NOTHING on the key only: any other constraint failing fails the batch.
      insertResult: db.prepare(`INSERT INTO results (input, record_offset, url, site, date, title, status, reason, words, score, spin_rate, stage, spans, trace)
        VALUES (@input, @record_offset, @url, @site, @date, @title, @status, @reason, @words, @score, @spin_rate, @stage, @spans, @trace)
        ON CONFLICT (input, record_offset) DO NOTHING`),
      resultCounts: db.prepare(`SELECT count(*) FILTER (WHERE status = 'ok') AS pages, count(*) FILTER (WHERE status = 'problem') AS problems,
        count(*) FILTER (WHERE status = 'ok' AND score >= ?) AS spun, count(*) FILTER (WHERE trace IS NOT NULL) AS traced, count(*) FILTER (WHERE status = 'ok' AND stage = 'fast') AS fast FROM results`),
      batchCounts: db.prepare(`SELECT count(*) FILTER (WHERE done_at IS NOT NULL) AS done, count(*) AS total,
        coalesce(sum(bytes) FILTER (WHERE done_at IS NOT NULL), 0) AS bytesDone, coalesce(sum(bytes), 0) AS bytesTotal FROM batches`),
      histogram: db.prepare(`SELECT CAST(score * @bins AS INTEGER) AS bin, count(*) AS count FROM results
        WHERE status = 'ok' AND score IS NOT NULL GROUP BY 1`),
      sites: db.prepare(`SELECT site, count(*) AS pages, count(*) FILTER (WHERE score >= @t) AS spun,
        count(*) FILTER (WHERE trace IS NOT NULL) AS traced, coalesce(avg(score), 0) AS meanScore
        FROM results WHERE status = 'ok' AND site IS NOT NULL GROUP BY site ORDER BY pages DESC, site LIMIT @n`),
      worst: db.prepare(`SELECT * FROM results WHERE status = 'ok' AND score IS NOT NULL
        ORDER BY score DESC, input, record_offset LIMIT ?`),
      reasons: db.prepare("SELECT reason, count(*) AS count FROM results WHERE status = 'problem' GROUP BY reason"),
      learnable: db.prepare(`SELECT site, count(*) AS pages, count(*) FILTER (WHERE stage = 'full') AS "full" FROM results WHERE status = 'ok' AND site IS NOT NULL
        GROUP BY site HAVING count(*) >= ? ORDER BY pages DESC, site`),
      siteResults: db.prepare("SELECT * FROM results WHERE site = ? AND status = 'ok' ORDER BY input, record_offset"),
      putSiteTable: db.prepare(`INSERT INTO site_tables (site, pairs, reason, pages, restored, created) VALUES (@site, @pairs, @reason, @pages, @restored, @created)
        ON CONFLICT (site) DO UPDATE SET pairs = excluded.pairs, reason = excluded.reason, pages = excluded.pages, restored = excluded.restored, created = excluded.created`),
      reanalyse: db.prepare(`UPDATE results SET words = @words, score = @score, spin_rate = @spin_rate, stage = @stage, spans = @spans
        WHERE input = @input AND record_offset = @record_offset AND status = 'ok'`),
      siteTables: db.prepare("SELECT * FROM site_tables ORDER BY site"),
      pageCount: db.prepare(`SELECT count(*) FROM results WHERE ${PAGE_FILTER}`).pluck(),
      pageWindow: db.prepare(`SELECT * FROM results WHERE ${PAGE_FILTER} ORDER BY score DESC, input, record_offset LIMIT @limit OFFSET @offset`),
      firstPage: db.prepare(`SELECT * FROM results ORDER BY input, record_offset LIMIT ${RESULTS_PAGE}`),
      nextPage: db.prepare(`SELECT * FROM results WHERE (input, record_offset) > (?, ?) ORDER BY input, record_offset LIMIT ${RESULTS_PAGE}`),
    };
  }

  private run<T>(f: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("results store is closed"));
    try {
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(describe(e, this.location));
    }
  }

  private mustWrite(): void {
    if (this.readOnly) throw new UnspinError(`results database ${this.location} is open read-only`);
  }

  getRun(): Promise<RunInfo | null> {
    return this.run(() => {
      const v = this.stmts.getMeta.get("run") as string | undefined;
      return v === undefined ? null : (JSON.parse(v) as RunInfo);
    });
  }

  setRun(run: RunInfo): Promise<void> {
    return this.run(() => {
      this.mustWrite();
      this.stmts.setMeta.run("run", JSON.stringify(run));
    });
  }

  addBatches(batches: Batch[]): Promise<void> {
    return this.run(() => {
      this.mustWrite();
      const { addBatch } = this.stmts;
      this.db.transaction(() => {
        for (const b of batches) addBatch.run(storedText(b.input), b.start, b.end, b.bytes, b.records);
      }).immediate();
    });
  }

  pendingBatches(): Promise<Batch[]> {
    return this.run(() =>
      (this.stmts.pending.all() as { input: string; start_pos: number; end_pos: number; bytes: number; records: number }[])
        .map((r) => ({ input: r.input, start: r.start_pos, end: r.end_pos, bytes: r.bytes, records: r.records })));
  }

  isDone(batch: Pick<Batch, "input" | "start">): Promise<boolean> {
    return this.run(() => this.stmts.isDone.get(storedText(batch.input), batch.start) === 1);
  }

  completeBatch(batch: Batch, results: PageResult[]): Promise<{ written: number; skipped: number }> {
    return this.run(() => {
      this.mustWrite();
      const rows = sortedRows(results);
      const { addBatch, insertResult, markDone } = this.stmts;
      return this.db.transaction(() => {
        let written = 0;
        for (const r of rows) written += insertResult.run(r).changes;
        // A batch nobody planned (or planned by a store that has since lost it) is recorded as it completes.
        const input = storedText(batch.input);
        addBatch.run(input, batch.start, batch.end, batch.bytes, batch.records);
        markDone.run(new Date().toISOString(), input, batch.start);
        return { written, skipped: rows.length - written };
      }).immediate();
    });
  }

  counts(spunThreshold: number): Promise<ResultCounts> {
    return this.run(() => this.countsNow(spunThreshold));
  }

  batchProgress(): Promise<{ done: number; total: number }> {
    return this.run(() => {
      const b = this.stmts.batchCounts.get() as { done: number; total: number };
      return { done: b.done, total: b.total };
    });
  }

  private countsNow(spunThreshold: number): ResultCounts {
    const r = this.stmts.resultCounts.get(spunThreshold) as { pages: number; problems: number; spun: number; traced: number; fast: number };
    const b = this.stmts.batchCounts.get() as { done: number; total: number; bytesDone: number; bytesTotal: number };
    return {
      pages: r.pages, problems: r.problems, spun: r.spun, traced: r.traced, fast: r.fast,
      batchesDone: b.done, batchesTotal: b.total, bytesDone: b.bytesDone, bytesTotal: b.bytesTotal,
    };
  }

  summary(opts: { spunThreshold: number; bins?: number; maxSites?: number; maxPages?: number }): Promise<ScreenSummary> {
    return this.run(() => {
      const { bins, maxSites, maxPages } = checkSummaryOptions(opts);
      // One read transaction: every number of the summary comes from the same snapshot.
      return this.db.transaction((): ScreenSummary => {
        const runText = this.stmts.getMeta.get("run") as string | undefined;
        return {
          run: runText === undefined ? null : JSON.parse(runText),
          counts: this.countsNow(opts.spunThreshold),
          histogram: histogram(bins, this.stmts.histogram.all({ bins }) as { bin: number; count: number }[]),
          sites: this.stmts.sites.all({ t: opts.spunThreshold, n: maxSites }) as SiteSummary[],
          worst: (this.stmts.worst.all(maxPages) as ResultRow[]).map(fromRow),
          problemReasons: groupReasons(this.stmts.reasons.all() as { reason: string | null; count: number }[]),
        };
      }).deferred();
    });
  }

  sitesWithPages(minPages: number): Promise<{ site: string; pages: number; full: number }[]> {
    return this.run(() => this.stmts.learnable.all(minPages) as { site: string; pages: number; full: number }[]);
  }

  siteResults(site: string): Promise<PageResult[]> {
    return this.run(() => (this.stmts.siteResults.all(storedText(site)) as ResultRow[]).map(fromRow));
  }

  putSiteTable(table: SiteTable, results: PageResult[]): Promise<{ updated: number }> {
    return this.run(() => {
      this.mustWrite();
      const rows = results.map(reanalysisRow).sort((a, b) => compareKeys(a.input, b.input) || a.record_offset - b.record_offset);
      const { putSiteTable, reanalyse } = this.stmts;
      return this.db.transaction(() => {
        let updated = 0;
        for (const r of rows) updated += reanalyse.run(r).changes;
        putSiteTable.run(toSiteTableRow(table));
        return { updated };
      }).immediate();
    });
  }

  siteTables(): Promise<SiteTable[]> {
    return this.run(() => (this.stmts.siteTables.all() as SiteTableRow[]).map(fromSiteTableRow));
  }

  pages(query: PageQuery): Promise<{ total: number; pages: PageResult[] }> {
    return this.run(() => {
      const q = checkPageQuery(query);
      // One read transaction: the total and the window from the same snapshot.
      return this.db.transaction(() => ({
        total: this.stmts.pageCount.get(q) as number,
        pages: (this.stmts.pageWindow.all(q) as ResultRow[]).map(fromRow),
      })).deferred();
    });
  }

  async *results(): AsyncIterable<PageResult> {
    // Pages by key rather than one open statement: the connection stays free for writes
    // between pages, and memory stays at one page.
    let page = (await this.run(() => this.stmts.firstPage.all())) as ResultRow[];
    while (page.length > 0) {
      for (const r of page) yield fromRow(r);
      if (page.length < RESULTS_PAGE) return;
      const last = page[page.length - 1];
      page = (await this.run(() => this.stmts.nextPage.all(last.input, last.record_offset))) as ResultRow[];
    }
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
