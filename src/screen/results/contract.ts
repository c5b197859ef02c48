/**
 * The result store contract: node:test cases every ResultStore back end passes
 * (sqlite.test.ts, postgres.test.ts). `open()` gives a new, empty, writable store each call;
 * `reopen(store, opts)` another connection to the same store (default: openResultStore(location)).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { UnspinError } from "../../errors.js";
import type { Batch, PageResult, ResultStore, RunInfo, ScreenSpan, SiteTable } from "../types.js";
import { compareKeys, RESULTS_PAGE } from "./common.js";
import { openResultStore, type OpenResultStoreOptions } from "./index.js";

export interface ResultContractOptions {
  /** Skip every case, with this reason (the back end is not available). */
  skip?: string;
  reopen?: (store: ResultStore, opts: OpenResultStoreOptions) => Promise<ResultStore>;
}

export function batch(input: string, start: number, end = start + 1000, bytes = end - start, records = 10): Batch {
  return { input, start, end, bytes, records };
}

export function span(text: string, confidence = 0.8): ScreenSpan {
  return { start: 10, end: 10 + text.length, text, replacement: `not ${text}`, confidence, before: "…context before ", after: " context after…" };
}

export function page(input: string, offset: number, more: Partial<PageResult> = {}): PageResult {
  return {
    input, offset, url: `https://example.com/${offset}`, site: "example.com", date: "2024-01-02", title: `Page ${offset}`,
    status: "ok", stage: "full", reason: null, words: 250, score: 0.25, spinRate: 0.01, spans: [span("utilize")], trace: null, ...more,
  };
}

export function problem(input: string, offset: number, reason: string, site: string | null = null): PageResult {
  return {
    input, offset, url: null, site, date: null, title: null, status: "problem", stage: null, reason,
    words: 0, score: null, spinRate: null, spans: [], trace: null,
  };
}

const RUN: RunInfo = {
  inputs: ["/crawl/a.warc.gz", "/crawl/pages/"], sources: "postgres://db/sources", spunThreshold: 0.5,
  recordsPerBatch: 1000, planned: false, started: "2026-12-04T10:00:00.000Z", unspinVersion: "0.1.0",
};

export async function collect(store: ResultStore): Promise<PageResult[]> {
  const out: PageResult[] = [];
  for await (const r of store.results()) out.push(r);
  return out;
}

const byKey = (a: { input: string; offset?: number; start?: number }, b: { input: string; offset?: number; start?: number }) =>
  compareKeys(a.input, b.input) || (a.offset ?? a.start ?? 0) - (b.offset ?? b.start ?? 0);

