/**
 * English inflectional morphology, WordNet "morphy" style, with no dependencies.
 *
 * - `lemmatize(word)`: exception lists first (WordNet *.exc plus a hand-written irregular-verb
 *   table, both compiled into the lexicon artifact), then suffix-detachment rules. Every rule
 *   analysis is validated against the known lemmas AND must round-trip (re-inflecting the lemma
 *   gives the word back), so "hoping" is "hope"+gerund but not "hop"+gerund.
 * - `inflect(lemma, pos, form)`: the preferred irregular form when there is one, otherwise
 *   regular rules (consonant doubling, -ies, -es, -ied, "more"/"most" for long adjectives).
 *   Multi-word lemmas inflect their head: the first word of a verb ("call for" -> "calls for",
 *   "become a member of" -> "becoming a member of"), the last word of a noun ("press release"
 *   -> "press releases").
 *
 * The module-level `lemmatize`/`inflect` over the shipped artifact are in files.ts;
 * `Morphology` can be built over any tables (the build script and tests do).
 */

import { BoundedCache } from "../cache.js";

export type Pos = "n" | "v" | "a" | "r";
export type Form =
  | "base" | "plural" | "3sg" | "past" | "pastpart" | "gerund" | "comparative" | "superlative";

export interface Analysis {
  lemma: string;
  pos: Pos;
  form: Form;
}

/** The forms each part of speech inflects for (base first). */
export const FORMS: Readonly<Record<Pos, readonly Form[]>> = {
  n: ["base", "plural"],
  v: ["base", "3sg", "past", "pastpart", "gerund"],
  a: ["base", "comparative", "superlative"],
  r: ["base", "comparative", "superlative"],
};

/** One row of the compiled exception table. */
export interface ExceptionEntry {
  inflected: string;
  lemma: string;
  pos: Pos;
  form: Form;
  /** This is the form `inflect` produces for (lemma, pos, form). */
  preferred: boolean;
}

export interface MorphTables {
  exceptions: readonly ExceptionEntry[];
  /** Whether `lemma` (lower case, words joined by spaces) is a known lemma of `pos`. */
  isLemma(lemma: string, pos: Pos): boolean;
}

const VOWEL = /[aeiou]/;
/** "-man" nouns that take a plain -s plural (the others go policeman -> policemen). */
const MAN_PLURAL_S = /^(hu|ger|ro|sha|talis|cai|cay|otto|walk|dol|dober|des|brah|ata|mus|tru)man$/;

/** Number of vowel groups, "qu" counting as a consonant and a final silent "e" ignored. */
function syllables(w: string): number {
  let s = w.replace(/qu/g, "qw");
  if (s.length > 2 && s.endsWith("e") && !s.endsWith("le") && !/[aeiouy]e$/.test(s)) s = s.slice(0, -1);
  const groups = s.match(/[aeiouy]+/g);
  let n = groups ? groups.length : 0;
  if (s.startsWith("y") && n > 0 && /^y[aeiou]/.test(s)) n = Math.max(1, n); // "yes", "young": y is a consonant
  return Math.max(1, n);
}

/** Final consonant doubles before -ed/-ing/-er/-est: one syllable ending consonant-vowel-consonant. */
export function doublesFinal(w: string): boolean {
  const s = w.replace(/qu/g, "qw");
  if (!/(^|[^aeiou])[aeiou][^aeiouwxy]$/.test(s)) return false;
  return syllables(w) === 1;
}

function endsConsonantY(w: string): boolean {
  return w.length > 1 && w.endsWith("y") && !VOWEL.test(w[w.length - 2]);
}

/** Regular (rule-only) inflection of a single word. */
export function regularInflect(w: string, pos: Pos, form: Form): string {
  switch (form) {
    case "base":
      return w;
    case "plural":
    case "3sg": {
      if (form === "plural" && w.endsWith("man") && !MAN_PLURAL_S.test(w)) return w.slice(0, -3) + "men";
      if (/(s|x|z|ch|sh)$/.test(w)) return w + "es";
      if (endsConsonantY(w)) return w.slice(0, -1) + "ies";
      if (form === "3sg" && /[^aeiou]o$/.test(w)) return w + "es";
      return w + "s";
    }
    case "past":
    case "pastpart": {
      if (w.endsWith("e")) return w + "d";
      if (endsConsonantY(w)) return w.slice(0, -1) + "ied";
      if (/[aeiou]c$/.test(w) && syllables(w) > 1) return w + "ked";
      if (doublesFinal(w)) return w + w[w.length - 1] + "ed";
      return w + "ed";
    }
    case "gerund": {
      if (w.endsWith("ie")) return w.slice(0, -2) + "ying";
      if (/(ee|ye|oe)$/.test(w)) return w + "ing";
      if (w.length > 2 && w.endsWith("e")) return w.slice(0, -1) + "ing";
      if (/[aeiou]c$/.test(w) && syllables(w) > 1) return w + "king";
      if (doublesFinal(w)) return w + w[w.length - 1] + "ing";
      return w + "ing";
    }
    case "comparative":
    case "superlative": {
      const sup = form === "superlative";
      const n = syllables(w);
      const short = n === 1 || (n === 2 && /(y|ow|le|er)$/.test(w));
      if (pos === "r" && !short) return (sup ? "most " : "more ") + w;
      if (!short || w.endsWith("ly") && pos === "r") return (sup ? "most " : "more ") + w;
      const suf = sup ? "est" : "er";
      if (w.endsWith("e")) return w + suf.slice(1);
      if (endsConsonantY(w)) return w.slice(0, -1) + "i" + suf;
      if (doublesFinal(w)) return w + w[w.length - 1] + suf;
      return w + suf;
    }
  }
}

