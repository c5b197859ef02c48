/**
 * The spinner's thesaurus, run backwards (and forwards).
 *
 * `match(norms, i)` answers: which ORIGINAL wordings could a thesaurus spinner have turned into
 * the spun words starting at token i? Candidates come from
 *   - WordNet 3.1 synset co-members ("synonym"), similar-to / also-see / verb-group neighbours
 *     ("similar"), direct hypernyms / hyponyms of nouns and verbs ("hyponym": the spun word is
 *     more specific than the original, "hypernym": more general), and two-step neighbours between
 *     first senses (co-hyponyms of nouns and verbs, similar-to pairs of adjectives: "similar" with
 *     `link` "sibling" / "similar2"),
 *   - spelling variants (British / American, hyphenation, alternative inflections: "variant"),
 *   - the hand-written phrase table and the observed development pairs ("phrase", or the row's tag),
 * each INFLECTED to the spun form (spun "despatched" -> "sent", "calls for" -> "demands").
 * Expansion is lazy and cached per distinct spun word / phrase.
 *
 * Default order: by `channelPrior` (see below); the decoder may compute its own score from the features.
 */

import { Artifact, decodeArtifact, FLAG_FUNCTION, FLAG_PLAUSIBLE, POS_CODES,
  PTR_ALSO, PTR_HYPERNYM, PTR_HYPONYM, PTR_SIMILAR, PTR_VERBGROUP } from "./artifact.js";
import { BoundedCache } from "../cache.js";
import { pickKeyLemma } from "./cluster.js";
import { FUNCTION_WORDS } from "./function-words.js";
import { FORMS, type Analysis, type Morphology, type Pos } from "./morph.js";
import type { PhraseMatch, Relation, Substitution } from "./types.js";

/** A Substitution with the lexicon's extra features. */
export interface LexSubstitution extends Substitution {
  /** Default channel prior (log-scale, higher = more likely); see `channelPrior`. */
  prior: number;
  /** Pages the pair was seen on at lemma level (same lemmas, any inflection); 0 if never. */
  observedLemma: number;
  /** Base form of the original ("send" for "sent"; the phrase-table original for phrases). */
  lemma: string;
  /** Part of speech of the link ("-" for exact phrase-table rows). */
  pos: Pos | "-";
  /** The exact WordNet / table path behind `relation` (e.g. "sibling" = co-hyponym, a "similar" relation). */
  link: Link;
  /** log10 unigram probability of the original's base form (CMU LM, words summed): how common a word it is. */
  logFreq: number;
}

/** A forward (original -> spun) candidate, for spin simulation. */
export interface ForwardCandidate {
  /** Number of original word tokens covered. */
  length: number;
  /** What the spinner could output, inflected to the original's form. */
  spun: string;
  relation: Relation;
  /** Rank of the original's sense that links the two (0 = most frequent). */
  senseRank: number;
  /** How many distinct substitutes the lexicon lists for the original. */
  fanout: number;
  spunSenseRank: number;
  tagCount: number;
  observed: number;
  prior: number;
  link: Link;
  /** log10 unigram probability of the spun word's base form. */
  logFreq: number;
}

export interface Lexicon {
  /** Longest spun (or original) phrase, in word tokens, that match / forward can return. */
  readonly maxPhraseLength: number;
  /**
   * Candidate originals for the spun phrases starting at norms[i], one PhraseMatch per length that
   * has any (length 1 first). Never the identity; deduplicated per original string; at most 40 per
   * length, best `prior` first. Returned objects are shared and frozen: do not mutate.
   */
  match(norms: readonly string[], i: number): PhraseMatch[];
  /** What a spinner could output for the original words starting at norms[i] (all lengths, best first per length). */
  forward(norms: readonly string[], i: number): ForwardCandidate[];
  /** Whether a word is a WordNet lemma or an inflection of one. */
  isKnown(word: string): boolean;
  /** Spin-invariant key: a word and its likely spun substitutes share it as often as possible. */
  clusterKey(norm: string): string;
  readonly morphology: Morphology;
}

// ------------------------------------------------------------------ channel prior
/**
 * Default channel prior, a log-scale score of "the spinner turned `original` into the spun words":
 *   relation weight (synonym 0, variant 0, phrase 0, similar -1.5, hyponym -2.5, hypernym -3)
 *   + link adjustment (also-see / verb group -0.3; two-step links "sibling", "similar2" -1)
 *   - 0.35 * min(senseRank, 10)      spinners list synonyms of the original's frequent senses
 *   - 0.10 * min(spunSenseRank, 10)
 *   - 0.35 * ln(1 + fanout)          a word with many substitutes gives each a smaller share
 *   + 0.20 * ln(1 + tagCount)        the linking sense is well attested
 *   + 2.5 * ln(1 + observed) + 1.0 * ln(1 + observedLemma)   seen on real spun pages
 *   + FREQ_WEIGHT * (max(logFreq, -12) + 5)   common words are likelier originals (news text)
 */
