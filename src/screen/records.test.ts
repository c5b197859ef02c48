import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { WARCRecord, WARCSerializer, type WARCType } from "warcio";
import { UnspinError } from "../errors.js";
import { listScreenInputs } from "./inputs.js";
import { planBatches, readRecords } from "./records.js";
import type { Batch, ReadItem, ScreenInput } from "./types.js";

// ---------------------------------------------------------------------------------------------
// Generated material (no third-party text): seeded sentences over a small vocabulary.

const VOCAB = (
  "council river valley market school road bridge harvest station report budget village committee storm " +
  "season project museum library orchard railway harbour festival mayor farmer teacher engineer family " +
  "announced repaired opened approved delayed expanded visited measured planned reported described"
).split(" ");

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function paragraph(seed: number, sentences = 4): string {
  const r = rng(seed);
  const out: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const n = 12 + Math.floor(r() * 10);
    const w: string[] = [];
    for (let i = 0; i < n; i++) w.push(VOCAB[Math.floor(r() * VOCAB.length)]);
    w[0] = w[0][0].toUpperCase() + w[0].slice(1);
    out.push(w.join(" ") + ".");
  }
  return out.join(" ");
}

function page(i: number, extra = ""): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Story ${i}</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Story ${i}</h1><p>${paragraph(i * 3 + 1)}${extra}</p><p>${paragraph(i * 3 + 2)}</p><p>${paragraph(i * 3 + 3)}</p></article>
<footer>Generated page ${i}</footer></body></html>`;
}

const enc = new TextEncoder();

async function warcioRecordOf(o: { type: WARCType; url?: string; date?: string; status?: string; http?: Record<string, string>; warc?: Record<string, string>; body?: string | Buffer }, gzip = false): Promise<Buffer> {
  const body = o.body === undefined ? [] : [typeof o.body === "string" ? enc.encode(o.body) : new Uint8Array(o.body)];
  const rec = WARCRecord.create({ type: o.type, url: o.url, date: o.date ?? "2021-05-01T10:00:00Z", statusline: o.status ?? "HTTP/1.1 200 OK", httpHeaders: o.http ?? {}, warcHeaders: o.warc ?? {} }, body);
  return Buffer.from(await WARCSerializer.serialize(rec, { gzip }));
}

/** A WARC as crawlers write it: warcinfo, request/response pairs, metadata, non-pages. */
async function crawlRecords(n: number, gzip = false): Promise<{ records: Buffer[]; pages: { url: string; title: string; index: number }[] }> {
  const records: Buffer[] = [];
  const pages: { url: string; title: string; index: number }[] = [];
  const warcioRecord = (o: Parameters<typeof warcioRecordOf>[0]) => warcioRecordOf(o, gzip);
  records.push(Buffer.from(await WARCSerializer.serialize(WARCRecord.createWARCInfo({ filename: "crawl.warc.gz" }, { software: "test" }), { gzip })));
  for (let i = 0; i < n; i++) {
    const url = `https://www.site${i % 4}.example.com/news/${i}.html`;
    records.push(await warcioRecord({ type: "request", url, status: "GET /news HTTP/1.1", http: { Host: "example.com" } }));
    records.push(await warcioRecord({ type: "response", url, date: `2021-05-${String(1 + (i % 28)).padStart(2, "0")}T10:00:00Z`, http: { "Content-Type": "text/html; charset=utf-8" }, body: page(i) }));
    pages.push({ url, title: `Story ${i}`, index: i });
    if (i % 5 === 0) records.push(await warcioRecord({ type: "metadata", url, warc: { "Content-Type": "application/warc-fields" }, body: "outlink: https://example.com/\r\n" }));
    if (i % 6 === 0) records.push(await warcioRecord({ type: "response", url: `https://site.example.com/img${i}.png`, http: { "Content-Type": "image/png" }, body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]) }));
    if (i % 7 === 0) records.push(await warcioRecord({ type: "response", url: `https://site.example.com/missing${i}`, status: "HTTP/1.1 404 Not Found", http: { "Content-Type": "text/html" }, body: page(1000 + i) }));
  }
  return { records, pages };
}

const gz = (b: Buffer) => zlib.gzipSync(b);

const dirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-screen-"));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function collect(input: ScreenInput, opts?: Parameters<typeof readRecords>[1]): Promise<ReadItem[]> {
  const out: ReadItem[] = [];
  for await (const it of readRecords(input, opts)) out.push(it);
  return out;
}

const addr = (it: ReadItem) => `${(it.page ?? it.problem)!.input}@${(it.page ?? it.problem)!.offset}`;
const summary = (it: ReadItem) => (it.page ? `page ${it.page.url ?? it.page.input}` : `problem ${it.problem!.reason}`);

/**
 * Plan batches of n, re-read each batch from its address alone, and check that the batches
 * partition the input: every record read once, in order, each batch yielding exactly its count.
 */