/** Alternative regular spellings accepted when checking that an analysis round-trips (British -ll-). */
function regularAlternatives(w: string, pos: Pos, form: Form): string[] {
  const main = regularInflect(w, pos, form);
  const out = [main];
  if ((form === "past" || form === "pastpart" || form === "gerund" || form === "comparative" || form === "superlative") &&
      /[aeiou]l$/.test(w) && !/[aeiou]{2}l$/.test(w)) {
    const suffix = form === "gerund" ? "ing" : form === "comparative" ? "er" : form === "superlative" ? "est" : "ed";
    out.push(w + "l" + suffix);
  }
  return out;
}

type Rule = [suffix: string, replacement: string, form: Form];

const NOUN_RULES: Rule[] = [
  ["ies", "y", "plural"], ["ses", "s", "plural"], ["xes", "x", "plural"], ["zes", "z", "plural"],
  ["ches", "ch", "plural"], ["shes", "sh", "plural"], ["oes", "o", "plural"], ["men", "man", "plural"],
  ["ves", "f", "plural"], ["ves", "fe", "plural"], ["s", "", "plural"],
];
const VERB_RULES: Rule[] = [
  ["ies", "y", "3sg"], ["es", "", "3sg"], ["s", "", "3sg"],
  ["ied", "y", "past"], ["ed", "", "past"], ["ed", "e", "past"],
  ["ying", "ie", "gerund"], ["ing", "", "gerund"], ["ing", "e", "gerund"],
];
const ADJ_RULES: Rule[] = [
  ["ier", "y", "comparative"], ["er", "", "comparative"], ["er", "e", "comparative"],
  ["iest", "y", "superlative"], ["est", "", "superlative"], ["est", "e", "superlative"],
];
const RULES: Record<Pos, Rule[]> = { n: NOUN_RULES, v: VERB_RULES, a: ADJ_RULES, r: ADJ_RULES };
const POSES: Pos[] = ["n", "v", "a", "r"];

function key(pos: Pos, form: Form, lemma: string): string {
  return pos + "|" + form + "|" + lemma;
}

export class Morphology {
  private readonly byInflected = new Map<string, Analysis[]>();
  private readonly irregular = new Map<string, string>();
  /** Analyses of recent words (size: see CACHE_SIZES in lexicon.ts). */
  private readonly cache = new BoundedCache<string, readonly Analysis[]>(100_000);
  readonly isLemma: (lemma: string, pos: Pos) => boolean;

  constructor(tables: MorphTables) {
    this.isLemma = tables.isLemma;
    const exceptions = tables.exceptions;
    for (let i = 0; i < exceptions.length; i++) {
      const e = exceptions[i];
      let list = this.byInflected.get(e.inflected);
      if (!list) this.byInflected.set(e.inflected, (list = []));
      let seen = false;
      for (let j = 0; j < list.length && !seen; j++) seen = list[j].lemma === e.lemma && list[j].pos === e.pos && list[j].form === e.form;
      if (!seen) list.push({ lemma: e.lemma, pos: e.pos, form: e.form });
      if (e.preferred) this.irregular.set(key(e.pos, e.form, e.lemma), e.inflected);
    }
  }

  /**
   * All analyses of a word (or a multi-word phrase) as (lemma, pos, form), validated against the
   * known lemmas. Base forms come with form "base". The result is cached and must not be mutated.
   */
  lemmatize(word: string): readonly Analysis[] {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const out = word.includes(" ") ? this.lemmatizePhrase(word) : this.lemmatizeWord(word);
    this.cache.set(word, out);
    return out;
  }

