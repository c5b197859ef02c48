/**
 * `unspin serve`: the HTTP API and the web app (src/server/). The server's modules (hono, the
 * pool) are loaded when the command runs, so that `unspin check` does not pay for them.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { EXIT } from "../errors.js";
import { collect } from "./learned.js";

interface ServeFlags {
  host: string;
  port: number;
  sources?: string;
  results?: string;
  threads?: number;
  token?: string;
  maxBody: number;
  timeout: number;
  queue: number;
  lm?: string;
  channel: string[];
}

function wholeNumber(name: string, min: number, max: number) {
  return (v: string) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < min || x > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    return x;
  };
}

/** "2MB", "512kb", "100000": a size in bytes. */
function size(name: string) {
  return (v: string) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?$/i.exec(v.trim());
    const unit = { b: 1, k: 1024, kb: 1024, m: 1024 * 1024, mb: 1024 * 1024 }[(m?.[2] ?? "b").toLowerCase() as "b"];
    const bytes = m ? Math.round(Number(m[1]) * unit) : NaN;
    if (!(bytes >= 1024 && bytes <= 1024 ** 3)) throw new InvalidArgumentError(`${name} must be a size from 1KB to 1024MB (like 2MB)`);
    return bytes;
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the HTTP API (check, restore, trace, runs) and the web app")
    .option("--host <address>", "address to listen on (beyond loopback needs --token)", "127.0.0.1")
    .option("--port <n>", "port (0: any free port)", wholeNumber("--port", 0, 65535), 8080)
    .option("--sources <index>", "trace index: enables /v1/trace and /v1/documents")
    .option("--results <db>", "screening results (SQLite file or postgres:// URL): enables /v1/runs")
    .option("--threads <n>", "engine threads (default: one per core)", wholeNumber("--threads", 1, 256))
    .option("--token <token>", "bearer token for POST /v1/documents (default: $UNSPIN_TOKEN, which other users cannot see in ps)")
    .addOption(new Option("--max-body <size>", "largest request body (413 beyond)").argParser(size("--max-body")).default(2 * 1024 * 1024, "2MB"))
    .option("--timeout <seconds>", "per-request time limit (503 after it)", wholeNumber("--timeout", 1, 3600), 60)
    .option("--queue <n>", "requests that may wait for a thread (429 beyond)", wholeNumber("--queue", 0, 100_000), 64)
    .option("--lm <path>", "language model (default: the bundled one)")
    .option("--channel <table>", "use a learned channel table (unspin learn -o); repeat for several", collect, [])
    .action(async (flags: ServeFlags) => {
      const { startServer } = await import("../server/serve.js");
      const server = await startServer({
        host: flags.host, port: flags.port, sources: flags.sources, results: flags.results, threads: flags.threads,
        token: flags.token ?? process.env.UNSPIN_TOKEN, maxBodyBytes: flags.maxBody, timeoutMs: flags.timeout * 1000,
        maxWaiting: flags.queue, lm: flags.lm, channel: flags.channel,
      });
      process.stdout.write(`unspin: listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`unspin: ${signal}: finishing the requests in flight, then stopping (Ctrl-C again to stop now)\n`);
          // A second signal does not wait for the requests in flight.
          process.once("SIGINT", () => process.exit(EXIT.interrupted));
          process.once("SIGTERM", () => process.exit(EXIT.interrupted));
          server.close().then(resolve, (e: Error) => {
            process.stderr.write(`unspin: while stopping: ${e.message}\n`);
            process.exitCode = EXIT.failure;
            resolve();
          });
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
