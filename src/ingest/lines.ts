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
}

export async function* byteLines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<ByteLine> {
  let parts: Buffer[] = [];
  let length = 0;
  let tooLong = false;
  let line = 0;
  const finish = (tail: Buffer): ByteLine => {
    line++;
    let bytes: Buffer | null = null;
    if (!tooLong && length + tail.length <= maxBytes) {
      bytes = parts.length === 0 ? tail : Buffer.concat([...parts, tail]);
      if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    }
    parts = [];
    length = 0;
    tooLong = false;
    return { line, bytes };
  };
  for await (const chunk of chunks) {
    let from = 0;
    for (let nl = chunk.indexOf(0x0a, from); nl >= 0; nl = chunk.indexOf(0x0a, from)) {
      yield finish(chunk.subarray(from, nl));
      from = nl + 1;
    }
    if (from < chunk.length && !tooLong) {
      const rest = chunk.subarray(from);
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
  if (length > 0 || tooLong) yield finish(Buffer.alloc(0));
}
