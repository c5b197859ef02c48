/**
 * The lattice of candidate restorations: for each sentence, its word positions and,
 * from each position, the identity edge plus one edge per candidate original of every
 * spun phrase that starts there. Rate-independent parts of the channel score are
 * computed once here, so re-decoding at another spin rate is cheap.
 */
import { BoundedCache } from "../cache.js";
import type { Token } from "../text/tokenize.js";
import { OOV_LOG_PROB, type LanguageModel } from "../model/lm.js";
import type { PhraseMatch, Substitution } from "../lexicon/types.js";
import { SITE_RATIO_SHIFT, type Channel, type ChannelLexicon } from "./channel.js";

export interface Edge {
  /** Word positions [from, to) within the sentence. */
  from: number;
  to: number;
  /** Language-model ids of the output words (-1: not in the model's vocabulary). */
  ids: number[];
  /** The candidate original (lower case); null for the identity edge. */
  original: string | null;
  substitution: Substitution | null;
  /** log q(spun | original): the table-choice part of the channel score (0 for identity). */
  choice: number;
  /**
   * P(spun | original) in a learned site table (0: none), mixed with the rate-based channel; on
   * an identity edge, how often the site's table replaces the word (0: never).
   */
  site: number;
  /** Position multiplier of the spin rate over the span. */
  factor: number;
  /** Beyond the channel's first maxCandidates for its phrase: read only where the words as written are out of place. */
  pooled?: boolean;
}

export interface SentenceLattice {
  /** Indexes into the document's token array of the sentence's word and number tokens. */
  tokens: number[];
  /** edges[p]: edges starting at position p; edges[p][0] is always the identity edge. */
  edges: Edge[][];
  /** eligible[p]: some substitution starts at or covers p, so the identity pays the channel cost. */
  eligible: boolean[];
}

export function isNameLike(token: Token): boolean {
  if (token.kind !== "word") return false;
  return token.allCaps || (token.capitalised && !token.sentenceStart);
}

const MODALS = new Set(["will", "would", "shall", "should", "can", "could", "may", "might", "must", "to"]);
const DETERMINERS = new Set(["the", "a", "an", "his", "its", "their", "our", "my", "your", "this", "these", "those", "every", "each"]);

/**
 * Whether the link's part of speech cannot be the spun word's in its context: after a modal or
 * "to" the word is a verb; right after a determiner it is not a verb or an adverb. A link through
 * another sense (a noun "close" spun from "last", read after "will") is a wrong reading.
 */
export function posMismatch(pos: string | undefined, previous: string | null): number {
  if (pos === undefined || pos === "-" || previous === null) return 0;
  if (MODALS.has(previous)) return previous === "to" ? (pos === "r" ? 1 : 0) : pos === "v" ? 0 : 1;
  if (DETERMINERS.has(previous)) return pos === "v" || pos === "r" ? 1 : 0;
  return 0;
}

/** Positions whose words no spinner table lists keep only the identity edge. */
export function buildLattices(
  tokens: Token[],
  lexicon: ChannelLexicon,
  lm: LanguageModel,
  channel: Channel,
  options: LatticeOptions,
): SentenceLattice[] {
  const lattices: SentenceLattice[] = [];
  let current: number[] = [];
  let sentence = -1;
  const flush = () => {
    if (current.length > 0) lattices.push(buildSentence(current, tokens, lexicon, lm, channel, options));
    current = [];
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === "punct") continue;
    if (t.sentence !== sentence) {
      flush();
      sentence = t.sentence;
    }
    current.push(i);
  }
  flush();
  return lattices;
}

