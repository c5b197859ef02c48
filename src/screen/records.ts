/**
 * Reading screening inputs record by record, and planning them into batches.
 *
 * `readRecords` yields every record of an input (or of one batch of it) as a page (article text
 * and what is known about it) or a problem (a short reason). A damaged record is a problem, never
 * an exception and never the end of the input, except that a truncated file ends there. Only a
 * missing or unreadable input throws (UnspinError).
 *
 * `planBatches` streams an input once, without decoding or extracting pages, and cuts it into
 * batches of N records. It uses the same framing as the reader, so the reader given a batch's
 * range yields exactly the records the planner counted there.
 */
import { promises as fsp } from "node:fs";
import zlib from "node:zlib";
import { MAX_DOCUMENT_BYTES, jsonlRecord, kindOf } from "../ingest/index.js";
import { extractArticle } from "../ingest/html.js";
import { byteLines } from "../ingest/lines.js";
import { looksBinary } from "../text/input.js";
import { InputError } from "../errors.js";
import { folderPages } from "./inputs.js";
import { normalizeDate } from "./site.js";
import type { Batch, PageRecord, ReadItem, ScreenInput } from "./types.js";
import { openInput, size, sizeProblem, warcFrames, type Frame, type PageKind, type WarcPass } from "./warc.js";

export interface ReadOptions {
  /** First address (byte offset; position for folders) to read. Default 0. */
  start?: number;
  /** Records at or after this address are not read. Default: to the end. */
  end?: number;
  /** Largest record read; larger ones are problems, skipped without being held. Default MAX_DOCUMENT_BYTES. */
  maxRecordBytes?: number;
  /** Called as each record is framed, before it is decoded and extracted (the costly part). */
  onRecord?(record: RecordStart): void;
  /** Records (by cursor) yielded as problems with the given reason, never decoded. */
  skip?: ReadonlyMap<number, string>;
}

/**
 * A record as framed: its address in the batch space (`cursor`: the byte offset, or the position
 * in a folder's listing) and the address its result is stored under.
 */
export interface RecordStart {
  cursor: number;
  input: string;
  offset: number;
  url: string | null;
}

/** The records of an input whose address is in [start, end). */
export async function* readRecords(input: ScreenInput, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  const start = opts.start ?? 0;
  const end = opts.end ?? Infinity;
  const limit = opts.maxRecordBytes ?? MAX_DOCUMENT_BYTES;
  // The hook, or a skipped record's problem: `undefined` means "go on and read it".
  const begin = (at: RecordStart): ReadItem | undefined => {
    const reason = opts.skip?.get(at.cursor);
    if (reason !== undefined) return problem({ input: at.input, offset: at.offset, url: at.url, date: null }, reason);
    opts.onRecord?.(at);
    return undefined;
  };
  switch (input.format) {
    case "warc":
      for await (const f of warcFrames(input.input, { start, end, payload: true, limit })) {
        yield begin({ cursor: f.offset, input: input.input, offset: f.offset, url: f.url }) ?? warcItem(input.input, f, limit);
      }
      return;
    case "jsonl":
      yield* jsonlItems(input.input, start, end, limit, begin);
      return;
    case "html":
    case "text":
      if (start <= 0 && end > 0) yield begin({ cursor: 0, input: input.input, offset: 0, url: null }) ?? (await fileItem(input.input, input.format, limit, true));
      return;
    case "folder": {
      const pages = await folderPages(input.input);
      for (let i = Math.max(0, start); i < Math.min(end, pages.length); i++) {
        const file = pages[i].file;
        yield begin({ cursor: i, input: file, offset: 0, url: null }) ?? (await fileItem(file, kindOf(file) === "html" ? "html" : "text", limit, false));
      }
      return;
    }
  }
}

export interface PlanOptions {
  /** Bytes of the input read so far (compressed bytes for gzip; file sizes for folders). */
  onBytes?(bytesRead: number): void;
}