async function checkPartition(input: ScreenInput, n: number, all?: ReadItem[]): Promise<Batch[]> {
  all ??= await collect(input);
  const batches: Batch[] = [];
  let lastBytes = -1;
  for await (const b of planBatches(input, n, { onBytes: (x) => (lastBytes = x) })) batches.push(b);
  assert.equal(lastBytes, input.size, "onBytes ends at the input's size");
  const reread: ReadItem[] = [];
  for (const [i, b] of batches.entries()) {
    assert.equal(b.input, input.input);
    if (i > 0) assert.equal(b.start, batches[i - 1].end, "batches are contiguous");
    assert.ok(b.end > b.start);
    assert.ok(b.records >= 1 && b.records <= n);
    if (i < batches.length - 1) assert.equal(b.records, n, "only the last batch is short");
    const items = await collect(input, { start: b.start, end: b.end });
    assert.equal(items.length, b.records, `batch ${i} (${b.start}..${b.end}): re-read ${items.length}, planned ${b.records}`);
    reread.push(...items);
  }
  assert.deepEqual(reread.map(addr), all.map(addr), "the batches hold every record once, in order");
  assert.deepEqual(reread.map(summary), all.map(summary));
  assert.equal(batches.reduce((s, b) => s + b.bytes, 0), input.size, "batch bytes sum to the input's size");
  return batches;
}

async function inputOf(file: string): Promise<ScreenInput> {
  const [i] = await listScreenInputs([file]);
  return i;
}

// ---------------------------------------------------------------------------------------------

test("WARC gzip per record (warcio): only 2xx HTML/text responses are pages, with URL, date and article; batches partition it", async () => {
  const dir = tmp();
  const { records, pages } = await crawlRecords(23);
  const members: Buffer[] = [];
  for (const r of records) members.push(gz(r));
  const file = path.join(dir, "crawl.warc.gz");
  fs.writeFileSync(file, Buffer.concat(members));
  const input = await inputOf(file);
  assert.deepEqual(input, { input: file, size: fs.statSync(file).size, format: "warc", gzip: true });

  const items = await collect(input);
  assert.equal(items.length, pages.length, items.filter((i) => i.problem).map((i) => i.problem!.reason).join("; "));
  // Offsets are the members' offsets in the compressed file.
  const memberOffsets = new Set<number>();
  let pos = 0;
  for (const m of members) {
    memberOffsets.add(pos);
    pos += m.length;
  }
  for (const [k, it] of items.entries()) {
    assert.ok(it.page, summary(it));
    const p = it.page;
    assert.equal(p.url, pages[k].url);
    assert.equal(p.title, pages[k].title);
    assert.equal(p.date, `2021-05-${String(1 + (k % 28)).padStart(2, "0")}T10:00:00Z`);
    assert.ok(memberOffsets.has(p.offset), `offset ${p.offset} is a member start`);
    assert.ok(p.text.startsWith(paragraph(k * 3 + 1).slice(0, 40)), p.text.slice(0, 80));
    assert.doesNotMatch(p.text, /Home|Generated page/);
  }
  for (const n of [1, 2, 5, 7, 100]) await checkPartition(input, n, items);
});

test("warcio's own per-record gzip (CompressionStream members) reads the same as zlib's", async () => {
  const dir = tmp();
  // Serialised with warcio's gzip option: one member per record, compressed by warcio.
  const { records: members, pages } = await crawlRecords(6, true);
  const file = path.join(dir, "warcio.warc.gz");
  fs.writeFileSync(file, Buffer.concat(members));
  const input = await inputOf(file);
  const items = await collect(input);
  assert.deepEqual(items.map((i) => i.page?.url), pages.map((p) => p.url));
  await checkPartition(input, 2, items);
});

test("plain WARC: offsets are the records' byte offsets; batches partition it", async () => {
  const dir = tmp();
  const { records, pages } = await crawlRecords(17);
  const buf = Buffer.concat(records);
  const file = path.join(dir, "crawl.warc");
  fs.writeFileSync(file, buf);
  const input = await inputOf(file);
  assert.equal(input.gzip, false);
  const items = await collect(input);
  assert.deepEqual(items.map((i) => i.page?.url), pages.map((p) => p.url));
  for (const it of items) {
    const at = buf.subarray(it.page!.offset, it.page!.offset + 300).toString("latin1");
    assert.match(at, /^WARC\/1\.0\r\n/);
    assert.ok(at.includes(it.page!.url!), "the record at the offset is the page's");
  }
  for (const n of [1, 3, 4, 50]) await checkPartition(input, n, items);
});

test("whole-file gzip WARC (one member): detected; addresses are decompressed offsets; planned as one batch", async () => {
  const dir = tmp();
  const { records, pages } = await crawlRecords(12);
  const plain = Buffer.concat(records);
  const file = path.join(dir, "whole.warc.gz");
  fs.writeFileSync(file, gz(plain));
  const input = await inputOf(file);
  assert.equal(input.gzip, true);
  const items = await collect(input);
  assert.deepEqual(items.map((i) => i.page?.url), pages.map((p) => p.url));
  for (const it of items) assert.match(plain.subarray(it.page!.offset, it.page!.offset + 10).toString("latin1"), /^WARC\/1\.0/);
  // One batch whatever the batch size: a later batch would decompress everything before it.
  const batches: Batch[] = [];
  for await (const b of planBatches(input, 5)) batches.push(b);
  assert.equal(batches.length, 1);
  assert.equal(batches[0].records, items.length);
  assert.equal(batches[0].bytes, input.size);
  assert.deepEqual((await collect(input, { start: batches[0].start, end: batches[0].end })).map(addr), items.map(addr));
  // A range late in the file still reads alone (decompressing from the start, skipping to it).
  const last = await collect(input, { start: items[10].page!.offset, end: Infinity });
  assert.deepEqual(last.map((i) => i.page!.url), pages.slice(10).map((p) => p.url));
});

