/**
 * Errors meant for the user: the CLI prints `message` (no stack) and exits with `exitCode`.
 * Anything that is not an UnspinError is a bug and is reported as one.
 */

/** The exit codes of every command: the table in the README ("Exit codes"). */
export const EXIT = {
  ok: 0,
  /** The work could not be done: a database locked or read-only, a server unreachable, a file not writable, batches that failed. */
  failure: 1,
  /** Usage or input: a bad option, or an input named on the command line (file, folder, database, URL) that is missing, empty or not what the command reads. */
  input: 2,
  /** The text is not English. */
  notEnglish: 3,
  /** A bug (an error that is not an UnspinError). */
  internal: 70,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

export class UnspinError extends Error {
  constructor(message: string, public exitCode: number = EXIT.failure) {
    super(message);
    this.name = "UnspinError";
  }
}

/** Something the user gave is wrong: exit code 2, like a missing input file. */
export class InputError extends UnspinError {
  constructor(message: string) {
    super(message, EXIT.input);
    this.name = "InputError";
  }
}
