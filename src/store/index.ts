/** Store entry points: open a store by location; read learned substitutions for the restorer. */
import { UnspinError } from "../errors.js";
import { SqliteStore, type SqliteOptions } from "./sqlite.js";
import type { ChannelPair, TraceStore } from "./types.js";

export type { ChannelPair, TraceStore, StoreStats, StoredDocument, NewDocument, TraceRecord } from "./types.js";
export { SqliteStore, SCHEMA_VERSION, APPLICATION_ID } from "./sqlite.js";

/**
 * Open a store. Today every location is an SQLite file; a `postgres://` URL would select
 * a PostgreSQL back end implementing the same TraceStore interface.
 */
export function openStore(location: string, opts: SqliteOptions = {}): TraceStore {
  if (/^postgres(ql)?:\/\//.test(location)) {
    throw new UnspinError("PostgreSQL back end not implemented yet: use an SQLite file path");
  }
  return SqliteStore.open(location, opts);
}

/**
 * The substitution counts learned from confirmed traces (`unspin learn`), for the
 * restorer's channel model: `restore --db PATH`. Opens the store read-only.
 */
export async function learnedSubstitutions(location: string): Promise<ChannelPair[]> {
  const store = openStore(location, { readOnly: true });
  try {
    return await store.learnedSubstitutions();
  } finally {
    await store.close();
  }
}
