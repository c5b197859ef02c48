/** `--db PATH` for check/restore: the substitutions `unspin learn` stored in a trace index. */
import { existsSync } from "node:fs";
import { isPostgresUrl, learnedSubstitutions } from "../store/index.js";
import { InputError } from "../errors.js";
import type { LearnedPair } from "../decode/learned.js";

export async function learnedPairsFrom(db: string): Promise<LearnedPair[]> {
  if (!isPostgresUrl(db) && !existsSync(db)) throw new InputError(`no index at ${db} (create one with: unspin index add ...)`);
  return learnedSubstitutions(db);
}
