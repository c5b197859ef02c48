/**
 * The HTTP API of `unspin serve` as a hono app: routes, request validation (schemas.ts), and
 * one error shape, `{error: {code, message}}`. A client's fault is a 4xx; anything else is a
 * bug, answered 500 with a generic message and logged, never with a stack trace in the body.
 * The engine work runs on the pool's threads (TextEngine); the app only reads, checks, routes.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import { extname, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { Hono, type Context } from "hono";
import type { z } from "zod";
import type { TextJob } from "../screen/one-text.js";
import { reportContentSecurityPolicy } from "../screen/report.js";
import { runReport } from "../screen/run-report.js";
import type { ResultStore, RunInfo } from "../screen/types.js";
import { openApiJson } from "./openapi.js";
import { CheckRequest, DocumentsRequest, HtmlRequest, PagesQuery, TextRequest, TraceHtmlRequest, TraceRequest, TraceTextRequest } from "./schemas.js";

/** What runs the engine: the worker pool, with its time limit and bounded queue (serve.ts). */
export interface TextEngine {
  run(job: TextJob): Promise<unknown>;
  readonly threads: number;
  readonly load: { running: number; waiting: number };
}

export interface AppDeps {
  engine: TextEngine;
  version: string;
  /** A trace index is loaded in the engine (`--sources`). */
  hasIndex: boolean;
  /** The results store of a screening run (`--results`). */
  results?: ResultStore;
  /** Bearer token for POST /v1/documents; without one, adding is disabled. */
  token?: string;
  /** Largest request body, bytes. */
  maxBodyBytes: number;
  /** The built web app (dist/web); absent or unbuilt: `/` says so. */
  webRoot?: string;
  /** Where bugs are logged (default stderr). */
  log?: (line: string) => void;
}

/** An answer to a client's fault (or a known condition): status, stable code, one-line message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = "ApiError";
  }
}

const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/** The web app's policy: its own files only, no inline script or style. */
export const WEB_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";
const DEFAULT_TOP = 5;
const DEFAULT_PAGE_LIMIT = 50;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const log = deps.log ?? ((line: string) => process.stderr.write(line + "\n"));

  app.use(async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "no-referrer");
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", API_CSP);
  });

  app.onError((err, c) => {
    const e = apiError(err);
    if (e === null) {
      log(`unspin serve: internal error on ${c.req.method} ${new URL(c.req.url).pathname}: ${(err as Error)?.stack ?? String(err)}`);
      return c.json({ error: { code: "internal", message: "internal server error (logged on the server)" } }, 500);
    }
    return c.json({ error: { code: e.code, message: e.message } }, e.status as 400, e.headers);
  });
  app.notFound((c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));

  // --- engine ---------------------------------------------------------------------------------

  const analyzeRoute = async (c: Context) => {
    const input = await readTextBody(c, deps.maxBodyBytes, CheckRequest, TextRequest, HtmlRequest);
    return c.json(await deps.engine.run({ kind: "analyze", input }) as object);
  };
  app.post("/v1/check", analyzeRoute);
  app.post("/v1/restore", analyzeRoute);

  app.post("/v1/trace", async (c) => {
    if (!deps.hasIndex) throw noIndex();
    const body = await readTextBody(c, deps.maxBodyBytes, TraceRequest, TraceTextRequest, TraceHtmlRequest);
    const input = body.html !== undefined ? { html: body.html } : { text: body.text };
    return c.json(await deps.engine.run({ kind: "trace", input, top: body.top ?? DEFAULT_TOP }) as object);
  });

  app.post("/v1/documents", async (c) => {
    // The token is checked before the body is read: an unauthorised client gets nothing parsed.
    authorise(c, deps.token);
    if (!deps.hasIndex) throw noIndex();
    const value = await readJsonBody(c, deps.maxBodyBytes);
    const { documents } = validate(DocumentsRequest, value);
    return c.json(await deps.engine.run({ kind: "add", documents }) as object);
  });

  // --- about ------------------------------------------------------------------------------------

  app.get("/v1/health", (c) => c.json({
    ok: true, version: deps.version, index: deps.hasIndex, results: deps.results !== undefined, threads: deps.engine.threads, load: deps.engine.load,
  }));
  app.get("/v1/version", (c) => c.json({ name: "unspin", version: deps.version }));
  app.get("/openapi.json", (c) => c.body(openApiJson(deps.version), 200, { "Content-Type": "application/json; charset=utf-8" }));

  // --- runs -------------------------------------------------------------------------------------

  app.get("/v1/runs", async (c) => {
    const store = resultsOf(deps);
    const run = await store.getRun();
    if (run === null) return c.json({ runs: [] });
    return c.json({ runs: [{ id: runId(run), ...run, counts: await store.counts(run.spunThreshold) }] });
  });

  app.get("/v1/runs/:run/report", async (c) => {
    const store = resultsOf(deps);
    await findRun(store, c.req.param("run"));
    const { html } = await runReport(store);
    // The report's own policy (also in its meta tag), which the web app may frame.
    return c.body(html, 200, {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": `${reportContentSecurityPolicy()}; frame-ancestors 'self'`,
      "Cache-Control": "no-store",
    });
  });

  app.get("/v1/runs/:run/pages", async (c) => {
    const store = resultsOf(deps);
    await findRun(store, c.req.param("run"));
    // An empty parameter (`site=` from a form left blank) is no filter.
    const q = validate(PagesQuery, Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== "")));
    if (q.min_score !== undefined && q.max_score !== undefined && q.min_score > q.max_score) {
      throw new ApiError(400, "invalid_request", "min_score is above max_score");
    }
    const limit = q.limit ?? DEFAULT_PAGE_LIMIT, offset = q.offset ?? 0;
    const { total, pages } = await store.pages({ site: q.site, minScore: q.min_score, maxScore: q.max_score, limit, offset });
    return c.json({ total, limit, offset, pages });
  });

  app.all("/v1/*", (c) => c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));

  // --- the web app ------------------------------------------------------------------------------

  app.get("/*", (c) => serveStatic(c, deps.webRoot));

  return app;
}

