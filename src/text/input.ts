/**
 * Reading user text safely: strict UTF-8, binary detection, and pieces for large inputs
 * so a 100 MB file is never held twice (bytes and string) or tokenized in one go.
 */
import { createReadStream, statSync } from "node:fs";
import { UnspinError } from "../errors.js";

/** Pieces are cut at paragraph, then line, then sentence, then word boundaries near this size (UTF-16 units). */
export const PIECE_SIZE = 64 * 1024;

export class InputError extends UnspinError {
  constructor(message: string) {
    super(message, 2);
    this.name = "InputError";
  }
}

/** True when a byte sample looks like a binary file (NUL bytes or many control characters). */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12) control++;
  }
  return n > 0 && control / n > 0.1;
}

/**
 * Streams a file (or stdin for "-") as UTF-8 text pieces of about PIECE_SIZE, cut at natural
 * boundaries. Throws InputError for a missing path, a directory, binary data or invalid UTF-8.
 */
export async function* readTextPieces(path: string, pieceSize = PIECE_SIZE): AsyncGenerator<string> {
  let stream: NodeJS.ReadableStream;
  let label = path;
  if (path === "-") {
    stream = process.stdin;
    label = "standard input";
  } else {
    let st;
    try {
      st = statSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new InputError(code === "ENOENT" ? `no such file: ${path}` : `cannot read ${path}: ${code ?? String(err)}`);
    }
    if (st.isDirectory()) throw new InputError(`${path} is a directory, not a text file`);
    stream = createReadStream(path);
  }
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let buffered = "";
  let first = true;
  let bytesSeen = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first) {
        if (looksBinary(chunk)) throw new InputError(`${label} looks like a binary file, not text`);
        first = false;
      }
      let decoded: string;
      try {
        decoded = decoder.decode(chunk, { stream: true });
      } catch {
        throw new InputError(`${label} is not valid UTF-8 (in bytes ${bytesSeen}–${bytesSeen + chunk.length})`);
      }
      bytesSeen += chunk.length;
      if (decoded.includes("\u0000")) throw new InputError(`${label} looks like a binary file, not text`);
      buffered += decoded;
      while (buffered.length >= pieceSize * 2) {
        const cut = cutPoint(buffered, pieceSize);
        yield buffered.slice(0, cut);
        buffered = buffered.slice(cut);
      }
    }
    try {
      buffered += decoder.decode();
    } catch {
      throw new InputError(`${label} is not valid UTF-8 (it ends inside a character)`);
    }
  } catch (err) {
    if (err instanceof InputError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${label}: ${code ?? (err as Error).message}`);
  }
  while (buffered.length > pieceSize * 2) {
    const cut = cutPoint(buffered, pieceSize);
    yield buffered.slice(0, cut);
    buffered = buffered.slice(cut);
  }
  if (buffered.length > 0) yield buffered;
}

/** Reads a whole (small) input as one string. */
export async function readText(path: string): Promise<string> {
  let out = "";
  for await (const piece of readTextPieces(path)) out += piece;
  return out;
}

/** Where to cut a long text near `size`: after a blank line, else a line break, a sentence end, a space. */
export function cutPoint(text: string, size: number): number {
  const window = text.slice(size, size * 2);
  for (const re of [/\n\s*\n/g, /\n/g, /[.!?]["”’)]?\s/g, /\s/g]) {
    re.lastIndex = 0;
    const m = re.exec(window);
    if (m) return size + m.index + m[0].length;
  }
  // No boundary at all: cut anyway, but never between the halves of a surrogate pair.
  const cut = size * 2;
  const code = text.charCodeAt(cut - 1);
  return code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut;
}
