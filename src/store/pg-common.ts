/**
 * What the PostgreSQL back ends share: reading a location URL, the connection pool,
 * transactions retried on deadlock, and turning driver errors into one-line UnspinErrors.
 *
 * A location is a libpq-style URL, `postgres://user:password@host:port/database`, with one
 * addition: `?schema=NAME` selects the schema that holds the store (default: one per kind of
 * store), so a trace index and screening results, or several of each, can share a database.
 */
import pg from "pg";
import { InputError, UnspinError } from "../errors.js";

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface PgLocation {
  /** Connection string given to `pg`, without our `schema` parameter. */
  connectionString: string;
  schema: string;
  /** The URL without its password, for messages and `store.location`. */
  display: string;
  /** host:port (or socket folder:port), for messages. */
  server: string;
  host: string;
  port: string;
  user: string;
  database: string;
}

export function parsePgLocation(location: string, defaultSchema: string): PgLocation {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new InputError(`not a valid PostgreSQL URL: ${redact(location)} (expected postgres://user@host:port/database)`);
  }
  const schema = url.searchParams.get("schema") ?? defaultSchema;
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new InputError(`schema "${schema}" in ${redact(location)}: use letters, digits and _ (at most 63)`);
  }
  url.searchParams.delete("schema");
  const host = decodeURIComponent(url.hostname) || url.searchParams.get("host") || process.env.PGHOST || "localhost";
  const port = url.port || url.searchParams.get("port") || process.env.PGPORT || "5432";
  const user = decodeURIComponent(url.username) || url.searchParams.get("user") || process.env.PGUSER || process.env.USER || "postgres";
  const database = decodeURIComponent(url.pathname.replace(/^\//, "")) || url.searchParams.get("dbname") || user;
  const display = new URL(url.href);
  if (display.password) display.password = "***";
  if (schema !== defaultSchema) display.searchParams.set("schema", schema);
  return {
    connectionString: url.href,
    schema,
    display: display.href,
    server: host.startsWith("/") ? `${host} port ${port}` : `${host}:${port}`,
    host,
    port,
    user,
    database,
  };
}

function redact(s: string): string {
  return s.replace(/\/\/([^:@/]*):[^@/]*@/, "//$1:***@");
}

/** Double-quoted SQL identifier (schema names are checked by parsePgLocation; this is for safety). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface PoolOptions {
  readOnly?: boolean;
  /** Connections in the pool. Default 4. */
  maxConnections?: number;
  /** How long to wait for a connection, ms. Default 15000. */
  connectTimeoutMs?: number;
}

/**
 * A connection pool, after one connection of our own has logged in: a login that fails inside
 * pg's SASL exchange (no password given) leaves pg's socket open until the server's
 * authentication timeout (a minute), holding the process; our own client's socket we can close.
 */
export async function openPool(loc: PgLocation, opts: PoolOptions): Promise<pg.Pool> {
  const config: pg.PoolConfig = {
    connectionString: loc.connectionString,
    max: opts.maxConnections ?? 4,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 15000,
    idleTimeoutMillis: 30000,
    application_name: "unspin",
    // The server enforces read-only too, so a bug cannot write through a read-only store.
    ...(opts.readOnly ? { options: "-c default_transaction_read_only=on" } : {}),
  };
  const probe = new pg.Client(config);
  probe.on("error", () => {});
  try {
    await probe.connect();
  } catch (e) {
    (probe as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    throw e;
  }
  await probe.end();
  const pool = new pg.Pool(config);
  // An idle connection that drops (server restart) emits 'error' on the pool; without a
  // listener that would end the process. The next query reports the problem instead.
  pool.on("error", () => {});
  return pool;
}

/** Serialisation failures and deadlocks abort a transaction that is safe to run again. */
const RETRYABLE = new Set(["40001", "40P01"]);

/** Run `f` in a transaction; retried (whole) on deadlock or serialisation failure. */
export async function transaction<T>(pool: pg.Pool, f: (c: pg.PoolClient) => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const c = await pool.connect();
    let broken: Error | undefined;
    try {
      await c.query("BEGIN");
      const r = await f(c);
      await c.query("COMMIT");
      return r;
    } catch (e) {
      try {
        await c.query("ROLLBACK");
      } catch (e2) {
        broken = e2 as Error;
      }
      const code = (e as { code?: string }).code;
      if (code && RETRYABLE.has(code) && attempt < attempts) {
        await new Promise((r) => setTimeout(r, 10 * attempt * Math.random()));
        continue;
      }
      throw e;
    } finally {
      c.release(broken);
    }
  }
}