// ---------------------------------------------------------------------------------------------
// Hand-assembled WARCs: encodings and damage.

let recordId = 0;
function rawRecord(headers: Record<string, string>, block: Buffer | string, contentLength?: string): Buffer {
  const b = typeof block === "string" ? Buffer.from(block) : block;
  const h = { "WARC-Record-ID": `<urn:uuid:00000000-0000-0000-0000-${String(++recordId).padStart(12, "0")}>`, ...headers, "Content-Length": contentLength ?? String(b.length) };
  const head = Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.concat([Buffer.from(`WARC/1.1\r\n${head}\r\n`, "latin1"), b, Buffer.from("\r\n\r\n")]);
}

function httpBlock(headers: Record<string, string>, body: Buffer | string, status = "200 OK"): Buffer {
  const head = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${head}\r\n`, "latin1"), typeof body === "string" ? Buffer.from(body) : body]);
}

function response(url: string, headers: Record<string, string>, body: Buffer | string, status?: string): Buffer {
  return rawRecord({ "WARC-Type": "response", "WARC-Target-URI": url, "WARC-Date": "2022-03-04T05:06:07Z", "Content-Type": "application/http; msgtype=response" }, httpBlock(headers, body, status));
}

function latin1Page(i: number, word: string): Buffer {
  // A page whose text has non-ASCII letters, encoded in latin1/windows-1252 by hand.
  return Buffer.from(page(i, ` The caf\u00e9 na\u00efve r\u00e9sum\u00e9 ${word}.`).replace('<meta charset="utf-8">', ""), "latin1");
}

test("charsets and encodings: declared, <meta>, BOM, latin1/windows-1252, chunked and gzip bodies; unknown charset and invalid UTF-8 are problems", async () => {
  const dir = tmp();
  const cp1252 = Buffer.concat([Buffer.from(page(5, " He said ").replace('<meta charset="utf-8">', ""), "latin1")]);
  // windows-1252 curly quotes (0x93, 0x94) inside the first paragraph.
  const q = cp1252.indexOf(" He said ");
  const smart = Buffer.concat([cp1252.subarray(0, q + 9), Buffer.from([0x93, 0x6f, 0x6b, 0x94]), cp1252.subarray(q + 9)]);
  const body = Buffer.from(page(6));
  const chunked = Buffer.concat([Buffer.from(`${(200).toString(16)}\r\n`), body.subarray(0, 200), Buffer.from(`\r\n${(body.length - 200).toString(16)}\r\n`), body.subarray(200), Buffer.from("\r\n0\r\n\r\n")]);
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(page(8), "utf16le")]);
  const badUtf8 = Buffer.from(page(9));
  badUtf8[badUtf8.indexOf("Story 9</h1>") + 2] = 0xff;
  const recs = [
    response("http://a.example/latin1", { "Content-Type": "text/html; charset=ISO-8859-1" }, latin1Page(1, "one")),
    response("http://a.example/meta", { "Content-Type": "text/html" }, Buffer.concat([Buffer.from('<!doctype html><html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'), latin1Page(2, "two").subarray(15)])),
    response("http://a.example/cp1252", { "Content-Type": "text/html; charset=windows-1252" }, smart),
    response("http://a.example/chunked", { "Content-Type": "text/html; charset=utf-8", "Transfer-Encoding": "chunked" }, chunked),
    response("http://a.example/gzip", { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" }, gz(Buffer.from(page(7)))),
    response("http://a.example/utf16", { "Content-Type": "text/html" }, utf16),
    response("http://a.example/unknown", { "Content-Type": "text/html; charset=x-klingon" }, Buffer.from(page(10))),
    response("http://a.example/invalid", { "Content-Type": "text/html; charset=utf-8" }, badUtf8),
    response("http://a.example/nodecl-invalid", { "Content-Type": "text/html" }, latin1Page(11, "eleven")),
    response("http://a.example/br", { "Content-Type": "text/html", "Content-Encoding": "br" }, zlib.brotliCompressSync(Buffer.from(page(12)))),
    response("http://a.example/zstd", { "Content-Type": "text/html", "Content-Encoding": "zstd" }, Buffer.from("xx")),
    response("http://a.example/nocontenttype", {}, Buffer.from(page(13))),
    rawRecord({ "WARC-Type": "resource", "WARC-Target-URI": "file:///notes.txt", "WARC-Date": "2022-03-04T05:06:07Z", "Content-Type": "text/plain; charset=utf-8" }, paragraph(99)),
  ];
  const file = path.join(dir, "enc.warc");
  fs.writeFileSync(file, Buffer.concat(recs));
  const items = await collect(await inputOf(file));
  const byUrl = new Map(items.map((i) => [(i.page ?? i.problem)!.url, i]));
  assert.equal(items.length, recs.length);
  assert.match(byUrl.get("http://a.example/latin1")!.page!.text, /The café naïve résumé one\./);
  assert.match(byUrl.get("http://a.example/meta")!.page!.text, /The café naïve résumé two\./);
  assert.match(byUrl.get("http://a.example/cp1252")!.page!.text, /He said “ok”/);
  assert.ok(byUrl.get("http://a.example/chunked")!.page!.text.startsWith(paragraph(19).slice(0, 30)));
  assert.ok(byUrl.get("http://a.example/gzip")!.page!.text.startsWith(paragraph(22).slice(0, 30)));
  assert.ok(byUrl.get("http://a.example/utf16")!.page!.text.startsWith(paragraph(25).slice(0, 30)));
  assert.equal(byUrl.get("http://a.example/unknown")!.problem!.reason, 'unknown charset "x-klingon"');
  assert.equal(byUrl.get("http://a.example/invalid")!.problem!.reason, "invalid UTF-8");
  assert.equal(byUrl.get("http://a.example/nodecl-invalid")!.problem!.reason, "invalid UTF-8", "no declaration: strict UTF-8, not a silent replacement");
  assert.ok(byUrl.get("http://a.example/br")!.page);
  assert.equal(byUrl.get("http://a.example/zstd")!.problem!.reason, 'unsupported Content-Encoding "zstd"');
  assert.ok(byUrl.get("http://a.example/nocontenttype")!.page, "an HTML page without Content-Type is sniffed");
  const res = byUrl.get("file:///notes.txt")!.page!;
  assert.equal(res.text, paragraph(99));
  assert.equal(res.date, "2022-03-04T05:06:07Z");
  assert.equal(res.title, null);
});

test("damaged WARC, plain: broken header, bad Content-Length, binary, no article, over the limit, truncated end — each one problem; the rest read", async () => {
  const dir = tmp();
  const good = (i: number) => response(`http://b.example/${i}`, { "Content-Type": "text/html; charset=utf-8" }, page(i));
  const parts: Buffer[] = [
    good(1),
    Buffer.from("garbage that is not a record\r\nmore garbage\r\n\r\n"),
    good(2),
    // Header without a usable Content-Length: its extent is unknown, the next WARC/ line is found.
    Buffer.from("WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://b.example/nolength\r\nContent-Length: lots\r\n\r\nHTTP/1.1 200 OK\r\n\r\n<html>body</html>\r\n\r\n"),
    good(3),
    // Content-Length too small: data follows the record.
    rawRecord({ "WARC-Type": "response", "WARC-Target-URI": "http://b.example/short" }, httpBlock({ "Content-Type": "text/html" }, page(40)), "60"),
    good(4),
    response("http://b.example/binary", { "Content-Type": "text/html" }, Buffer.from([0x3c, 0x68, 0, 1, 2, 3, 0, 0, 9, 0x3c])),
    response("http://b.example/noarticle", { "Content-Type": "text/html" }, "<html><body><nav><a href='/'>Home</a></nav></body></html>"),
    response("http://b.example/big", { "Content-Type": "text/html" }, page(5, " filler".repeat(3000))),
    rawRecord({ "WARC-Type": "response", "WARC-Target-URI": "http://b.example/badhttp" }, "not an http response at all"),
    good(6),
    // An empty response block is not a page, and nothing to report.
    rawRecord({ "WARC-Type": "response", "WARC-Target-URI": "http://b.example/empty" }, ""),
    // Stray blank lines between records are nothing.
    Buffer.from("\n\r\n\n"),
    good(7),
  ];
  const full = Buffer.concat(parts);
  const truncatedTail = good(8).subarray(0, 500);
  const file = path.join(dir, "damaged.warc");
  fs.writeFileSync(file, Buffer.concat([full, truncatedTail]));
  const input = await inputOf(file);
  const items = await collect(input, { maxRecordBytes: 16 * 1024 });
  const got = items.map((i) => (i.page ? `page ${i.page.url}` : `problem ${i.problem!.url ?? "-"}: ${i.problem!.reason}`));
  assert.deepEqual(got, [
    "page http://b.example/1",
    "problem -: malformed WARC header: no WARC/1.x line",
    "page http://b.example/2",
    "problem -: malformed WARC header: no valid Content-Length",
    "page http://b.example/3",
    "problem http://b.example/short: malformed WARC record: Content-Length does not match (data follows the record)",
    "page http://b.example/4",
    "problem http://b.example/binary: binary content",
    "problem http://b.example/noarticle: no article text",
    `problem http://b.example/big: over the size limit (${Math.ceil(Buffer.byteLength(page(5, " filler".repeat(3000))) / 1024)} KB > 16 KB)`,
    "problem http://b.example/badhttp: malformed HTTP response header",
    "page http://b.example/6",
    "page http://b.example/7",
    "problem http://b.example/8: truncated record (" + (500 - good(8).indexOf("\r\n\r\n") - 4) + " of " + (good(8).length - good(8).indexOf("\r\n\r\n") - 8) + " bytes)",
  ]);
  // Problems are addressed where they start.
  assert.equal(items[1].problem!.offset, good(1).length);
  await checkPartition(input, 3, await collect(input));
  await checkPartition(input, 1, await collect(input));
});

