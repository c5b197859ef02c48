/**
 * News-length pages cut from Brown corpus documents, for evaluations that need many pages
 * (a simulated site of 2,000+ pages): each ~2,000-word Brown sample becomes three to six pages
 * of 300–600 words, cut at paragraph boundaries (at sentence boundaries inside a paragraph too
 * long to fit). Deterministic: the same options give the same pages.
 *
 * Sections: the press sections a–c (`EVALUATION_CATEGORIES`) are held out for evaluation;
 * calibration and development use d–r (`CALIBRATION_CATEGORIES`). Within a choice of sections,
 * `split` divides the DOCUMENTS (never the pages of one document) into train and held-out by a
 * hash of the document id, so a learner trained on the train pages never saw a held-out page's
 * source document.
 */

import { BROWN_CATEGORIES, PRESS_CATEGORIES, brownDocuments } from "./brown.js";
import { tokenize } from "../text/tokenize.js";
import { fmix32, fnv1a } from "../text/hash.js";

export interface BrownPage {
  /** Document id and page number, e.g. "ca01#2". */
  id: string;
  docId: string;
  category: string;
  /** Page number within the document (0-based). */
  index: number;
  /** Paragraphs joined by blank lines. */
  text: string;
  paragraphs: string[];
  /** Whitespace-separated tokens in `text`. */
  words: number;
}

export interface BrownPageOptions {
  /** Category letters; default all 15. */
  categories?: readonly string[];
  /** Which documents: "train", "held-out" or "all" (default). */
  split?: "train" | "held-out" | "all";
  /** Share of documents held out (default 0.2). */
  heldOutShare?: number;
  /** Seed of the train / held-out split (default 0). */
  splitSeed?: number;
  /** Page length bounds in words (default 300 and 600). */
  minWords?: number;
  maxWords?: number;
  /** Seed of the page-length draws (default 0). */
  seed?: number;
}

/** The press sections: held out for evaluation. */
export const EVALUATION_CATEGORIES: readonly string[] = PRESS_CATEGORIES;
/** Every other section (d–r): for calibration and development. */
export const CALIBRATION_CATEGORIES: readonly string[] = Object.keys(BROWN_CATEGORIES).filter(
  (c) => !(PRESS_CATEGORIES as readonly string[]).includes(c),
);

/** Whether a document falls in the held-out part of the split. */
export function isHeldOut(docId: string, heldOutShare = 0.2, splitSeed = 0): boolean {
  return fmix32(fnv1a(docId) ^ Math.imul(splitSeed | 0, 0x9e3779b1)) / 4294967296 < heldOutShare;
}

export function countWords(text: string): number {
  const m = text.match(/\S+/g);
  return m === null ? 0 : m.length;
}

/**
 * Cut a document's paragraphs into pages of minWords..maxWords words (the target length of each
 * page is drawn in that range). Cuts fall between paragraphs; a paragraph longer than the room left
 * is cut between sentences. A remainder shorter than minWords joins the previous page when that
 * stays within maxWords, and is dropped otherwise. Returns each page's paragraphs.
 */
export function cutPages(paragraphs: readonly string[], options: { minWords?: number; maxWords?: number; seed?: number } = {}): string[][] {
  const minWords = options.minWords ?? 300;
  const maxWords = options.maxWords ?? 600;
  if (!(minWords > 0 && maxWords >= minWords)) throw new RangeError(`need 0 < minWords <= maxWords, got ${minWords}, ${maxWords}`);
  let state = (options.seed ?? 0) >>> 0;
  const draw = (): number => {
    state = fmix32((state + 0x6d2b79f5) >>> 0);
    return minWords + (state % (maxWords - minWords + 1));
  };
  // Units: whole paragraphs, or sentences of a paragraph longer than the page minimum.
  interface Unit { text: string; words: number; joinsPrevious: boolean }
  const units: Unit[] = [];
  for (const p of paragraphs) {
    const words = countWords(p);
    if (words === 0) continue;
    if (words <= minWords) {
      units.push({ text: p, words, joinsPrevious: false });
      continue;
    }
    let first = true;
    for (const s of sentences(p)) {
      units.push({ text: s, words: countWords(s), joinsPrevious: !first });
      first = false;
    }
  }
  const pages: Unit[][] = [];
  let current: Unit[] = [];
  let words = 0;
  let target = draw();
  for (const u of units) {
    if (current.length > 0 && words >= minWords && words + u.words > maxWords) {
      pages.push(current);
      current = [];
      words = 0;
      target = draw();
    }
    current.push(u);
    words += u.words;
    if (words >= target) {
      pages.push(current);
      current = [];
      words = 0;
      target = draw();
    }
  }
  if (current.length > 0) {
    const last = pages[pages.length - 1];
    if (words >= minWords) pages.push(current);
    else if (last !== undefined && last.reduce((n, u) => n + u.words, 0) + words <= maxWords) last.push(...current);
  }
  return pages.map((page) => {
    const out: string[] = [];
    for (const u of page) {
      if (u.joinsPrevious && out.length > 0) out[out.length - 1] += " " + u.text;
      else out.push(u.text);
    }
    return out;
  });
}

/** A paragraph's sentences (the tokenizer's sentence boundaries), as text slices. */
function sentences(paragraph: string): string[] {
  const out: string[] = [];
  let start = 0;
  let sentence = -1;
  for (const t of tokenize(paragraph)) {
    if (t.sentence !== sentence) {
      if (sentence >= 0) out.push(paragraph.slice(start, t.start).trim());
      start = t.start;
      sentence = t.sentence;
    }
  }
  out.push(paragraph.slice(start).trim());
  return out.filter((s) => s.length > 0);
}

/** Pages cut from the Brown documents the options select, in document order. */
export function brownPages(options: BrownPageOptions = {}): BrownPage[] {
  const split = options.split ?? "all";
  const share = options.heldOutShare ?? 0.2;
  const splitSeed = options.splitSeed ?? 0;
  const docs = brownDocuments(options.categories === undefined ? undefined : { categories: [...options.categories] })
    .filter((d) => split === "all" || isHeldOut(d.id, share, splitSeed) === (split === "held-out"));
  const pages: BrownPage[] = [];
  for (const d of docs) {
    const cut = cutPages(d.paragraphs, { minWords: options.minWords, maxWords: options.maxWords, seed: fnv1a(d.id, (options.seed ?? 0) >>> 0) });
    cut.forEach((paragraphs, index) => {
      const text = paragraphs.join("\n\n");
      pages.push({ id: `${d.id}#${index}`, docId: d.id, category: d.category, index, text, paragraphs, words: countWords(text) });
    });
  }
  return pages;
}
