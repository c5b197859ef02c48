/**
 * The server under hostile and careless clients, over real HTTP and raw sockets on loopback:
 * a full queue (429), a runaway text (503, the thread replaced), oversized, malformed and
 * deeply nested bodies, invalid UTF-8, slow clients, and a seeded fuzz run over every route.
 * Every answer is a 4xx with the JSON error shape, and the server keeps serving.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { brownDocuments } from "../corpus/brown.js";
import { call, rawSocket, streamRequest, until, type Reply } from "./http.fixture.js";
import { startServer, type RunningServer } from "./serve.js";

const TIME_LIMIT_MS = 3000;
const MAX_BODY = 2 * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "unspin-serve-hostile-"));
const short = "The committee met on Tuesday to discuss the budget for the coming year, and the members agreed to publish their report before the end of the month.";
/** Far more work than the time limit allows on any machine (about 80,000 words). */
const runaway = brownDocuments({ categories: ["a"] }).slice(0, 40).map((d) => d.text).join("\n\n");

let server: RunningServer;
let base: string;
const logged: string[] = [];

before(async () => {
  server = await startServer({
    port: 0, threads: 1, maxWaiting: 1, timeoutMs: TIME_LIMIT_MS, maxBodyBytes: MAX_BODY, webRoot: join(dir, "no-web-app"),
    headersTimeoutMs: 1000, requestTimeoutMs: 2000, log: (l) => logged.push(l),
  });
  base = server.url;
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const health = async () => (await call(base, "/v1/health")).json as { load: { running: number; waiting: number } };

function assertError(r: Reply, status: number, code?: string): void {
  assert.equal(r.status, status, r.text);
  assert.equal(typeof r.json?.error?.code, "string", r.text);
  assert.equal(typeof r.json?.error?.message, "string", r.text);
  if (code !== undefined) assert.equal(r.json.error.code, code);
  assert.doesNotMatch(r.text, /\n\s+at |\.ts:\d+/, "no stack trace");
}

test("a full queue answers 429 with Retry-After; a text over the time limit answers 503 and its thread is replaced", async () => {
  assert.ok(Buffer.byteLength(runaway) < MAX_BODY);
  const running = call(base, "/v1/check", { json: { text: runaway } });
  await until(async () => (await health()).load.running === 1);
  const waiting = call(base, "/v1/check", { json: { text: short } });
  await until(async () => (await health()).load.waiting === 1);
  const refused = await call(base, "/v1/check", { json: { text: short } });
  assertError(refused, 429, "busy");
  assert.match(refused.headers.get("retry-after") ?? "", /^\d+$/);
  assertError(await running, 503, "timeout");
  // The request that waited runs on the thread that replaced the stopped one.
  const done = await waiting;
  assert.equal(done.status, 200, done.text);
  assert.equal(done.json.restored.length, short.length);
  assert.deepEqual((await health()).load, { running: 0, waiting: 0 });
});

test("bodies over the limit answer 413, whether declared or streamed (50 MB), and are not read whole", async () => {
  const chunk = Buffer.alloc(1024 * 1024, "a");
  const declared = await streamRequest(base, "/v1/check", { "Content-Type": "text/plain", "Content-Length": String(50 * chunk.length) }, 50, chunk);
  assert.equal(declared.status, 413);
  assert.equal(JSON.parse(declared.body).error.code, "payload_too_large");
  const chunked = await streamRequest(base, "/v1/check", { "Content-Type": "text/plain", "Transfer-Encoding": "chunked" }, 50, chunk);
  assert.equal(chunked.status, 413);
  assert.equal(JSON.parse(chunked.body).error.code, "payload_too_large");
  assert.equal((await call(base, "/v1/health")).status, 200);
});

test("invalid UTF-8, invalid JSON, deeply nested JSON, wrong types and unknown fields answer 400", async () => {
  const invalidUtf8 = Buffer.concat([Buffer.from('{"text": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
  assertError(await call(base, "/v1/check", { body: invalidUtf8, headers: { "Content-Type": "application/json" } }), 400, "invalid_utf8");
  assertError(await call(base, "/v1/check", { body: Buffer.from([0xff, 0xfe, 0x41]), headers: { "Content-Type": "text/plain" } }), 400, "invalid_utf8");
  assertError(await call(base, "/v1/check", { body: '{"text": "unterminated', headers: { "Content-Type": "application/json" } }), 400, "invalid_json");
  const deep = `{"text": ${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
  assertError(await call(base, "/v1/check", { body: deep, headers: { "Content-Type": "application/json" } }), 400, "invalid_request");
  const deepObject = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
  assertError(await call(base, "/v1/check", { body: deepObject, headers: { "Content-Type": "application/json" } }), 400, "invalid_request");
  for (const body of [{ text: 5 }, { text: null }, { html: ["x"] }, { text: "a", html: "b" }, {}, { text: "ok", extra: 1 }, [], "text", 12, null]) {
    assertError(await call(base, "/v1/check", { json: body }), 400, "invalid_request");
  }
  assertError(await call(base, "/v1/check", { body: "x", headers: { "Content-Type": "application/xml" } }), 415, "unsupported_media_type");
  assertError(await call(base, "/v1/check", { body: "x", headers: { "Content-Type": "text/plain; charset=latin1" } }), 415, "unsupported_media_type");
});

test("routes the server lacks say so: no index, no results store, no token, unknown routes and methods", async () => {
  assertError(await call(base, "/v1/trace", { json: { text: short } }), 404, "no_index");
  assertError(await call(base, "/v1/runs"), 404, "no_results");
  assertError(await call(base, "/v1/runs/abc/pages"), 404, "no_results");
  assertError(await call(base, "/v1/documents", { json: { documents: [{ text: short }] }, headers: { Authorization: "Bearer x" } }), 403, "disabled");
  assertError(await call(base, "/v1/nothing"), 404, "not_found");
  assertError(await call(base, "/v1/check"), 404, "not_found");
  assertError(await call(base, "/v1/health", { method: "DELETE" }), 404, "not_found");
  assertError(await call(base, "/anything/else"), 404, "not_found");
  const page = await call(base, "/");
  assert.equal(page.status, 200);
  assert.match(page.text, /not built[\s\S]*npm run build/);
});

test("slow clients are cut off (408) while others are served; malformed requests get a JSON 400", async () => {
  // Headers that never finish.
  const loris = rawSocket(base);
  loris.socket.write("POST /v1/check HTTP/1.1\r\nHost: x\r\n");
  const drip = setInterval(() => loris.socket.writable && loris.socket.write("X-Slow: y\r\n"), 200);
  // A body that never comes.
  const stall = rawSocket(base);
  stall.socket.write("POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nonly this");
  assert.equal((await call(base, "/v1/health")).status, 200, "served meanwhile");
  const [cut, stalled] = await Promise.all([loris.closed, stall.closed]);
  clearInterval(drip);
  assert.match(cut, /^HTTP\/1\.1 408/);
  assert.match(cut, /"code":"request_timeout"/);
  assert.match(stalled, /^HTTP\/1\.1 (408|503)/);
  const garbage = rawSocket(base);
  garbage.socket.write("NOT HTTP AT ALL\r\n\r\n");
  const answer = await garbage.closed;
  assert.match(answer, /^HTTP\/1\.1 400/);
  assert.match(answer, /"code":"bad_request"/);
  assert.equal((await call(base, "/v1/health")).status, 200);
});

/** A small seeded generator, so that a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

test("fuzz: 400 random and hostile requests over every route get no 5xx, always the error shape, and the server keeps serving", async () => {
  const random = rng(20261207);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const paths = ["/v1/check", "/v1/restore", "/v1/trace", "/v1/documents", "/v1/health", "/v1/version", "/openapi.json", "/v1/runs", "/v1/runs/x/report", "/v1/runs/x/pages?limit=abc", "/", "/v1/%00", "/v1/check?text=1", "/%2e%2e/etc/passwd", `/v1/${"a".repeat(5000)}`];
  const types = ["application/json", "text/plain", "text/html", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "application/json; charset=utf-16", "text/plain; charset=utf-8"];
  const junkStrings = ["", " ", "\u0000", "\ud800", "😀".repeat(50), "<script>alert(1)</script>", "a".repeat(3000), "Ελληνικά κείμενα", "\u202e reversed"];
  const values = (): unknown => pick([
    () => ({ text: pick([5, null, true, [], {}, -1.5]) }),
    () => ({ html: pick([5, null, ["<p>"], { a: 1 }]) }),
    () => ({ text: pick(junkStrings) }),
    () => ({ html: pick(junkStrings) }),
    () => ({ text: "a", html: "b" }),
    () => ({ documents: pick(["x", [], [{}], [{ text: 5 }], null]) }),
    () => ({ text: short, top: pick([0, -1, 1e9, "5", 2.5, null]) }),
    () => ({ ["__proto__"]: { polluted: true }, text: short }),
    () => ({ constructor: { prototype: { x: 1 } } }),
    () => pick([[], "string", 42, null, true]),
  ])();
  const bodies = (): string | Uint8Array | undefined => pick([
    () => undefined,
    () => JSON.stringify(values()),
    () => Buffer.from(Array.from({ length: Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
    () => "[".repeat(10_000 + Math.floor(random() * 50_000)),
    () => `{"text": "${"x".repeat(100)}`,
    () => pick(junkStrings),
  ])();
  let served = 0;
  for (let k = 0; k < 400; k++) {
    const method = pick(["GET", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]);
    const path = pick(paths);
    const type = pick(types);
    const body = method === "GET" || method === "HEAD" ? undefined : bodies();
    const headers: Record<string, string> = type ? { "Content-Type": type } : {};
    if (random() < 0.1) headers.Authorization = pick(["Bearer ", "Bearer x", "Basic Zm9vOmJhcg==", "Bearer " + "y".repeat(5000)]);
    const r = await call(base, path, { method, headers, body });
    const what = `#${k} ${method} ${path.slice(0, 40)} ${type} ${typeof body === "string" ? JSON.stringify(body.slice(0, 60)) : body === undefined ? "" : `${body.length} bytes`}`;
    assert.ok(r.status < 500, `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    if (r.status >= 400 && method !== "HEAD") assertError(r, r.status);
    if (r.status < 300) served++;
  }
  assert.ok(served > 0);
  const h = await call(base, "/v1/health");
  assert.equal(h.status, 200);
  const ok = await call(base, "/v1/check", { json: { text: short } });
  assert.equal(ok.status, 200, ok.text);
});

test("nothing was logged as a bug", () => {
  assert.deepEqual(logged, []);
});