export const RELATION_WEIGHT: Readonly<Record<Relation, number>> = {
  synonym: 0, variant: 0, phrase: 0, similar: -1.5, hyponym: -2.5, hypernym: -3, learned: 0, slot: -3,
};
export function channelPrior(s: {
  relation: Relation; senseRank: number; spunSenseRank: number; fanout: number; tagCount: number;
  observed: number; observedLemma?: number; link?: Link; logFreq?: number;
}): number {
  return RELATION_WEIGHT[s.relation] + (s.link ? LINK_WEIGHT[s.link] : 0)
    - 0.35 * Math.min(s.senseRank, 10)
    - 0.1 * Math.min(s.spunSenseRank, 10)
    - 0.35 * Math.log1p(s.fanout)
    + 0.2 * Math.log1p(s.tagCount)
    + 2.5 * Math.log1p(s.observed)
    + 1.0 * Math.log1p(s.observedLemma ?? 0)
    + FREQ_WEIGHT * (Math.max(s.logFreq ?? -5, -12) + 5);
}
export const FREQ_WEIGHT = 1.2;

// ------------------------------------------------------------------ internals
function innerMap<K, L, V>(outer: Map<K, Map<L, V>>, key: K): Map<L, V> {
  let inner = outer.get(key);
  if (inner === undefined) outer.set(key, (inner = new Map()));
  return inner;
}

const MAX_PER_MATCH = 40;

/**
 * Entries per cache (per lexicon, so per thread), chosen by measurement. On a generated crawl (one
 * thread, 3,000 pages) the former 200,000 / 500,000-entry caches held ~31,000 phrase expansions
 * and ~27,000 candidate lists, a heap of 235 MB and growing; at 10,000 / 20,000 entries the heap
 * stayed at ~110 MB but hit rates fell (phrase expansions 94 % → 37 %, word analyses 95 % → 73 %)
 * and re-reading Brown press text cost 20–30 % more CPU. These sizes hold a crawl's working set
 * while bounding what an open vocabulary can add (~2.5 KB a phrase with its candidate list).
 * A word's single-word expansion is kept in wordInfo.
 */
const CACHE_SIZES = { wordInfo: 60_000, spun: 30_000, forward: 30_000, clusterKey: 100_000, known: 100_000, frequency: 100_000 };
const MAX_FORWARD = 60;
/** Hypernym / hyponym links only between a word's first few senses (both sides). */
const NEIGHBOUR_MAX_RANK = 4;
/** Co-hyponyms ("sibling") only between first senses, under a hypernym with at most this many hyponyms. */
const SIBLING_MAX_RANK = 1;
const SIBLING_MAX_FAN = 20;
/** Two-step similar-to / also-see links between adjectives' first senses. */
const SIMILAR2_MAX_RANK = 1;

/** How a candidate is linked to the spun wording (finer than Relation). */
export type Link =
  | "synset" | "similar" | "also" | "verbgroup" | "hypernym" | "hyponym" | "sibling" | "similar2"
  | "variant" | "phrase";

const LINK_WEIGHT: Readonly<Record<Link, number>> = {
  synset: 0, similar: 0, also: -0.3, verbgroup: -0.3, hypernym: 0, hyponym: 0, sibling: -1.0, similar2: -1.0,
  variant: 0, phrase: 0,
};

function relationOf(link: Link, reverse: boolean, lemma: string, base: string, lex: { isVariantPair(a: string, b: string): boolean }): Relation {
  switch (link) {
    case "synset": return lex.isVariantPair(lemma, base) ? "variant" : "synonym";
    case "hypernym": return reverse ? "hyponym" : "hypernym";
    case "hyponym": return reverse ? "hypernym" : "hyponym";
    case "variant": return "variant";
    case "phrase": return "phrase";
    default: return "similar";
  }
}
const POS_INDEX: Record<Pos, number> = { n: 0, v: 1, a: 2, r: 3 };

interface PhraseRow {
  original: string;
  spun: string;
  relation: Relation;
  pos: Pos | "-";
  observed: number;
}

interface WordInfo {
  single: PhraseMatch | null;
  verbLemmas: string[];
  nounLemmas: string[];
  /** The word or one of its verb lemmas begins some multi-word spun key: only then is `match` worth a scan. */
  startsPhrase: boolean;
}

/** Simple British <-> American respellings, tried on single words (validated as known words). */
const RESPELL: Array<[RegExp, string]> = [
  [/([^aeiou])our(s|ed|ing|ite|ites|able|ful|less|er|ers)?$/, "$1or$2"],
  [/([^aeiou])or(s|ed|ing|ite|ites|able|ful|less|er|ers)?$/, "$1our$2"],
  [/is(e|es|ed|ing|ation|ations)$/, "iz$1"],
  [/iz(e|es|ed|ing|ation|ations)$/, "is$1"],
  [/ys(e|es|ed|ing)$/, "yz$1"],
  [/yz(e|es|ed|ing)$/, "ys$1"],
  [/([^aeiou])re(s)?$/, "$1er$2"],
  [/([^aeiou])er(s)?$/, "$1re$2"],
  [/ence(s)?$/, "ense$1"],
  [/ense(s)?$/, "ence$1"],
  [/ogue(s)?$/, "og$1"],
  [/og(s)?$/, "ogue$1"],
];

class LexiconImpl implements Lexicon {
  readonly maxPhraseLength: number;
  readonly morphology: Morphology;
  private readonly art: Artifact;
  private readonly d: Artifact["data"];

  private readonly revExact = new Map<string, PhraseRow[]>();
  private readonly revBase = new Map<string, PhraseRow[]>();
  private readonly fwdExact = new Map<string, PhraseRow[]>();
  private readonly fwdBase = new Map<string, PhraseRow[]>();
  /** Pages seen, by spun wording then original (keyed spun-first: most words were never seen spun). */
  private readonly observedExact = new Map<string, Map<string, number>>();
  /** The same at lemma level, by spun base form then original base form. */
  private readonly observedLemma = new Map<string, Map<string, number>>();
  private clusterExtraMap?: Map<string, string>;