test("damaged WARC, gzip per record: corrupt member, broken header, multi-record member, truncated last member", async () => {
  const dir = tmp();
  const good = (i: number) => gz(response(`http://c.example/${i}`, { "Content-Type": "text/html; charset=utf-8" }, page(i)));
  const corrupt = Buffer.from(good(2));
  for (let k = 40; k < 80; k++) corrupt[k] ^= 0x5a;
  assert.throws(() => zlib.gunzipSync(corrupt), /invalid|incorrect|unexpected/, "precondition: the damaged member does not inflate");
  const badCrc = Buffer.from(good(3));
  badCrc[badCrc.length - 6] ^= 1; // CRC32 byte: inflates, fails its check; its end is known
  const members = [
    good(1),
    corrupt,
    good(4),
    gz(Buffer.from("not a warc record at all\r\n\r\n")),
    good(5),
    badCrc,
    good(6),
    gz(Buffer.concat([response("http://c.example/m1", { "Content-Type": "text/html" }, page(7)), response("http://c.example/m2", { "Content-Type": "text/html" }, page(8))])),
    good(9),
    gz(Buffer.alloc(0)), // an empty member holds no record: nothing to report
    Buffer.from("raw bytes that are not gzip"),
    good(10),
  ];
  const offsets: number[] = [];
  let pos = 0;
  for (const m of members) {
    offsets.push(pos);
    pos += m.length;
  }
  const last = good(11);
  const file = path.join(dir, "damaged.warc.gz");
  fs.writeFileSync(file, Buffer.concat([...members, last.subarray(0, last.length - 30)]));
  const input = await inputOf(file);
  const items = await collect(input);
  const got = items.map((i) => `${(i.page ?? i.problem)!.offset} ${i.page ? `page ${i.page.url}` : `problem ${i.problem!.reason}`}`);
  assert.deepEqual(got, [
    `${offsets[0]} page http://c.example/1`,
    `${offsets[1]} problem corrupt gzip data`,
    `${offsets[2]} page http://c.example/4`,
    `${offsets[3]} problem malformed WARC header: no WARC/1.x line`,
    `${offsets[4]} page http://c.example/5`,
    `${offsets[5]} problem corrupt gzip data`,
    `${offsets[6]} page http://c.example/6`,
    `${offsets[7]} problem gzip member holds several WARC records (recompress one record per member)`,
    `${offsets[8]} page http://c.example/9`,
    `${offsets[10]} problem corrupt gzip data`,
    `${offsets[11]} page http://c.example/10`,
    `${pos} problem truncated gzip data (the input ends inside a gzip member)`,
  ]);
  for (const n of [1, 2, 4]) await checkPartition(input, n, items);
});

