/**
 * `unspin serve`: the engine's worker pool, the results store, and the hono app (app.ts) on a
 * node http server with limits against slow clients; `close()` drains requests in flight.
 */
import { existsSync, readFileSync } from "node:fs";
import type { Server, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { InputError, UnspinError } from "../errors.js";
import { ScreenPool, defaultThreads } from "../screen/pool.js";
import type { TextJob } from "../screen/one-text.js";
import { openResultStore } from "../screen/results/index.js";
import { isPostgresUrl } from "../store/pg-common.js";
import type { ResultStore } from "../screen/types.js";
import { createApp, type TextEngine } from "./app.js";

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Trace index (`--sources`): enables /v1/trace and /v1/documents. */
  sources?: string;
  /** Results store of a screening run (`--results`): enables /v1/runs. */
  results?: string;
  threads?: number;
  /** Language model and channel tables, as for `check`. */
  lm?: string;
  channel?: string[];
  /** Bearer token for /v1/documents; required to listen beyond loopback. */
  token?: string;
  /** Largest request body, bytes (default 2 MB). */
  maxBodyBytes?: number;
  /** Per-request engine time limit, ms (default 60 s). */
  timeoutMs?: number;
  /** Requests that may wait for a thread (default 64); more are answered 429. */
  maxWaiting?: number;
  /** The built web app; default dist/web beside the package. */
  webRoot?: string;
  /** Time a client has to send its headers / its whole request, ms (defaults 10 s / 60 s). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  log?: (line: string) => void;
}

export const DEFAULTS = { host: "127.0.0.1", port: 8080, maxBodyBytes: 2 * 1024 * 1024, timeoutMs: 60_000, maxWaiting: 64, headersTimeoutMs: 10_000, requestTimeoutMs: 60_000 } as const;

export interface RunningServer {
  /** http://host:port */
  url: string;
  port: number;
  /** Stop accepting, finish the requests in flight, then stop the engine and close the store. */
  close(): Promise<void>;
}

const PKG_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WEB_ROOT = fileURLToPath(new URL(FROM_SOURCE ? "../../dist/web/" : "../web/", import.meta.url));

/** Loopback: 127.0.0.0/8, ::1, localhost. Anything else is reachable from other machines. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^::ffff:127\./.test(h);
  return false;
}

export async function startServer(opts: ServeOptions = {}): Promise<RunningServer> {
  const host = opts.host ?? DEFAULTS.host;
  const token = opts.token === "" ? undefined : opts.token;
  if (!isLoopback(host) && token === undefined) {
    throw new InputError(`refusing to listen on ${host} without a token: anyone who can reach it could add documents; give --token (or UNSPIN_TOKEN), or listen on 127.0.0.1`);
  }
  // A mistyped index path is the user's mistake, said before any thread starts.
  if (opts.sources !== undefined && !isPostgresUrl(opts.sources) && !existsSync(opts.sources)) {
    throw new InputError(`no trace index at ${opts.sources} (build one with "unspin index add --db ${opts.sources} FILES")`);
  }
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const threads = opts.threads ?? defaultThreads();
  let results: ResultStore | undefined;
  let pool: ScreenPool | undefined;
  try {
    if (opts.results !== undefined) results = await openResultStore(opts.results, { readOnly: true });
    pool = await ScreenPool.start({ lm: opts.lm, sources: opts.sources, channel: opts.channel }, threads, { maxWaiting: opts.maxWaiting ?? DEFAULTS.maxWaiting });
  } catch (e) {
    await pool?.close();
    await results?.close();
    throw e;
  }
  const enginePool = pool;
  const engine: TextEngine = {
    run: (job: TextJob) => enginePool.runText(job, { timeoutMs }),
    threads,
    get load() {
      return enginePool.load;
    },
  };
  const app = createApp({
    engine, version: PKG_VERSION, hasIndex: opts.sources !== undefined, results, token,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULTS.maxBodyBytes, webRoot: opts.webRoot ?? WEB_ROOT, log,
  });

  let inFlight = 0;
  let idle: (() => void) | null = null;
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = serve({
        fetch: app.fetch,
        hostname: host,
        port: opts.port ?? DEFAULTS.port,
        serverOptions: {
          headersTimeout: opts.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
          requestTimeout: opts.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
          // Node checks the two timeouts on this interval (30 s by default): too coarse for them.
          connectionsCheckingInterval: 1000,
          keepAliveTimeout: 5000,
        },
      }, () => resolve(s as Server)) as Server;
      s.once("error", reject);
    });
  } catch (e) {
    await enginePool.close();
    await results?.close();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UnspinError(`cannot listen on ${host}:${opts.port ?? DEFAULTS.port}: the port is in use`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new InputError(`cannot listen on ${host}: no such address on this machine`);
    if (code === "EACCES") throw new UnspinError(`cannot listen on ${host}:${opts.port ?? DEFAULTS.port}: permission denied`);
    throw e;
  }
  // A request is in flight until its response is written out (or its connection is gone).
  server.on("request", (_req, res: ServerResponse) => {
    inFlight++;
    res.once("close", () => {
      if (--inFlight === 0) idle?.();
    });
  });
  // Malformed requests and slow clients get the API's error shape too, then the connection closes.
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const timeout = err.code === "ERR_HTTP_REQUEST_TIMEOUT";
    const status = timeout ? "408 Request Timeout" : err.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : "400 Bad Request";
    const body = JSON.stringify({ error: timeout ? { code: "request_timeout", message: "the request was not received in time" } : { code: "bad_request", message: "malformed HTTP request" } });
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });

  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : opts.port ?? DEFAULTS.port;
  const shown = isIP(host) === 6 ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}`,
    port,
    close: () => (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      server.closeAllConnections();
      await stopped;
      await enginePool.close();
      await results?.close();
    })()),
  };
}
