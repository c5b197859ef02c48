/**
 * Site spinners: one FIXED substitution table per site, applied deterministically to every page
 * of the site, the way a content farm's article spinner works.
 *
 * The table is drawn lazily: the first time an original word or phrase is met, a draw keyed only
 * by (site seed, phrase) decides whether the site's table lists it and, if so, its ONE substitute.
 * So the table is the same whatever order pages are spun in, one original always gets the same
 * substitute on every page (context-blind), and another site seed gives another table.
 *
 * Habits (each a tunable share; see README.md for the defaults and the measured figures):
 * - thesaurus choices: `spin()`'s choice policy over the lexicon's forward candidates (all senses,
 *   the wrong one often);
 * - non-thesaurus mappings ("beyond"): a synonym of a synonym, a co-hyponym, anything the
 *   restorer's inverse lexicon (`match()`) does NOT list for that original;
 * - function-word and phrase rewrites from the simulator's own table (function-words.ts), never
 *   the lexicon's hand-written phrase table;
 * - contractions expanded ("don't" → "do not");
 * - protected spans as in `spin()`: names, numbers, headline lines, quoted speech;
 * - application: each occurrence of a listed original is replaced with probability `application`
 *   (keyed by page and position), and a share of pages is spun only in its first N paragraphs.
 */

import type { PhraseMatch, Relation } from "../lexicon/types.js";
import { loadLexicon } from "../lexicon/files.js";
import { FUNCTION_WORDS } from "../lexicon/function-words.js";
import { matchApostrophes, matchCase, type Token } from "../text/tokenize.js";
import { fnv1a } from "../text/hash.js";
import { CONTRACTIONS } from "./function-words.js";
import {
  DEFAULT_RELATION_WEIGHTS, NUMBER_WORDS, choose, fromPhraseTable, mixSeed, mulberry32, ownTable, spanOk,
  thesaurusCandidates, wordView,
  type ForwardCandidate, type ForwardLexicon, type SpinResult, type SpinSubstitution,
} from "./simulate.js";

/** How the site's table came by a substitute. */
export type SiteHabit =
  | "thesaurus"   // the choice policy over the lexicon's forward candidates
  | "beyond"      // a substitute the restorer's inverse lexicon does not list (two links away, co-hyponym)
  | "function"    // the simulator's own function-word / phrase table
  | "contraction"; // a contraction expanded

/** The lexicon a site spinner needs: forward candidates, and (optionally) the inverse direction. */
export interface SiteLexicon extends ForwardLexicon {
  /**
   * The restorer's inverse lexicon. With it, "beyond" substitutes are checked to be ones it does
   * not list, and every table entry records whether it is listed. Without it, "beyond" means only
   * "not among the original's thesaurus candidates".
   */
  match?(norms: readonly string[], i: number): readonly PhraseMatch[];
  /** With it, a "beyond" substitute must keep the original's form and not share its lemma ("saw" → "seen" is no synonym). */
  readonly morphology?: { lemmatize(word: string): readonly { lemma: string; pos: string; form: string }[] };
}

export interface SiteSpinnerOptions {
  seed: number;
  /** Default: the project lexicon (loadLexicon()). */
  lexicon?: SiteLexicon;
  /** Share of the eligible content originals (thesaurus candidates only) the table lists. */
  coverage?: number;
  /** Share of the own-table originals (function words, stock phrases) the table lists. */
  functionCoverage?: number;
  /** Share of contractions the table expands. */
  contractionCoverage?: number;
  /** Share of listed content originals given a non-thesaurus substitute (when one can be found). */
  beyond?: number;
  /** Probability that an occurrence of a listed original is replaced (keyed by page and position). */
  application?: number;
  /** Share of pages spun only in their first N paragraphs. */
  partialShare?: number;
  /** Range [min, max] of N for those pages (drawn per page). */
  partialParagraphs?: readonly [number, number];
  /** Leave quoted speech alone (default true). */
  protectQuotes?: boolean;
  /** Leave names alone (default true). */
  protectNames?: boolean;
  /** Relation mix of the choice policy (default: spin()'s, with the own table's 'phrase' at 0.7). */
  relationWeights?: Partial<Record<Relation, number>>;
}

/** Defaults: tuned so that a page of Brown text comes out with about the seed's density (README.md). */
export const SITE_DEFAULTS = {
  coverage: 0.33,
  functionCoverage: 0.3,
  contractionCoverage: 1,
  beyond: 0.2,
  application: 0.95,
  partialShare: 0.2,
  partialParagraphs: [1, 4] as const,
} as const;

