/**
 * The HTTP API's contract, over real HTTP on loopback: the server started as `unspin serve`
 * starts it (one engine thread), with a small trace index, a small screening run and a web
 * root built here. Results are compared with the library's own (analyze, trace, runReport).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { analyze, type AnalysisResult } from "../analyze.js";
import { brownDocuments } from "../corpus/brown.js";
import { extractArticle } from "../ingest/html.js";
import { openResultStore } from "../screen/results/index.js";
import { runReport } from "../screen/run-report.js";
import type { PageResult, ResultStore, RunInfo } from "../screen/types.js";
import { spin } from "../spin/simulate.js";
import { openIndex, type TraceIndex } from "../trace/index.js";
import { WEB_CSP } from "./app.js";
import { AnalysisResult as AnalysisResultSchema, Health, Pages, Runs, TraceResult as TraceResultSchema } from "./schemas.js";
import { call, rawSocket } from "./http.fixture.js";
import { startServer, type RunningServer } from "./serve.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const spunExample = readFileSync(join(root, "examples", "harbour-bridge.spun.txt"), "utf8");
const TOKEN = "test-token-0123456789";

const dir = mkdtempSync(join(tmpdir(), "unspin-serve-"));
const sources = brownDocuments({ categories: ["a"] }).slice(0, 12);
const RUN: RunInfo = {
  inputs: ["/crawl/a.warc.gz"], sources: null, spunThreshold: 0.5, recordsPerBatch: 100, planned: true,
  started: "2026-12-01T10:00:00.000Z", unspinVersion: pkg.version,
};
const span = (text: string) => ({ start: 5, end: 5 + text.length, text, replacement: `not ${text}`, confidence: 0.8, before: "before ", after: " after" });
const page = (offset: number, site: string, score: number): PageResult => ({
  input: "/crawl/a.warc.gz", offset, url: `https://${site}/${offset}`, site, date: "2026-11-30", title: `Page ${offset}`,
  status: "ok", stage: "full", reason: null, words: 300, score, spinRate: score / 5, spans: [span("utilise")], trace: null,
});

let server: RunningServer;
let base: string;
let index: TraceIndex;
let store: ResultStore;
const logged: string[] = [];

before(async () => {
  const indexPath = join(dir, "index.db");
  const ix = await openIndex(indexPath);
  await ix.add(sources.map((d) => ({ id: d.id, text: d.text, title: `Brown ${d.id}` })));
  await ix.close();
  const resultsPath = join(dir, "results.db");
  const rs = await openResultStore(resultsPath, { create: true });
  await rs.setRun(RUN);
  const pages = [page(0, "a.example", 0.92), page(100, "a.example", 0.15), page(200, "b.example", 0.66), page(300, "a.example", 0.55)];
  await rs.addBatches([{ input: "/crawl/a.warc.gz", start: 0, end: 1000, bytes: 1000, records: 4 }]);
  await rs.completeBatch({ input: "/crawl/a.warc.gz", start: 0, end: 1000, bytes: 1000, records: 4 }, pages);
  await rs.close();
  const web = join(dir, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  writeFileSync(join(web, "index.html"), '<!DOCTYPE html><html><head><script type="module" src="/assets/app-1a2b3c.js"></script></head><body></body></html>');
  writeFileSync(join(web, "assets", "app-1a2b3c.js"), "document.body.textContent = 'unspin';\n");
  writeFileSync(join(web, ".secret"), "not served");
  server = await startServer({ port: 0, threads: 1, sources: indexPath, results: resultsPath, token: TOKEN, webRoot: web, log: (l) => logged.push(l) });
  base = server.url;
  index = await openIndex(indexPath, { readOnly: true });
  store = await openResultStore(resultsPath, { readOnly: true });
});

after(async () => {
  await server?.close();
  await index?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A result without its timing, the one field that differs between two runs of the engine. */
