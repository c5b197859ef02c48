/**
 * Interned word forms for the scanner.
 *
 * Each normalised form (lower case, `’` as `'`) gets a small integer id. A span of text
 * that is plain ASCII (the usual case) is looked up from its character codes, without
 * building a string; only a form never seen before is sliced and lower-cased. Indexing
 * scans millions of words a second and the same few tens of thousands of forms recur,
 * so the scanner's consumers keep their per-word facts (stop word, key, hashes) by id
 * instead of by string.
 *
 * Ids are only ever appended, so a scan's ids stay valid for as long as the scan is
 * kept. When the table grows past its limit it starts afresh with a new `norms` array;
 * scans made before keep the old one.
 */
import { FNV_OFFSET, FNV_PRIME, fnv1a } from "../text/hash.js";
import { normalizeWord } from "../text/tokenize.js";
/** Start afresh beyond this many forms (names and numbers make the vocabulary of a large archive open-ended). */
const MAX_FORMS = 1 << 20;

export class Vocabulary {
  /** Normalised form by id. */
  norms: string[] = [];
  private hashes: number[] = [];
  /** Open addressing: id + 1 per slot, 0 when empty. */
  private slots = new Int32Array(1 << 12);

  /** Start afresh if the table has grown past its limit (call between texts). */
  trim(): void {
    if (this.norms.length < MAX_FORMS) return;
    this.norms = [];
    this.hashes = [];
    this.slots = new Int32Array(1 << 12);
  }

  /**
   * Id of the normalised form of `text[start, end)`, or -1 when the span has code units
   * other than ASCII and `’` (then use `idOf` with the normalised string).
   */
  idOfSpan(text: string, start: number, end: number): number {
    let h = FNV_OFFSET;
    for (let k = start; k < end; k++) {
      let c = text.charCodeAt(k);
      if (c >= 128) {
        if (c !== 0x2019) return -1;
        c = 39;
      } else if (c >= 65 && c <= 90) c += 32;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    h >>>= 0;
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] - 1;
      if (id < 0) return this.insert(normalizeWord(text.slice(start, end)), h, slot);
      if (this.hashes[id] === h && sameForm(this.norms[id], text, start, end)) return id;
    }
  }

  /** Id of a normalised form. */
  idOf(norm: string): number {
    const h = fnv1a(norm);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] - 1;
      if (id < 0) return this.insert(norm, h, slot);
      if (this.hashes[id] === h && this.norms[id] === norm) return id;
    }
  }

  private insert(norm: string, h: number, slot: number): number {
    const id = this.norms.length;
    this.norms.push(norm);
    this.hashes.push(h);
    this.slots[slot] = id + 1;
    if (this.norms.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.hashes.length; id++) {
      let slot = this.hashes[id] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}


/** Whether ASCII-or-`’` text[start, end) normalises to `norm`. */
function sameForm(norm: string, text: string, start: number, end: number): boolean {
  if (norm.length !== end - start) return false;
  for (let k = 0; k < norm.length; k++) {
    let c = text.charCodeAt(start + k);
    if (c === 0x2019) c = 39;
    else if (c >= 65 && c <= 90) c += 32;
    if (c !== norm.charCodeAt(k)) return false;
  }
  return true;
}
