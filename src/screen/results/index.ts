/**
 * Result stores: where `unspin screen` writes its per-page results. An SQLite file for one
 * machine; a `postgres://` or `postgresql://` URL (schema `unspin_results`, or `?schema=NAME`)
 * for many. Both implement ResultStore and pass the same contract (contract.ts).
 */
import { isPostgresUrl } from "../../store/pg-common.js";
import type { ResultStore } from "../types.js";
import { PostgresResultStore } from "./postgres.js";
import { SqliteResultStore } from "./sqlite.js";

export { SqliteResultStore, RESULTS_APPLICATION_ID, RESULTS_SCHEMA_VERSION } from "./sqlite.js";
export { PostgresResultStore, PG_RESULTS_SCHEMA_VERSION, PG_RESULTS_DEFAULT_SCHEMA } from "./postgres.js";

export interface OpenResultStoreOptions {
  /** Create the store when missing (a new run). Default: false. */
  create?: boolean;
  /** Read only (reports, export). */
  readOnly?: boolean;
  /** SQLite: how long to wait for another writer, ms. */
  busyTimeoutMs?: number;
  /** PostgreSQL: connections in this process's pool. Default 4. */
  maxConnections?: number;
  /** PostgreSQL: how long to wait for a connection, ms. */
  connectTimeoutMs?: number;
}

export async function openResultStore(location: string, opts: OpenResultStoreOptions = {}): Promise<ResultStore> {
  if (isPostgresUrl(location)) return PostgresResultStore.open(location, opts);
  return SqliteResultStore.open(location, opts);
}
