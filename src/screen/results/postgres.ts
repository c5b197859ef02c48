/**
 * PostgreSQL result store: screening on many machines into one database.
 *
 * Tables in one schema (default `unspin_results`, or `?schema=NAME`), tagged in its `store`
 * table. `completeBatch` is one transaction: its INSERT … ON CONFLICT DO NOTHING on the
 * (input, offset) key makes a second writer of the same rows wait for the first and then skip
 * them, and the done mark commits with the rows. Rows are sorted by key before they are
 * inserted, so two writers of overlapping batches take row locks in the same order.
 * Keys are COLLATE "C": byte order, the same order SQLite gives.
 */
import type pg from "pg";
import { UnspinError } from "../../errors.js";
import {
  describePgError, ident, openPool, parsePgLocation, prepareSchema, transaction,
  type PgLocation, type PoolOptions, type SchemaSpec,
} from "../../store/pg-common.js";
import type { Batch, PageQuery, PageResult, ResultCounts, ResultStore, RunInfo, ScreenSummary, SiteTable } from "../types.js";
import {
  checkPageQuery, checkSummaryOptions, compareKeys, fromRow, fromSiteTableRow, groupReasons, histogram, reanalysisRow, RESULTS_PAGE, sortedRows, storedText,
  toSiteTableRow, type ResultRow, type SiteTableRow,
} from "./common.js";

export const PG_RESULTS_SCHEMA_VERSION = 3;
export const PG_RESULTS_DEFAULT_SCHEMA = "unspin_results";
/** Rows per INSERT statement inside a batch's transaction (a few MB of JSON at most). */
const ROWS_PER_INSERT = 1000;

const MIGRATIONS: SchemaSpec["migrations"] = [
  async (c, s) => {
    await c.query(`
      CREATE TABLE ${s}.store (application text NOT NULL, schema_version integer NOT NULL, created timestamptz NOT NULL DEFAULT now());
      INSERT INTO ${s}.store (application, schema_version) VALUES ('unspin-results', 0);
      CREATE TABLE ${s}.meta (key text COLLATE "C" PRIMARY KEY, value text NOT NULL);
      CREATE TABLE ${s}.batches (
        input text COLLATE "C" NOT NULL, start_pos bigint NOT NULL, end_pos bigint NOT NULL,
        bytes bigint NOT NULL, records integer NOT NULL, done_at timestamptz,
        PRIMARY KEY (input, start_pos)
      );
      CREATE INDEX batches_pending ON ${s}.batches (input, start_pos) WHERE done_at IS NULL;
      CREATE TABLE ${s}.results (
        input text COLLATE "C" NOT NULL, record_offset bigint NOT NULL,
        url text, site text COLLATE "C", date text, title text,
        status text NOT NULL CHECK (status IN ('ok', 'problem')), reason text,
        words integer NOT NULL, score double precision, spin_rate double precision,
        spans json NOT NULL, trace json,
        PRIMARY KEY (input, record_offset)
      );
      CREATE INDEX results_site ON ${s}.results (site);
      CREATE INDEX results_score ON ${s}.results (score);
    `);
  },
  // v2: the site-learning pass's tables, one per site learned (site_tables.ts).
  async (c, s) => {
    await c.query(`
      CREATE TABLE ${s}.site_tables (
        site text COLLATE "C" PRIMARY KEY, pairs text NOT NULL, reason text,
        pages integer NOT NULL, restored integer NOT NULL, created text NOT NULL
      );
    `);
  },
  // v3: which analysis scored a page: the first stage ("fast") or the full engine; every page before was "full".
  async (c, s) => {
    await c.query(`
      ALTER TABLE ${s}.results ADD COLUMN stage text CHECK (stage IN ('fast', 'full'));
      UPDATE ${s}.results SET stage = 'full' WHERE status = 'ok';
    `);
  },
];

export interface PostgresResultOptions extends PoolOptions {
  create?: boolean;
}

interface BatchRow {
  input: string;
  start_pos: string;
  end_pos: string;
  bytes: string;
  records: number;
}

export class PostgresResultStore implements ResultStore {
  readonly backend = "postgres";
  readonly location: string;
  private closed = false;
  private readonly s: string;

  private constructor(private readonly loc: PgLocation, private readonly pool: pg.Pool, readonly readOnly: boolean) {
    this.location = loc.display;
    this.s = ident(loc.schema);
  }

