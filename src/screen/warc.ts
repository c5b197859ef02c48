/**
 * WARC framing for screening: which records of a WARC file are pages, where each starts, and
 * their payloads, read in bounded memory and tolerant of damage.
 *
 * Why not warcio's WARCParser (warcio is used by the tests to write WARCs): on damaged input it
 * stops without a word (a stray blank line, a corrupt or truncated gzip member end the
 * iteration as if the file were over), reads header blocks with no size bound (garbage without
 * a blank line is buffered to the end of the file), and reports the same offset for every
 * record of a whole-file-gzipped WARC. Screening needs every record accounted for, a byte
 * address per record, and one damaged record never ending an input; so the framing is here,
 * over Node's zlib, in three layouts:
 *
 * - plain WARC: a record's address is the byte offset of its "WARC/" line;
 * - gzip, one member per record (what crawlers write): the address is the member's offset in
 *   the compressed file, and a reader starts at any member;
 * - gzip, one member holding many records (a WARC gzipped as a whole, detected from the file's
 *   first member): no member boundary to start at, so addresses are offsets in the
 *   decompressed stream and every read decompresses from the start and skips to its range;
 *   the planner makes such a file one batch (records.ts), so it is decompressed once.
 *
 * Damage: a record whose header cannot be parsed is one problem, then the reader resynchronises
 * on the next "WARC/" line (plain, whole-file gzip) or the next gzip member (per-record gzip),
 * reporting one problem per damaged stretch. A corrupt gzip member is one problem and the next
 * member is looked for (in a whole-file gzip, corrupt data ends the input). A truncated file
 * (the last record or gzip member cut short) is one problem and the end of the input. In a
 * per-record gzip file, a later member holding several records (files of both kinds
 * concatenated) is one problem: its records have no addresses of their own.
 *
 * Pages are 2xx responses and resource records of type text/html, application/xhtml+xml or
 * text/plain (a response without a Content-Type is sniffed); every other record (requests,
 * metadata, warcinfo, revisits, images, redirects, errors) is passed over without a word.
 */