function buildSentence(
  indexes: number[],
  tokens: Token[],
  lexicon: ChannelLexicon,
  lm: LanguageModel,
  channel: Channel,
  options: LatticeOptions,
): SentenceLattice {
  const n = indexes.length;
  const words = indexes.map((i) => tokens[i]);
  const norms = words.map((t) => (t.kind === "word" ? t.norm : "\u0000"));
  const edges: Edge[][] = [];
  const eligible: boolean[] = new Array(n).fill(false);
  for (let p = 0; p < n; p++) {
    const t = words[p];
    const factor = channel.positionFactor({ quoted: t.quoted, name: isNameLike(t), headline: t.headline });
    const list: Edge[] = [
      { from: p, to: p + 1, ids: [t.kind === "word" ? lm.id(t.norm) : -1], original: null, substitution: null, choice: 0, site: t.kind === "word" ? channel.siteReplaceRate(t.norm) : 0, factor },
    ];
    edges.push(list);
    if (t.kind !== "word") continue;
    for (const m of lexicon.match(norms, p)) {
      const to = p + m.length;
      if (to > n || m.substitutions.length === 0) continue;
      // A phrase must not run across a number, punctuation or a line of another kind.
      let ok = true;
      let quoted = false, name = false, headline = false;
      for (let q = p; q < to; q++) {
        const w = words[q];
        if (w.kind !== "word" || w.headline !== t.headline) { ok = false; break; }
        quoted ||= w.quoted;
        name ||= isNameLike(w);
        headline ||= w.headline;
        if (q > p && indexes[q] - indexes[q - 1] > 1) { ok = false; break; }
      }
      if (!ok) continue;
      const factor = channel.positionFactor({ quoted, name, headline });
      const previous = p > 0 && words[p - 1].kind === "word" && indexes[p] - indexes[p - 1] === 1 ? norms[p - 1] : null;
      for (const c of candidatesFor(norms, p, m, lexicon, lm, channel, options.poolCandidates ?? options.maxCandidates)) {
        // A link through a part of speech the spun word cannot have here is another sense's link.
        const pos = (c.substitution as { pos?: string }).pos;
        const choice = c.choice - channel.weights.posMismatch * posMismatch(pos, previous);
        const edge: Edge = { from: p, to, ids: c.ids, original: c.original, substitution: c.substitution, choice, site: c.site, factor };
        if (c.rank >= options.maxCandidates && c.site <= 0) {
          edge.pooled = true;
          // Pooled-in candidates far more common than the words as written pay the frequency
          // penalty again: the language model alone prefers common words.
          edge.choice -= (options.poolFrequency ?? 0) * Math.LN10 * Math.max(0, meanUnigram(lm, c.ids) - meanUnigram(lm, norms.slice(p, to).map((w) => lm.id(w))));
        }
        list.push(edge);
      }
      for (let q = p; q < to; q++) eligible[q] = true;
    }
  }
  dropHopeless(edges, lm, options);
  return { tokens: indexes, edges, eligible };
}

export interface LatticeOptions {
  /** Candidate originals kept per place, best channel score first. */
  maxCandidates: number;
  /**
   * Candidates read in context per place before the cap (default maxCandidates): the screen then
   * keeps the maxCandidates that fit their context best.
   */
  poolCandidates?: number;
  /**
   * Candidates beyond the channel's first maxCandidates (pooled) are read only where the words as
   * written are out of place: their screen score in context is below their context-free
   * (unigram) score plus this many nats (default 0; words the model does not know always).
   */
  poolFit?: number;
  /** Extra frequency penalty (weight per log10 of unigram ratio) on pooled candidates more common than the words as written. */
  poolFrequency?: number;
  lmWeight: number;
  /**
   * A candidate is dropped when, read in the observed context, it scores this many nats
   * (natural-log units) below the observed words even at a generous spin rate: such a
   * candidate cannot win in any context the decoder will consider, and most are like that.
   */
  pruneMargin: number;
}

/** The generous spin rate at which candidates are screened. */
const SCREEN_RATE = 0.35;
/** Observed words after a candidate that the screen scores it with. */
const SCREEN_CONTEXT = 1;