  // multi-word scanning: WordNet keys (shipped pre-hashed) shared by both directions, phrase-table keys per direction
  private readonly revKeys = new Set<string>();
  private readonly revPrefixes = new Set<string>();
  private readonly fwdKeys = new Set<string>();
  private readonly fwdPrefixes = new Set<string>();

  // Per-word and per-phrase caches, bounded (see CACHE_SIZES): a screening run meets an open vocabulary.
  private readonly wordInfo = new BoundedCache<string, WordInfo>(CACHE_SIZES.wordInfo);
  private readonly spunCache = new BoundedCache<string, readonly LexSubstitution[]>(CACHE_SIZES.spun);
  private readonly fwdCache = new BoundedCache<string, readonly ForwardCandidate[]>(CACHE_SIZES.forward);
  private readonly keyCache = new BoundedCache<string, string>(CACHE_SIZES.clusterKey);
  private readonly knownCache = new BoundedCache<string, boolean>(CACHE_SIZES.known);
  private readonly freqCache = new BoundedCache<string, number>(CACHE_SIZES.frequency);
  private fanoutCache: Int32Array;
  /** fanout's marks: fanoutSeen[lemma id] === fanoutStamp when counted in the current call. */
  private readonly fanoutSeen: Int32Array;
  private fanoutStamp = 0;
  private usageCache: Int32Array;

  constructor(art: Artifact) {
    this.art = art;
    this.d = art.data;
    this.morphology = art.morphology();
    this.fanoutCache = new Int32Array(this.d.entryPos.length).fill(-1);
    this.fanoutSeen = new Int32Array(art.lemmaCount);
    this.usageCache = new Int32Array(art.lemmaCount).fill(-1);

    // Phrase table.
    // Indexed loops, no destructuring: this runs at every start, before the code is optimised.
    const phraseLines = this.d.phrases.split("\n");
    for (let i = 0; i < phraseLines.length; i++) {
      const line = phraseLines[i];
      if (!line) continue;
      const f = line.split("\t");
      const original = f[0], spun = f[1];
      const row: PhraseRow = { original, spun, relation: f[2] as Relation, pos: f[3] as Pos | "-", observed: Number(f[5]) };
      this.addRow(row);
      if (f[4] === "<>") this.addRow({ ...row, original: spun, spun: original, observed: 0 });
    }
    for (const line of this.d.observed.split("\n")) {
      if (!line) continue;
      const [o, s, n] = line.split("\t");
      const pages = Number(n);
      innerMap(this.observedExact, s).set(o, pages);
      for (const ob of this.baseKeys(o)) for (const sb of this.baseKeys(s)) {
        const bySpun = innerMap(this.observedLemma, sb);
        bySpun.set(ob, (bySpun.get(ob) ?? 0) + pages);
      }
    }

    // Multi-word keys: WordNet multi-word lemmas (plausible ones), aliases, phrase-table keys.
    let maxLen = Math.max(1, Number(this.d.meta.maxMultiwordLength ?? 1));
    const addKey = (keys: Set<string>, prefixes: Set<string>, key: string) => {
      const words = key.split(" ");
      if (words.length < 2 || words.length > 8) return;
      if (words.length > maxLen) maxLen = words.length;
      keys.add(key);
      let p = words[0];
      for (let k = 1; k < words.length; k++) {
        prefixes.add(p);
        p += " " + words[k];
      }
    };
    for (const k of this.revExact.keys()) addKey(this.revKeys, this.revPrefixes, k);
    for (const k of this.revBase.keys()) addKey(this.revKeys, this.revPrefixes, k.slice(2));
    for (const k of this.fwdExact.keys()) addKey(this.fwdKeys, this.fwdPrefixes, k);
    for (const k of this.fwdBase.keys()) addKey(this.fwdKeys, this.fwdPrefixes, k.slice(2));
    this.maxPhraseLength = maxLen;
  }

  /** A plausible multi-word WordNet lemma (or alias spelling of one). */
  private wnKey(k: string): boolean {
    const id = this.art.lemmaIndex.get(k);
    return id !== undefined && (this.d.lemmaFlags[id] & FLAG_PLAUSIBLE) !== 0;
  }

  private addRow(row: PhraseRow): void {
    const push = (m: Map<string, PhraseRow[]>, k: string) => {
      const list = m.get(k);
      if (list) list.push(row);
      else m.set(k, [row]);
    };
    if (row.pos === "-") {
      push(this.revExact, row.spun);
      push(this.fwdExact, row.original);
    } else {
      push(this.revBase, row.pos + "|" + row.spun);
      push(this.fwdBase, row.pos + "|" + row.original);
    }
  }

  /** The phrase itself plus its lemma readings (head-inflected multi-word phrases included). */
  private baseKeys(phrase: string): string[] {
    const out = new Set<string>([phrase]);
    for (const a of this.morphology.lemmatize(phrase)) out.add(a.lemma);
    const words = phrase.split(" ");
    if (words.length > 1) {
      for (const a of this.morphology.lemmatize(words[0])) if (a.pos === "v") out.add([a.lemma, ...words.slice(1)].join(" "));
      for (const a of this.morphology.lemmatize(words[words.length - 1])) {
        if (a.pos === "n") out.add([...words.slice(0, -1), a.lemma].join(" "));
      }
    }
    return [...out];
  }

