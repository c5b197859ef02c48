/**
 * Errors meant for the user: the CLI prints `message` (no stack) and exits with `exitCode`.
 * Anything that is not an UnspinError is a bug and is reported as one.
 */
export class UnspinError extends Error {
  constructor(message: string, public exitCode = 1) {
    super(message);
    this.name = "UnspinError";
  }
}