/**
 * Consecutive batches of `recordsPerBatch` records (the last may be smaller) covering every
 * record of the input, problems included. A batch runs from its first record's address to the
 * next batch's first (the last: to the end of the input); `bytes` is the input it covers, the
 * first batch counting from the start of the file, so that the batches' bytes sum to the input's
 * size. Deterministic: the same input and N give the same batches.
 */
export async function* planBatches(input: ScreenInput, recordsPerBatch: number, opts: PlanOptions = {}): AsyncGenerator<Batch> {
  if (!Number.isInteger(recordsPerBatch) || recordsPerBatch < 1) throw new RangeError(`recordsPerBatch must be a positive integer, got ${recordsPerBatch}`);
  const total: AddressTotals = { end: 0, raw: 0 };
  let cur: { start: number; raw: number; records: number } | null = null;
  let first = true;
  let reported = 0;
  for await (const it of recordAddresses(input, total)) {
    if (opts.onBytes && it.raw - reported >= 1 << 20) {
      reported = it.raw;
      opts.onBytes(it.raw);
    }
    // A WARC gzipped as one stream has no point to start reading from but its beginning, so a
    // batch late in it would decompress everything before it: such a file is one batch.
    if (cur && cur.records === recordsPerBatch && total.layout !== "whole") {
      yield { input: input.input, start: cur.start, end: it.offset, bytes: it.raw - cur.raw, records: cur.records };
      cur = null;
    }
    if (!cur) {
      cur = { start: it.offset, raw: first ? 0 : it.raw, records: 0 };
      first = false;
    }
    cur.records++;
  }
  opts.onBytes?.(total.raw);
  if (cur) yield { input: input.input, start: cur.start, end: total.end, bytes: total.raw - cur.raw, records: cur.records };
}

/**
 * The address of every record (page or problem) the reader would yield, with `raw`: input bytes
 * before it. Sets `total` at the end: the end of the address space and the input's bytes.
 */
interface AddressTotals {
  end: number;
  raw: number;
  /** A WARC's layout, known before its first record. */
  layout?: WarcPass["layout"];
}