  // ---------------------------------------------------------------- WordNet helpers
  private entryOf(id: number, posCode: number): number {
    const d = this.d;
    for (let e = d.lemmaEntryStart[id]; e < d.lemmaEntryStart[id + 1]; e++) if (d.entryPos[e] === posCode) return e;
    return -1;
  }

  /** Sense index (into senseSynset) of lemma id's sense that is synset y, or -1. */
  private senseIn(id: number, y: number): number {
    const d = this.d;
    const sp = d.synsetPos[y];
    const e = this.entryOf(id, sp === 4 ? 2 : sp); // satellites are adjectives
    if (e < 0) return -1;
    for (let k = d.entrySenseStart[e]; k < d.entrySenseStart[e + 1]; k++) if (d.senseSynset[k] === y) return k;
    return -1;
  }

  private usable(id: number): boolean {
    return (this.d.lemmaFlags[id] & (FLAG_PLAUSIBLE | FLAG_FUNCTION)) === FLAG_PLAUSIBLE;
  }

  /** Distinct forward substitutes of (lemma id, pos): synonyms and similar neighbours over all senses, plus phrase rows. */
  private fanout(id: number, posCode: number): number {
    const e = this.entryOf(id, posCode);
    if (e < 0) return 0;
    const cached = this.fanoutCache[e];
    if (cached >= 0) return cached;
    const d = this.d;
    // Distinct members counted with a stamp per lemma id rather than a Set per call (this runs for
    // every neighbour of every new word: allocation-free matters at start-up).
    const stamp = ++this.fanoutStamp;
    const seen = this.fanoutSeen;
    let distinct = 0;
    for (let k = d.entrySenseStart[e]; k < d.entrySenseStart[e + 1]; k++) {
      const y = d.senseSynset[k];
      for (let j = d.synsetMemberStart[y]; j < d.synsetMemberStart[y + 1]; j++) {
        const m = d.synsetMembers[j];
        if (m !== id && seen[m] !== stamp && this.usable(m)) {
          seen[m] = stamp;
          distinct++;
        }
      }
      for (let p = d.synsetPtrStart[y]; p < d.synsetPtrStart[y + 1]; p++) {
        const type = d.synsetPtrs[p] >>> 24;
        if (type !== PTR_SIMILAR && type !== PTR_ALSO && type !== PTR_VERBGROUP) continue;
        const t = d.synsetPtrs[p] & 0xffffff;
        for (let j = d.synsetMemberStart[t]; j < d.synsetMemberStart[t + 1]; j++) {
          const m = d.synsetMembers[j];
          if (m !== id && seen[m] !== stamp && this.usable(m)) {
            seen[m] = stamp;
            distinct++;
          }
        }
      }
    }
    const lemma = this.art.lemma(id);
    const n = distinct + (this.fwdBase.get(POS_CODES[posCode] + "|" + lemma)?.length ?? 0) +
      (this.fwdExact.get(lemma)?.length ?? 0);
    this.fanoutCache[e] = n;
    return n;
  }

  private phraseFanout(original: string, pos: Pos | "-"): number {
    let n = (this.fwdExact.get(original)?.length ?? 0) + (pos !== "-" ? this.fwdBase.get(pos + "|" + original)?.length ?? 0 : 0);
    const id = this.art.lemmaIndex.get(original);
    if (id !== undefined && pos !== "-") n += this.fanout(id, POS_INDEX[pos]) - (this.fwdBase.get(pos + "|" + original)?.length ?? 0) - (this.fwdExact.get(original)?.length ?? 0);
    return Math.max(n, 1);
  }

  private usage(lemma: string): number {
    const id = this.art.lemmaIndex.get(lemma);
    if (id === undefined) return 0;
    let u = this.usageCache[id];
    if (u < 0) {
      const d = this.d;
      u = 0;
      for (let e = d.lemmaEntryStart[id]; e < d.lemmaEntryStart[id + 1]; e++) {
        for (let k = d.entrySenseStart[e]; k < d.entrySenseStart[e + 1]; k++) u += d.senseTag[k];
      }
      this.usageCache[id] = u;
    }
    return u;
  }

  /** log10 unigram probability of a base form (words summed); function words -2, unknown words -7. */
  logFreqOf(lemma: string): number {
    let f = this.freqCache.get(lemma);
    if (f === undefined) {
      const id = this.art.lemmaIndex.get(lemma);
      if (id !== undefined && this.d.lemmaFreq[id] < 255) f = -this.d.lemmaFreq[id] / 10;
      else {
        f = 0;
        for (const w of lemma.split(" ")) {
          const wid = this.art.lemmaIndex.get(w);
          f += wid !== undefined && this.d.lemmaFreq[wid] < 255 ? -this.d.lemmaFreq[wid] / 10 : FUNCTION_WORDS.has(w) ? -2 : -7;
        }
      }
      this.freqCache.set(lemma, f);
    }
    return f;
  }