/** The run's id in URLs: stable for a run, different for another run (a store holds one). */
export function runId(run: RunInfo): string {
  return createHash("sha256").update(JSON.stringify([run.started, run.inputs])).digest("hex").slice(0, 12);
}

function resultsOf(deps: AppDeps): ResultStore {
  if (deps.results === undefined) throw new ApiError(404, "no_results", "this server has no results store (start it with --results DB)");
  return deps.results;
}

async function findRun(store: ResultStore, id: string): Promise<RunInfo> {
  const run = await store.getRun();
  if (run === null || runId(run) !== id) throw new ApiError(404, "no_run", `no run ${JSON.stringify(id.slice(0, 40))} in the results store`);
  return run;
}

function noIndex(): ApiError {
  return new ApiError(404, "no_index", "this server has no trace index (start it with --sources INDEX)");
}

function authorise(c: Context, token: string | undefined): void {
  if (token === undefined) throw new ApiError(403, "disabled", "adding documents is disabled: start the server with --token (or UNSPIN_TOKEN)");
  const given = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1];
  // Digests compared in constant time: the comparison does not leak the token's length or prefix.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  if (given === undefined || !timingSafeEqual(digest(given), digest(token))) {
    throw new ApiError(401, "unauthorized", "a valid bearer token is needed (Authorization: Bearer TOKEN)", { "WWW-Authenticate": 'Bearer realm="unspin"' });
  }
}

// --- request bodies -----------------------------------------------------------------------------

/** The body's bytes, refused with 413 as soon as it passes the limit (never buffered whole). */
async function readBody(c: Context, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new ApiError(413, "payload_too_large", `the body is larger than the server's limit of ${formatBytes(maxBytes)}`);
  const declared = Number(c.req.header("Content-Length") ?? NaN);
  if (declared > maxBytes) throw tooLarge();
  const body = c.req.raw.body;
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away or was too slow (the server's request timeout): its fault, not a bug.
      throw new ApiError(400, "aborted", "the request body was not received in full");
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_utf8", "the body is not valid UTF-8");
  }
}

function mediaType(c: Context): { type: string; charset: string | undefined } {
  const header = c.req.header("Content-Type") ?? "";
  const [type, ...params] = header.split(";").map((s) => s.trim().toLowerCase());
  const charset = params.find((p) => p.startsWith("charset="))?.slice(8).replace(/^"|"$/g, "");
  return { type, charset };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "the body is not valid JSON");
  }
}

async function readJsonBody(c: Context, maxBytes: number): Promise<unknown> {
  const { type, charset } = mediaType(c);
  if (type !== "application/json" || (charset !== undefined && charset !== "utf-8")) {
    throw new ApiError(415, "unsupported_media_type", "send the body as application/json (UTF-8)");
  }
  return parseJson(decodeUtf8(await readBody(c, maxBytes)));
}

type TextBody = { text: string; html?: undefined; top?: number } | { html: string; text?: undefined; top?: number };

/**
 * A text or HTML body: JSON `{text}` / `{html}` (checked by the branch its key names, so that
 * the message says what is wrong with it), or a raw text/plain or text/html body.
 */