import { open, type FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import { InputError, UnspinError } from "../errors.js";
import { normalizeDate } from "./site.js";

const EMPTY = Buffer.alloc(0);
const CHUNK = 64 * 1024;
/** A WARC header block, or an HTTP header block, larger than this is damage, not a header. */
export const MAX_HEADER_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Bytes

/** A pull source of byte chunks; `skip` when the source can skip without reading (a file). */
export interface ChunkSource {
  next(): Promise<Buffer | null>;
  skip?(n: number): Promise<number>;
  close?(): Promise<void>;
}

/**
 * Positioned reads of a file from `pos` up to `size` (the size when opened), one chunk read ahead
 * so that the disk and the parsing overlap.
 */
export class FileChunks implements ChunkSource {
  private ahead: { at: number; read: Promise<Buffer | null> } | null = null;
  constructor(private fh: FileHandle, private file: string, public pos: number, private size: number, private chunk = CHUNK) {}
  private readAt(at: number): Promise<Buffer | null> {
    if (at >= this.size) return Promise.resolve(null);
    const n = Math.min(this.chunk, this.size - at);
    const buf = Buffer.allocUnsafe(n);
    return this.fh.read(buf, 0, n, at).then(
      ({ bytesRead }) => (bytesRead === 0 ? null : bytesRead === n ? buf : buf.subarray(0, bytesRead)),
      (e: NodeJS.ErrnoException) => {
        throw new InputError(`cannot read ${this.file}: ${e.code ?? e.message}`);
      },
    );
  }
  async next(): Promise<Buffer | null> {
    const read = this.ahead && this.ahead.at === this.pos ? this.ahead.read : this.readAt(this.pos);
    this.ahead = null;
    const c = await read;
    if (!c) return null;
    this.pos += c.length;
    const at = this.pos;
    this.ahead = { at, read: this.readAt(at) };
    // A read ahead that nobody awaits must not be an unhandled rejection.
    this.ahead.read.catch(() => {});
    return c;
  }
  async skip(n: number): Promise<number> {
    const k = Math.max(0, Math.min(n, this.size - this.pos));
    this.pos += k;
    return k;
  }
}

function iterSource(it: AsyncIterable<Buffer> | Iterable<Buffer>): ChunkSource {
  const iter = Symbol.asyncIterator in it ? (it as AsyncIterable<Buffer>)[Symbol.asyncIterator]() : (it as Iterable<Buffer>)[Symbol.iterator]();
  return {
    async next() {
      for (;;) {
        const r = await iter.next();
        if (r.done) return null;
        if (r.value.length > 0) return r.value;
      }
    },
    async close() {
      await iter.return?.();
    },
  };
}

/**
 * A buffered reader over a chunk source that knows its position. Reads are bounded by their
 * callers: nothing here buffers more than it is asked for (plus one chunk).
 */
export class ByteReader {
  private buf: Buffer = EMPTY;
  private off = 0;
  private done = false;

  /** `pos`: address of the source's first byte. */
  constructor(private src: ChunkSource, public pos = 0) {}

  static of(buf: Buffer, pos = 0): ByteReader {
    return new ByteReader(iterSource([buf]), pos);
  }

  get buffered(): number {
    return this.buf.length - this.off;
  }

  private async pull(): Promise<boolean> {
    if (this.done) return false;
    const c = await this.src.next();
    if (!c) {
      this.done = true;
      return false;
    }
    this.buf = this.off >= this.buf.length ? c : Buffer.concat([this.buf.subarray(this.off), c]);
    this.off = 0;
    return true;
  }

  /** True when at least `n` bytes are buffered (reading more as needed), false at the end of the source. */
  async ensure(n: number): Promise<boolean> {
    while (this.buffered < n) if (!(await this.pull())) return false;
    return true;
  }

  async atEnd(): Promise<boolean> {
    return !(await this.ensure(1));
  }

  /** Up to `n` buffered bytes, not consumed (valid until the next read). */
  peek(n: number): Buffer {
    return this.buf.subarray(this.off, this.off + Math.min(n, this.buffered));
  }

  /** Consume `n` buffered bytes. */
  consume(n: number): void {
    this.off += n;
    this.pos += n;
  }

  /** Put bytes back in front (they must be the bytes just consumed). */
  unread(b: Buffer): void {
    if (b.length === 0) return;
    this.buf = this.buffered === 0 ? b : Buffer.concat([b, this.buf.subarray(this.off)]);
    this.off = 0;
    this.pos -= b.length;
  }

  /** The next chunk of at most `max` bytes, consumed; null at the end. */
  async take(max: number): Promise<Buffer | null> {
    if (this.buffered === 0 && !(await this.pull())) return null;
    const b = this.peek(max);
    this.consume(b.length);
    return b;
  }

  /**
   * The next line without its line break ("\n" or "\r\n"); `eol` false when the source ended
   * before a line break; "long" (nothing consumed) when no line break comes within `max` bytes;
   * null at the end.
   */
  async readLine(max: number): Promise<{ line: Buffer; eol: boolean } | "long" | null> {
    let scanned = 0;
    for (;;) {
      const i = this.buf.indexOf(0x0a, this.off + scanned);
      if (i >= 0 && i - this.off < max) {
        let line = this.buf.subarray(this.off, i);
        this.consume(i - this.off + 1);
        if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
        return { line, eol: true };
      }
      if (this.buffered >= max) return "long";
      scanned = this.buffered;
      if (!(await this.pull())) {
        if (this.buffered === 0) return null;
        const line = this.peek(this.buffered);
        this.consume(line.length);
        return { line, eol: false };
      }
    }
  }

  /** The next `n` bytes (fewer at the end of the source); the caller bounds `n`. */
  async read(n: number): Promise<Buffer> {
    if (this.buffered >= n) {
      const b = this.peek(n);
      this.consume(n);
      return b;
    }
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      if (this.buffered === 0 && !(await this.pull())) break;
      const b = this.peek(n - got);
      this.consume(b.length);
      parts.push(b);
      got += b.length;
    }
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, got);
  }

  /** Skip `n` bytes without holding them; returns how many were skipped (fewer at the end). */
  async skip(n: number): Promise<number> {
    let left = n;
    const fromBuf = Math.min(left, this.buffered);
    this.consume(fromBuf);
    left -= fromBuf;
    if (left > 0 && this.src.skip && !this.done) {
      this.buf = EMPTY;
      this.off = 0;
      const k = await this.src.skip(left);
      this.pos += k;
      left -= k;
      if (left > 0) this.done = true;
    }
    while (left > 0) {
      if (!(await this.pull())) break;
      const k = Math.min(left, this.buffered);
      this.consume(k);
      left -= k;
    }
    return n - left;
  }

  /** Consume CR and LF bytes. */
  async skipNewlines(): Promise<void> {
    for (;;) {
      if (!(await this.ensure(1))) return;
      const b = this.buf[this.off];
      if (b !== 0x0a && b !== 0x0d) return;
      let i = this.off;
      while (i < this.buf.length && (this.buf[i] === 0x0a || this.buf[i] === 0x0d)) i++;
      this.consume(i - this.off);
    }
  }

  /** Whether the next bytes are `prefix`. */
  async startsWith(prefix: Buffer): Promise<boolean> {
    await this.ensure(prefix.length);
    return this.peek(prefix.length).equals(prefix);
  }

  /**
   * Advance to the next occurrence of `needle` (positioned on its first byte) or to the end.
   * `skipFirst` bytes are skipped before looking (so that a search makes progress).
   */
  async seek(needle: Buffer, skipFirst = 0): Promise<boolean> {
    await this.skip(skipFirst);
    for (;;) {
      const i = this.buf.indexOf(needle, this.off);
      if (i >= 0) {
        this.consume(i - this.off);
        return true;
      }
      this.consume(Math.max(0, this.buffered - (needle.length - 1)));
      if (!(await this.pull())) {
        this.consume(this.buffered);
        return false;
      }
    }
  }

  /** Release the source (a generator left suspended is finished). */
  async close(): Promise<void> {
    await this.src.close?.();
  }

  /** Skip everything left. */
  async drain(): Promise<void> {
    this.consume(this.buffered);
    while (await this.pull()) this.consume(this.buffered);
  }
}