  isVariantPair(a: string, b: string): boolean {
    // Spelling variants share their first two letters and differ in length by at most 3.
    if (a.charCodeAt(0) !== b.charCodeAt(0) || a.charCodeAt(1) !== b.charCodeAt(1) || Math.abs(a.length - b.length) > 3) return false;
    if (a.replace(/[- ]/g, "") === b.replace(/[- ]/g, "")) return true;
    const norm = (w: string) => w.replace(/our/g, "or").replace(/is(e|ation)/g, "iz$1").replace(/yse/g, "yze")
      .replace(/tre\b/g, "ter").replace(/ence\b/g, "ense").replace(/ogue\b/g, "og").replace(/ll/g, "l").replace(/[- ]/g, "");
    return norm(a) === norm(b);
  }

  // ---------------------------------------------------------------- reverse expansion
  private spun(words: readonly string[]): readonly LexSubstitution[] {
    const surface = words.length === 1 ? words[0] : words.join(" ");
    let hit = this.spunCache.get(surface);
    if (hit === undefined) {
      hit = Object.freeze(this.expandSpun(surface, words));
      for (const s of hit) Object.freeze(s);
      this.spunCache.set(surface, hit);
    }
    return hit;
  }

  private expandSpun(surface: string, words: readonly string[]): LexSubstitution[] {
    const acc = new Map<string, LexSubstitution>();
    const seenAsSpun = this.observedExact.get(surface);
    const add = (s: Omit<LexSubstitution, "prior" | "observedLemma" | "logFreq">, spunBase: string, logFreq?: number) => {
      if (s.original === surface || !s.original) return;
      const observed = Math.max(s.observed, seenAsSpun?.get(s.original) ?? 0);
      const observedLemma = this.observedLemma.get(spunBase)?.get(s.lemma) ?? 0;
      const full = s as LexSubstitution; // callers pass a fresh literal: complete it in place
      full.observed = observed;
      full.observedLemma = observedLemma;
      full.logFreq = logFreq ?? this.logFreqOf(s.lemma);
      full.prior = channelPrior(full);
      const cur = acc.get(s.original);
      if (!cur) acc.set(s.original, full);
      else if (full.prior > cur.prior) {
        full.observed = Math.max(full.observed, cur.observed);
        acc.set(s.original, full);
      }
    };

    // Possessives: "company's" -> the stem's candidates + "'s".
    if (words.length === 1 && /^[a-z].*'s?$/.test(surface) && surface.length > 3 && !this.isKnown(surface)) {
      const stem = surface.endsWith("'s") ? surface.slice(0, -2) : surface.slice(0, -1);
      const tail = surface.slice(stem.length);
      if (!stem.endsWith("'")) {
        for (const s of this.spun([stem])) {
          const original = s.original + (tail === "'" && !s.original.endsWith("s") ? "'s" : tail);
          add({ original, relation: s.relation, link: s.link, senseRank: s.senseRank, spunSenseRank: s.spunSenseRank,
            fanout: s.fanout, observed: s.observed, tagCount: s.tagCount, lemma: s.lemma, pos: s.pos }, stem);
        }
      }
    }

    // WordNet.
    const analyses = this.morphology.lemmatize(surface);
    for (const a of analyses) this.wordnetReverse(a, surface, add);

    // Phrase table: exact rows, then head-inflected rows.
    for (const row of this.revExact.get(surface) ?? []) {
      add({ original: row.original, relation: row.relation, link: "phrase", senseRank: 0, spunSenseRank: 0,
        fanout: this.phraseFanout(row.original, "-"), observed: 0, tagCount: 0, lemma: row.original, pos: "-" }, surface);
    }
    this.phraseBase(words, (row, a, original) => {
      add({ original, relation: row.relation, link: "phrase", senseRank: 0, spunSenseRank: 0,
        fanout: this.phraseFanout(row.original, row.pos), observed: 0, tagCount: 0, lemma: row.original, pos: a.pos }, row.spun);
    });

    // Spelling variants of single words.
    if (words.length === 1) {
      for (const a of analyses) {
        const id = this.art.lemmaIndex.get(a.lemma);
        if (id === undefined || (this.d.lemmaFlags[id] & FLAG_FUNCTION)) continue;
        // Same lemma, other spelling: alias ("well being" -> "well-being") or other inflection ("dreamt" -> "dreamed").
        // A word that is the preferred spelling of some form ("showed", past of "show") is not a variant.
        const canonical = this.art.lemma(id);
        const original = this.morphology.inflect(canonical, a.pos, a.form);
        if (original !== surface && (a.form !== "base" || canonical !== a.lemma) && this.usable(id) &&
            !FORMS[a.pos].some((f) => this.morphology.inflect(canonical, a.pos, f) === surface)) {
          add({ original, relation: "variant", link: "variant", senseRank: 0, spunSenseRank: 0, fanout: this.fanout(id, POS_INDEX[a.pos]),
            observed: 0, tagCount: 0, lemma: canonical, pos: a.pos }, a.lemma);
        }
      }
      for (const [re, rep] of RESPELL) {
        if (!re.test(surface)) continue;
        const v = surface.replace(re, rep);
        if (v === surface) continue;
        for (const b of this.morphology.lemmatize(v)) {
          const id = this.art.lemmaIndex.get(b.lemma);
          if (id === undefined || !this.usable(id)) continue;
          add({ original: v, relation: "variant", link: "variant", senseRank: 0, spunSenseRank: 0, fanout: this.fanout(id, POS_INDEX[b.pos]),
            observed: 0, tagCount: 0, lemma: b.lemma, pos: b.pos }, b.lemma);
          break;
        }
      }
    } else {
      const id = this.art.lemmaIndex.get(surface);
      if (id !== undefined && this.art.lemma(id) !== surface && this.usable(id)) {
        add({ original: this.art.lemma(id), relation: "variant", link: "variant", senseRank: 0, spunSenseRank: 0, fanout: 1,
          observed: 0, tagCount: 0, lemma: this.art.lemma(id), pos: "-" }, surface);
      }
    }

    const out = [...acc.values()];
    out.sort((x, y) => y.prior - x.prior || (x.original < y.original ? -1 : 1));
    return out.length > MAX_PER_MATCH ? out.slice(0, MAX_PER_MATCH) : out;
  }