/** One entry of a site's table. */
export interface SiteEntry {
  /** The original, normalised (lower case, words joined by single spaces). */
  original: string;
  /** Its one substitute, normalised. */
  spun: string;
  habit: SiteHabit;
  relation: Relation;
  senseRank: number;
  /** Whether the restorer's inverse lexicon lists `original` for `spun` (undefined without `match`). */
  listed?: boolean;
}

/** A table entry with how often the site has used it so far. */
export interface SiteTableEntry extends SiteEntry {
  /** Occurrences replaced. */
  uses: number;
  /** Pages it was used on. */
  pages: number;
}

export interface SiteSubstitution extends SpinSubstitution {
  habit: SiteHabit;
  listed?: boolean;
}

export interface SitePageResult extends SpinResult {
  substitutions: SiteSubstitution[];
  /** Paragraphs spun: all of them, or the first N of a partly spun page. */
  spunParagraphs: number;
  /** Paragraphs in the page. */
  paragraphs: number;
}

export interface SiteSpinner {
  readonly seed: number;
  /** Spin one page of the site. `pageSeed` (default: a hash of the text) keys the per-page draws. */
  spinPage(text: string, pageSeed?: number): SitePageResult;
  /** The site's entry for an original word or phrase (drawn if not yet drawn); undefined if not listed. */
  entry(original: string): SiteEntry | undefined;
  /** The (original → spun) pairs the site has used so far, most used first (the oracle, for evaluation). */
  siteTable(): SiteTableEntry[];
}

const SITE_RELATION_WEIGHTS: Readonly<Record<Relation, number>> = { ...DEFAULT_RELATION_WEIGHTS, phrase: 0.7 };

/** Salts that keep the different draws of one site independent. */
const SALT_APPLY = 0x51a7e;
const SALT_PARTIAL = 0x9a47;

/** At most this many first-link synonyms are tried for a two-links-away substitute. */
const BEYOND_FIRST_LINKS = 6;
/** Links of a two-links-away substitute go through senses of at most this rank. */
const BEYOND_MAX_RANK = 1;

let defaultLexicon: SiteLexicon | undefined;