test("plain WARC: a Content-Length running past the end of the file is one problem, and the records after it are read", async () => {
  const dir = tmp();
  const good = (i: number) => response(`http://d.example/${i}`, { "Content-Type": "text/html; charset=utf-8" }, page(i));
  const parts: Buffer[] = [];
  for (let i = 0; i < 50; i++) {
    if (i === 25) {
      const block = httpBlock({ "Content-Type": "text/html" }, page(i));
      parts.push(rawRecord({ "WARC-Type": "response", "WARC-Target-URI": `http://d.example/${i}` }, block, String(10_000_000)));
    } else parts.push(good(i));
  }
  const file = path.join(dir, "overrun.warc");
  fs.writeFileSync(file, Buffer.concat(parts));
  const input = await inputOf(file);
  const items = await collect(input);
  assert.equal(items.length, 50, "every record accounted for");
  assert.equal(items.filter((i) => i.page).length, 49);
  const bad = items.find((i) => i.problem)!.problem!;
  assert.equal(bad.url, "http://d.example/25");
  assert.match(bad.reason, /Content-Length \(10000000 bytes\) runs past the end of the file/);
  for (const n of [1, 7, 50]) await checkPartition(input, n, items);
});

test("gzip per record: corrupt members in a row are each one problem, so the counts add up to the records", async () => {
  const dir = tmp();
  const corrupted = (b: Buffer) => {
    const c = Buffer.from(b);
    for (let k = 40; k < 80; k++) c[k] ^= 0x5a;
    return c;
  };
  const members: Buffer[] = [];
  for (let i = 0; i < 50; i++) {
    const m = gz(response(`http://e.example/${i}`, { "Content-Type": "text/html; charset=utf-8" }, page(i)));
    members.push(i === 20 || i === 21 || i === 22 || i === 40 ? corrupted(m) : m);
  }
  const file = path.join(dir, "corrupt-run.warc.gz");
  fs.writeFileSync(file, Buffer.concat(members));
  const input = await inputOf(file);
  const items = await collect(input);
  assert.equal(items.filter((i) => i.page).length, 46);
  assert.deepEqual(items.filter((i) => i.problem).map((i) => i.problem!.reason), Array(4).fill("corrupt gzip data"));
  assert.equal(items.length, 50, "pages and problems add up to the members");
  for (const n of [1, 3, 50]) await checkPartition(input, n, items);
});

test("truncated and broken whole-file gzip: a problem, then the input ends cleanly", async () => {
  const dir = tmp();
  const { records } = await crawlRecords(8);
  const whole = gz(Buffer.concat(records));
  const file = path.join(dir, "cut.warc.gz");
  fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const input = await inputOf(file);
  const items = await collect(input);
  assert.ok(items.length >= 2);
  assert.ok(items.slice(0, -1).every((i) => i.page), items.map(summary).join("; "));
  assert.match(items.at(-1)!.problem!.reason, /^truncated/);
  const planned: Batch[] = [];
  for await (const b of planBatches(input, 2)) planned.push(b);
  assert.equal(planned.length, 1, "a whole-file gzip is one batch");
  assert.equal(planned[0].records, items.length);
  assert.deepEqual((await collect(input, { start: planned[0].start, end: planned[0].end })).map(addr), items.map(addr));
});

// ---------------------------------------------------------------------------------------------
// JSONL, single files, folders, listing.

