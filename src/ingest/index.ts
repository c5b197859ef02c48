/**
 * Document sources for `unspin index add`: plain-text files, folders (recursively),
 * JSON Lines (`text` or `html`, optional `id`, `url`, `title`, `date`) and HTML pages
 * (main article by readability). Everything streams: JSONL is read line by line and
 * files one at a time, and no document over MAX_DOCUMENT_BYTES is held, so an input of
 * any size is never held in memory at once. Problems with single records (a malformed or
 * oversized JSONL line, an HTML page with no article, a binary or non-UTF-8 file or line)
 * are reported through `onIssue` and skipped.
 */
import { createReadStream, promises as fsp, statSync, type Stats } from "node:fs";
import path from "node:path";
import { InputError } from "../errors.js";
import { looksBinary } from "../text/input.js";
import type { TraceDocument } from "../trace/index.js";
import { extractArticle } from "./html.js";
import { byteLines } from "./lines.js";

export interface IngestIssue {
  file: string;
  /** 1-based line for JSONL records. */
  line?: number;
  message: string;
}

export interface IngestOptions {
  onIssue?: (issue: IngestIssue) => void;
  /** Bytes of input consumed so far (for a progress bar). */
  onBytes?: (bytes: number) => void;
}

export type InputKind = "jsonl" | "html" | "text";

/**
 * Largest document (a file, or a JSONL record) indexed: far beyond any article, and it keeps
 * one runaway input (a whole dump on one line) from holding gigabytes while it is parsed.
 */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;

const SKIP_EXT = new Set([".db", ".sqlite", ".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".wal", ".shm"]);

export function kindOf(file: string): InputKind {
  const ext = path.extname(file).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  if (ext === ".html" || ext === ".htm" || ext === ".xhtml") return "html";
  return "text";
}

/** A path's stat, or a one-line error naming it. */
export function statInput(p: string): Stats {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `no such file or folder: ${p}` : `cannot read ${p}: ${code}`);
  }
}

/**
 * Expand paths (files and folders, recursively, in sorted order) into files with sizes. Hidden
 * files are passed over, and inside folders so are databases, archives and images unless `all`.
 */
export async function listInputs(paths: string[], opts: { all?: boolean } = {}): Promise<{ file: string; size: number }[]> {
  const out: { file: string; size: number }[] = [];
  const walk = async (p: string, top: boolean): Promise<void> => {
    const st = statInput(p);
    if (st.isDirectory()) {
      let entries: string[];
      try {
        entries = (await fsp.readdir(p)).sort();
      } catch (e) {
        throw new InputError(`cannot read ${p}: ${(e as NodeJS.ErrnoException).code}`);
      }
      for (const e of entries) {
        if (e.startsWith(".")) continue;
        await walk(path.join(p, e), false);
      }
    } else if (st.isFile()) {
      if (!top && !opts.all && SKIP_EXT.has(path.extname(p).toLowerCase())) return;
      out.push({ file: p, size: st.size });
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}

/** Stream the documents of a list of files. */
export async function* readDocuments(files: { file: string; size: number }[], opts: IngestOptions = {}): AsyncGenerator<TraceDocument> {
  const issue = opts.onIssue ?? (() => {});
  let bytes = 0;
  for (const { file, size } of files) {
    const kind = kindOf(file);
    if (kind === "jsonl") {
      yield* readJsonl(file, opts, bytes);
    } else if (size > MAX_DOCUMENT_BYTES) {
      issue({ file, message: `larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB, skipped (split it into documents)` });
    } else {
      let buf: Buffer;
      try {
        buf = await fsp.readFile(file);
      } catch (e) {
        issue({ file, message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` });
        bytes += size;
        opts.onBytes?.(bytes);
        continue;
      }
      const doc = fileDocument(file, buf, kind, issue);
      if (doc) yield doc;
    }
    bytes += size;
    opts.onBytes?.(bytes);
  }
}

function fileDocument(file: string, buf: Buffer, kind: InputKind, issue: (i: IngestIssue) => void): TraceDocument | undefined {
  if (looksBinary(buf)) {
    issue({ file, message: "looks like a binary file, skipped" });
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    issue({ file, message: "is not valid UTF-8, skipped" });
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (kind === "html" || (kind === "text" && /^\s*<(!doctype html|html)[\s>]/i.test(text))) {
    const a = extractArticle(text);
    if (!a) {
      issue({ file, message: "HTML page with no article text, skipped" });
      return undefined;
    }
    return { text: a.text, id: file, title: a.title, url: null };
  }
  if (text.trim() === "") {
    issue({ file, message: "empty document, skipped" });
    return undefined;
  }
  return { text, id: file, title: null, url: null };
}

async function* readJsonl(file: string, opts: IngestOptions, base: number): AsyncGenerator<TraceDocument> {
  const issue = opts.onIssue ?? (() => {});
  const stream = createReadStream(file);
  let consumed = 0;
  stream.on("data", (chunk) => {
    consumed += chunk.length;
  });
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let line = 0;
  let lastReport = 0;
  try {
    for await (const record of byteLines(stream as AsyncIterable<Buffer>, MAX_DOCUMENT_BYTES)) {
      line = record.line;
      if (consumed - lastReport > 1 << 20) {
        lastReport = consumed;
        opts.onBytes?.(base + consumed);
      }
      if (record.bytes === null) {
        issue({ file, line, message: `record larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB, skipped` });
        continue;
      }
      let raw: string;
      try {
        raw = utf8.decode(record.bytes);
      } catch {
        issue({ file, line, message: "not valid UTF-8, skipped" });
        continue;
      }
      const s = line === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (s.trim() === "") continue;
      const doc = jsonlRecord(s, (message) => issue({ file, line, message }));
      if (doc) yield doc;
    }
  } catch (e) {
    issue({ file, line, message: `read error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
  } finally {
    stream.destroy();
  }
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : typeof v === "number" ? String(v) : null);

/** One JSONL record as a document, or undefined (reported) when it is unusable. */
export function jsonlRecord(line: string, report: (message: string) => void): TraceDocument | undefined {
  let rec: unknown;
  try {
    rec = JSON.parse(line);
  } catch (e) {
    report(`not valid JSON (${(e as Error).message.replace(/^JSON\.parse: /, "")})`);
    return undefined;
  }
  if (rec === null || typeof rec !== "object" || Array.isArray(rec)) {
    report("not a JSON object");
    return undefined;
  }
  const r = rec as Record<string, unknown>;
  let text = typeof r.text === "string" ? r.text : null;
  let title = str(r.title);
  if ((text === null || text.trim() === "") && typeof r.html === "string") {
    const a = extractArticle(r.html);
    if (!a) {
      report("HTML with no article text");
      return undefined;
    }
    text = a.text;
    title ??= a.title;
  }
  if (text === null) {
    report('no "text" or "html" field');
    return undefined;
  }
  if (text.trim() === "") {
    report("empty document");
    return undefined;
  }
  return { text, id: str(r.id), url: str(r.url), title, date: str(r.date) };
}
