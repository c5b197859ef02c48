/**
 * What `unspin screen` reads: WARC files (plain or gzip), JSON Lines files, single HTML or text
 * pages, and folders. A folder is one input of its HTML and text pages (in sorted recursive
 * order; its batches are ranges of positions in that listing), while the WARC and JSONL files
 * inside it are inputs of their own. Formats are known by extension and confirmed by content
 * (a WARC is a WARC by its first bytes, whatever its name).
 */
import { promises as fsp, statSync } from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { InputError, UnspinError } from "../errors.js";
import { listInputs, statInput } from "../ingest/index.js";
import type { InputFormat, ScreenInput } from "./types.js";
import { looksLikeHtml } from "./warc.js";

export interface PageFile {
  file: string;
  size: number;
}

const PAGE_HTML = new Set([".html", ".htm", ".xhtml", ".shtml"]);
const PAGE_TEXT = new Set([".txt", ".text"]);
const SNIFF_BYTES = 4096;

/** Expand files and folders into screening inputs, in the order given (each input once). */
export async function listScreenInputs(paths: string[]): Promise<ScreenInput[]> {
  const out: ScreenInput[] = [];
  const seen = new Set<string>();
  const add = (i: ScreenInput) => {
    if (seen.has(i.input)) return;
    seen.add(i.input);
    out.push(i);
  };
  for (const p of paths) {
    const st = statInput(p);
    if (st.isDirectory()) {
      const { pages, inputs } = await walkFolder(p);
      folders.set(p, pages);
      if (pages.length > 0) add({ input: p, size: pages.reduce((n, f) => n + f.size, 0), format: "folder", gzip: false });
      inputs.forEach(add);
    } else {
      // A file named on the command line is always an input (or an error).
      const c = await classify(p, st.size, true);
      if (c && c !== "page") add(c);
    }
  }
  return out;
}

const folders = new Map<string, PageFile[]>();

/**
 * The page files of a folder input, by position. Listed once per process (a worker reading many
 * batches of one folder walks it once); the folder must not change during a run.
 */
export async function folderPages(dir: string): Promise<PageFile[]> {
  let pages = folders.get(dir);
  if (!pages) {
    try {
      if (!statSync(dir).isDirectory()) throw new InputError(`${dir} is not a folder`);
    } catch (e) {
      if (e instanceof UnspinError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(code === "ENOENT" ? `no such folder: ${dir}` : `cannot read ${dir}: ${code}`);
    }
    pages = (await walkFolder(dir)).pages;
    folders.set(dir, pages);
  }
  return pages;
}

async function walkFolder(dir: string): Promise<{ pages: PageFile[]; inputs: ScreenInput[] }> {
  const pages: PageFile[] = [];
  const inputs: ScreenInput[] = [];
  for (const f of await listInputs([dir], { all: true })) {
    const c = await classify(f.file, f.size, false);
    if (c === "page") pages.push(f);
    else if (c) inputs.push(c);
  }
  return { pages, inputs };
}

/**
 * What a file is. `top`: named on the command line, where any file is an input (unknown kinds
 * are text) and an unreadable one is an error; inside a folder, only pages, WARC and JSONL files
 * count and anything else (images, scripts, archives) is passed over.
 */
async function classify(file: string, size: number, top: boolean): Promise<ScreenInput | "page" | null> {
  const name = path.basename(file).toLowerCase();
  const ext = path.extname(name);
  const input = (format: InputFormat, gzip = false): ScreenInput => ({ input: file, size, format, gzip });
  const isWarcName = /\.warc(\.gz)?$/.test(name);
  if (!top && !isWarcName && (PAGE_HTML.has(ext) || PAGE_TEXT.has(ext))) return "page";
  let head: Buffer;
  try {
    head = await sniff(file);
  } catch (e) {
    if (top || isWarcName || ext === ".jsonl" || ext === ".ndjson") throw e;
    return null;
  }
  const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  const plain = gz ? gunzipStart(head) : head;
  if (plain && plain.subarray(0, 5).toString("latin1") === "WARC/") return input("warc", gz);
  if (isWarcName) {
    // Named like a WARC but not one: let the reader report what is wrong with it (an empty
    // file is a WARC with no records).
    return input("warc", gz || name.endsWith(".gz"));
  }
  if (gz) {
    // Inside a folder too: a compressed crawl file passed over without a word would be pages lost.
    if (top || /\.(jsonl|ndjson|json|html?|txt)\.gz$/.test(name)) throw new InputError(`${file} is gzip-compressed but not a WARC file (decompress it first: gunzip "${file}")`);
    return null;
  }
  if (ext === ".jsonl" || ext === ".ndjson") return input("jsonl");
  if (top) return input(PAGE_HTML.has(ext) ? "html" : "text");
  return looksLikeHtml(head) ? "page" : null;
}

async function sniff(file: string): Promise<Buffer> {
  let fh;
  try {
    fh = await fsp.open(file, "r");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? `no such file: ${file}` : `cannot read ${file}: ${code}`);
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } catch (e) {
    throw new InputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    await fh.close();
  }
}

/** The first bytes of a gzip stream (null when they do not inflate). */
function gunzipStart(head: Buffer): Buffer | null {
  try {
    return zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return null;
  }
}
