/**
 * Lays a copy beside its source as rows of matching text: the trace alignment gives each
 * substitution's place in both texts, and between two substitutions the texts agree, so rows
 * can be cut at sentence ends inside those agreeing stretches. A row is a source range and a
 * copy range; text that has no counterpart (boilerplate around a partial copy, sentences
 * moved elsewhere) gets a row of its own with the other side empty.
 */
import type { TraceSubstitution } from "./api.js";

export interface Row {
  source: [number, number];
  copy: [number, number];
}

/** Length of the common prefix of a[i..) and b[j..), at most `max`. */
function agree(a: string, i: number, b: string, j: number, max: number): number {
  let n = 0;
  while (n < max && i + n < a.length && j + n < b.length && a[i + n] === b[j + n]) n++;
  return n;
}

/** Length of the common suffix of a[..i) and b[..j), at most `max`. */
function agreeBack(a: string, i: number, b: string, j: number, max: number): number {
  let n = 0;
  while (n < max && i - n > 0 && j - n > 0 && a[i - n - 1] === b[j - n - 1]) n++;
  return n;
}

const SENTENCE_END = /[.!?]["'”’)]?\s+/g;

export function alignRows(source: string, copy: string, substitutions: readonly TraceSubstitution[]): Row[] {
  const subs = [...substitutions].sort((a, b) => a.copyStart - b.copyStart);
  if (subs.length === 0) {
    // Nothing changed (a verbatim copy) or nothing aligned: find the shared stretch, if any.
    const at = source.indexOf(copy.slice(0, Math.min(40, copy.length)));
    if (at < 0) return [{ source: [0, source.length], copy: [0, copy.length] }];
    subs.push({ sourceStart: at, sourceEnd: at, copyStart: 0, copyEnd: 0, source: "", copy: "" });
  }
  // Cut points (copy offset, source offset) where both texts are at the same place.
  const cuts: { c: number; s: number }[] = [];
  const first = subs[0];
  const lead = agreeBack(copy, first.copyStart, source, first.sourceStart, Infinity);
  cuts.push({ c: first.copyStart - lead, s: first.sourceStart - lead });
  const addSentenceCuts = (c0: number, s0: number, length: number) => {
    const stretch = copy.slice(c0, c0 + length);
    for (const m of stretch.matchAll(SENTENCE_END)) {
      const k = m.index + m[0].length;
      if (k < length) cuts.push({ c: c0 + k, s: s0 + k });
    }
  };
  addSentenceCuts(first.copyStart - lead, first.sourceStart - lead, lead);
  for (let i = 0; i < subs.length; i++) {
    const sub = subs[i];
    const next = subs[i + 1];
    const prev = cuts[cuts.length - 1];
    // A substitution the source has earlier than the text before it (moved sentences): new row.
    if (sub.sourceStart < prev.s || sub.copyStart < prev.c) cuts.push({ c: sub.copyStart, s: sub.sourceStart });
    if (next) {
      const gap = Math.min(next.copyStart - sub.copyEnd, Math.max(0, next.sourceStart - sub.sourceEnd));
      const same = agree(copy, sub.copyEnd, source, sub.sourceEnd, gap);
      addSentenceCuts(sub.copyEnd, sub.sourceEnd, same);
      if (same < next.copyStart - sub.copyEnd || next.sourceStart < sub.sourceEnd) cuts.push({ c: next.copyStart, s: next.sourceStart });
    } else {
      const same = agree(copy, sub.copyEnd, source, sub.sourceEnd, Infinity);
      addSentenceCuts(sub.copyEnd, sub.sourceEnd, same);
      cuts.push({ c: sub.copyEnd + same, s: sub.sourceEnd + same });
    }
  }
  const rows: Row[] = [];
  const start = cuts[0];
  if (start.c > 0 || start.s > 0) rows.push({ source: [0, start.s], copy: [0, start.c] });
  for (let k = 0; k + 1 < cuts.length; k++) {
    const a = cuts[k], b = cuts[k + 1];
    if (b.c <= a.c && b.s <= a.s) continue;
    const sourceEnd = b.s >= a.s ? b.s : Math.max(a.s, ...subs.filter((x) => x.copyStart >= a.c && x.copyEnd <= b.c).map((x) => x.sourceEnd));
    rows.push({ source: [a.s, sourceEnd], copy: [a.c, Math.max(a.c, b.c)] });
  }
  const end = cuts[cuts.length - 1];
  if (end.c < copy.length || end.s < source.length) rows.push({ source: [Math.min(end.s, source.length), source.length], copy: [end.c, copy.length] });
  return rows.filter((r) => source.slice(...r.source).trim() !== "" || copy.slice(...r.copy).trim() !== "");
}