/** A driver or server error as a one-line UnspinError naming the server (`what`: "index", "results"). */
export function describePgError(e: unknown, loc: PgLocation, what: string): Error {
  if (e instanceof UnspinError) return e;
  const err = e as { code?: string; message?: string; errno?: number };
  const code = err.code ?? "";
  const msg = (err.message ?? String(e)).split("\n")[0];
  const at = `PostgreSQL at ${loc.server}`;
  switch (code) {
    case "ECONNREFUSED":
      return new UnspinError(`cannot connect to ${at}: connection refused (is the server running and listening there?)`);
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new UnspinError(`cannot connect to ${at}: host not found`);
    case "ENOENT":
      return new UnspinError(`cannot connect to ${at}: no server socket there (is the server running?)`);
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return new UnspinError(`cannot connect to ${at}: ${code === "ETIMEDOUT" ? "timed out" : "host unreachable"}`);
    case "ECONNRESET":
    case "EPIPE":
      return new UnspinError(`lost the connection to ${at}: ${msg}`);
    case "28P01":
      return new UnspinError(`${at} refused user "${loc.user}": wrong password (check the user and password in the URL, or ~/.pgpass)`);
    case "28000":
      return new UnspinError(`${at} refused user "${loc.user}": ${msg}`);
    case "3D000":
      return new InputError(`${at} has no database "${loc.database}" (create it: createdb -h ${loc.host} -p ${loc.port} ${loc.database})`);
    case "42501":
      return new UnspinError(`permission denied on ${at} for user "${loc.user}": ${msg}`);
    case "25006":
      return new UnspinError(`${what} ${loc.display} is open read-only: ${msg}`);
    case "53300":
      return new UnspinError(`${at} has too many connections: ${msg}`);
    case "57P01":
    case "57P02":
    case "57P03":
      return new UnspinError(`${at} is shutting down or starting up: ${msg}`);
    case "53100":
      return new UnspinError(`${at} is out of disk space: ${msg}`);
  }
  if (/password must be a string|SASL|no password supplied/i.test(msg)) {
    return new UnspinError(`${at} wants a password for user "${loc.user}": put it in the URL (postgres://user:password@host/db) or in ~/.pgpass`);
  }
  if (/timeout expired|connection timeout/i.test(msg)) {
    return new UnspinError(`cannot connect to ${at}: timed out`);
  }
  if (/Connection terminated/i.test(msg)) {
    return new UnspinError(`lost the connection to ${at}: ${msg}`);
  }
  return e instanceof Error ? e : new Error(msg);
}

export interface SchemaState {
  /** The store's application tag, undefined when the schema holds no store. */
  application?: string;
  version: number;
  /** Tables in the schema (0 when it does not exist). */
  tables: number;
}

/** What the schema holds: an unspin store (tagged in its `store` table), nothing, or other tables. */
export async function schemaState(c: pg.ClientBase, schema: string): Promise<SchemaState> {
  const t = await c.query<{ n: number; has: boolean }>(
    `SELECT count(*)::int AS n, coalesce(bool_or(table_name = 'store'), false) AS has
       FROM information_schema.tables WHERE table_schema = $1`, [schema]);
  const { n, has } = t.rows[0];
  if (!has) return { version: 0, tables: n };
  const r = await c.query<{ application: string; schema_version: number }>(
    `SELECT application, schema_version FROM ${ident(schema)}.store LIMIT 1`);
  if (r.rows.length === 0) return { version: 0, tables: n };
  return { application: r.rows[0].application, version: r.rows[0].schema_version, tables: n };
}

/** Tags of the kinds of store (the `store` table's `application`), and their names in messages. */
export const PG_APPLICATIONS: Record<string, string> = {
  "unspin-index": "trace index",
  "unspin-results": "screening results store",
};

export interface SchemaSpec {
  /** Tag in the `store` table (a key of PG_APPLICATIONS). */
  application: string;
  version: number;
  /** MIGRATIONS[v] takes the schema from version v to v + 1 (MIGRATIONS[0] creates it). */
  migrations: ((c: pg.ClientBase, s: string) => Promise<void>)[];
  /** Message when the store does not exist and may not be created. */
  missing: string;
}

/**
 * Check the schema's store and create or migrate it (`create`). Serialised across processes
 * by an advisory lock, so that workers starting together create it once.
 */
export async function prepareSchema(pool: pg.Pool, loc: PgLocation, spec: SchemaSpec, opts: { create?: boolean; readOnly?: boolean }): Promise<void> {
  const where = `schema ${loc.schema} of ${loc.display}`;
  const kind = PG_APPLICATIONS[spec.application];
  const check = (st: SchemaState): boolean => {
    if (st.application !== undefined && st.application !== spec.application) {
      const other = PG_APPLICATIONS[st.application] ?? `store "${st.application}"`;
      throw new InputError(`${where} holds an unspin ${other}, not a ${kind}; use another database or ?schema=NAME`);
    }
    if (st.application === undefined && st.tables > 0) {
      throw new InputError(`${where} holds other tables, not an unspin ${kind}; refusing to change it (choose an empty schema with ?schema=NAME)`);
    }
    if (st.version > spec.version) {
      throw new InputError(`${where} was written by a newer unspin (schema ${st.version}, this one reads up to ${spec.version}); upgrade unspin`);
    }
    if (st.application === undefined && !opts.create) throw new InputError(spec.missing);
    if (st.version < spec.version && st.application !== undefined && opts.readOnly) {
      throw new UnspinError(`${where} needs a schema upgrade (v${st.version} → v${spec.version}) but is open read-only`);
    }
    return st.version === spec.version;
  };
  const c = await pool.connect();
  try {
    if (check(await schemaState(c, loc.schema))) return;
  } finally {
    c.release();
  }
  await transaction(pool, async (c) => {
    await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`unspin schema ${loc.schema}`]);
    const st = await schemaState(c, loc.schema);
    if (check(st)) return;
    const s = ident(loc.schema);
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    for (let v = st.version; v < spec.version; v++) await spec.migrations[v](c, s);
    await c.query(`UPDATE ${s}.store SET schema_version = $1`, [spec.version]);
  });
}