export function siteSpinner(options: SiteSpinnerOptions): SiteSpinner {
  const seed = options.seed >>> 0;
  const lexicon = options.lexicon ?? (defaultLexicon ??= loadLexicon());
  const coverage = share("coverage", options.coverage ?? SITE_DEFAULTS.coverage);
  const functionCoverage = share("functionCoverage", options.functionCoverage ?? SITE_DEFAULTS.functionCoverage);
  const contractionCoverage = share("contractionCoverage", options.contractionCoverage ?? SITE_DEFAULTS.contractionCoverage);
  const beyond = share("beyond", options.beyond ?? SITE_DEFAULTS.beyond);
  const application = share("application", options.application ?? SITE_DEFAULTS.application);
  const partialShare = share("partialShare", options.partialShare ?? SITE_DEFAULTS.partialShare);
  const [partialMin, partialMax] = options.partialParagraphs ?? SITE_DEFAULTS.partialParagraphs;
  if (!(Number.isInteger(partialMin) && Number.isInteger(partialMax) && partialMin >= 1 && partialMax >= partialMin)) {
    throw new RangeError(`partialParagraphs must be integers 1 <= min <= max, got [${partialMin}, ${partialMax}]`);
  }
  const protectQuotes = options.protectQuotes ?? true;
  const protectNames = options.protectNames ?? true;
  const weights: Record<Relation, number> = { ...SITE_RELATION_WEIGHTS, ...options.relationWeights };
  const own = ownTable();

  /** The lexicon's thesaurus candidates (no hand-written phrase table) for the words at norms[w]. */
  // Closed-class words change only through the own table: WordNet's content senses of "his" or
  // "more" (how-do-you-dos, more than) are not what a spinner's table lists for them.
  const thesaurus = (norms: readonly string[], w: number, spanUsable?: (length: number) => boolean): ForwardCandidate[] =>
    thesaurusCandidates(
      lexicon.forward(norms, w).filter((c) => !fromPhraseTable(c, norms, w) && !allClosedClass(norms, w, c.length)),
      norms, w, weights, spanUsable,
    );

  const inverseLists = (spun: string, original: string): boolean | undefined => {
    if (lexicon.match === undefined) return undefined;
    const words = spun.split(" ");
    return lexicon.match(words, 0).some((m) => m.length === words.length && m.substitutions.some((s) => s.original === original));
  };

  // ------------------------------------------------------------------ the table
  const table = new Map<string, SiteEntry | null>();
  const usage = new Map<string, { uses: number; pages: number; lastPage: number }>();

  function draw(original: string): SiteEntry | null {
    const words = original.split(" ");
    const rng = mulberry32(mixSeed(seed, fnv1a(original)));
    const u = rng();
    const contraction = words.length === 1 ? CONTRACTIONS.get(original) : undefined;
    if (contraction !== undefined) {
      if (u >= contractionCoverage) return null;
      return { original, spun: contraction, habit: "contraction", relation: "variant", senseRank: 0, listed: inverseLists(contraction, original) };
    }
    const mine = own.forward(words, 0).filter((c) => c.length === words.length);
    const thes = thesaurus(words, 0).filter((c) => c.length === words.length);
    if (mine.length === 0 && thes.length === 0) return null;
    if (u >= (mine.length > 0 ? functionCoverage : coverage)) return null;
    if (mine.length === 0 && rng() < beyond) {
      const b = beyondSubstitute(original, words, thes, rng);
      if (b !== undefined) return { original, spun: b.spun, habit: "beyond", relation: b.relation, senseRank: b.senseRank, listed: inverseLists(b.spun, original) };
    }
    const c = choose([...mine, ...thes], weights, rng);
    const spun = c.spun.trim().replace(/\s+/g, " ");
    return { original, spun, habit: mine.includes(c) ? "function" : "thesaurus", relation: c.relation, senseRank: c.senseRank, listed: inverseLists(spun, original) };
  }

  /**
   * A substitute beyond the thesaurus: a co-hyponym or two-step similar link of the original, or a
   * synonym of one of its first synonyms; one the inverse lexicon does not list for the original.
   */
  function beyondSubstitute(original: string, words: string[], thes: ForwardCandidate[], rng: () => number): ForwardCandidate | undefined {
    const direct = new Set(thes.map((c) => c.spun));
    const pool = new Map<string, ForwardCandidate>();
    const add = (c: ForwardCandidate): void => {
      const spun = c.spun.trim().replace(/\s+/g, " ");
      if (spun === original || direct.has(spun) || pool.has(spun) || !/^[a-z][a-z' -]*$/.test(spun)) return;
      pool.set(spun, { ...c, spun });
    };
    for (const c of lexicon.forward(words, 0)) {
      const link = (c as { link?: string }).link;
      if (c.length === words.length && (link === "sibling" || link === "similar2")) add(c);
    }
    // Two links away through the frequent senses only (a spinner's table chains plausible synonyms:
    // a synonym of the original's first senses, then that word's own first-sense synonyms).
    const firsts = thes.filter((c) => !c.spun.includes(" ") && c.relation === "synonym" && c.senseRank <= BEYOND_MAX_RANK)
      .sort((a, b) => a.senseRank - b.senseRank || (a.spun < b.spun ? -1 : 1)).slice(0, BEYOND_FIRST_LINKS);
    for (const first of firsts) {
      for (const c of thesaurus([first.spun], 0)) {
        if (c.length === 1 && c.relation === "synonym" && c.senseRank <= BEYOND_MAX_RANK) add({ ...c, senseRank: first.senseRank });
      }
    }
    // A deterministic shuffle, then the first one the inverse lexicon does not list.
    const keyed = [...pool.values()].sort((a, b) => (a.spun < b.spun ? -1 : 1)).map((c) => ({ c, r: rng() })).sort((a, b) => a.r - b.r);
    for (const { c } of keyed) if (fitsForm(original, c.spun) && inverseLists(c.spun, original) !== true) return c;
    return undefined;
  }

  /** The substitute can be read in one of the original's forms (part of speech and inflection), and is not the same word. */
  function fitsForm(original: string, spun: string): boolean {
    const morph = lexicon.morphology;
    if (morph === undefined || original.includes(" ") || spun.includes(" ")) return true;
    const a = morph.lemmatize(original);
    const b = morph.lemmatize(spun);
    if (a.length === 0 || b.length === 0) return true;
    if (a.some((x) => b.some((y) => y.lemma === x.lemma))) return false;
    return a.some((x) => b.some((y) => y.pos === x.pos && y.form === x.form));
  }

  function entryOf(original: string): SiteEntry | null {
    let e = table.get(original);
    if (e === undefined) table.set(original, (e = draw(original)));
    return e;
  }

  // ------------------------------------------------------------------ pages
  let pageCounter = 0;

  function spinPage(text: string, pageSeed?: number): SitePageResult {
    const page = pageCounter++;
    const pageKey = (pageSeed ?? fnv1a(text)) >>> 0;
    const { tokens, wordTok, norms, protectedWord } = wordView(text, { protectQuotes, protectNames });

    // Paragraphs, and where a partly spun page stops.
    const starts = paragraphStarts(text);
    let cutoff = text.length;
    let spunParagraphs = starts.length;
    const prng = mulberry32(mixSeed(seed ^ SALT_PARTIAL, pageKey));
    if (prng() < partialShare) {
      const n = partialMin + Math.floor(prng() * (partialMax - partialMin + 1));
      if (n < starts.length) {
        cutoff = starts[n];
        spunParagraphs = n;
      }
    }
    const applySeed = mixSeed(seed ^ SALT_APPLY, pageKey);

    const substitutions: SiteSubstitution[] = [];
    let out = "";
    let copied = 0;
    let eligible = 0;
    for (let w = 0; w < norms.length; ) {
      const k = wordTok[w];
      const head = tokens[k];
      if (head.start >= cutoff) break;
      const lengths = eligibleLengths(tokens, wordTok, norms, w, protectedWord);
      if (lengths.length === 0) {
        w++;
        continue;
      }
      eligible++;
      let entry: SiteEntry | null = null;
      let length = 0;
      for (const len of lengths) {
        entry = entryOf(norms.slice(w, w + len).join(" "));
        if (entry !== null) {
          length = len;
          break;
        }
      }
      if (entry === null || mulberry32(mixSeed(applySeed, k))() >= application) {
        w++;
        continue;
      }
      const last = tokens[wordTok[w + length - 1]];
      const original = text.slice(head.start, last.end);
      const spun = matchApostrophes(matchCase(entry.spun, head.text), original);
      out += text.slice(copied, head.start);
      const start = out.length;
      out += spun;
      substitutions.push({
        start, end: out.length, spun, original, originalStart: head.start, originalEnd: last.end,
        relation: entry.relation, senseRank: entry.senseRank, habit: entry.habit, listed: entry.listed,
      });
      let use = usage.get(entry.original);
      if (use === undefined) usage.set(entry.original, (use = { uses: 0, pages: 0, lastPage: -1 }));
      use.uses++;
      if (use.lastPage !== page) {
        use.pages++;
        use.lastPage = page;
      }
      copied = last.end;
      w += length;
    }
    out += text.slice(copied);
    return { text: out, substitutions, eligible, spunParagraphs, paragraphs: starts.length };
  }

  /** Lengths (longest first) of the originals starting at word w that a table could list. */
  function eligibleLengths(
    tokens: Token[], wordTok: number[], norms: string[], w: number, protectedWord: (t: Token) => boolean,
  ): number[] {
    const head = tokens[wordTok[w]];
    if (protectedWord(head) || NUMBER_WORDS.has(head.norm)) return [];
    const spanCache = new Map<number, boolean>([[1, true]]);
    const usable = (length: number): boolean => {
      let ok = spanCache.get(length);
      if (ok === undefined) spanCache.set(length, (ok = spanOk(tokens, wordTok, w, length, protectedWord)));
      return ok;
    };
    const lengths = new Set<number>();
    if (CONTRACTIONS.has(head.norm)) lengths.add(1);
    for (const c of own.forward(norms, w)) if (usable(c.length)) lengths.add(c.length);
    for (const c of thesaurus(norms, w, usable)) lengths.add(c.length);
    return [...lengths].sort((a, b) => b - a);
  }

  return {
    seed,
    spinPage,
    entry: (original: string) => entryOf(original.toLowerCase().replace(/’/g, "'").trim().replace(/\s+/g, " ")) ?? undefined,
    siteTable(): SiteTableEntry[] {
      const out: SiteTableEntry[] = [];
      for (const [original, use] of usage) {
        const e = table.get(original);
        if (e) out.push({ ...e, uses: use.uses, pages: use.pages });
      }
      return out.sort((a, b) => b.uses - a.uses || (a.original < b.original ? -1 : 1));
    },
  };
}

function allClosedClass(norms: readonly string[], w: number, length: number): boolean {
  for (let j = w; j < w + length && j < norms.length; j++) if (!FUNCTION_WORDS.has(norms[j])) return false;
  return true;
}

function share(name: string, x: number): number {
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${x}`);
  return x;
}

/** Offsets where the text's paragraphs start (paragraphs are separated by blank lines). */
export function paragraphStarts(text: string): number[] {
  const starts: number[] = [];
  const re = /\S/g;
  let m = re.exec(text);
  if (m !== null) starts.push(m.index);
  const blank = /\n[ \t]*\n\s*/g;
  for (let b = blank.exec(text); b !== null; b = blank.exec(text)) {
    const at = b.index + b[0].length;
    if (at < text.length && at > starts[starts.length - 1]) starts.push(at);
  }
  return starts;
}

/** Content words: alphabetic word tokens that are not closed-class (for density figures). */
export function isContentWord(norm: string): boolean {
  return /^[a-z][a-z'-]*$/.test(norm) && !FUNCTION_WORDS.has(norm) && !NUMBER_WORDS.has(norm);
}
