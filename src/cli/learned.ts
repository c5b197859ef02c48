/** `--db PATH` and `--channel TABLE` for check/restore/screen: learned substitutions. */
import { existsSync } from "node:fs";
import { InputError } from "../errors.js";
import type { LearnedPair } from "../decode/learned.js";
import { combineTables, readChannelTable } from "../decode/table.js";

export async function learnedPairsFrom(db: string): Promise<LearnedPair[]> {
  // The stores (SQLite, PostgreSQL) are loaded only when an index is given.
  const { isPostgresUrl, learnedSubstitutions } = await import("../store/index.js");
  if (!isPostgresUrl(db) && !existsSync(db)) throw new InputError(`no index at ${db} (create one with: unspin index add ...)`);
  return learnedSubstitutions(db);
}

/** The pairs of a trace index and of channel tables, combined; undefined when none is given. */
export async function learnedPairs(db: string | undefined, tables: readonly string[] = []): Promise<LearnedPair[] | undefined> {
  if (db === undefined && tables.length === 0) return undefined;
  const parts = tables.map(readChannelTable);
  if (db !== undefined) parts.push({ meta: {}, pairs: (await learnedPairsFrom(db)).map((p) => ({ ...p, source: "traced" as const })) });
  return combineTables(parts);
}

/** Commander collector for a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