test("JSONL: a record per line at its byte offset; blank lines are nothing; every bad line one problem; batches partition it", async () => {
  const dir = tmp();
  const lines: (string | Buffer)[] = [
    "\ufeff" + JSON.stringify({ id: "a", url: "https://d.example/a", title: "A", date: "Tue, 15 Nov 1994 08:12:31 GMT", text: paragraph(1) }),
    "",
    "   ",
    JSON.stringify({ url: "https://d.example/b", html: page(2) }),
    "{not json",
    Buffer.concat([Buffer.from('{"text": "bad '), Buffer.from([0xc3, 0x28]), Buffer.from(' utf8"}')]),
    Buffer.from([0x7b, 0, 0, 1, 2, 3, 0x7d]),
    JSON.stringify({ url: "https://d.example/nohtml", html: "<html><body><nav>Home</nav></body></html>" }),
    JSON.stringify({ url: "https://d.example/big", text: paragraph(3, 400) }),
    JSON.stringify([1, 2]),
    JSON.stringify({ title: "no text" }),
    JSON.stringify({ text: paragraph(4), date: "2020-02-02" }) + "\r",
    JSON.stringify({ text: paragraph(5) }),
  ];
  const buf = Buffer.concat(lines.map((l, i) => Buffer.concat([Buffer.from(l), Buffer.from(i < lines.length - 1 ? "\n" : "")])));
  const file = path.join(dir, "docs.jsonl");
  fs.writeFileSync(file, buf);
  const input = await inputOf(file);
  assert.equal(input.format, "jsonl");
  const items = await collect(input, { maxRecordBytes: 8 * 1024 });
  const got = items.map((i) => (i.page ? `page ${i.page.url} ${i.page.date}` : `problem ${i.problem!.url} ${i.problem!.reason.replace(/\(.*\)/, "(…)")}`));
  assert.deepEqual(got, [
    "page https://d.example/a 1994-11-15T08:12:31Z",
    "page https://d.example/b null",
    "problem null not valid JSON (…)",
    "problem null invalid UTF-8",
    "problem null binary content",
    "problem https://d.example/nohtml HTML with no article text",
    "problem null over the size limit (…)",
    "problem null not a JSON object",
    'problem null no "text" or "html" field',
    "page null 2020-02-02",
    "page null null",
  ]);
  assert.equal(items[0].page!.title, "A");
  assert.equal(items[0].page!.text, paragraph(1));
  assert.equal(items[1].page!.title, "Story 2");
  // Offsets are the lines' first bytes.
  for (const it of items) {
    const o = (it.page ?? it.problem)!.offset;
    assert.ok(o === 0 || buf[o - 1] === 0x0a, `offset ${o} starts a line`);
  }
  for (const n of [1, 2, 3, 20]) await checkPartition(input, n, await collect(input));
});

test("single HTML and text files are one record at offset 0; problems for binary, empty, non-UTF-8", async () => {
  const dir = tmp();
  const w = (name: string, data: string | Buffer) => {
    fs.writeFileSync(path.join(dir, name), data);
    return path.join(dir, name);
  };
  const files = [w("story.html", page(3)), w("note.txt", paragraph(8)), w("doc.dat", page(4)), w("bin.html", Buffer.from([1, 2, 0, 0, 5])), w("empty.txt", ""), w("latin.txt", Buffer.from("caf\u00e9 " + paragraph(9), "latin1"))];
  const inputs = await listScreenInputs(files);
  assert.deepEqual(inputs.map((i) => i.format), ["html", "text", "text", "html", "text", "text"]);
  const got: string[] = [];
  for (const i of inputs) for (const it of await collect(i)) got.push(it.page ? `${path.basename(it.page.input)}@${it.page.offset} ${it.page.title}` : `${path.basename(it.problem!.input)} ${it.problem!.reason}`);
  assert.deepEqual(got, ["story.html@0 Story 3", "note.txt@0 null", "doc.dat@0 Story 4", "bin.html binary content", "empty.txt empty document", "latin.txt invalid UTF-8"]);
  assert.deepEqual(await collect(inputs[0], { start: 1 }), []);
  assert.match((await collect(inputs[0], { maxRecordBytes: 1000 }))[0].problem!.reason, /^over the size limit \(\d KB > 1 KB\)$/);
  for (const i of inputs) await checkPartition(i, 1);
});