// ---------------------------------------------------------------------------------------------
// Gzip members

const crc32 = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * "checksum": the member inflated but its CRC or length is wrong (its end is known);
 * "notgzip": no gzip member header here at all.
 */
type GzipError = "truncated" | "corrupt" | "checksum" | "notgzip";

interface Member {
  /** The member's decompressed bytes. */
  data: ByteReader;
  /** Skip the rest of the member; the compressed reader is then at the member's end. */
  finish(): Promise<GzipError | null>;
}

/** Length of the gzip member header at the reader's position. */
async function gzipHeader(src: ByteReader): Promise<number | GzipError> {
  if (!(await src.ensure(10))) return "truncated";
  const h = src.peek(10);
  if (h[0] !== 0x1f || h[1] !== 0x8b || h[2] !== 8 || (h[3] & 0xe0) !== 0) return "notgzip";
  const flags = h[3];
  let n = 10;
  if (flags & 4) {
    if (!(await src.ensure(n + 2))) return "truncated";
    n += 2 + src.peek(n + 2).readUInt16LE(n);
  }
  for (const bit of [8, 16]) {
    if (!(flags & bit)) continue;
    // Zero-terminated file name / comment.
    for (;;) {
      const have = src.buffered;
      const z = src.peek(have).indexOf(0, n);
      if (z >= 0) {
        n = z + 1;
        break;
      }
      if (have > n + MAX_HEADER_BYTES) return "corrupt";
      if (!(await src.ensure(have + 1))) return "truncated";
    }
  }
  if (flags & 2) n += 2;
  if (!(await src.ensure(n))) return "truncated";
  return n;
}

function checkTrailer(trailer: Buffer, size: number, crc: number | null): boolean {
  if (trailer.readUInt32LE(4) !== size % 2 ** 32) return false;
  return crc === null || trailer.readUInt32LE(0) === crc >>> 0;
}

/**
 * Open the gzip member at the reader's position. Small members (nearly all) are inflated in one
 * synchronous call; a member whose output would exceed `maxOut` or whose compressed size is
 * large is inflated as a stream, never held.
 */
async function openMember(src: ByteReader, maxOut: number): Promise<Member | GzipError> {
  const hdr = await gzipHeader(src);
  if (typeof hdr === "string") return hdr;
  for (const want of [Math.max(src.buffered - hdr, 16 * 1024), 256 * 1024, 4 * 1024 * 1024]) {
    const all = await src.ensure(hdr + want);
    const win = src.peek(hdr + want).subarray(hdr);
    let out: Buffer;
    let consumed: number;
    try {
      const r = zlib.inflateRawSync(win, { info: true, maxOutputLength: maxOut }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      out = r.buffer;
      consumed = r.engine.bytesWritten;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "Z_BUF_ERROR") {
        if (!all) return "truncated";
        continue;
      }
      if (code === "ERR_BUFFER_TOO_LARGE") break;
      return "corrupt";
    }
    if (!(await src.ensure(hdr + consumed + 8))) return "truncated";
    const ok = checkTrailer(src.peek(hdr + consumed + 8).subarray(hdr + consumed), out.length, crc32 ? crc32(out) : null);
    src.consume(hdr + consumed + 8);
    if (!ok) return "checksum";
    return { data: ByteReader.of(out), finish: async () => null };
  }
  // Large member: stream it.
  src.consume(hdr);
  const st: { error: GzipError | null; size: number; crc: number } = { error: null, size: 0, crc: 0 };
  const data = new ByteReader(iterSource(inflateStream(src, st)));
  return {
    data,
    async finish() {
      await data.drain();
      if (st.error) return st.error;
      if (!(await src.ensure(8))) return "truncated";
      const ok = checkTrailer(src.peek(8), st.size, crc32 ? st.crc : null);
      src.consume(8);
      return ok ? null : "checksum";
    },
  };
}