  static async open(url: string, opts: PostgresResultOptions & { readOnly?: boolean } = {}): Promise<PostgresResultStore> {
    const loc = parsePgLocation(url, PG_RESULTS_DEFAULT_SCHEMA);
    let pool: pg.Pool | undefined;
    try {
      pool = await openPool(loc, opts);
      await prepareSchema(pool, loc, {
        application: "unspin-results",
        version: PG_RESULTS_SCHEMA_VERSION,
        migrations: MIGRATIONS,
        missing: `no screening results at ${loc.display} (schema ${loc.schema} does not exist)`,
      }, opts);
    } catch (e) {
      await pool?.end().catch(() => {});
      throw describePgError(e, loc, "results store");
    }
    return new PostgresResultStore(loc, pool, !!opts.readOnly);
  }

  private async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error("results store is closed");
    try {
      return await f();
    } catch (e) {
      throw describePgError(e, this.loc, "results store");
    }
  }

  private mustWrite(): void {
    if (this.readOnly) throw new UnspinError(`results store ${this.location} is open read-only`);
  }

  getRun(): Promise<RunInfo | null> {
    return this.run(async () => {
      const r = await this.pool.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = 'run'`);
      return r.rows.length ? (JSON.parse(r.rows[0].value) as RunInfo) : null;
    });
  }

  setRun(run: RunInfo): Promise<void> {
    return this.run(async () => {
      this.mustWrite();
      await this.pool.query(
        `INSERT INTO ${this.s}.meta (key, value) VALUES ('run', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [JSON.stringify(run)]);
    });
  }

  private async insertBatches(c: pg.Pool | pg.PoolClient, batches: Batch[]): Promise<void> {
    for (let k = 0; k < batches.length; k += ROWS_PER_INSERT) {
      const part = batches.slice(k, k + ROWS_PER_INSERT);
      await c.query(
        `INSERT INTO ${this.s}.batches (input, start_pos, end_pos, bytes, records)
         SELECT * FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::int4[])
         ON CONFLICT (input, start_pos) DO NOTHING`,
        [part.map((b) => storedText(b.input)), part.map((b) => b.start), part.map((b) => b.end), part.map((b) => b.bytes), part.map((b) => b.records)]);
    }
  }

  addBatches(batches: Batch[]): Promise<void> {
    return this.run(async () => {
      this.mustWrite();
      if (batches.length === 0) return;
      await transaction(this.pool, (c) => this.insertBatches(c, batches));
    });
  }

  pendingBatches(): Promise<Batch[]> {
    return this.run(async () => {
      const r = await this.pool.query<BatchRow>(
        `SELECT input, start_pos, end_pos, bytes, records FROM ${this.s}.batches WHERE done_at IS NULL ORDER BY input, start_pos`);
      return r.rows.map((b) => ({ input: b.input, start: Number(b.start_pos), end: Number(b.end_pos), bytes: Number(b.bytes), records: b.records }));
    });
  }

  isDone(batch: Pick<Batch, "input" | "start">): Promise<boolean> {
    return this.run(async () => {
      const r = await this.pool.query<{ done: boolean }>(
        `SELECT done_at IS NOT NULL AS done FROM ${this.s}.batches WHERE input = $1 AND start_pos = $2`, [storedText(batch.input), batch.start]);
      return r.rows[0]?.done === true;
    });
  }

  completeBatch(batch: Batch, results: PageResult[]): Promise<{ written: number; skipped: number }> {
    return this.run(async () => {
      this.mustWrite();
      const rows = sortedRows(results);
      return transaction(this.pool, async (c) => {
        let written = 0;
        for (let k = 0; k < rows.length; k += ROWS_PER_INSERT) {
          // Rows as one JSON parameter: JSON.stringify is native, and beats pg's escaping of
          // thirteen arrays by about a third. json_to_recordset cannot turn \u0000 into text:
          // text columns hold none (storedText), and spans and trace travel as strings of
          // their JSON text, cast to json only by the INSERT.
          const json = JSON.stringify(rows.slice(k, k + ROWS_PER_INSERT).map((r, n) => ({ ...r, n })));
          const res = await c.query(
            `INSERT INTO ${this.s}.results (input, record_offset, url, site, date, title, status, reason, words, score, spin_rate, stage, spans, trace)
             SELECT input, record_offset, url, site, date, title, status, reason, words, score, spin_rate, stage, spans::json, trace::json
               FROM json_to_recordset($1::json) AS t(input text, record_offset int8, url text, site text, date text,
                    title text, status text, reason text, words int4, score float8, spin_rate float8, stage text, spans text, trace text, n int8)
              ORDER BY n
             ON CONFLICT (input, record_offset) DO NOTHING`,
            [json]);
          written += res.rowCount ?? 0;
        }
        // The batch row too: a batch nobody planned is recorded as it completes.
        await this.insertBatches(c, [batch]);
        await c.query(`UPDATE ${this.s}.batches SET done_at = now() WHERE input = $1 AND start_pos = $2 AND done_at IS NULL`,
          [storedText(batch.input), batch.start]);
        return { written, skipped: rows.length - written };
      });
    });
  }

  counts(spunThreshold: number): Promise<ResultCounts> {
    return this.run(() => this.countsWith(this.pool, spunThreshold));
  }

  batchProgress(): Promise<{ done: number; total: number }> {
    return this.run(async () => {
      const b = (await this.pool.query<Record<string, string>>(`SELECT count(*) FILTER (WHERE done_at IS NOT NULL) AS done, count(*) AS total FROM ${this.s}.batches`)).rows[0];
      return { done: Number(b.done), total: Number(b.total) };
    });
  }

  private async countsWith(c: pg.Pool | pg.PoolClient, spunThreshold: number): Promise<ResultCounts> {
    const r = (await c.query<Record<string, string>>(`
      SELECT count(*) FILTER (WHERE status = 'ok') AS pages, count(*) FILTER (WHERE status = 'problem') AS problems,
             count(*) FILTER (WHERE status = 'ok' AND score >= $1) AS spun, count(*) FILTER (WHERE trace IS NOT NULL) AS traced,
             count(*) FILTER (WHERE status = 'ok' AND stage = 'fast') AS fast
        FROM ${this.s}.results`, [spunThreshold])).rows[0];
    const b = (await c.query<Record<string, string>>(`
      SELECT count(*) FILTER (WHERE done_at IS NOT NULL) AS done, count(*) AS total,
             coalesce(sum(bytes) FILTER (WHERE done_at IS NOT NULL), 0) AS bytes_done, coalesce(sum(bytes), 0) AS bytes_total
        FROM ${this.s}.batches`)).rows[0];
    return {
      pages: Number(r.pages), problems: Number(r.problems), spun: Number(r.spun), traced: Number(r.traced), fast: Number(r.fast),
      batchesDone: Number(b.done), batchesTotal: Number(b.total), bytesDone: Number(b.bytes_done), bytesTotal: Number(b.bytes_total),
    };
  }

  summary(opts: { spunThreshold: number; bins?: number; maxSites?: number; maxPages?: number }): Promise<ScreenSummary> {
    return this.run(async () => {
      const { bins, maxSites, maxPages } = checkSummaryOptions(opts);
      const c = await this.pool.connect();
      try {
        // One snapshot for every number of the summary, as in SQLite.
        await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const run = (await c.query<{ value: string }>(`SELECT value FROM ${this.s}.meta WHERE key = 'run'`)).rows[0];
        const counts = await this.countsWith(c, opts.spunThreshold);
        const hist = (await c.query<{ bin: number; count: string }>(
          `SELECT floor(score * $1)::int AS bin, count(*) AS count FROM ${this.s}.results
            WHERE status = 'ok' AND score IS NOT NULL GROUP BY 1`, [bins])).rows;
        const sites = (await c.query<{ site: string; pages: string; spun: string; traced: string; mean: number }>(
          `SELECT site, count(*) AS pages, count(*) FILTER (WHERE score >= $1) AS spun,
                  count(*) FILTER (WHERE trace IS NOT NULL) AS traced, coalesce(avg(score), 0) AS mean
             FROM ${this.s}.results WHERE status = 'ok' AND site IS NOT NULL
            GROUP BY site ORDER BY count(*) DESC, site LIMIT $2`, [opts.spunThreshold, maxSites])).rows;
        const worst = (await c.query<ResultRow>(
          `SELECT * FROM ${this.s}.results WHERE status = 'ok' AND score IS NOT NULL
            ORDER BY score DESC, input, record_offset LIMIT $1`, [maxPages])).rows;
        const reasons = (await c.query<{ reason: string | null; count: string }>(
          `SELECT reason, count(*) AS count FROM ${this.s}.results WHERE status = 'problem' GROUP BY reason`)).rows;
        await c.query("COMMIT");
        return {
          run: run ? (JSON.parse(run.value) as RunInfo) : null,
          counts,
          histogram: histogram(bins, hist.map((h) => ({ bin: h.bin, count: Number(h.count) }))),
          sites: sites.map((s) => ({ site: s.site, pages: Number(s.pages), spun: Number(s.spun), traced: Number(s.traced), meanScore: s.mean })),
          worst: worst.map(fromRow),
          problemReasons: groupReasons(reasons.map((r) => ({ reason: r.reason, count: Number(r.count) }))),
        };
      } catch (e) {
        await c.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    });
  }

  sitesWithPages(minPages: number): Promise<{ site: string; pages: number; full: number }[]> {
    return this.run(async () => {
      const r = await this.pool.query<{ site: string; pages: string; full: string }>(
        `SELECT site, count(*) AS pages, count(*) FILTER (WHERE stage = 'full') AS "full" FROM ${this.s}.results WHERE status = 'ok' AND site IS NOT NULL
          GROUP BY site HAVING count(*) >= $1 ORDER BY count(*) DESC, site`, [minPages]);
      return r.rows.map((x) => ({ site: x.site, pages: Number(x.pages), full: Number(x.full) }));
    });
  }

  siteResults(site: string): Promise<PageResult[]> {
    return this.run(async () => (await this.pool.query<ResultRow>(
      `SELECT * FROM ${this.s}.results WHERE site = $1 AND status = 'ok' ORDER BY input, record_offset`, [storedText(site)])).rows.map(fromRow));
  }

  putSiteTable(table: SiteTable, results: PageResult[]): Promise<{ updated: number }> {
    return this.run(async () => {
      this.mustWrite();
      // Key order, as in completeBatch: concurrent writers lock rows in the same order.
      const rows = results.map(reanalysisRow).sort((a, b) => compareKeys(a.input, b.input) || a.record_offset - b.record_offset);
      return transaction(this.pool, async (c) => {
        let updated = 0;
        for (let k = 0; k < rows.length; k += ROWS_PER_INSERT) {
          const res = await c.query(
            `UPDATE ${this.s}.results AS r SET words = t.words, score = t.score, spin_rate = t.spin_rate, stage = t.stage, spans = t.spans::json
               FROM json_to_recordset($1::json) AS t(input text, record_offset int8, words int4, score float8, spin_rate float8, stage text, spans text)
              WHERE r.input = t.input AND r.record_offset = t.record_offset AND r.status = 'ok'`,
            [JSON.stringify(rows.slice(k, k + ROWS_PER_INSERT))]);
          updated += res.rowCount ?? 0;
        }
        const t = toSiteTableRow(table);
        await c.query(
          `INSERT INTO ${this.s}.site_tables (site, pairs, reason, pages, restored, created) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (site) DO UPDATE SET pairs = excluded.pairs, reason = excluded.reason, pages = excluded.pages,
             restored = excluded.restored, created = excluded.created`,
          [t.site, t.pairs, t.reason, t.pages, t.restored, t.created]);
        return { updated };
      });
    });
  }

  siteTables(): Promise<SiteTable[]> {
    return this.run(async () => (await this.pool.query<SiteTableRow>(`SELECT * FROM ${this.s}.site_tables ORDER BY site`)).rows.map(fromSiteTableRow));
  }

  pages(query: PageQuery): Promise<{ total: number; pages: PageResult[] }> {
    return this.run(async () => {
      const q = checkPageQuery(query);
      const filter = `status = 'ok' AND score IS NOT NULL AND ($1::text IS NULL OR site = $1) AND ($2::float8 IS NULL OR score >= $2) AND ($3::float8 IS NULL OR score <= $3)`;
      const params = [q.site, q.min, q.max];
      const c = await this.pool.connect();
      try {
        // The total and the window from one snapshot, as in SQLite.
        await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        const total = (await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.s}.results WHERE ${filter}`, params)).rows[0];
        const rows = (await c.query<ResultRow>(
          `SELECT * FROM ${this.s}.results WHERE ${filter} ORDER BY score DESC, input, record_offset LIMIT $4 OFFSET $5`, [...params, q.limit, q.offset])).rows;
        await c.query("COMMIT");
        return { total: Number(total.n), pages: rows.map(fromRow) };
      } catch (e) {
        await c.query("ROLLBACK").catch(() => {});
        throw e;
      } finally {
        c.release();
      }
    });
  }

  async *results(): AsyncIterable<PageResult> {
    // Pages by key, each its own query: no cursor holds a connection or a snapshot open
    // while the caller works through a million rows.
    let last: ResultRow | undefined;
    for (;;) {
      const page: ResultRow[] = await this.run(async () => (last
        ? await this.pool.query<ResultRow>(
          `SELECT * FROM ${this.s}.results WHERE (input, record_offset) > ($1, $2) ORDER BY input, record_offset LIMIT ${RESULTS_PAGE}`,
          [last.input, last.record_offset])
        : await this.pool.query<ResultRow>(`SELECT * FROM ${this.s}.results ORDER BY input, record_offset LIMIT ${RESULTS_PAGE}`)).rows);
      for (const r of page) yield fromRow(r);
      if (page.length < RESULTS_PAGE) return;
      last = page[page.length - 1];
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