test("folder: pages by sorted recursive listing (hidden and non-page files passed over); WARC/JSONL inside are inputs of their own", async () => {
  const dir = tmp();
  const w = (rel: string, data: string | Buffer) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), data);
  };
  w("b/2.html", page(2));
  w("b/1.htm", page(1));
  w("a.txt", paragraph(5));
  w("c/deep/3.html", page(3));
  w("c/noext-page", page(6));
  w(".hidden.html", page(7));
  w(".git/x.html", page(8));
  w("style.css", "body { color: red }");
  w("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]));
  w("broken.html", Buffer.from([0, 1, 2, 3]));
  w("nav.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>");
  w("data.jsonl", JSON.stringify({ text: paragraph(9) }) + "\n");
  const { records } = await crawlRecords(2);
  w("crawl/x.warc.gz", Buffer.concat(records.map(gz)));
  w("crawl/renamed.bin", gz(Buffer.concat(records)));
  w("other.gz", gz(Buffer.from("just text")));

  const inputs = await listScreenInputs([dir]);
  const rel = (p: string) => path.relative(dir, p) || ".";
  assert.deepEqual(inputs.map((i) => `${rel(i.input)} ${i.format}${i.gzip ? " gz" : ""}`), [". folder", "crawl/renamed.bin warc gz", "crawl/x.warc.gz warc gz", "data.jsonl jsonl"]);
  const folder = inputs[0];
  const pageFiles = ["a.txt", "b/1.htm", "b/2.html", "broken.html", "c/deep/3.html", "c/noext-page", "nav.html"];
  assert.equal(folder.size, pageFiles.reduce((s, f) => s + fs.statSync(path.join(dir, f)).size, 0));
  const items = await collect(folder);
  assert.deepEqual(items.map((i) => rel((i.page ?? i.problem)!.input)), pageFiles);
  assert.ok(items.every((i) => (i.page ?? i.problem)!.offset === 0), "each page is addressed by its own file at offset 0");
  assert.deepEqual(items.map((i) => (i.page ? i.page.title : i.problem!.reason)), [null, "Story 1", "Story 2", "binary content", "Story 3", "Story 6", "no article text"]);
  // Batches are positions in the listing; bytes are the files' sizes.
  const batches = await checkPartition(folder, 3, items);
  assert.deepEqual(batches.map((b) => [b.start, b.end, b.records]), [[0, 3, 3], [3, 6, 3], [6, 7, 1]]);
  assert.deepEqual((await collect(folder, { start: 3, end: 5 })).map((i) => rel((i.page ?? i.problem)!.input)), ["broken.html", "c/deep/3.html"]);
});

test("listing: a missing or unreadable input is a one-line UnspinError; WARCs are known by content; a gzip that is not a WARC is refused", async () => {
  const dir = tmp();
  await assert.rejects(listScreenInputs([path.join(dir, "nope.warc.gz")]), (e: unknown) => e instanceof UnspinError && /^no such file or folder: .*nope\.warc\.gz$/.test(e.message));
  const gzText = path.join(dir, "notes.txt.gz");
  fs.writeFileSync(gzText, gz(Buffer.from("hello")));
  await assert.rejects(listScreenInputs([gzText]), (e: unknown) => e instanceof UnspinError && /gzip-compressed but not a WARC/.test(e.message));
  const { records } = await crawlRecords(1);
  const disguised = path.join(dir, "crawl.dat");
  fs.writeFileSync(disguised, Buffer.concat(records));
  const misnamed = path.join(dir, "plain.warc.gz");
  fs.writeFileSync(misnamed, Buffer.concat(records));
  assert.deepEqual((await listScreenInputs([disguised, misnamed, disguised])).map((i) => [i.format, i.gzip]), [["warc", false], ["warc", false]]);
  // Reading a file that has gone: UnspinError, not a problem.
  const gone = path.join(dir, "gone.warc");
  await assert.rejects(collect({ input: gone, size: 0, format: "warc", gzip: false }), (e: unknown) => e instanceof UnspinError && /no such file/.test(e.message));
  await assert.rejects(collect({ input: path.join(dir, "gone.jsonl"), size: 0, format: "jsonl", gzip: false }), UnspinError);
  await assert.rejects(collect({ input: path.join(dir, "gone.html"), size: 0, format: "html", gzip: false }), UnspinError);
  if (process.getuid?.() !== 0) {
    const locked = path.join(dir, "locked.warc");
    fs.writeFileSync(locked, Buffer.concat(records));
    fs.chmodSync(locked, 0);
    await assert.rejects(listScreenInputs([locked]), (e: unknown) => e instanceof UnspinError && /cannot read .*EACCES/.test(e.message));
  }
});

// ---------------------------------------------------------------------------------------------
// Size: a 200 MB record or line is skipped streaming, in a child process whose peak RSS is measured.

const HERE = path.dirname(fileURLToPath(import.meta.url));