/**
 * Inflate one raw deflate stream from `src`, fed in small pieces so that no piece's output is
 * large (deflate expands at most ~1000×); bytes after the stream's end are put back into `src`.
 */
async function* inflateStream(src: ByteReader, st: { error: GzipError | null; size: number; crc: number }): AsyncGenerator<Buffer> {
  const inf = zlib.createInflateRaw();
  const queue: Buffer[] = [];
  let err: (Error & { code?: string }) | null = null;
  const closed = new Promise<void>((res) => inf.once("close", () => res()));
  inf.on("data", (b: Buffer) => {
    queue.push(b);
    st.size += b.length;
    if (crc32) st.crc = crc32(b, st.crc);
  });
  inf.on("error", (e) => {
    err = e;
  });
  let written = 0;
  try {
    for (;;) {
      const chunk = await src.take(16 * 1024);
      if (!chunk) {
        inf.end();
        await closed;
        while (queue.length) yield queue.shift()!;
        if (err) st.error = "truncated";
        return;
      }
      written += chunk.length;
      await Promise.race([new Promise<void>((res) => inf.write(chunk, () => res())), closed]);
      await new Promise<void>((res) => setImmediate(res));
      while (queue.length) yield queue.shift()!;
      if (err) {
        st.error = (err as { code?: string }).code === "Z_BUF_ERROR" ? "truncated" : "corrupt";
        return;
      }
      if (inf.bytesWritten < written) {
        // The deflate stream ended inside this chunk: the rest is the trailer and what follows.
        src.unread(chunk.subarray(chunk.length - (written - inf.bytesWritten)));
        return;
      }
    }
  } finally {
    inf.destroy();
  }
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b, 0x08]);

// ---------------------------------------------------------------------------------------------
// Records

export type PageKind = "html" | "text";

export type Frame =
  /** A page record (payload read only when asked for). */
  | {
      kind: "page";
      offset: number;
      url: string | null;
      date: string | null;
      pageKind: PageKind;
      /** Content-Type's charset, if any. */
      charset: string | null;
      /** HTTP Content-Encoding / Transfer-Encoding, lower-case, if any. */
      contentEncoding: string | null;
      transferEncoding: string | null;
      payload: Buffer | null;
    }
  | { kind: "problem"; offset: number; url: string | null; reason: string };

type Step =
  | { kind: "skip" }
  | { kind: "page"; frame: Extract<Frame, { kind: "page" }> }
  | { kind: "problem"; url: string | null; reason: string }
  /** Header block unparseable: the record's extent is unknown. */
  | { kind: "broken"; reason: string }
  /** The input ended inside the record. */
  | { kind: "truncated"; url: string | null; reason: string }
  /** The record's Content-Length runs past the end of the file: a wrong length, or a cut file. */
  | { kind: "overrun"; url: string | null; length: number; left: number };

const WARC_LINE = Buffer.from("WARC/");
const STATUS_RE = /^WARC\/\d+\.\d+$/;
const latin1 = (b: Buffer) => b.toString("latin1");