  // Indexed loops and no per-analysis keys: this runs for every new word (thousands in a short
  // text's first analysis, mostly before the code is optimised, where iterators allocate).
  private lemmatizeWord(word: string): Analysis[] {
    const out: Analysis[] = [];
    const add = (lemma: string, pos: Pos, form: Form) => {
      for (let i = 0; i < out.length; i++) {
        const a = out[i];
        if (a.lemma === lemma && a.pos === pos && a.form === form) return;
      }
      out.push({ lemma, pos, form });
    };
    const exc = this.byInflected.get(word);
    if (exc) for (let i = 0; i < exc.length; i++) add(exc[i].lemma, exc[i].pos, exc[i].form);
    for (let i = 0; i < POSES.length; i++) if (this.isLemma(word, POSES[i])) add(word, POSES[i], "base");
    for (let i = 0; i < POSES.length; i++) {
      const pos = POSES[i];
      const rules = RULES[pos];
      for (let r = 0; r < rules.length; r++) {
        const suffix = rules[r][0], repl = rules[r][1], form = rules[r][2];
        if (!word.endsWith(suffix) || word.length <= suffix.length + 1) continue;
        const stem = word.slice(0, word.length - suffix.length);
        this.tryRule(word, pos, form, stem + repl, add);
        // Doubled final consonant: "stopped" -> "stop", "bigger" -> "big".
        if (repl === "" && stem.length > 2 && stem[stem.length - 1] === stem[stem.length - 2] &&
            !VOWEL.test(stem[stem.length - 1])) this.tryRule(word, pos, form, stem.slice(0, -1), add);
        if (suffix === "ing" && stem.endsWith("ck")) this.tryRule(word, pos, form, stem.slice(0, -1), add); // panicking
        if (suffix === "ed" && stem.endsWith("ck")) this.tryRule(word, pos, form, stem.slice(0, -1), add);
      }
    }
    return out;
  }

  /** One rule analysis (lemma, pos, form) of `word`, validated; a regular "-ed" stands for both past and past participle. */
  private tryRule(word: string, pos: Pos, form: Form, lemma: string, add: (lemma: string, pos: Pos, form: Form) => void): void {
    if (!this.isLemma(lemma, pos)) return;
    this.tryForm(word, pos, form === "past" ? "past" : form, lemma, add);
    if (form === "past") this.tryForm(word, pos, "pastpart", lemma, add);
  }

  private tryForm(word: string, pos: Pos, f: Form, lemma: string, add: (lemma: string, pos: Pos, form: Form) => void): void {
    // Round-trip: the lemma's own inflection must give the word back (irregulars excluded).
    const irr = this.irregular.get(key(pos, f, lemma));
    if (irr !== undefined ? irr === word : regularAlternatives(lemma, pos, f).includes(word)) add(lemma, pos, f);
  }

  /** Verbs inflect the first word, nouns the last; the whole phrase must be a known lemma. */
  private lemmatizePhrase(phrase: string): Analysis[] {
    const out: Analysis[] = [];
    const words = phrase.split(" ");
    for (const pos of POSES) if (this.isLemma(phrase, pos)) out.push({ lemma: phrase, pos, form: "base" });
    const exc = this.byInflected.get(phrase);
    if (exc) for (const a of exc) if (!out.some((b) => b.lemma === a.lemma && b.pos === a.pos && b.form === a.form)) out.push(a);
    const rest = words.slice(1).join(" ");
    for (const a of this.lemmatizeWord(words[0])) {
      if (a.pos !== "v" || a.form === "base") continue;
      const lemma = a.lemma + " " + rest;
      if (this.isLemma(lemma, "v") && !out.some((b) => b.lemma === lemma && b.form === a.form)) out.push({ lemma, pos: "v", form: a.form });
    }
    const init = words.slice(0, -1).join(" ");
    for (const a of this.lemmatizeWord(words[words.length - 1])) {
      if (a.pos !== "n" || a.form === "base") continue;
      const lemma = init + " " + a.lemma;
      if (this.isLemma(lemma, "n") && !out.some((b) => b.lemma === lemma && b.form === a.form)) out.push({ lemma, pos: "n", form: a.form });
    }
    return out;
  }

  /** Inflect a lemma (single or multi-word) to a form. Unknown words get the regular rules. */
  inflect(lemma: string, pos: Pos, form: Form): string {
    if (form === "base") return lemma;
    const irr = this.irregular.get(key(pos, form, lemma));
    if (irr !== undefined) return irr;
    const sp = lemma.indexOf(" ");
    if (sp < 0) return regularInflect(lemma, pos, form);
    if (pos === "v") return this.inflect(lemma.slice(0, sp), "v", form) + lemma.slice(sp);
    if (pos === "n") {
      const last = lemma.lastIndexOf(" ");
      return lemma.slice(0, last + 1) + this.inflect(lemma.slice(last + 1), "n", form);
    }
    return (form === "superlative" ? "most " : "more ") + lemma;
  }
}