function untimed(r: AnalysisResult): Omit<AnalysisResult, "stats"> & { stats: Omit<AnalysisResult["stats"], "milliseconds"> } {
  const { milliseconds: _, ...stats } = r.stats;
  return { ...r, stats };
}

test("GET /v1/health and /v1/version say what the server has", async () => {
  const h = await call(base, "/v1/health");
  assert.equal(h.status, 200);
  assert.deepEqual(h.json, { ok: true, version: pkg.version, index: true, results: true, threads: 1, load: { running: 0, waiting: 0 } });
  assert.equal(h.headers.get("x-content-type-options"), "nosniff");
  assert.deepEqual(Health.parse(h.json), h.json, "as documented");
  const v = await call(base, "/v1/version");
  assert.deepEqual(v.json, { name: "unspin", version: pkg.version });
});

test("GET /openapi.json is an OpenAPI 3.1 document whose every reference resolves to a schema made from the validators", async () => {
  const r = await call(base, "/openapi.json");
  assert.equal(r.status, 200);
  const doc = r.json;
  assert.equal(doc.openapi, "3.1.0");
  assert.equal(doc.info.version, pkg.version);
  for (const p of ["/v1/check", "/v1/restore", "/v1/trace", "/v1/documents", "/v1/health", "/v1/version", "/v1/runs", "/v1/runs/{run}/report", "/v1/runs/{run}/pages"]) {
    assert.ok(doc.paths[p], `path ${p}`);
  }
  const refs = [...r.text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
  assert.ok(refs.length > 10);
  for (const id of refs) assert.ok(doc.components.schemas[id], `schema ${id} is defined`);
  // The request schema is the validator's: a strict object with a required string.
  assert.deepEqual(doc.components.schemas.TextRequest.required, ["text"]);
  assert.equal(doc.components.schemas.TextRequest.additionalProperties, false);
  assert.equal(doc.components.schemas.CheckRequest.anyOf.length, 2);
});

test("POST /v1/check answers the result object of check --json (the library's analyze), as JSON or a raw text body", async () => {
  const expected = untimed(analyze(spunExample));
  assert.ok(expected.edits.length > 0, "the example is spun");
  const r = await call(base, "/v1/check", { json: { text: spunExample } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(untimed(r.json), expected);
  assert.deepEqual(Object.keys(r.json), ["score", "edits", "restored", "stats"]);
  assert.deepEqual(AnalysisResultSchema.parse(r.json), r.json, "as documented");
  const raw = await call(base, "/v1/check", { body: spunExample, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  assert.deepEqual(untimed(raw.json), expected);
  const restore = await call(base, "/v1/restore", { json: { text: spunExample } });
  assert.equal(restore.status, 200);
  assert.equal(restore.json.restored, expected.restored);
});

test("POST /v1/check with HTML analyses the page's article, as screening reads it, and returns that text", async () => {
  const paragraphs = spunExample.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => `<p>${p.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`).join("\n");
  const html = `<!DOCTYPE html><html><head><title>Harbour</title></head><body><nav><a href="/">Home</a> <a href="/about">About</a></nav><article><h1>The bridge</h1>${paragraphs}</article><footer>© Example</footer></body></html>`;
  const article = extractArticle(html);
  assert.ok(article !== null);
  for (const body of [{ json: { html } }, { body: html, headers: { "Content-Type": "text/html" } }]) {
    const r = await call(base, "/v1/check", body);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.article, { title: article.title, text: article.text });
    const { article: _, ...result } = r.json;
    assert.deepEqual(untimed(result), untimed(analyze(article.text)));
  }
  const stub = await call(base, "/v1/check", { json: { html: "<html><body><nav>Home</nav></body></html>" } });
  assert.equal(stub.status, 422);
  assert.equal(stub.json.error.code, "no_article");
});

test("POST /v1/check refuses what check refuses: empty text (400), text that is not English (422)", async () => {
  const empty = await call(base, "/v1/check", { json: { text: "  \n " } });
  assert.equal(empty.status, 400);
  assert.equal(empty.json.error.code, "invalid_request");
  const french = "Le conseil municipal a voté hier soir une nouvelle réglementation sur la circulation dans le centre de la ville. Les habitants pourront désormais stationner gratuitement le dimanche, mais les camions de livraison devront respecter des horaires plus stricts pendant la semaine.";
  const r = await call(base, "/v1/check", { json: { text: french } });
  assert.equal(r.status, 422, r.text);
  assert.equal(r.json.error.code, "not_english");
  assert.match(r.json.error.message, /English/);
});

test("POST /v1/trace answers the ranked sources of trace --json, and the best source's text with the aligned ranges", async () => {
  const doc = sources[3];
  const copy = spin(doc.text, { rate: 0.2, seed: 7 }).text;
  const r = await call(base, "/v1/trace", { json: { text: copy, top: 3 } });
  assert.equal(r.status, 200, r.text);
  const expected = await index.trace(copy, { top: 3 });
  assert.deepEqual(r.json.matches, expected.matches);
  assert.equal(r.json.matches[0].id, doc.id);
  assert.equal(r.json.matches[0].kind, "spun");
  assert.deepEqual(TraceResultSchema.parse(r.json), r.json, "as documented");
  assert.equal(r.json.source.id, doc.id);
  assert.equal(r.json.source.text, doc.text);
  assert.ok(r.json.source.segments.length > 0);
  for (const g of r.json.source.segments) assert.ok(g.sourceStart < g.sourceEnd && g.sourceEnd <= doc.text.length && g.copyEnd <= copy.length);
  const bad = await call(base, "/v1/trace", { json: { text: copy, top: 0 } });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error.message, /^top: /);
});

test("POST /v1/documents needs the bearer token; added documents are traced at once", async () => {
  const doc = brownDocuments({ categories: ["b"] })[0];
  const body = { documents: [{ text: doc.text, id: "new-doc", title: "New" }] };
  const none = await call(base, "/v1/documents", { json: body });
  assert.equal(none.status, 401);
  assert.equal(none.json.error.code, "unauthorized");
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const wrong = await call(base, "/v1/documents", { json: body, headers: { Authorization: "Bearer not-the-token" } });
  assert.equal(wrong.status, 401);
  const copy = spin(doc.text, { rate: 0.15, seed: 3 }).text;
  const beforeAdd = await call(base, "/v1/trace", { json: { text: copy } });
  assert.notEqual(beforeAdd.json.matches[0]?.id, "new-doc");
  const ok = await call(base, "/v1/documents", { json: body, headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json, { seen: 1, added: 1, duplicates: 0, empty: 0 });
  const again = await call(base, "/v1/documents", { json: body, headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.deepEqual(again.json, { seen: 1, added: 0, duplicates: 1, empty: 0 });
  const traced = await call(base, "/v1/trace", { json: { text: copy } });
  assert.equal(traced.json.matches[0].id, "new-doc");
  const invalid = await call(base, "/v1/documents", { json: { documents: [{ text: 5 }] }, headers: { Authorization: `Bearer ${TOKEN}` } });
  assert.equal(invalid.status, 400);
  assert.match(invalid.json.error.message, /^documents\.0\.text: /);
});

test("GET /v1/runs lists the store's run with its counts; its report is exactly what unspin report writes, with its CSP", async () => {
  const r = await call(base, "/v1/runs");
  assert.equal(r.status, 200);
  assert.equal(r.json.runs.length, 1);
  const run = r.json.runs[0];
  assert.match(run.id, /^[0-9a-f]{12}$/);
  assert.deepEqual({ ...run, id: undefined, counts: undefined }, { ...RUN, id: undefined, counts: undefined });
  assert.deepEqual(run.counts, await store.counts(RUN.spunThreshold));
  const report = await call(base, `/v1/runs/${run.id}/report`);
  assert.equal(report.status, 200);
  assert.match(report.headers.get("content-type") ?? "", /^text\/html/);
  const csp = report.headers.get("content-security-policy") ?? "";
  assert.match(csp, /default-src 'none'/);
  const ours = (await runReport(store)).html;
  // The same page but for the moment it was generated.
  const timeless = (html: string) => html.replace(/Generated [^·<]+/, "Generated …");
  assert.equal(timeless(report.text), timeless(ours));
  assert.ok(ours.includes(`content="${csp.replace(/; frame-ancestors 'self'$/, "")}"`), "the header is the page's own policy");
  const missing = await call(base, "/v1/runs/000000000000/report");
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, "no_run");
});

test("GET /v1/runs/:run/pages pages through the analysed pages by score, filtered by site and score", async () => {
  const id = (await call(base, "/v1/runs")).json.runs[0].id;
  const all = await call(base, `/v1/runs/${id}/pages`);
  assert.equal(all.status, 200);
  assert.equal(all.json.total, 4);
  assert.deepEqual(all.json.pages.map((p: PageResult) => p.score), [0.92, 0.66, 0.55, 0.15]);
  assert.deepEqual(all.json.pages[0].spans, [span("utilise")]);
  const some = await call(base, `/v1/runs/${id}/pages?site=a.example&min_score=0.5&limit=1&offset=1`);
  assert.deepEqual({ total: some.json.total, limit: some.json.limit, offset: some.json.offset, offsets: some.json.pages.map((p: PageResult) => p.offset) },
    { total: 2, limit: 1, offset: 1, offsets: [300] });
  assert.deepEqual(some.json.pages, (await store.pages({ site: "a.example", minScore: 0.5, limit: 1, offset: 1 })).pages);
  // The answers are what the OpenAPI document publishes: parsing (which drops undocumented fields) changes nothing.
  const runs = (await call(base, "/v1/runs")).json;
  assert.deepEqual(Pages.parse(all.json), all.json);
  assert.deepEqual(Runs.parse(runs), runs);
  const blank = await call(base, `/v1/runs/${id}/pages?site=&min_score=&max_score=&limit=2&offset=`);
  assert.equal(blank.status, 200, blank.text);
  assert.deepEqual({ total: blank.json.total, n: blank.json.pages.length }, { total: 4, n: 2 }, "empty parameters are no filters");
  for (const q of ["min_score=high", "limit=0", "limit=5000", "offset=-1", "colour=red", "min_score=0.9&max_score=0.1"]) {
    const bad = await call(base, `/v1/runs/${id}/pages?${q}`);
    assert.equal(bad.status, 400, q);
    assert.equal(bad.json.error.code, "invalid_request", q);
  }
});

test("the web app is served from its root with a strict CSP; assets are cached, nothing outside the root is reachable", async () => {
  const index = await call(base, "/");
  assert.equal(index.status, 200);
  assert.match(index.text, /app-1a2b3c\.js/);
  assert.equal(index.headers.get("content-security-policy"), WEB_CSP);
  assert.doesNotMatch(WEB_CSP, /unsafe-inline/);
  assert.equal(index.headers.get("x-content-type-options"), "nosniff");
  const js = await call(base, "/assets/app-1a2b3c.js");
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /^text\/javascript/);
  assert.match(js.headers.get("cache-control") ?? "", /immutable/);
  assert.equal((await call(base, "/.secret")).status, 404);
  assert.equal((await call(base, "/nothing.js")).status, 404);
  // Past fetch's own path normalisation: an encoded ".." on a raw socket.
  for (const path of ["/%2e%2e/%2e%2e/package.json", "/assets/..%2f..%2findex.db", "/..%5c..%5cpackage.json"]) {
    const { socket, closed } = rawSocket(base);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const got = await closed;
    assert.match(got, /^HTTP\/1\.1 404/, path);
    assert.match(got, /"code":"not_found"/, path);
  }
});

test("no request so far was logged as a bug", () => {
  assert.deepEqual(logged, []);
});
