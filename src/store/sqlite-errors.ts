/** SQLite failures as one-line user errors, shared by the trace index and the result store. */
import { InputError, UnspinError } from "../errors.js";

export interface SqliteErrorWording {
  /** What the file is, e.g. "database", "results database". */
  what: string;
  /** The command that may be holding the lock, e.g. `unspin index add`. */
  writer: string;
  /** Advice for a corrupt file. */
  corrupt: string;
}

export function describeSqliteError(e: unknown, file: string, w: SqliteErrorWording): Error {
  if (e instanceof UnspinError) return e;
  const code = (e as { code?: string }).code ?? "";
  const msg = (e as Error).message ?? String(e);
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new UnspinError(`${w.what} ${file} is locked by another process (is another "${w.writer}" running?); try again when it has finished`);
  }
  if (code.startsWith("SQLITE_READONLY")) return new UnspinError(`${w.what} ${file} is read-only: cannot write to it (check the file's and its folder's permissions)`);
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) return new InputError(`${w.what} ${file} is corrupt or not a database (${msg}); ${w.corrupt}`);
  if (code.startsWith("SQLITE_CANTOPEN")) return new UnspinError(`cannot open ${w.what} ${file}: ${msg}`);
  if (code === "SQLITE_FULL") return new UnspinError(`disk full while writing ${file}`);
  if (code.startsWith("SQLITE_IOERR")) return new UnspinError(`I/O error on ${file}: ${msg}`);
  return e instanceof Error ? e : new Error(msg);
}