export function resultStoreContract(name: string, open: () => Promise<ResultStore>, opts: ResultContractOptions = {}): void {
  const reopen = opts.reopen ?? ((s: ResultStore, o: OpenResultStoreOptions) => openResultStore(s.location, o));
  const t = (title: string, f: () => Promise<void>) => test(`${name} result store: ${title}`, { skip: opts.skip }, f);

  t("a new store is empty", async () => {
    const s = await open();
    assert.equal(await s.getRun(), null);
    assert.deepEqual(await s.pendingBatches(), []);
    assert.deepEqual(await s.counts(0.5), { pages: 0, problems: 0, spun: 0, traced: 0, fast: 0, batchesDone: 0, batchesTotal: 0, bytesDone: 0, bytesTotal: 0 });
    assert.deepEqual(await collect(s), []);
    assert.equal(await s.isDone({ input: "x", start: 0 }), false);
    const sum = await s.summary({ spunThreshold: 0.5, bins: 2 });
    assert.deepEqual(sum, {
      run: null, counts: await s.counts(0.5), sites: [], worst: [], problemReasons: [],
      histogram: [{ from: 0, to: 0.5, count: 0 }, { from: 0.5, to: 1, count: 0 }],
    });
    await s.close();
  });

  t("run settings round-trip, are replaced by setRun, and survive reopening", async () => {
    const s = await open();
    await s.setRun(RUN);
    assert.deepEqual(await s.getRun(), RUN);
    await s.setRun({ ...RUN, planned: true });
    const r = await reopen(s, {});
    assert.deepEqual(await r.getRun(), { ...RUN, planned: true });
    await r.close();
    await s.close();
  });

  t("addBatches is idempotent and leaves recorded batches as they are; pending batches in input and offset order", async () => {
    const s = await open();
    const inputs = ["b", "a", "é", "Z", "a/b", "a b", "😀", "ｚ"];
    const planned = inputs.flatMap((input) => [100, 9, 10, 0, 2 ** 40].map((start) => batch(input, start)));
    await s.addBatches(planned);
    await s.addBatches(planned.slice(0, 7).map((b) => ({ ...b, bytes: 1, records: 1 })));
    await s.addBatches([]);
    const expected = [...planned].sort(byKey);
    assert.deepEqual(await s.pendingBatches(), expected);
    assert.deepEqual(expected.slice(0, 6).map((b) => `${b.input}@${b.start}`), ["Z@0", "Z@9", "Z@10", "Z@100", `Z@${2 ** 40}`, "a@0"], "byte order, numeric offsets");
    const c = await s.counts(0.5);
    assert.equal(c.batchesTotal, planned.length);
    assert.equal(c.bytesTotal, planned.reduce((n, b) => n + b.bytes, 0));
    await s.close();
  });

  t("completeBatch stores results, marks the batch done, and counts progress by bytes", async () => {
    const s = await open();
    const b1 = batch("/c/a.warc", 0, 5000, 5000, 2);
    const b2 = batch("/c/a.warc", 5000, 9000, 4000, 1);
    await s.addBatches([b1, b2]);
    const r = await s.completeBatch(b1, [page("/c/a.warc", 1200), page("/c/a.warc", 0)]);
    assert.deepEqual(r, { written: 2, skipped: 0 });
    assert.equal(await s.isDone(b1), true);
    assert.equal(await s.isDone(b2), false);
    assert.deepEqual(await s.pendingBatches(), [b2]);
    const c = await s.counts(0.5);
    assert.deepEqual(c, { pages: 2, problems: 0, spun: 0, traced: 0, fast: 0, batchesDone: 1, batchesTotal: 2, bytesDone: 5000, bytesTotal: 9000 });
    assert.deepEqual(await s.batchProgress(), { done: 1, total: 2 });
    assert.deepEqual(await collect(s), [page("/c/a.warc", 0), page("/c/a.warc", 1200)]);
    // An empty batch (no records started in it) is done too.
    assert.deepEqual(await s.completeBatch(b2, []), { written: 0, skipped: 0 });
    assert.deepEqual(await s.pendingBatches(), []);
    // A batch completed without being planned is recorded as it completes.
    const b3 = batch("/c/b.warc", 0, 10, 10, 1);
    await s.completeBatch(b3, [page("/c/b.warc", 0)]);
    assert.equal(await s.isDone(b3), true);
    assert.equal((await s.counts(0.5)).batchesTotal, 3);
    await s.close();
  });

  t("a retried batch writes nothing twice; a retry with more results adds only the new ones", async () => {
    const s = await open();
    const b = batch("in.jsonl", 0, 100_000, 100_000, 3);
    await s.addBatches([b]);
    const results = [page("in.jsonl", 0, { score: 0.9 }), page("in.jsonl", 77), problem("in.jsonl", 150, "invalid UTF-8")];
    assert.deepEqual(await s.completeBatch(b, results), { written: 3, skipped: 0 });
    // The worker died before acknowledging; the batch runs again, this time scoring differently.
    const retry = results.map((r) => ({ ...r, score: r.score === null ? null : 0.1 }));
    assert.deepEqual(await s.completeBatch(b, retry), { written: 0, skipped: 3 });
    assert.deepEqual(await s.completeBatch(b, [...retry, page("in.jsonl", 900)]), { written: 1, skipped: 3 });
    const all = await collect(s);
    assert.equal(all.length, 4);
    assert.equal(all[0].score, 0.9, "the first write stands");
    assert.deepEqual(await s.counts(0.5), { pages: 3, problems: 1, spun: 1, traced: 0, fast: 0, batchesDone: 1, batchesTotal: 1, bytesDone: 100_000, bytesTotal: 100_000 });
    // The same key twice within one call: one row.
    const b2 = batch("dup", 0);
    assert.deepEqual(await s.completeBatch(b2, [page("dup", 5), page("dup", 5, { title: "second" })]), { written: 1, skipped: 1 });
    await s.close();
  });

  t("two connections completing the same batch at once store one copy", async () => {
    const s = await open();
    const s2 = await reopen(s, {});
    const b = batch("/crawl/big.warc.gz", 0, 10_000_000, 10_000_000, 2000);
    await s.addBatches([b]);
    const results = Array.from({ length: 2000 }, (_, i) => page(b.input, i * 1000));
    const [x, y] = await Promise.all([s.completeBatch(b, results), s2.completeBatch(b, [...results].reverse())]);
    assert.equal(x.written + y.written, 2000, "every result written exactly once");
    assert.equal(x.skipped + y.skipped, 2000);
    assert.equal((await s.counts(0.5)).pages, 2000);
    assert.equal((await collect(s2)).length, 2000);
    assert.equal(await s2.isDone(b), true);
    await s2.close();
    await s.close();
  });

  t("summary numbers on a hand-built set", async () => {
    const s = await open();
    await s.setRun(RUN);
    const b1 = batch("w1", 0, 100, 100, 6);
    const b2 = batch("w2", 0, 200, 200, 6);
    const b3 = batch("w3", 0, 300, 300, 1);
    await s.addBatches([b1, b2, b3]);
    const traceA = { docId: 7, extId: "src-7", url: "https://source.example/7", title: "Source", score: 0.97, kind: "spun" };
    const worstSpans = [span("utilise", 0.99), span("commence", 0.7)];
    await s.completeBatch(b1, [
      page("w1", 0, { site: "a.com", score: 0.9, trace: traceA, spans: worstSpans }),
      page("w1", 10, { site: "a.com", score: 0.6 }),
      page("w1", 20, { site: "a.com", score: 0.1 }),
      page("w1", 30, { site: "b.org", score: 0.5 }),
      page("w1", 40, { site: "b.org", score: 0.25 }),
      page("w1", 50, { site: null, url: null, score: 0 }),
    ]);
    await s.completeBatch(b3, [
      page("w3", 0, { site: "c.net", score: 1, trace: { ...traceA, docId: 8, kind: "verbatim" } }),
      problem("w3", 10, "over the size limit (12.3 MB > 10 MB)", "a.com"),
      problem("w3", 20, "over the size limit (11 MB > 10 MB)"),
      problem("w3", 30, "malformed WARC header: no WARC-Type"),
      problem("w3", 40, "malformed WARC header: bad line 3"),
      problem("w3", 50, "invalid UTF-8"),
    ]);
    const sum = await s.summary({ spunThreshold: 0.5, bins: 4, maxSites: 10, maxPages: 3 });
    assert.deepEqual(sum.run, RUN);
    assert.deepEqual(sum.counts, { pages: 7, problems: 5, spun: 4, traced: 2, fast: 0, batchesDone: 2, batchesTotal: 3, bytesDone: 400, bytesTotal: 600 });
    assert.deepEqual(sum.histogram, [
      { from: 0, to: 0.25, count: 2 }, { from: 0.25, to: 0.5, count: 1 }, { from: 0.5, to: 0.75, count: 2 }, { from: 0.75, to: 1, count: 2 },
    ]);
    const sites = sum.sites.map((x) => ({ ...x, meanScore: Math.round(x.meanScore * 1e9) / 1e9 }));
    assert.deepEqual(sites, [
      { site: "a.com", pages: 3, spun: 2, traced: 1, meanScore: 0.533333333 },
      { site: "b.org", pages: 2, spun: 1, traced: 0, meanScore: 0.375 },
      { site: "c.net", pages: 1, spun: 1, traced: 1, meanScore: 1 },
    ]);
    assert.deepEqual(sum.worst.map((p) => [p.input, p.offset, p.score]), [["w3", 0, 1], ["w1", 0, 0.9], ["w1", 10, 0.6]]);
    assert.deepEqual(sum.worst[1].spans, worstSpans);
    assert.deepEqual(sum.worst[1].trace, traceA);
    assert.deepEqual(sum.problemReasons, [
      { reason: "malformed WARC header", count: 2 }, { reason: "over the size limit", count: 2 }, { reason: "invalid UTF-8", count: 1 },
    ]);
    // A lower threshold counts more as spun; the page limits hold.
    const low = await s.summary({ spunThreshold: 0.2, maxSites: 1, maxPages: 0 });
    assert.equal(low.counts.spun, 5, "0.25, 0.5, 0.6, 0.9 and 1");
    assert.deepEqual(low.sites.map((x) => [x.site, x.spun]), [["a.com", 2]]);
    assert.equal(low.worst.length, 0);
    assert.equal(low.histogram.length, 20);
    assert.equal(low.histogram.reduce((n, h) => n + h.count, 0), 7);
    assert.deepEqual([low.histogram[18].count, low.histogram[19].count], [1, 1], "0.9 in [0.9, 0.95); 1 in the last bin, closed at 1");
    await s.close();
  });

  t("results() streams every result in (input, offset) order across pages, with writes in between", async () => {
    const s = await open();
    const inputs = ["b.warc", "a.warc", "é.warc", "Z.warc", "a b.warc"];
    const all: PageResult[] = [];
    for (const input of inputs) {
      const rs = Array.from({ length: 300 }, (_, i) => page(input, (i * 7919) % 300 * 3 + (i % 2 ? 2 ** 40 : 0)));
      await s.completeBatch(batch(input, 0), rs);
      all.push(...rs);
    }
    assert.ok(all.length > 2 * RESULTS_PAGE);
    const got: PageResult[] = [];
    for await (const r of s.results()) {
      got.push(r);
      // The store stays usable while results are being read.
      if (got.length === RESULTS_PAGE + 1) await s.completeBatch(batch("zz-late", 0), [page("zz-late", 0)]);
    }
    assert.deepEqual(got, [...all, page("zz-late", 0)].sort(byKey));
    await s.close();
  });

  t("hostile and unicode strings round-trip; NUL and lone surrogates in columns become U+FFFD", async () => {
    const s = await open();
    const input = "/crawl/it's \"quoted\"; DROP TABLE results;-- \\ %s $1 ünï😀 \u202Eevil.warc.gz";
    const hostile = "O'Brien \"said\" \\n\n\t<script>alert(1)</script> ${x} $$ e\u0301 👩‍👩‍👧 עברית 中文";
    const b = batch(input, 0);
    const r = page(input, 3, {
      url: "https://例え.jp/パス?q='x'&r=\"y\"#frag", site: "例え.jp", title: hostile, reason: null, date: "2024-02-29T23:59:59+14:00",
      spans: [{ ...span(hostile), before: "nul \0 and lone \uD800 stay exact in JSON", after: "\u2028\u2029" }],
      trace: { docId: 1, extId: "ext'1\"", url: null, title: hostile, score: 0.5, kind: "paraphrased" },
    });
    const p = problem(input, 9, `malformed WARC header: "${hostile}"`);
    const dirty = page(input, 20, { title: "nul\0here, lone \uDC00 there", url: "https://x.test/\0" });
    await s.addBatches([b]);
    await s.completeBatch(b, [r, p, dirty]);
    assert.equal(await s.isDone({ input, start: 0 }), true);
    const got = await collect(s);
    assert.deepEqual(got, [r, p, { ...dirty, title: "nul\uFFFDhere, lone \uFFFD there", url: "https://x.test/\uFFFD" }]);
    const sum = await s.summary({ spunThreshold: 0.5 });
    assert.deepEqual(sum.problemReasons, [{ reason: "malformed WARC header", count: 1 }]);
    assert.deepEqual(sum.sites.map((x) => x.site).sort(compareKeys), ["example.com", "例え.jp"]);
    await s.close();
  });

  t("a 10,000-result batch commits in one transaction, and a failing one leaves nothing", async () => {
    const s = await open();
    const b = batch("/crawl/huge.warc.gz", 0, 1e9, 1e9, 10_000);
    const results = Array.from({ length: 10_000 }, (_, i) =>
      i % 10 === 9 ? problem(b.input, i * 4096, "no article text") : page(b.input, i * 4096, { score: (i % 100) / 100 }));
    assert.deepEqual(await s.completeBatch(b, results), { written: 10_000, skipped: 0 });
    const c = await s.counts(0.5);
    assert.equal(c.pages, 9000);
    assert.equal(c.problems, 1000);
    const bad = batch("/crawl/bad.warc.gz", 0, 1e9, 1e9, 10_000);
    const badResults = Array.from({ length: 10_000 }, (_, i) => page(bad.input, i));
    badResults[9_999] = { ...badResults[9_999], status: "unknown" as PageResult["status"] };
    await assert.rejects(s.completeBatch(bad, badResults));
    assert.equal(await s.isDone(bad), false, "not marked done");
    assert.equal((await s.counts(0.5)).pages, 9000, "none of its results stored");
    assert.equal((await collect(s)).length, 10_000);
    await s.close();
  });

  t("site tables: learnable sites, a site's results, a table stored atomically with its re-restored pages, idempotently", async () => {
    const s = await open();
    const b = batch("/c/s.jsonl", 0);
    const spunSite = Array.from({ length: 5 }, (_, i) => page("/c/s.jsonl", i * 100, { site: "spun.example", url: `https://spun.example/${i}`, score: 0.4 }));
    const other = [page("/c/s.jsonl", 50, { site: "clean.example", score: 0.1 }), page("/c/s.jsonl", 60, { site: "clean.example", score: 0.2 })];
    const traced = { docId: 3, extId: "d3", url: null, title: "Source", score: 0.9, kind: "spun" };
    spunSite[1] = { ...spunSite[1], trace: traced };
    await s.completeBatch(b, [...spunSite, ...other, problem("/c/s.jsonl", 700, "invalid UTF-8", "spun.example")]);
    assert.deepEqual(await s.sitesWithPages(2), [{ site: "spun.example", pages: 5, full: 5 }, { site: "clean.example", pages: 2, full: 2 }]);
    assert.deepEqual(await s.sitesWithPages(3), [{ site: "spun.example", pages: 5, full: 5 }], "problems are not pages");
    assert.deepEqual(await s.siteResults("spun.example"), spunSite);
    assert.deepEqual(await s.siteResults("nobody.example"), []);
    assert.deepEqual(await s.siteTables(), []);

    const table: SiteTable = {
      site: "spun.example", reason: null, pages: 5, restored: 5, created: "2026-12-04T11:00:00.000Z",
      pairs: [
        { original: "said", spun: "stated", count: 12.5, probability: 0.91, pages: 5, source: "site" },
        { original: "eastern", spun: "japanese", count: 3, pages: 2, source: "traced" },
      ],
    };
    // The re-restored results: new analysis, same addresses; a result not stored is ignored.
    const redone = spunSite.map((r, i) => ({ ...r, score: 0.9, spinRate: 0.07, words: 260 + i, spans: [span("stated", 0.95)] }));
    assert.deepEqual(await s.putSiteTable(table, [...redone, page("/c/s.jsonl", 99_999, { site: "spun.example" })]), { updated: 5 });
    assert.deepEqual(await s.siteTables(), [table]);
    assert.deepEqual(await s.siteResults("spun.example"), redone, "analysis replaced; url, site, trace kept");
    assert.equal((await s.counts(0.5)).spun, 5);
    // Again (a resumed pass): the same state, nothing twice.
    assert.deepEqual(await s.putSiteTable(table, redone), { updated: 5 });
    assert.deepEqual(await s.siteTables(), [table]);
    // An empty table with its reason; tables come back by site.
    const empty: SiteTable = { site: "clean.example", pairs: [], reason: "the pages do not read as spun", pages: 2, restored: 0, created: "2026-12-04T11:01:00.000Z" };
    await s.putSiteTable(empty, []);
    assert.deepEqual(await s.siteTables(), [empty, table]);
    assert.deepEqual(await s.siteResults("clean.example"), other, "untouched");
    // A failing write leaves neither the table nor any page changed.
    const bad = { ...redone[0], words: null as unknown as number };
    await assert.rejects(s.putSiteTable({ ...table, site: "spun.example", pages: 99 }, [redone[1], bad]));
    assert.deepEqual(await s.siteTables(), [empty, table]);
    const r = await reopen(s, {});
    assert.deepEqual(await r.siteResults("spun.example"), redone);
    await r.close();
    const ro = await reopen(s, { readOnly: true });
    assert.deepEqual(await ro.siteTables(), [empty, table]);
    await assert.rejects(ro.putSiteTable(table, []), (e: Error) => e instanceof UnspinError && /read-only/.test(e.message));
    await ro.close();
    await s.close();
  });

  t("pages: analysed pages by score, filtered by site and score, a window of them with the total", async () => {
    const s = await open();
    const b = batch("p", 0, 9000, 9000, 8);
    const scores = [0.9, 0.1, 0.5, 0.7, 0.5, 0.3];
    const results = [
      ...scores.map((score, k) => page("p", k * 100, { score, site: k % 2 === 0 ? "even.example" : "odd.example" })),
      problem("p", 700, "no article text", "even.example"),
      page("p", 800, { score: null, site: "even.example" }),
    ];
    await s.completeBatch(b, results);
    const all = await s.pages({ limit: 100, offset: 0 });
    assert.equal(all.total, 6, "problems and unscored pages are not listed");
    assert.deepEqual(all.pages.map((p) => p.offset), [0, 300, 200, 400, 500, 100], "score descending, then offset");
    assert.deepEqual(all.pages[0], results[0], "whole results, spans included");
    const window = await s.pages({ limit: 2, offset: 2 });
    assert.deepEqual({ total: window.total, offsets: window.pages.map((p) => p.offset) }, { total: 6, offsets: [200, 400] });
    const even = await s.pages({ site: "even.example", minScore: 0.5, limit: 10, offset: 0 });
    assert.deepEqual({ total: even.total, offsets: even.pages.map((p) => p.offset) }, { total: 3, offsets: [0, 200, 400] });
    const band = await s.pages({ minScore: 0.3, maxScore: 0.5, limit: 10, offset: 0 });
    assert.deepEqual(band.pages.map((p) => p.offset), [200, 400, 500], "bounds are inclusive");
    assert.deepEqual(await s.pages({ site: "nowhere.example", limit: 10, offset: 0 }), { total: 0, pages: [] });
    assert.deepEqual((await s.pages({ limit: 10, offset: 50 })).pages, []);
    await assert.rejects(s.pages({ limit: 0, offset: 0 }), RangeError);
    await assert.rejects(s.pages({ limit: 10, offset: -1 }), RangeError);
    await s.close();
  });

  t("the stage: pages the first stage cleared are counted, kept as stored, and become full when re-restored", async () => {
    const s = await open();
    const b = batch("/c/f.jsonl", 0);
    const fast = (offset: number) => page("/c/f.jsonl", offset, { site: "mixed.example", stage: "fast", score: 0.02, spinRate: null, spans: [] });
    const stored = [fast(0), fast(100), fast(200), page("/c/f.jsonl", 300, { site: "mixed.example", score: 0.9 }), problem("/c/f.jsonl", 400, "no article text", "mixed.example")];
    await s.completeBatch(b, stored);
    const c = await s.counts(0.5);
    assert.deepEqual([c.pages, c.fast, c.spun, c.problems], [4, 3, 1, 1]);
    assert.deepEqual(await collect(s), stored);
    assert.deepEqual(await s.sitesWithPages(1), [{ site: "mixed.example", pages: 4, full: 1 }]);
    const redone = { ...fast(100), stage: "full" as const, score: 0.7, spinRate: 0.05, spans: [span("stated")] };
    await s.putSiteTable({ site: "mixed.example", pairs: [], reason: null, pages: 4, restored: 1, created: "2026-12-07T12:00:00.000Z" }, [redone]);
    assert.deepEqual((await s.siteResults("mixed.example"))[1], redone);
    assert.equal((await s.counts(0.5)).fast, 2);
    await assert.rejects(s.completeBatch(batch("/c/g.jsonl", 0), [page("/c/g.jsonl", 0, { stage: "quick" as PageResult["stage"] })]));
    await s.close();
  });

  t("a read-only store reads and refuses writes", async () => {
    const s = await open();
    const b = batch("r", 0);
    await s.setRun(RUN);
    await s.addBatches([b]);
    const ro = await reopen(s, { readOnly: true });
    assert.deepEqual(await ro.getRun(), RUN);
    assert.deepEqual(await ro.pendingBatches(), [b]);
    const refused = (e: Error) => e instanceof UnspinError && /read-only/.test(e.message);
    await assert.rejects(ro.completeBatch(b, [page("r", 0)]), refused);
    await assert.rejects(ro.addBatches([batch("r", 5000)]), refused);
    await assert.rejects(ro.setRun(RUN), refused);
    assert.equal(await s.isDone(b), false);
    await ro.close();
    await s.close();
  });
}
