/** Applying span replacements to a text: edits sorted by start, non-overlapping, offsets into `text`. */
export interface SpanEdit {
  start: number;
  end: number;
  replacement: string;
}

export function applyEdits(text: string, edits: ReadonlyArray<SpanEdit>): string {
  let out = "";
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.start) + e.replacement;
    pos = e.end;
  }
  return out + text.slice(pos);
}
