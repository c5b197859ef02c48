/**
 * Tokens with offsets into the input (JavaScript string / UTF-16 offsets).
 *
 * A regular-expression scanner rather than Intl.Segmenter: it is linear on any
 * input length (Segmenter's word mode is quadratic on long strings) and it keeps
 * English contractions ("Moscow’s", "we’ll") and hyphenated words ("large-scale")
 * whole, which is how the language model's vocabulary spells them.
 */

export type TokenKind = "word" | "number" | "punct";

export interface Token {
  /** The token as written. */
  text: string;
  /** Lower case, typographic apostrophes folded to ASCII: the lookup key for lexicon and model. */
  norm: string;
  start: number;
  end: number;
  kind: TokenKind;
  /** Index of the sentence the token belongs to (0-based, document order). */
  sentence: number;
  /** Inside double quotation marks (quoted speech). */
  quoted: boolean;
  /** First letter upper case. */
  capitalised: boolean;
  /** Two or more letters, all upper case ("NATO", "US"). */
  allCaps: boolean;
  /** First word token of its sentence. */
  sentenceStart: boolean;
  /** On a line that reads as a headline or label: no sentence-final punctuation and mostly capitalised words. */
  headline: boolean;
}

const WORD = String.raw`[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:['’][\p{L}\p{M}]+)*(?:-[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)*)*['’]?`;
const NUMBER = String.raw`[$£€]?\p{N}+(?:[.,:/]\p{N}+)*(?:%|[\p{L}]{1,2}\b)?`;
const TOKEN_RE = new RegExp(`(${NUMBER})|(${WORD})|(\\S)`, "gu");

/** Abbreviations whose full stop does not end a sentence. */
/** Abbreviations whose full stop does not end a sentence (lower case, without the final stop). */
export const ABBREVIATIONS: ReadonlySet<string> = new Set([
  "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
  "gov", "sen", "rep", "rev", "hon", "pres", "supt", "messrs", "vs", "etc", "e.g", "i.e", "cf", "al",
  "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
  "no", "nos", "vol", "fig", "approx", "dept", "est", "u.s", "u.k", "u.n",
]);

const OPEN_DOUBLE = new Set(["“", "„", "«"]);
const CLOSE_DOUBLE = new Set(["”", "»"]);
const SENTENCE_END = new Set([".", "!", "?", "…"]);

export function normalizeWord(word: string): string {
  const norm = word.toLowerCase();
  return norm.includes("’") ? norm.replace(/’/g, "'") : norm;
}

/** Split text into tokens. Linear time; no token spans a whitespace character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let sentence = 0;
  let quoted = false;
  let pendingBreak = false;
  let lastEnd = 0;
  TOKEN_RE.lastIndex = 0;
  for (let m = TOKEN_RE.exec(text); m !== null; m = TOKEN_RE.exec(text)) {
    const raw = m[0];
    const start = m.index;
    const end = start + raw.length;
    const gap = text.slice(lastEnd, start);
    lastEnd = end;
    // A blank line or a line break after sentence-final punctuation always ends a sentence;
    // a single line break ends one too when the next line starts a new thought (capital letter).
    if (tokens.length > 0) {
      const blank = /\n\s*\n/.test(gap);
      const newline = gap.includes("\n");
      if (blank || (newline && /^[\p{Lu}\p{N}"“‘'«]/u.test(raw))) pendingBreak = true;
      if (blank) quoted = false; // an unclosed quotation does not run across paragraphs
    }
    if (pendingBreak && tokens.length > 0) {
      sentence++;
      pendingBreak = false;
    }
    let kind: TokenKind = m[1] !== undefined ? "number" : m[2] !== undefined ? "word" : "punct";
    if (kind === "punct") {
      if (OPEN_DOUBLE.has(raw)) quoted = true;
      else if (CLOSE_DOUBLE.has(raw)) quoted = false;
      else if (raw === '"') quoted = !quoted;
    }
    const letters = raw.replace(/[^\p{L}]/gu, "");
    tokens.push({
      text: raw,
      norm: kind === "punct" ? raw : normalizeWord(raw),
      start,
      end,
      kind,
      sentence,
      quoted: quoted || CLOSE_DOUBLE.has(raw),
      capitalised: /^\p{Lu}/u.test(raw),
      allCaps: letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase(),
      sentenceStart: false,
      headline: false,
    });
    if (kind === "punct" && SENTENCE_END.has(raw)) {
      const prev = tokens[tokens.length - 2];
      const isAbbrev = raw === "." && prev !== undefined && prev.end === start && prev.kind === "word" &&
        (ABBREVIATIONS.has(prev.norm) || /^\p{L}$/u.test(prev.text));
      if (!isAbbrev) pendingBreak = true;
    }
  }
  markSentenceStarts(tokens);
  markHeadlines(text, tokens);
  return tokens;
}

function markSentenceStarts(tokens: Token[]): void {
  let current = -1;
  for (const t of tokens) {
    if (t.sentence !== current && t.kind !== "punct") {
      t.sentenceStart = true;
      current = t.sentence;
    }
  }
}

/**
 * Headline-like lines (titles, related-story links, bylines) are left alone by
 * spinners and read badly to a sentence model; mark them so later stages can weigh that.
 */
function markHeadlines(text: string, tokens: Token[]): void {
  let i = 0;
  while (i < tokens.length) {
    let lineEnd = text.indexOf("\n", tokens[i].start);
    if (lineEnd < 0) lineEnd = text.length;
    let j = i;
    while (j < tokens.length && tokens[j].start < lineEnd) j++;
    const line = tokens.slice(i, j);
    const words = line.filter((t) => t.kind === "word");
    const last = line[line.length - 1];
    const endsSentence = last !== undefined && /[.!?:;,…"”]/.test(last.text);
    // Title case: most words capitalised, ignoring short function words.
    const content = words.filter((w) => w.norm.length > 3);
    const caps = content.filter((w) => w.capitalised).length;
    const isHeadline = words.length > 0 && words.length <= 20 && !endsSentence &&
      (content.length === 0 ? words.every((w) => w.capitalised) : caps / content.length >= 0.6);
    if (isHeadline) for (const t of line) t.headline = true;
    i = j;
  }
}

/** Re-case a replacement to match the surface it replaces ("Stated" → "Said", "NAVY" → "MILITARY"). */
export function matchCase(replacement: string, surface: string): string {
  const letters = surface.replace(/[^\p{L}]/gu, "");
  if (letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase()) {
    return replacement.toUpperCase();
  }
  if (/^\p{Lu}/u.test(surface)) return replacement.charAt(0).toUpperCase() + replacement.slice(1);
  return replacement;
}

/** Use the same apostrophe style as the surface text ("’" stays "’"). */
export function matchApostrophes(replacement: string, surface: string): string {
  return surface.includes("’") ? replacement.replace(/'/g, "’") : replacement;
}