function dropHopeless(edges: Edge[][], lm: LanguageModel, options: LatticeOptions): void {
  const n = edges.length;
  const observed = edges.map((list) => list[0].ids[0]);
  const scale = Math.LN10 * options.lmWeight;
  // LM score of `ids` after context (h2, h1), then of SCREEN_CONTEXT observed words from `next`
  // by bigrams (the screen only needs the candidate's fit with its neighbours, and a bigram
  // lookup is half the work of a trigram one).
  const score = (ids: readonly number[], next: number, h2: number, h1: number): number => {
    let s = 0;
    const end = Math.min(n, next + SCREEN_CONTEXT);
    for (let k = 0, total = ids.length + end - next; k < total; k++) {
      const w = k < ids.length ? ids[k] : observed[next + k - ids.length];
      s += w < 0 ? OOV_LOG_PROB : lm.logProb(w, h1, k < ids.length ? h2 : -1);
      h2 = h1;
      h1 = w;
    }
    return s * scale;
  };
  const identityCost = edges.map((list) => keepScore(list[0], SCREEN_RATE));
  const theirs = new Map<number, number>(); // span end → score of the observed words, per p
  const outOfPlace = new Map<number, boolean>(); // span end → the observed words fit their context worse than no context
  const unigram = (w: number): number => (w < 0 ? OOV_LOG_PROB : lm.unigram(w));
  const margin = new Map<Edge, number>();
  for (let p = 0; p < n; p++) {
    const list = edges[p];
    if (list.length <= 1) continue;
    // The screen reads each candidate with one word of left context and one of right context,
    // by bigrams: cheaper than trigrams, and it screens about as well.
    const h2 = -1;
    const h1 = p >= 1 ? observed[p - 1] : lm.bos;
    theirs.clear();
    const keep: Edge[] = [list[0]];
    for (let k = 1; k < list.length; k++) {
      const e = list[k];
      let base = theirs.get(e.to);
      if (base === undefined) {
        base = score(observed.slice(p, e.to), e.to, h2, h1);
        // Out of place: the words as written (and the word after them) are less likely in their
        // context than on their own: P(w | context) < P(w), summed over the screened words; and
        // words the model does not know.
        let alone = 0, unknown = false;
        for (let q = p, end = Math.min(n, e.to + SCREEN_CONTEXT); q < end; q++) alone += unigram(observed[q]);
        for (let q = p; q < e.to; q++) unknown ||= observed[q] < 0;
        outOfPlace.set(e.to, unknown || base < alone * scale + (options.poolFit ?? 0));
        for (let q = p; q < e.to; q++) base += identityCost[q];
        theirs.set(e.to, base);
      }
      if (e.pooled === true && !(outOfPlace.get(e.to) ?? false)) continue;
      const mine = score(e.ids, e.to, h2, h1) + changeScore(e, SCREEN_RATE);
      if (mine > base - options.pruneMargin) {
        keep.push(e);
        margin.set(e, mine - base);
      }
    }
    if (options.poolCandidates !== undefined && options.poolCandidates > options.maxCandidates) capByContext(keep, margin, options.maxCandidates);
    edges[p] = keep;
  }
}

/**
 * Keeps, per span, the `cap` candidates that score best in context (learned site pairs always):
 * `list[0]` is the identity edge.
 */
function capByContext(list: Edge[], margin: Map<Edge, number>, cap: number): void {
  const bySpan = new Map<number, Edge[]>();
  for (let k = 1; k < list.length; k++) {
    const e = list[k];
    let g = bySpan.get(e.to);
    if (g === undefined) bySpan.set(e.to, (g = []));
    g.push(e);
  }
  const dropped = new Set<Edge>();
  for (const g of bySpan.values()) {
    if (g.length <= cap) continue;
    g.sort((a, b) => b.site - a.site || (margin.get(b) ?? 0) - (margin.get(a) ?? 0));
    for (let k = cap; k < g.length; k++) if (g[k].site <= 0) dropped.add(g[k]);
  }
  if (dropped.size === 0) return;
  let w = 1;
  for (let k = 1; k < list.length; k++) if (!dropped.has(list[k])) list[w++] = list[k];
  list.length = w;
}

/**
 * Pairs no thesaurus spinner makes: another inflection of the same word ("talking" for
 * "talk": the spinner inflects to fit, it does not change the form), and a spun phrase that
 * contains the whole original ("sailing ship" for "ship": spinners swap, they do not add
 * modifiers). `spunLemmas`: the base forms of a one-word spun phrase (empty otherwise).
 */
function plausibleSpin(spun: readonly string[], spunLemmas: readonly string[], original: readonly string[], lexicon: ChannelLexicon, sub: Substitution): boolean {
  if (original.length < spun.length && original.every((w) => spun.includes(w)) && !phrasalSynonym(spun, original, sub)) return false;
  if (spun.length === 1 && original.length === 1 && lexicon.morphology !== undefined) {
    if (spunLemmas.includes(original[0])) return false;
    const analyses = lexicon.morphology.lemmatize(original[0]);
    for (let i = 0; i < analyses.length; i++) {
      const lemma = analyses[i].lemma;
      if (lemma === spun[0] || spunLemmas.includes(lemma)) return false;
    }
  }
  return true;
}

/** Adverbial particles of phrasal verbs. */
const PARTICLES: ReadonlySet<string> = new Set(["up", "down", "out", "off", "over", "in", "on", "away", "back", "about", "around", "through"]);

/**
 * A phrasal verb of the original's own synset, the original followed by particles ("offer up" beside
 * "offer", "evening out" beside "evening"): a thesaurus spinner outputs such entries as they stand, so
 * containing the original is no sign of an added modifier. Compounds ("opera bouffe" for "bouffe"),
 * hypernym, hyponym and similar links stay excluded.
 */