async function* recordAddresses(input: ScreenInput, total: AddressTotals): AsyncGenerator<{ offset: number; raw: number }> {
  switch (input.format) {
    case "warc": {
      const pass: Partial<WarcPass> = {};
      for await (const f of warcFrames(input.input, { start: 0, end: Infinity, payload: false, limit: Infinity }, pass)) {
        total.layout = pass.layout;
        yield { offset: f.offset, raw: f.raw };
      }
      total.end = pass.end ?? 0;
      total.raw = pass.raw ?? 0;
      return;
    }
    case "jsonl": {
      const fh = await openInput(input.input);
      let size = 0;
      try {
        size = (await fh.stat()).size;
        // Lines are not kept (limit 0): a record is any line that is not blank, as for the reader.
        for await (const l of byteLines(readChunks(fh, input.input, 0), 0, { bom: true })) {
          if (l.blank) continue;
          yield { offset: l.offset, raw: l.offset };
        }
      } finally {
        await fh.close();
      }
      total.end = size;
      total.raw = size;
      return;
    }
    case "html":
    case "text": {
      const fh = await openInput(input.input);
      const size = (await fh.stat()).size;
      await fh.close();
      yield { offset: 0, raw: 0 };
      total.end = Math.max(size, 1);
      total.raw = size;
      return;
    }
    case "folder": {
      const pages = await folderPages(input.input);
      let raw = 0;
      for (let i = 0; i < pages.length; i++) {
        yield { offset: i, raw };
        raw += pages[i].size;
      }
      total.end = pages.length;
      total.raw = raw;
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Pages

type At = Pick<PageRecord, "input" | "offset" | "url" | "date">;

function problem(at: At, reason: string): ReadItem {
  return { problem: { input: at.input, offset: at.offset, url: at.url, reason } };
}

/** Encodings a byte-order mark announces. */
function bomEncoding(b: Uint8Array): string | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  return null;
}

/** A charset declared by a <meta> in the first KB of an HTML page. */
function metaCharset(b: Buffer): string | null {
  const s = b.subarray(0, 1024).toString("latin1");
  const m = /<meta[^>]+charset\s*=\s*["']?\s*([-\w:.]+)/i.exec(s);
  if (!m) return null;
  const label = m[1].toLowerCase();
  // HTML: a <meta> cannot declare UTF-16 (the page would not be readable ASCII to find it).
  return label.startsWith("utf-16") ? "utf-8" : label;
}

// Node 20.18.3+ decodes windows-1252 (and so latin1, iso-8859-1, ascii) bytes 0x80-0x9F as C1 controls
// (nodejs/node#60888); pages labelled latin1 are nearly always windows-1252 with its curly quotes.
const WINDOWS_1252_OK = new TextDecoder("windows-1252").decode(Uint8Array.of(0x93)) === "\u201c";
const CP1252_HIGH = "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

function decodeWindows1252(bytes: Buffer): string {
  return bytes.toString("latin1").replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

const HTML_DOC = /^\s*<(?:!doctype\s+html|html)[\s>]/i;

/**
 * A page from its bytes: decoded by its byte-order mark, else the declared charset, else (HTML)
 * a <meta> charset, else strict UTF-8; HTML through readability.
 */
export function pageFromBytes(bytes: Buffer, kind: PageKind, charset: string | null, at: At): ReadItem {
  const bom = bomEncoding(bytes);
  if (!bom && (looksBinary(bytes) || bytes.indexOf(0) >= 0)) return problem(at, "binary content");
  const label = bom ?? charset ?? (kind === "html" ? metaCharset(bytes) : null) ?? "utf-8";
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    return problem(at, `unknown charset "${label}"`);
  }
  let text: string;
  try {
    text = decoder.encoding === "windows-1252" && !WINDOWS_1252_OK ? decodeWindows1252(bytes) : decoder.decode(bytes);
  } catch {
    return problem(at, decoder.encoding === "utf-8" ? "invalid UTF-8" : `invalid ${decoder.encoding} text`);
  }
  if (kind === "html" || HTML_DOC.test(text)) {
    const a = extractArticle(text);
    if (!a) return problem(at, "no article text");
    return { page: { ...at, title: a.title, text: a.text } };
  }
  if (text.trim() === "") return problem(at, "empty document");
  return { page: { ...at, title: null, text } };
}

function warcItem(input: string, f: Frame, limit: number): ReadItem {
  const at: At = { input, offset: f.offset, url: f.url, date: f.kind === "page" ? f.date : null };
  if (f.kind === "problem") return problem(at, f.reason);
  const body = httpBody(f.payload!, f.transferEncoding, f.contentEncoding, limit);
  if (typeof body === "string") return problem(at, body);
  return pageFromBytes(body, f.pageKind, f.charset, at);
}

/** An HTTP payload without its transfer and content encodings, or a problem. */
export function httpBody(payload: Buffer, transferEncoding: string | null, contentEncoding: string | null, limit: number): Buffer | string {
  let b = payload;
  if (transferEncoding?.includes("chunked")) {
    const d = dechunk(b);
    if (d === null) return "malformed chunked transfer encoding";
    b = d;
  }
  const encodings = (contentEncoding ?? "").split(",").map((e) => e.trim().toLowerCase()).filter((e) => e && e !== "identity");
  for (const enc of encodings.reverse()) {
    try {
      if (enc === "gzip" || enc === "x-gzip") {
        // Some crawlers store the decoded payload and keep the header: decode only gzip data.
        if (b[0] === 0x1f && b[1] === 0x8b) b = zlib.gunzipSync(b, { maxOutputLength: limit });
      } else if (enc === "deflate") {
        // "deflate" is zlib-wrapped by the standard and raw deflate by many servers.
        try {
          b = zlib.inflateSync(b, { maxOutputLength: limit });
        } catch (e) {
          if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") throw e;
          b = zlib.inflateRawSync(b, { maxOutputLength: limit });
        }
      } else if (enc === "br") {
        b = zlib.brotliDecompressSync(b, { maxOutputLength: limit });
      } else {
        return `unsupported Content-Encoding "${enc}"`;
      }
    } catch (e) {
      if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return `over the size limit (decoded > ${size(limit)})`;
      return `corrupt ${enc} content encoding`;
    }
  }
  return b;
}

/** Undo chunked transfer encoding; a payload that is not chunked is returned as it is. */
function dechunk(b: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let i = 0;
  let firstChunk = true;
  for (;;) {
    const nl = b.indexOf(0x0a, i);
    const m = nl < 0 ? null : /^([0-9a-f]{1,8})(?:;[^\r]*)?\r?$/i.exec(b.subarray(i, nl).toString("latin1"));
    if (!m) {
      // Stored already dechunked (the header kept): use as is. Ending without the last chunk: keep what came.
      if (firstChunk) return b;
      return i >= b.length ? Buffer.concat(parts) : null;
    }
    firstChunk = false;
    const n = parseInt(m[1], 16);
    if (n === 0) return Buffer.concat(parts);
    const from = nl + 1;
    if (from + n > b.length) return null;
    parts.push(b.subarray(from, from + n));
    i = from + n;
    if (b[i] === 0x0d) i++;
    if (b[i] === 0x0a) i++;
  }
}

/** One file that is one page (a single HTML or text input, or a page of a folder). */
async function fileItem(file: string, kind: "html" | "text", limit: number, isInput: boolean): Promise<ReadItem> {
  const at: At = { input: file, offset: 0, url: null, date: null };
  let bytes: Buffer;
  try {
    const st = await fsp.stat(file);
    if (st.size > limit) return problem(at, sizeProblem(st.size, limit));
    bytes = await fsp.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    if (isInput) throw new InputError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${code}`);
    return problem(at, `cannot read the file (${code})`);
  }
  if (bytes.length > limit) return problem(at, sizeProblem(bytes.length, limit));
  return pageFromBytes(bytes, kind, null, at);
}

// ---------------------------------------------------------------------------------------------
// JSON Lines

/** Chunks of a file from `start` (read errors are the user's: the input is unreadable). */
async function* readChunks(fh: fsp.FileHandle, file: string, start: number): AsyncGenerator<Buffer> {
  for (let pos = start; ; ) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    let n: number;
    try {
      n = (await fh.read(buf, 0, buf.length, pos)).bytesRead;
    } catch (e) {
      throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    if (n === 0) return;
    pos += n;
    yield buf.subarray(0, n);
  }
}

async function* jsonlItems(file: string, start: number, end: number, limit: number, begin: (at: RecordStart) => ReadItem | undefined): AsyncGenerator<ReadItem> {
  const fh = await openInput(file);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  try {
    for await (const l of byteLines(readChunks(fh, file, start), limit, { bom: start === 0 })) {
      const offset = start + l.offset;
      if (offset >= end) return;
      const at: At = { input: file, offset, url: null, date: null };
      if (l.blank) continue;
      if (l.bytes === null) {
        yield problem(at, sizeProblem(l.length, limit));
        continue;
      }
      if (looksBinary(l.bytes) || l.bytes.indexOf(0) >= 0) {
        yield problem(at, "binary content");
        continue;
      }
      let s: string;
      try {
        s = utf8.decode(l.bytes);
      } catch {
        yield problem(at, "invalid UTF-8");
        continue;
      }
      if (offset === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      let reason = "unusable record";
      const doc = jsonlRecord(s, (m) => {
        reason = m;
      });
      if (!doc) {
        yield problem({ ...at, url: urlOf(s) }, reason);
        continue;
      }
      // Started once parsed (bounded work: the line is under the size limit), so that a record
      // that runs out of time is stored under its URL.
      const skipped = begin({ cursor: offset, input: file, offset, url: doc.url ?? null });
      if (skipped !== undefined) {
        yield skipped;
        continue;
      }
      yield { page: { ...at, url: doc.url ?? null, date: normalizeDate(doc.date), title: doc.title ?? null, text: doc.text } };
    }
  } finally {
    await fh.close();
  }
}

/** The `url` of a JSON record that was unusable for another reason. */
function urlOf(s: string): string | null {
  try {
    const r = JSON.parse(s) as { url?: unknown };
    return typeof r?.url === "string" ? r.url : null;
  } catch {
    return null;
  }
}