  /**
   * Visit every WordNet neighbour m of (lemma id, pos): for each of its senses (synset y, rank r),
   * the co-members of y and the members of linked synsets t. `link` says what t is relative to y:
   * "synset" (t = y), "similar" / "also" / "verbgroup", "hypernym" (t more general), "hyponym"
   * (t more specific), "sibling" (t shares a hypernym with y; nouns and verbs), "similar2" (two
   * similar-to / also-see steps; adjectives and adverbs). `k` is m's sense index in t, `sk` the source's.
   */
  private walk(id: number, posCode: number, visit: (m: number, k: number, link: Link, sk: number) => void): void {
    const d = this.d;
    const e = this.entryOf(id, posCode);
    if (e < 0) return;
    const members = (t: number, link: Link, sk: number, maxRank: number) => {
      for (let j = d.synsetMemberStart[t]; j < d.synsetMemberStart[t + 1]; j++) {
        const m = d.synsetMembers[j];
        if (m === id || !this.usable(m)) continue;
        const k = this.senseIn(m, t);
        if (k < 0 || d.senseRank[k] >= maxRank) continue;
        visit(m, k, link, sk);
      }
    };
    const nounVerb = posCode <= 1;
    for (let sk = d.entrySenseStart[e]; sk < d.entrySenseStart[e + 1]; sk++) {
      const y = d.senseSynset[sk];
      const r = d.senseRank[sk];
      members(y, "synset", sk, 1 << 16);
      for (let p = d.synsetPtrStart[y]; p < d.synsetPtrStart[y + 1]; p++) {
        const type = d.synsetPtrs[p] >>> 24;
        const t = d.synsetPtrs[p] & 0xffffff;
        if (type === PTR_SIMILAR || type === PTR_ALSO || type === PTR_VERBGROUP) {
          members(t, type === PTR_SIMILAR ? "similar" : type === PTR_ALSO ? "also" : "verbgroup", sk, 1 << 16);
          if (!nounVerb && r < SIMILAR2_MAX_RANK && type !== PTR_VERBGROUP) {
            for (let q = d.synsetPtrStart[t]; q < d.synsetPtrStart[t + 1]; q++) {
              const type2 = d.synsetPtrs[q] >>> 24;
              const t2 = d.synsetPtrs[q] & 0xffffff;
              if (t2 !== y && (type2 === PTR_SIMILAR || type2 === PTR_ALSO)) members(t2, "similar2", sk, SIMILAR2_MAX_RANK);
            }
          }
        } else if (nounVerb && r < NEIGHBOUR_MAX_RANK) {
          members(t, type === PTR_HYPERNYM ? "hypernym" : "hyponym", sk, NEIGHBOUR_MAX_RANK);
          if (type === PTR_HYPERNYM && r < SIBLING_MAX_RANK) {
            const from = d.synsetPtrStart[t];
            const to = d.synsetPtrStart[t + 1];
            let hyponyms = 0;
            for (let q = from; q < to; q++) if (d.synsetPtrs[q] >>> 24 === PTR_HYPONYM) hyponyms++;
            if (hyponyms > SIBLING_MAX_FAN) continue;
            for (let q = from; q < to; q++) {
              const t2 = d.synsetPtrs[q] & 0xffffff;
              if (t2 !== y && d.synsetPtrs[q] >>> 24 === PTR_HYPONYM) members(t2, "sibling", sk, SIBLING_MAX_RANK);
            }
          }
        }
      }
    }
  }

  private wordnetReverse(
    a: Analysis, surface: string,
    add: (s: Omit<LexSubstitution, "prior" | "observedLemma" | "logFreq">, spunBase: string, logFreq?: number) => void,
  ): void {
    const id = this.art.lemmaIndex.get(a.lemma);
    if (id === undefined || (this.d.lemmaFlags[id] & FLAG_FUNCTION)) return;
    const posCode = POS_INDEX[a.pos];
    const d = this.d;
    const base = this.art.lemma(id);
    // The spun word is the source: a "hypernym" link means the original is more general,
    // i.e. the spinner went to a more specific word (relation "hyponym"), and vice versa.
    this.walk(id, posCode, (m, k, link, sk) => {
      const lemma = this.art.lemma(m);
      const original = this.morphology.inflect(lemma, a.pos, a.form);
      if (original === surface) return;
      add({
        original, relation: relationOf(link, true, lemma, base, this), link,
        senseRank: d.senseRank[k], spunSenseRank: d.senseRank[sk], fanout: this.fanout(m, posCode), observed: 0,
        tagCount: d.senseTag[k], lemma, pos: a.pos,
      }, a.lemma, d.lemmaFreq[m] < 255 ? -d.lemmaFreq[m] / 10 : undefined);
    });
  }