function phrasalSynonym(spun: readonly string[], original: readonly string[], sub: Substitution): boolean {
  if (sub.relation !== "synonym" || (sub as { link?: string }).link !== "synset") return false;
  if (!original.every((w, k) => spun[k] === w)) return false;
  for (let k = original.length; k < spun.length; k++) if (!PARTICLES.has(spun[k])) return false;
  return true;
}

function meanUnigram(lm: LanguageModel, ids: number[]): number {
  let s = 0;
  for (const id of ids) s += id < 0 ? OOV_LOG_PROB : lm.unigram(id);
  return s / ids.length;
}

interface Candidate {
  original: string;
  ids: number[];
  substitution: Substitution;
  choice: number;
  site: number;
  /** Place in the channel's order for its phrase (0: best). */
  rank: number;
}

/**
 * ln P(spun | original) of a change edge at spin rate ρ: the thesaurus channel m·ρ·q(s | o),
 * plus, for a pair of a learned site table, that table's m·p(s | o).
 */
/** ln P(observed = original) of an identity edge at an eligible position, at spin rate ρ. */
export function keepScore(edge: Pick<Edge, "factor" | "site">, rate: number): number {
  return Math.log1p(-Math.min(0.95, (rate + edge.site) * edge.factor));
}

export function changeScore(edge: Pick<Edge, "factor" | "choice" | "site">, rate: number): number {
  const generic = Math.log(Math.min(0.95, rate * edge.factor)) + edge.choice;
  if (edge.site <= 0) return generic;
  const site = Math.log(Math.min(0.95, edge.site * edge.factor)) - SITE_RATIO_SHIFT;
  const hi = Math.max(generic, site);
  return hi + Math.log1p(Math.exp(Math.min(generic, site) - hi));
}

/**
 * The candidates for one spun phrase depend only on the phrase, the lexicon, the model and
 * the channel, so they are computed once per distinct phrase and kept with the channel.
 */
const candidateCache = new WeakMap<Channel, BoundedCache<string, Candidate[]>>();
/** Phrases whose candidates are kept per channel (per thread); chosen with the lexicon's caches (CACHE_SIZES in lexicon.ts). */
const CANDIDATE_CACHE_SIZE = 30_000;

function candidatesFor(norms: string[], p: number, m: PhraseMatch, lexicon: ChannelLexicon, lm: LanguageModel, channel: Channel, maxCandidates: number): Candidate[] {
  let cache = candidateCache.get(channel);
  if (cache === undefined) {
    cache = new BoundedCache(CANDIDATE_CACHE_SIZE);
    candidateCache.set(channel, cache);
  }
  const spun = m.length === 1 ? norms[p] : norms.slice(p, p + m.length).join(" ");
  let list = cache.get(spun);
  if (list === undefined) {
    // One pass over the table entries, splitting each phrase once: this runs for every new
    // spun phrase, so it dominates a first pass over new text.
    const spunWords = m.length === 1 ? [spun] : spun.split(" ");
    const spunLemmas = m.length === 1 && lexicon.morphology !== undefined ? lexicon.morphology.lemmatize(spun).map((a) => a.lemma) : [];
    const spunFreq = meanUnigram(lm, spunWords.map((w) => lm.id(w)));
    list = [];
    for (const sub of m.substitutions) {
      const outWords = sub.original.includes(" ") ? sub.original.split(" ") : [sub.original];
      if (!plausibleSpin(spunWords, spunLemmas, outWords, lexicon, sub)) continue;
      const ctx = { quoted: false, name: false, headline: false, spunLength: m.length, originalLength: outWords.length };
      const ids = outWords.map((w) => lm.id(w));
      let choice = channel.choice(sub, spun, ctx);
      choice -= channel.weights.frequency * Math.LN10 * Math.max(0, meanUnigram(lm, ids) - spunFreq);
      if (outWords.length < spunWords.length && phrasalSynonym(spunWords, outWords, sub)) choice -= channel.weights.containedPhrase;
      list.push({ original: sub.original, ids, substitution: sub, choice, site: channel.siteProbability(sub.original, spun), rank: 0 });
    }
    // Keep the candidates a spinner most plausibly started from: the long tail of
    // unlikely table entries rarely wins and costs most of the decoding time.
    // Pairs of a learned site table are always kept: the site's own pages vouch for them.
    list.sort((a, b) => b.site - a.site || b.choice - a.choice);
    let keep = maxCandidates;
    while (keep < list.length && list[keep].site > 0) keep++;
    list.length = Math.min(list.length, keep);
    list.forEach((c, k) => (c.rank = k));
    cache.set(spun, list);
  }
  return list;
}
