/**
 * Reading user text safely: strict UTF-8, binary detection, and pieces for large inputs
 * so a 100 MB file is never held twice (bytes and string) or tokenized in one go.
 */
import { createReadStream, statSync } from "node:fs";
import { InputError } from "../errors.js";

export { InputError };

/** Pieces are cut at paragraph, then line, then sentence, then word boundaries near this size (UTF-16 units). */
export const PIECE_SIZE = 64 * 1024;

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
  // The bytes of a character the last chunk began but did not finish: the decoder holds them.
  let pending: Uint8Array = new Uint8Array(0);
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
        const at = firstInvalidUtf8(Buffer.concat([pending, chunk]));
        throw new InputError(`${label} is not valid UTF-8 (first bad byte at offset ${bytesSeen - pending.length + Math.max(0, at)})`);
      }
      pending = chunk.subarray(chunk.length - incompleteTail(chunk));
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
      throw new InputError(`${label} is not valid UTF-8 (it ends inside a character, at byte offset ${bytesSeen - pending.length})`);
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

/**
 * Offset of the first byte of the first ill-formed sequence in `bytes` (WHATWG UTF-8 rules:
 * no overlong forms, surrogates or code points past U+10FFFF); -1 when there is none. A
 * sequence cut short by the end of `bytes` is not counted: the next chunk may finish it.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80, hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return -1;
      const c = bytes[i + k];
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/** How many bytes at the end of a valid chunk start a character that the chunk does not finish (0–3). */
function incompleteTail(bytes: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, bytes.length); k++) {
    const b = bytes[bytes.length - k];
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead byte
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > k ? k : 0;
  }
  return 0;
}

/** Reads a whole (small) input as one string. */
export async function readText(path: string): Promise<string> {
  let out = "";
  for await (const piece of readTextPieces(path)) out += piece;
  return out;
}

/** A text in the pieces `readTextPieces` would read it in (pieces of at least `pieceSize`, cut at natural boundaries). */
export function splitPieces(text: string, pieceSize = PIECE_SIZE): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > pieceSize * 2) {
    const cut = cutPoint(rest, pieceSize);
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
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