/** "12.3 MB", "200 MB", "16 KB": sizes in problem reasons. */
export function size(bytes: number): string {
  const [v, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), "MB"] : [Math.ceil(bytes / 1024), "KB"];
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, "")} ${unit}`;
}

export function sizeProblem(bytes: number, limit: number): string {
  return `over the size limit (${size(bytes)} > ${size(limit)})`;
}

function parseHeaderLines(lines: string[]): Map<string, string> {
  const h = new Map<string, string>();
  let last: string | null = null;
  for (const l of lines) {
    if ((l.startsWith(" ") || l.startsWith("\t")) && last) {
      h.set(last, `${h.get(last)} ${l.trim()}`);
      continue;
    }
    const c = l.indexOf(":");
    if (c <= 0) continue;
    last = l.slice(0, c).trim().toLowerCase();
    const v = l.slice(c + 1).trim();
    // Repeated headers: the first wins (what matters here is never repeated legitimately).
    if (!h.has(last)) h.set(last, v);
  }
  return h;
}

/** The WARC header block at the reader's position (which is not at the end). */
async function readWarcHeader(r: ByteReader): Promise<{ headers: Map<string, string> } | { broken: string } | { truncated: true }> {
  const first = await r.readLine(256);
  if (first === null) return { truncated: true };
  if (first === "long") {
    r.consume(1);
    return { broken: "malformed WARC header: no WARC/1.x line" };
  }
  if (!STATUS_RE.test(latin1(first.line))) return { broken: "malformed WARC header: no WARC/1.x line" };
  if (!first.eol) return { truncated: true };
  const lines: string[] = [];
  let used = 0;
  for (;;) {
    const l = await r.readLine(MAX_HEADER_BYTES - used);
    if (l === null) return { truncated: true };
    if (l === "long") return { broken: `malformed WARC header: larger than ${MAX_HEADER_BYTES / 1024} KB` };
    if (!l.eol) return { truncated: true };
    if (l.line.length === 0) break;
    used += l.line.length + 2;
    // Header values are UTF-8 in WARC 1.1; latin1 would mangle a non-ASCII URL.
    lines.push(l.line.toString("utf8"));
  }
  return { headers: parseHeaderLines(lines) };
}

/** The end of the first blank line ("\r\n\r\n", or bare "\n" line ends) in `b`, or -1. */
function blankLineEnd(b: Buffer): number {
  let best = -1;
  const crlf = b.indexOf("\r\n\r\n");
  if (crlf >= 0) best = crlf + 4;
  // Lenient: bare LF line ends (some writers), only before any CRLF blank line.
  const lf = b.subarray(0, crlf >= 0 ? crlf + 2 : b.length).indexOf("\n\n");
  if (lf >= 0 && (best < 0 || lf + 2 < best)) best = lf + 2;
  const mixed = b.subarray(0, best >= 0 ? best : b.length).indexOf("\n\r\n");
  if (mixed >= 0 && (best < 0 || mixed + 3 < best)) best = mixed + 3;
  return best;
}

/** Page kind of a Content-Type, or null for anything that is not a page. */
export function pageKindOf(contentType: string | null | undefined): PageKind | null {
  if (!contentType) return null;
  const mime = contentType.split(";")[0].trim().toLowerCase();
  if (mime === "text/html" || mime === "application/xhtml+xml") return "html";
  if (mime === "text/plain") return "text";
  return null;
}

export function charsetOf(contentType: string | null | undefined): string | null {
  const m = contentType ? /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType) : null;
  return m ? m[1].toLowerCase() : null;
}

const HTML_START = /^(?:\ufeff|\xef\xbb\xbf)?\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]/i;

/** Whether the start of a payload looks like an HTML page (for responses without a Content-Type). */
export function looksLikeHtml(start: Buffer): boolean {
  return HTML_START.test(latin1(start));
}

/**
 * One record at the reader's position (not at the end, not at a newline). Reads the header
 * block, decides whether the record is a page (a 2xx response or a resource of type text/html,
 * application/xhtml+xml or text/plain), then reads its payload (`payload`) or skips it.
 */
async function readRecord(r: ByteReader, offset: number, o: ReadOpts): Promise<Step> {
  const head = await readWarcHeader(r);
  if ("truncated" in head) return { kind: "truncated", url: null, reason: "truncated record (the input ends in its header)" };
  if ("broken" in head) return { kind: "broken", reason: head.broken };
  const h = head.headers;
  let url = h.get("warc-target-uri") ?? null;
  if (url && url.startsWith("<") && url.endsWith(">")) url = url.slice(1, -1);
  const lenText = h.get("content-length");
  if (lenText === undefined || !/^\d{1,15}$/.test(lenText)) return { kind: "broken", reason: "malformed WARC header: no valid Content-Length" };
  const length = Number(lenText);
  // Checked before the block is read: skipping it would lose every record after a wrong length.
  if (o.streamEnd !== undefined && r.pos + length > o.streamEnd) return { kind: "overrun", url, length, left: Math.max(0, o.streamEnd - r.pos) };
  const type = (h.get("warc-type") ?? "").toLowerCase();
  const date = normalizeDate(h.get("warc-date"));
  let left = length;
  const finish = async (step: Step): Promise<Step> => {
    const skipped = await r.skip(left);
    if (skipped < left) return { kind: "truncated", url, reason: `truncated record (${length - left + skipped} of ${length} bytes)` };
    return step;
  };

  let contentType: string | null;
  let contentEncoding: string | null = null;
  let transferEncoding: string | null = null;
  if (type === "response") {
    if (left === 0) return { kind: "skip" };
    // The HTTP header block: up to a blank line within the first MAX_HEADER_BYTES of the block.
    const want = Math.min(left, MAX_HEADER_BYTES);
    if (!(await r.ensure(want))) return finish({ kind: "skip" });
    const win = r.peek(want);
    const headLen = blankLineEnd(win);
    if (headLen < 0) return finish({ kind: "problem", url, reason: "malformed HTTP response header" });
    const lines = latin1(win.subarray(0, headLen)).trimEnd().split(/\r?\n/);
    const status = /^HTTP\/\d(?:\.\d)?\s+(\d{3})\b/i.exec(lines[0]);
    if (!status) return finish({ kind: "problem", url, reason: "malformed HTTP response header" });
    r.consume(headLen);
    left -= headLen;
    const code = Number(status[1]);
    if (code < 200 || code > 299) return finish({ kind: "skip" });
    const hh = parseHeaderLines(lines.slice(1));
    contentType = hh.get("content-type") ?? null;
    contentEncoding = hh.get("content-encoding")?.toLowerCase() ?? null;
    transferEncoding = hh.get("transfer-encoding")?.toLowerCase() ?? null;
    if (contentType === null && !contentEncoding) {
      await r.ensure(Math.min(left, 1024));
      if (looksLikeHtml(r.peek(Math.min(left, 1024)))) contentType = "text/html";
    }
  } else if (type === "resource") {
    contentType = h.get("content-type") ?? null;
  } else {
    // request, metadata, warcinfo, revisit, conversion, continuation: not pages.
    return finish({ kind: "skip" });
  }
  const pageKind = pageKindOf(contentType);
  if (!pageKind) return finish({ kind: "skip" });
  const frame = { kind: "page" as const, offset, url, date, pageKind, charset: charsetOf(contentType), contentEncoding, transferEncoding, payload: null as Buffer | null };
  if (!o.payload || offset < (o.from ?? 0)) return finish({ kind: "page", frame });
  if (left > o.limit) {
    const reason = sizeProblem(left, o.limit);
    return finish({ kind: "problem", url, reason });
  }
  const payload = await r.read(left);
  left -= payload.length;
  frame.payload = payload;
  return finish({ kind: "page", frame });
}

function stepFrame(step: Step, offset: number): Frame | null {
  switch (step.kind) {
    case "skip":
      return null;
    case "page":
      return step.frame;
    case "broken":
      return { kind: "problem", offset, url: null, reason: step.reason };
    case "overrun":
      return { kind: "problem", offset, url: step.url, reason: `truncated record (${step.left} of ${step.length} bytes)` };
    default:
      return { kind: "problem", offset, url: step.url, reason: step.reason };
  }
}

/** `payload`: read page payloads (of records at `from` or later), else only count pages. */
interface ReadOpts {
  payload: boolean;
  limit: number;
  from?: number;
  /** Where the stream ends, when known (a plain file's size): a record may not run past it. */
  streamEnd?: number;
}

const MISMATCH = "malformed WARC record: Content-Length does not match (data follows the record)";

async function followedByNewline(r: ByteReader): Promise<boolean> {
  if (!(await r.ensure(1))) return true;
  const b = r.peek(1)[0];
  return b === 0x0a || b === 0x0d;
}

/**
 * Records of a plain (or decompressed) WARC stream from the reader's position; records starting
 * at or after `end` are not read. Resynchronises on "WARC/" lines after damage.
 */
async function* streamFrames(r: ByteReader, end: number, o: ReadOpts, at = { offset: 0 }): AsyncGenerator<Frame> {
  let resyncing = false;
  for (;;) {
    // `at`: where a read error would be reported (the record being read; never a yielded one).
    at.offset = r.pos;
    await r.skipNewlines();
    if (r.pos >= end || (await r.atEnd())) return;
    const offset = r.pos;
    at.offset = offset;
    const step = await readRecord(r, offset, o);
    if (step.kind === "broken") {
      if (!resyncing) yield stepFrame(step, offset)!;
      resyncing = true;
      // A broken header consumed at least its first line (or one byte): look at line starts from here.
      if (!(await r.startsWith(WARC_LINE)) && !(await r.seek(Buffer.from("\nWARC/")))) return;
      await r.skipNewlines();
      continue;
    }
    resyncing = false;
    if (step.kind === "truncated") {
      yield stepFrame(step, offset)!;
      return;
    }
    if (step.kind === "overrun") {
      // Another record after it: the length was wrong, and reading goes on from there. None: the file was cut.
      const more = await r.seek(Buffer.from("\nWARC/"));
      const reason = more
        ? `malformed WARC record: Content-Length (${step.length} bytes) runs past the end of the file (${step.left} bytes left)`
        : `truncated record (${step.left} of ${step.length} bytes)`;
      yield { kind: "problem", offset, url: step.url, reason };
      if (!more) return;
      continue;
    }
    // A record's block is followed by a blank line; data right after it means a wrong Content-Length.
    // (Junk after the blank line is a damaged stretch of its own.)
    if (!(await followedByNewline(r))) {
      yield { kind: "problem", offset, url: step.kind === "skip" ? null : step.kind === "page" ? step.frame.url : step.url, reason: MISMATCH };
      resyncing = true;
      if (!(await r.seek(Buffer.from("\nWARC/")))) return;
      continue;
    }
    const f = stepFrame(step, offset);
    if (f) yield f;
  }
}

/** Records of a WARC gzipped one record per member, from the member at the reader's position. */
async function* memberFrames(src: ByteReader, end: number, o: ReadOpts): AsyncGenerator<Frame> {
  // Larger members are streamed; counting (no payloads) has no limit of its own.
  const maxOut = (Number.isFinite(o.limit) ? Math.min(o.limit, 256 * 1024 * 1024) : 16 * 1024 * 1024) + 4 * MAX_HEADER_BYTES;
  // After a corrupt member, candidates found by scanning that fail too are not reported again.
  let resyncing = false;
  while (src.pos < end && !(await src.atEnd())) {
    const p = src.pos;
    const m = await openMember(src, maxOut);
    let frame: Frame | null = null;
    let err: GzipError | null;
    if (typeof m === "string") err = m;
    else {
      frame = await memberRecord(m.data, p, o);
      err = await m.finish();
    }
    if (err === "truncated") {
      yield { kind: "problem", offset: p, url: null, reason: "truncated gzip data (the input ends inside a gzip member)" };
      return;
    }
    if (err) {
      // Scanning after damage, a candidate without a valid member header is more of the same
      // damage; one with a header is a member of its own, and each damaged member is counted.
      if (!resyncing || err !== "notgzip") yield { kind: "problem", offset: p, url: null, reason: "corrupt gzip data" };
      if (err === "corrupt" || err === "notgzip") {
        // The member's end is unknown: the next member header after what was read of it.
        resyncing = true;
        if (!(await src.seek(GZIP_MAGIC, src.pos > p ? 0 : 1))) return;
      } else resyncing = false;
      continue;
    }
    resyncing = false;
    if (frame) yield frame;
  }
}

/** The one record of a gzip member (a member holding several records is one problem). */
async function memberRecord(data: ByteReader, p: number, o: ReadOpts): Promise<Frame | null> {
  await data.skipNewlines();
  // An empty member (some writers end a file with one) holds no record.
  if (await data.atEnd()) return null;
  const step = await readRecord(data, p, o);
  if (step.kind === "truncated") {
    // The member is complete (or its own error wins): the record is shorter than it says.
    return { kind: "problem", offset: p, url: step.url, reason: step.reason.replace("truncated record", "record shorter than its Content-Length") };
  }
  if (step.kind === "broken") return stepFrame(step, p);
  if (!(await followedByNewline(data))) return { kind: "problem", offset: p, url: step.kind === "page" ? step.frame.url : step.kind === "problem" ? step.url : null, reason: MISMATCH };
  await data.skipNewlines();
  // Anything else after the record (padding, junk) ends with the member and does no harm.
  if (!(await data.atEnd()) && (await data.startsWith(WARC_LINE))) return { kind: "problem", offset: p, url: null, reason: "gzip member holds several WARC records (recompress one record per member)" };
  return stepFrame(step, p);
}

// ---------------------------------------------------------------------------------------------
// Files

export type WarcLayout = "plain" | "members" | "whole";

/** Open an input file; a missing or unreadable one is the user's error. */
export async function openInput(file: string): Promise<FileHandle> {
  try {
    return await open(file, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${code ?? (e as Error).message}`);
  }
}

