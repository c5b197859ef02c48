/** Store entry points: open a store by location; read learned substitutions for the restorer. */
import { InputError, UnspinError } from "../errors.js";
import { isPostgresUrl } from "./pg-common.js";
import { PostgresStore, type PostgresOptions } from "./postgres.js";
import { SqliteStore, type SqliteOptions } from "./sqlite.js";
import type { ChannelPair, TraceStore } from "./types.js";

export type { ChannelPair, TraceStore, StoreStats, StoredDocument, NewDocument, TraceRecord } from "./types.js";
export { SqliteStore, SCHEMA_VERSION, APPLICATION_ID } from "./sqlite.js";
export { PostgresStore, PG_SCHEMA_VERSION, PG_DEFAULT_SCHEMA } from "./postgres.js";
export { isPostgresUrl } from "./pg-common.js";

export type StoreOptions = SqliteOptions & PostgresOptions;

/** application_id of a screening results database (src/screen/results/sqlite.ts), named in a refusal. */
const RESULTS_APPLICATION_ID = 0x554e5352;

/**
 * Open a store: a `postgres://` or `postgresql://` URL selects the PostgreSQL back end
 * (schema `unspin_index`, or `?schema=NAME`), anything else is an SQLite file.
 */
export async function openStore(location: string, opts: StoreOptions = {}): Promise<TraceStore> {
  if (isPostgresUrl(location)) return PostgresStore.open(location, opts);
  try {
    return SqliteStore.open(location, opts);
  } catch (e) {
    // SQLite's refusal names the application id; a results database deserves its name.
    const m = e instanceof UnspinError && /not an unspin index \(application id (-?\d+)\)/.exec(e.message);
    if (m && Number(m[1]) === RESULTS_APPLICATION_ID) {
      throw new InputError(`${location} is an unspin screening results database, not a trace index`);
    }
    throw e;
  }
}

/**
 * The substitution counts learned from confirmed traces (`unspin learn`), for the
 * restorer's channel model: `restore --db PATH`. Opens the store read-only.
 */
export async function learnedSubstitutions(location: string): Promise<ChannelPair[]> {
  const store = await openStore(location, { readOnly: true });
  try {
    return await store.learnedSubstitutions();
  } finally {
    await store.close();
  }
}