  /** Head-inflected phrase rows matching the words (reverse or forward index), with the original inflected to fit. */
  private phraseBase(words: readonly string[], emit: (row: PhraseRow, a: Analysis, other: string) => void, forward = false): void {
    const index = forward ? this.fwdBase : this.revBase;
    const first = words[0];
    const restWords = words.slice(1).join(" ");
    for (const a of this.morphology.lemmatize(first)) {
      if (a.pos !== "v") continue;
      const key = restWords ? a.lemma + " " + restWords : a.lemma;
      for (const row of index.get("v|" + key) ?? []) {
        const target = forward ? row.spun : row.original;
        const sp = target.indexOf(" ");
        const head = sp < 0 ? target : target.slice(0, sp);
        // Same head verb on both sides ("be set to" / "be about to"): keep the surface head.
        const out = head === a.lemma ? first + (sp < 0 ? "" : target.slice(sp)) : this.morphology.inflect(target, "v", a.form);
        emit(row, a, out);
      }
    }
    const last = words[words.length - 1];
    const init = words.slice(0, -1).join(" ");
    for (const a of this.morphology.lemmatize(last)) {
      if (a.pos !== "n" && a.pos !== "a") continue;
      if (a.pos === "a" && a.form !== "base") continue;
      const key = init ? init + " " + a.lemma : a.lemma;
      for (const row of index.get(a.pos + "|" + key) ?? []) {
        const target = forward ? row.spun : row.original;
        const sp = target.lastIndexOf(" ");
        const head = target.slice(sp + 1);
        const out = head === a.lemma ? target.slice(0, sp + 1) + last : this.morphology.inflect(target, a.pos, a.form);
        emit(row, a, out);
      }
    }
  }

  // ---------------------------------------------------------------- public: match
  private info(norm: string): WordInfo {
    let w = this.wordInfo.get(norm);
    if (w === undefined) {
      const subs = this.spun([norm]);
      const verbLemmas: string[] = [];
      const nounLemmas: string[] = [];
      for (const a of this.morphology.lemmatize(norm)) {
        if (a.pos === "v" && a.lemma !== norm && !verbLemmas.includes(a.lemma)) verbLemmas.push(a.lemma);
        if ((a.pos === "n" || a.pos === "a") && a.lemma !== norm && !nounLemmas.includes(a.lemma)) nounLemmas.push(a.lemma);
      }
      const startsPhrase = [norm, ...verbLemmas].some((l) => this.revPrefixes.has(l) || this.art.prefixTable.find(l) >= 0);
      w = { single: subs.length ? Object.freeze({ length: 1, substitutions: subs as unknown as Substitution[] }) : null, verbLemmas, nounLemmas, startsPhrase };
      this.wordInfo.set(norm, w);
    }
    return w;
  }

  match(norms: readonly string[], i: number): PhraseMatch[] {
    const w0 = norms[i];
    if (w0 === undefined) return [];
    const info = this.info(w0);
    const out: PhraseMatch[] = info.single ? [info.single] : [];
    if (i + 1 >= norms.length || !info.startsPhrase) return out;
    const lengths = this.scan(norms, i, info.verbLemmas, this.revKeys, this.revPrefixes, (n) => this.info(n).nounLemmas);
    for (let L = 2; L <= lengths.length; L++) {
      if (!lengths[L - 1]) continue;
      const subs = this.spun(norms.slice(i, i + L));
      if (subs.length) out.push({ length: L, substitutions: subs as unknown as Substitution[] });
    }
    return out;
  }

  /** Which lengths >= 2 could be a multi-word key at norms[i] (index L-1 true). */
  private scan(
    norms: readonly string[], i: number, headLemmas: readonly string[],
    keys: Set<string>, prefixes: Set<string>, lastLemmas: (n: string) => readonly string[],
  ): boolean[] {
    const hits: boolean[] = [];
    let starts: Array<[string, boolean]> = [[norms[i], false]];
    for (const l of headLemmas) starts.push([l, true]);
    const end = Math.min(norms.length, i + this.maxPhraseLength);
    for (let j = i + 1; j < end && starts.length; j++) {
      const w = norms[j];
      const next: Array<[string, boolean]> = [];
      for (const [prefix, headDone] of starts) {
        if (!prefixes.has(prefix) && this.art.prefixTable.find(prefix) < 0) continue;
        const cand = prefix + " " + w;
        if (keys.has(cand) || this.wnKey(cand)) hits[j - i] = true;
        else if (!headDone) {
          for (const nl of lastLemmas(w)) {
            const k = prefix + " " + nl;
            if (keys.has(k) || this.wnKey(k)) {
              hits[j - i] = true;
              break;
            }
          }
        }
        next.push([cand, headDone]);
      }
      starts = next;
    }
    return hits;
  }

  // ---------------------------------------------------------------- public: forward
  forward(norms: readonly string[], i: number): ForwardCandidate[] {
    const w0 = norms[i];
    if (w0 === undefined) return [];
    const out: ForwardCandidate[] = [...this.original([w0])];
    if (i + 1 >= norms.length) return out;
    const heads = this.info(w0).verbLemmas;
    const lengths = this.scan(norms, i, heads, this.fwdKeys, this.fwdPrefixes, (n) => this.info(n).nounLemmas);
    for (let L = 2; L <= lengths.length; L++) if (lengths[L - 1]) out.push(...this.original(norms.slice(i, i + L)));
    return out;
  }