const layouts = new Map<string, { key: string; layout: WarcLayout }>();

/**
 * How a WARC file is stored: plain, gzip one record per member, or gzip with several records in
 * its first member (a whole-file gzip). Decided from the file's start alone, so that every reader
 * of any batch decides the same; cached per file, size and modification time.
 */
export async function warcLayout(fh: FileHandle, file: string): Promise<WarcLayout> {
  const st = await fh.stat();
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = layouts.get(file);
  if (hit && hit.key === key) return hit.layout;
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0);
  let layout: WarcLayout = "plain";
  if (st.size >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    layout = "members";
    // Streamed, so that a truncated whole-file gzip is still recognised from its first records.
    const src = new ByteReader(new FileChunks(fh, file, 0, st.size), 0);
    const hdr = await gzipHeader(src);
    if (typeof hdr === "number") {
      src.consume(hdr);
      const data = new ByteReader(iterSource(inflateStream(src, { error: null, size: 0, crc: 0 })));
      try {
        await data.skipNewlines();
        if (!(await data.atEnd())) {
          const step = await readRecord(data, 0, { payload: false, limit: Infinity });
          if (step.kind !== "broken" && step.kind !== "truncated") {
            await data.skipNewlines();
            if (!(await data.atEnd()) && (await data.startsWith(WARC_LINE))) layout = "whole";
          }
        }
      } finally {
        await data.close();
      }
    }
  }
  if (layouts.size > 1000) layouts.clear();
  layouts.set(file, { key, layout });
  return layout;
}