test("a 200 MB JSONL line, plain WARC record and gzip WARC member are skipped in low memory (< 300 MB RSS)", { timeout: 300_000 }, (t) => {
  const dir = tmp();
  const script = path.join(dir, "big.mjs");
  fs.writeFileSync(
    script,
    `
import fs from "node:fs";
import zlib from "node:zlib";
import { once } from "node:events";
const { readRecords, planBatches } = await import(${JSON.stringify(path.join(HERE, "records.ts"))});
const { listScreenInputs } = await import(${JSON.stringify(path.join(HERE, "inputs.ts"))});
const dir = ${JSON.stringify(dir)};
const BIG = 200 * 1024 * 1024;
const word = Buffer.from("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor ");
const piece = Buffer.concat(Array(800).fill(word)); // ~62 KB of text
const html = (n) => "<!doctype html><html><head><title>T" + n + "</title></head><body><article><p>" + "Fresh words for a normal page number " + n + ". ".repeat(1) + "The council opened the new bridge over the river after a long delay and the market reopened on Monday. ".repeat(4) + "</p></article></body></html>";
async function writeAll(stream, parts) { for (const p of parts) { if (typeof p === "function") { for (let n = 0; n < BIG; n += piece.length) if (!stream.write(piece)) await once(stream, "drain"); } else if (!stream.write(p)) await once(stream, "drain"); } stream.end(); await once(stream, "finish"); }
const HTTP = "HTTP/1.1 200 OK\\r\\nContent-Type: text/html\\r\\n\\r\\n";
const head = (url, n) => "WARC/1.1\\r\\nWARC-Type: response\\r\\nWARC-Target-URI: " + url + "\\r\\nContent-Length: " + (HTTP.length + n) + "\\r\\n\\r\\n" + HTTP;
const record = (url, body) => head(url, Buffer.byteLength(body)) + body + "\\r\\n\\r\\n";
const bigHead = head("http://big.example/", Math.ceil(BIG / piece.length) * piece.length);
await writeAll(fs.createWriteStream(dir + "/big.jsonl"), [JSON.stringify({ text: "first" }) + "\\n", '{"text": "', () => 0, '"}\\n', JSON.stringify({ html: html(1) }) + "\\n"]);
await writeAll(fs.createWriteStream(dir + "/big.warc"), [record("http://small.example/0", html(0)), bigHead, () => 0, "\\r\\n\\r\\n", record("http://small.example/1", html(1))]);
{
  // The big record as one gzip member between two small ones.
  const g = zlib.createGzip({ level: 1 });
  const member = fs.createWriteStream(dir + "/member.gz");
  g.pipe(member);
  await writeAll(g, [bigHead, () => 0, "\\r\\n\\r\\n"]);
  if (!member.writableFinished) await once(member, "finish");
  const out = fs.createWriteStream(dir + "/big.warc.gz");
  out.write(zlib.gzipSync(record("http://small.example/0", html(0))));
  const big = fs.createReadStream(dir + "/member.gz");
  big.pipe(out, { end: false });
  await once(big, "end");
  out.end(zlib.gzipSync(record("http://small.example/1", html(1))));
  await once(out, "finish");
  fs.rmSync(dir + "/member.gz");
}
const result = {};
const t0 = Date.now();
for (const input of await listScreenInputs([dir + "/big.jsonl", dir + "/big.warc", dir + "/big.warc.gz"])) {
  const items = [];
  for await (const it of readRecords(input, { maxRecordBytes: Number(process.env.LIMIT) || undefined })) items.push(it.page ? "page" : it.problem.reason);
  const batches = [];
  for await (const b of planBatches(input, 2)) batches.push(b.records);
  result[input.input.split("/").pop()] = { items, batches };
}
result.maxRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
result.seconds = ((Date.now() - t0) / 1000).toFixed(1);
console.log(JSON.stringify(result));
`,
  );
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", cwd: path.join(HERE, "..", "..") });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
  fs.rmSync(dir, { recursive: true, force: true });
  t.diagnostic(`peak RSS ${res.maxRssMB} MB, ${res.seconds} s`);
  assert.ok(res.maxRssMB < 300, `peak RSS ${res.maxRssMB} MB`);
  for (const name of ["big.jsonl", "big.warc", "big.warc.gz"]) {
    assert.equal(res[name].items.length, 3, `${name}: ${JSON.stringify(res[name])}`);
    assert.equal(res[name].items[0], "page");
    assert.match(res[name].items[1], /^over the size limit \(200 MB > 10 MB\)$/);
    assert.equal(res[name].items[2], "page");
    assert.deepEqual(res[name].batches, [2, 1]);
  }
});

// ---------------------------------------------------------------------------------------------
// The benchmark crawl generator: what it labels is what the reader finds.

test("bench/screen-corpus: generated WARC.gz, JSONL and HTML folder read back as labelled (pages, sites, damage)", { timeout: 120_000 }, async () => {
  const { writeScreenCorpus } = await import("../../bench/screen-corpus.js");
  const { siteOf } = await import("./site.js");
  const dir = tmp();
  for (const [format, out, pages] of [["warc", "crawl.warc.gz", 260], ["jsonl", "crawl.jsonl", 40], ["html-dir", "crawl", 40]] as const) {
    const r = await writeScreenCorpus({ pages, out: path.join(dir, out), format, seed: 7, workers: 0 });
    assert.equal(r.pages, pages);
    const labels = fs.readFileSync(r.labels, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { url: string; site: string; spun: boolean; farm: boolean; file?: string; damage?: string });
    assert.equal(labels.length, pages);
    assert.ok(labels.some((l) => l.spun) && labels.some((l) => !l.spun), "some pages spun, some not");
    assert.ok(labels.filter((l) => l.spun && l.farm).length > labels.filter((l) => l.spun && !l.farm).length, "content farms carry most spun pages");
    const byKey = new Map(labels.map((l) => [l.file ?? l.url, l]));
    const seen = new Set<string>();
    let problems = 0;
    for (const input of await listScreenInputs([path.join(dir, out)])) {
      for (const it of await collect(input)) {
        if (it.problem) {
          problems++;
          continue;
        }
        const key = format === "html-dir" ? it.page.input : it.page.url!;
        const l = byKey.get(key);
        assert.ok(l, `page ${key} is labelled`);
        assert.ok(!l.damage || l.damage === "junk-before", `${key} was damaged (${l.damage}) but read as a page`);
        if (it.page.url) assert.equal(siteOf(it.page.url), l.site);
        assert.ok(it.page.text.split(/\s+/).length > 300, "the article, not the page's furniture");
        assert.doesNotMatch(it.page.text, /Most read|All rights reserved|Subscribe/);
        seen.add(key);
      }
    }
    const damaged = labels.filter((l) => l.damage);
    assert.equal(seen.size, pages - damaged.filter((l) => l.damage !== "junk-before").length, `${format}: every undamaged page read`);
    assert.equal(problems, damaged.length, `${format}: one problem per damaged record`);
    if (format === "warc") assert.equal(damaged.length, 1);
  }
});