  private original(words: readonly string[]): readonly ForwardCandidate[] {
    const surface = words.join(" ");
    let hit = this.fwdCache.get(surface);
    if (hit === undefined) {
      hit = Object.freeze(this.expandOriginal(surface, words));
      this.fwdCache.set(surface, hit);
    }
    return hit;
  }

  private expandOriginal(surface: string, words: readonly string[]): ForwardCandidate[] {
    const length = words.length;
    const acc = new Map<string, ForwardCandidate>();
    const add = (c: Omit<ForwardCandidate, "prior" | "observed" | "length" | "logFreq">, spunLemma: string) => {
      if (c.spun === surface || !c.spun) return;
      const observed = this.observedExact.get(c.spun)?.get(surface) ?? 0;
      const full = c as ForwardCandidate; // callers pass a fresh literal: complete it in place
      full.length = length;
      full.observed = observed;
      full.logFreq = this.logFreqOf(spunLemma);
      full.prior = channelPrior(full);
      const cur = acc.get(c.spun);
      if (!cur || full.prior > cur.prior) acc.set(c.spun, full);
    };
    const d = this.d;
    for (const a of this.morphology.lemmatize(surface)) {
      const id = this.art.lemmaIndex.get(a.lemma);
      if (id === undefined || (d.lemmaFlags[id] & FLAG_FUNCTION)) continue;
      const posCode = POS_INDEX[a.pos];
      const fanout = this.fanout(id, posCode);
      const base = this.art.lemma(id);
      this.walk(id, posCode, (m, k, link, sk) => {
        const lemma = this.art.lemma(m);
        add({ spun: this.morphology.inflect(lemma, a.pos, a.form), relation: relationOf(link, false, lemma, base, this), link,
          senseRank: d.senseRank[sk], fanout, spunSenseRank: d.senseRank[k], tagCount: d.senseTag[sk] }, lemma);
      });
    }
    const exactFanout = this.fwdExact.get(surface)?.length ?? 0;
    for (const row of this.fwdExact.get(surface) ?? []) {
      add({ spun: row.spun, relation: row.relation, link: "phrase", senseRank: 0, fanout: exactFanout, spunSenseRank: 0, tagCount: 0 }, row.spun);
    }
    this.phraseBase(words, (row, _a, spun) => {
      add({ spun, relation: row.relation, link: "phrase", senseRank: 0, fanout: this.phraseFanout(row.original, row.pos), spunSenseRank: 0, tagCount: 0 }, row.spun);
    }, true);
    const out = [...acc.values()];
    out.sort((x, y) => y.prior - x.prior || (x.spun < y.spun ? -1 : 1));
    return out.length > MAX_FORWARD ? out.slice(0, MAX_FORWARD) : out;
  }

  // ---------------------------------------------------------------- public: isKnown, clusterKey
  isKnown(word: string): boolean {
    let k = this.knownCache.get(word);
    if (k === undefined) {
      k = this.morphology.lemmatize(word).length > 0;
      if (!k && /'s?$/.test(word) && word.length > 2) {
        const stem = word.endsWith("'s") ? word.slice(0, -2) : word.slice(0, -1);
        k = this.morphology.lemmatize(stem).length > 0;
      }
      this.knownCache.set(word, k);
    }
    return k;
  }

  private get clusterExtra(): Map<string, string> {
    if (!this.clusterExtraMap) {
      this.clusterExtraMap = new Map();
      for (const line of this.d.clusterExtra.split("\n")) {
        const tab = line.indexOf("\t");
        if (tab > 0) this.clusterExtraMap.set(line.slice(0, tab), line.slice(tab + 1));
      }
    }
    return this.clusterExtraMap;
  }

  clusterKey(norm: string): string {
    let key = this.keyCache.get(norm);
    if (key !== undefined) return key;
    let word = norm;
    let analyses = this.morphology.lemmatize(word);
    if (analyses.length === 0 && /'s?$/.test(word) && word.length > 2) {
      const stem = word.endsWith("'s") ? word.slice(0, -2) : word.slice(0, -1);
      const sa = this.morphology.lemmatize(stem);
      if (sa.length) {
        word = stem;
        analyses = sa;
      }
    }
    const picked = pickKeyLemma(analyses, (l) => this.usage(l));
    if (picked === undefined) key = this.clusterExtra.get(word) ?? word;
    else {
      const id = this.art.lemmaIndex.get(picked);
      const lemma = id === undefined ? picked : this.art.lemma(id);
      const extra = this.clusterExtra.get(lemma);
      if (extra !== undefined) key = extra;
      else if (id !== undefined && this.d.clusterRep[id] >= 0) key = this.art.lemma(this.d.clusterRep[id]);
      else key = lemma;
    }
    this.keyCache.set(norm, key);
    return key;
  }
}

// ------------------------------------------------------------------ loading
// From disk: loadLexicon in files.ts. These work on bytes from anywhere (no Node modules).

/** A lexicon over a parsed artifact. */
export function createLexicon(artifact: Artifact): Lexicon {
  return new LexiconImpl(artifact);
}

/**
 * A lexicon over an uncompressed artifact's bytes (a Uint8Array, ArrayBuffer or SharedArrayBuffer:
 * worker threads can share one copy). The bytes are used in place: do not modify them.
 */
export function readLexicon(bytes: Uint8Array | ArrayBuffer | SharedArrayBuffer): Lexicon {
  return new LexiconImpl(new Artifact(decodeArtifact(bytes)));
}

export type { Analysis, Form, Pos } from "./morph.js";