export interface FrameOptions {
  /** First address to read (a record's address, as given by an earlier pass). */
  start: number;
  /** Records starting at or after this address are not read. */
  end: number;
  /** Read page payloads (else pages are counted, not read). */
  payload: boolean;
  /** Largest payload read. */
  limit: number;
}

export interface WarcPass {
  layout: WarcLayout;
  /** After the pass: the end of the address space (file size; decompressed size for "whole"). */
  end: number;
  /** Bytes of the file read so far (compressed bytes for gzip). */
  raw: number;
}

/**
 * The page records and problems of a WARC file whose address is in [start, end), each with
 * `raw`: the file position reached when it was read (for progress). `pass` reports the layout
 * and, at the end, the extent of the address space.
 */
export async function* warcFrames(file: string, o: FrameOptions, pass: Partial<WarcPass> = {}): AsyncGenerator<Frame & { raw: number }> {
  const fh = await openInput(file);
  try {
    const size = (await fh.stat()).size;
    const layout = await warcLayout(fh, file);
    pass.layout = layout;
    pass.end = size;
    if (layout !== "whole") {
      const src = new FileChunks(fh, file, o.start, size);
      const r = new ByteReader(src, o.start);
      const frames = layout === "plain" ? streamFrames(r, o.end, { ...o, streamEnd: size }) : memberFrames(r, o.end, o);
      for await (const f of frames) {
        pass.raw = src.pos;
        yield { ...f, raw: f.offset };
      }
      // The records read cover the file, up to its end (trailing damage included).
      pass.raw = size;
      return;
    }
    // Whole-file gzip: decompress from the start; addresses are decompressed offsets.
    const counter = { raw: 0 };
    async function* compressed(): AsyncGenerator<Buffer> {
      const fc = new FileChunks(fh, file, 0, size);
      for (let c = await fc.next(); c; c = await fc.next()) {
        counter.raw += c.length;
        yield c;
      }
    }
    const gunzip = zlib.createGunzip();
    const feed = Readable.from(compressed());
    feed.on("error", (e) => gunzip.destroy(e));
    feed.pipe(gunzip);
    const r = new ByteReader(iterSource(gunzip), 0);
    const at = { offset: 0 };
    try {
      for await (const f of streamFrames(r, o.end, { ...o, from: o.start }, at)) {
        pass.raw = counter.raw;
        if (f.offset >= o.start) yield { ...f, raw: counter.raw };
      }
      pass.end = r.pos;
    } catch (e) {
      if (e instanceof UnspinError) throw e;
      const code = (e as { code?: string }).code;
      if (at.offset >= o.start && at.offset < o.end) {
        const reason = code === "Z_BUF_ERROR" ? "truncated gzip data (the input ends inside a gzip member)" : "corrupt gzip data";
        yield { kind: "problem", offset: at.offset, url: null, reason, raw: counter.raw };
      }
      pass.end = Math.max(r.pos, at.offset + 1);
    } finally {
      feed.destroy();
      gunzip.destroy();
    }
    pass.raw = size;
  } finally {
    await fh.close();
  }
}