async function readTextBody(
  c: Context, maxBytes: number, union: z.ZodType, textSchema: z.ZodType, htmlSchema: z.ZodType,
): Promise<TextBody> {
  const { type, charset } = mediaType(c);
  if (charset !== undefined && charset !== "utf-8") throw new ApiError(415, "unsupported_media_type", `only UTF-8 bodies are read (got charset ${charset.slice(0, 40)})`);
  if (type === "text/plain" || type === "text/html") {
    const s = decodeUtf8(await readBody(c, maxBytes));
    return type === "text/html" ? { html: s } : { text: s };
  }
  if (type !== "application/json") throw new ApiError(415, "unsupported_media_type", "send application/json ({\"text\": …} or {\"html\": …}), text/plain or text/html");
  const value = parseJson(decodeUtf8(await readBody(c, maxBytes)));
  const isObject = typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject) throw new ApiError(400, "invalid_request", 'the body must be a JSON object: {"text": "…"} or {"html": "…"}');
  const hasText = "text" in value, hasHtml = "html" in value;
  if (hasText === hasHtml) throw new ApiError(400, "invalid_request", 'give exactly one of "text" and "html"');
  const body = validate(hasHtml ? htmlSchema : textSchema, value) as TextBody;
  union.parse(body); // the documented union accepts it too (a schema change that forgot a branch fails loudly)
  return body;
}

/** The value parsed by `schema`, or a 400 naming the first problem and where it is. */
function validate<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const where = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
  const message = issue.code === "unrecognized_keys" ? `unknown field${issue.keys.length === 1 ? "" : "s"} ${issue.keys.slice(0, 5).map((k) => JSON.stringify(k.slice(0, 40))).join(", ")}` : issue.message;
  throw new ApiError(400, "invalid_request", `${where}${message}`.slice(0, 300));
}

// --- errors from the engine ---------------------------------------------------------------------

/** The client-facing form of an error, or null for a bug. Worker errors keep their class name. */
function apiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (!(err instanceof Error)) return null;
  switch (err.name) {
    case "PoolBusyError":
      return new ApiError(429, "busy", err.message, { "Retry-After": "1" });
    case "PoolTimeoutError":
      return new ApiError(503, "timeout", err.message);
    case "NotEnglishError":
      return new ApiError(422, "not_english", err.message);
    case "NoArticleError":
      return new ApiError(422, "no_article", err.message);
    case "InputError":
      return new ApiError(400, "invalid_request", err.message);
    case "UnspinError":
      // The engine's own failures (a database locked, a store unreachable): not the client's, not a bug.
      return new ApiError(503, "unavailable", err.message);
    default:
      return null;
  }
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${+(n / 1024 / 1024).toFixed(1)} MB` : `${+(n / 1024).toFixed(1)} KB`;
}

// --- static files -------------------------------------------------------------------------------

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png",
  ".ico": "image/x-icon", ".txt": "text/plain; charset=utf-8", ".map": "application/json", ".wasm": "application/wasm",
  ".woff2": "font/woff2", ".webmanifest": "application/manifest+json",
};

const NOT_BUILT = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>unspin</title></head><body>" +
  "<h1>unspin</h1><p>The web app is not built. Run <code>npm run build</code>, then restart <code>unspin serve</code>.</p>" +
  "<p>The API works without it: see <a href=\"/openapi.json\">/openapi.json</a>.</p></body></html>\n";

function serveStatic(c: Context, root: string | undefined): Response {
  const headers: Record<string, string> = { "Content-Security-Policy": WEB_CSP };
  const indexFile = root === undefined ? undefined : resolve(root, "index.html");
  if (indexFile === undefined || !isFile(indexFile)) {
    if (new URL(c.req.url).pathname !== "/") throw new ApiError(404, "not_found", "the web app is not built (npm run build)");
    return c.body(NOT_BUILT, 200, { ...headers, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  }
  let path: string;
  try {
    path = decodeURIComponent(new URL(c.req.url).pathname);
  } catch {
    throw new ApiError(400, "invalid_request", "malformed URL");
  }
  const base = resolve(root!);
  const file = path === "/" ? indexFile : resolve(base, "." + path);
  // Never outside the web root, never a dot file.
  if (!file.startsWith(base + sep) || file.split(sep).some((part) => part.startsWith(".") && part.length > 1) || path.includes("\0") || !isFile(file)) {
    throw new ApiError(404, "not_found", `no file ${path.slice(0, 100)}`);
  }
  const hashed = file.startsWith(resolve(base, "assets") + sep);
  headers["Content-Type"] = TYPES[extname(file).toLowerCase()] ?? "application/octet-stream";
  headers["Cache-Control"] = hashed ? "public, max-age=31536000, immutable" : "no-cache";
  headers["Content-Length"] = String(statSync(file).size);
  if (c.req.method === "HEAD") return c.body(null, 200, headers);
  const stream = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return c.body(stream, 200, headers);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
