/**
 * Lines of a byte stream, for JSON Lines input. Unlike readline, a line is kept as bytes
 * (so invalid UTF-8 is caught, not silently replaced) and a line longer than a limit is
 * reported without ever being held: a 200 MB line costs no more memory than a short one.
 */

export interface ByteLine {
  /** 1-based line number. */
  line: number;
  /** The line without its line break; null when it was longer than the limit. */
  bytes: Buffer | null;
  /** Byte offset of the line's first byte in the stream. */
  offset: number;
  /** Bytes of the line before its newline (known also when it was too long to keep). */
  length: number;
  /** Nothing but ASCII whitespace (known also when it was too long to keep). */
  blank: boolean;
}

export interface ByteLineOptions {
  /** The stream is a file's start: a UTF-8 byte-order mark opening it counts as whitespace for `blank`. */
  bom?: boolean;
}

const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0d || b === 0x0b || b === 0x0c;

export async function* byteLines(chunks: AsyncIterable<Buffer>, maxBytes: number, opts: ByteLineOptions = {}): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;
  // Stream position of the current line's first byte, bytes of it seen so far (kept or not),
  // and whether a non-space byte was seen in it.
  let lineStart = 0;
  let seen = 0;
  let nonBlank = false;
  let bom = opts.bom ?? false;
  const scan = (b: Buffer, from: number, to: number) => {
    if (nonBlank) return;
    let i = from;
    if (bom) {
      // Only the stream's first bytes can be a byte-order mark.
      bom = false;
      if (lineStart === 0 && seen === 0 && to - from >= 3 && b[i] === 0xef && b[i + 1] === 0xbb && b[i + 2] === 0xbf) i += 3;
    }
    for (; i < to; i++) {
      if (!isSpace(b[i])) {
        nonBlank = true;
        return;
      }
    }
  };
  const finish = (tail: Buffer): ByteLine => {
    line++;
    let bytes: Buffer | null = null;
    const total = seen + tail.length;
    if (!tooLong && length + tail.length <= maxBytes) {
      bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    }
    const out = { line, bytes, offset: lineStart, length: total, blank: !nonBlank };
    lineStart += total + 1;
    parts = [];
    length = 0;
    seen = 0;
    tooLong = false;
    nonBlank = false;
    return out;
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      scan(chunk, from, nl);
      yield finish(chunk.subarray(from, nl));
      from = nl + 1;
    }
    if (from < chunk.length) {
      scan(chunk, from, chunk.length);
      const rest = chunk.subarray(from);
      seen += rest.length;
      if (tooLong) continue;
      if (length + rest.length > maxBytes) {
        tooLong = true;
        parts = [];
        length = 0;
      } else {
        // Copy: the stream may reuse its chunk buffers.
        parts.push(Buffer.from(rest));
        length += rest.length;
      }
    }
  }
  if (seen > 0 || tooLong) yield finish(Buffer.alloc(0));
}
