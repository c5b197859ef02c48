/**
 * The unsupervised site learner (`unspin learn --unsupervised`): a spinner applies one fixed
 * table to every article of a site, so what one page cannot tell, the site's other pages can.
 * "said" nearly vanishes while "stated" recurs wherever "said" would stand; "japanese" turns up
 * wherever "eastern" fits. This module estimates that table from the pages alone.
 *
 * Model. A site spinner has a table T (original o → its one substitute s) and applies it at a
 * share a of the unprotected places o occurs. Against "the site writes what it means" (H0),
 * T changes the likelihood of exactly two kinds of place, so for every observed phrase w
 *   P(w | context, T) / P_LM(w | context) = (1 − a·[w ∈ dom T]) + Σ_{o: T(o) = w} a·P_LM(o | context) / P_LM(w | context)
 * (the language model read in the observed context, the two words after the place included, its
 * ratio lowered by SITE_RATIO_SHIFT nats: a trigram model mildly prefers many a word to the one
 * written, and such weak preferences, summed over a site's places, would make pairs of any
 * original the site never writes; the decoder reads the table with the same shift).
 * The site's log-likelihood ratio L(T) is the sum of the logs over its places. A pair o → s
 * gains where s stands in contexts that ask for o (over-use of s) and pays log(1 − a) for
 * every place the site writes o and leaves it (under-use of o): a word the site uses freely
 * cannot be one its spinner replaces.
 *
 * Fit. MAP over tables by coordinate ascent: each candidate pair's gain ΔL plus its prior
 * log-odds (the thesaurus channel's log q(s | o): relation, sense ranks, fan-out; model-proposed
 * slot candidates start far lower) is computed given the rest of the table; one substitute per
 * original is kept (a table is a function); the table and a are re-estimated for a few rounds
 * (the E-step: each place's posterior of being spun from each table original; the M-step: T
 * and a). Candidates compete for the same places, so a reading that fits some contexts loses to
 * the original that fits all of them; a second original for the same substitute needs strong
 * evidence. Two refinements of the kept-use penalty: a place where the site writes o counts in
 * full only in a paragraph that reads as spun (some pages are spun only in their first
 * paragraphs), and a written o may itself be the output of another original the table does not
 * hold yet, counted at that pair's current probability (soft EM), so an unfound chain
 * (some → several) does not veto a true pair (several → respective).
 *
 * Output: a channel table of pairs with P(s | o) = a·P(o → s ∈ T), the expected number of
 * places spun by the pair, and the pages they are on. Candidates come from the lexicon (and
 * pairs known from traced copies) and, for words the model finds out of place, from the model
 * itself (`slot-candidates.ts`).
 */
import type { LanguageModel } from "../model/lm.js";
import { OOV_LOG_PROB } from "../model/lm.js";
import { tokenize, type Token } from "../text/tokenize.js";
import { Channel, DEFAULT_WEIGHTS, SITE_RATIO_SHIFT, type ChannelLexicon } from "./channel.js";
import { buildLattices, isNameLike, type SentenceLattice } from "./lattice.js";
import { withLearned, type LearnedPair } from "./learned.js";
import { slotCandidates, type SlotPair } from "./slot-candidates.js";

export interface SiteLearnOptions {
  model: LanguageModel;
  lexicon: ChannelLexicon;
  /** Pairs known beforehand (from traced copies): supervised evidence the site's pages add to. */
  seed?: readonly LearnedPair[];
  /** Coordinate-ascent rounds (default 4). */
  rounds?: number;
  /** Propose originals the model predicts for out-of-place words (default true). */
  slotCandidates?: boolean;
  /** Called once fitted with every candidate pair and its posterior log-odds (evaluation, diagnostics). */
  onCandidates?: (pairs: Array<{ original: string; spun: string; logOdds: number; evidence: number; prior: number; penalty: number; kept: boolean; expected: number }>) => void;
  /** Called after reading the pages and after every round (progress). */
  onProgress?: (info: { stage: string; pairs: number; apply: number; milliseconds: number }) => void;
}

export interface SiteLearnResult {
  /** The learned table: empty when the pages do not support one (see `reason`). */
  pairs: LearnedPair[];
  /** Pages read and pages used (English text with words to read). */
  pages: number;
  usedPages: number;
  words: number;
  /** The estimated share of an original's unprotected places the site's spinner changes. */
  apply: number;
  /** Share of the site's words its learned table explains as spun. */
  tableShare: number;
  /** Why the table is empty, when it is. */
  reason?: string;
  /** Words the site over- and under-uses against the language model (log ratio, most telling first). */
  overused: Array<{ word: string; ratio: number; count: number }>;
  underused: Array<{ word: string; ratio: number; expected: number }>;
}

export const SITE_DEFAULTS = {
  rounds: 4,
  lmWeight: 0.85,
  maxCandidates: 40,
  /** Wider than the decoder's: a pair the table makes likely may fit where the generic channel does not. */
  pruneMargin: 10,
  /** Prior log-odds that a candidate pair is in the table, before its channel score log q(s | o). */
  priorLogOdds: -2,
  /** Weight of the channel's log q(s | o) in the prior. */
  choiceWeight: 1,
  /** A pair is written when its expected spun places and pages reach these. */
  minCount: 1.5,
  /**
   * ...and its posterior log-odds of being in the table this (P ≥ 0.95): on simulated sites the
   * pairs between 0 and 3 are mostly wrong (pairs right 62 % → 68 % at 100 pages, restored
   * places 32.9 % → 32.7 %, wrong and false edits 42.6 → 40.2 per 1,000 words).
   */
  minLogOdds: 3,
  /** A page counts for a pair when one of its places was spun by the pair with at least this posterior. */
  pagePosterior: 0.25,
  minPages: 2,
  /** Fewer pages than this cannot show that a substitution recurs across articles. */
  minSitePages: 3,
  /** Below this share of its words explained by the table, a site reads as clean. */
  minTableShare: 0.01,
  /** A page bears the table out when it explains this share of its words (at least one place)... */
  pageTableShare: 0.01,
  /** ...and a table is written only when at least this share of the pages bear it out. */
  minBorneShare: 0.5,
  initialApply: 0.8,
  /** Log-odds a second original of the same substitute needs. */
  sharedSpunMargin: 20,
  /** A paragraph reads as spun when the table explains this share of its words (at least one). */
  spunParagraphShare: 0.02,
  /** Weight of an original kept in a paragraph that does not read as spun. */
  unspunParagraphWeight: 0.2,
  applyBounds: [0.3, 0.97] as const,
} as const;

/** Share of sampled lower-case words the model must know for a page to be read as English. */
const MIN_ENGLISH_SHARE = 0.6;
/** Words after a place read with it (the right-hand context). */
const RIGHT_CONTEXT = 2;

interface Page {
  tokens: Token[];
  words: number;
  /** Paragraph of each token, numbered across the site. */
  paragraph: Int32Array;
}

/** A place where the observed phrase `spun` has candidate originals, with their log LM ratios. */
interface Place {
  page: number;
  paragraph: number;
  spun: number; // phrase id
  pairs: number[]; // pair ids
  ratios: number[]; // ln P_LM(o | ctx) − ln P_LM(spun | ctx), times the LM weight
}

interface Pair {
  id: number;
  original: number; // phrase id
  spun: number;
  prior: number;
  places: number[]; // place ids
  inTable: boolean;
  /** Log-odds that the pair is in the table: evidence + prior + penalty. */
  gain: number;
  /** Log-likelihood gain at its places, given the rest of the table. */
  evidence: number;
  /** What the site's own kept uses of the original cost any pair of it. */
  penalty: number;
  expected: number;
  pages: number;
}

export function learnSite(texts: Iterable<string>, options: SiteLearnOptions): SiteLearnResult {
  const t0 = performance.now();
  const lm = options.model;
  const pages: Page[] = [];
  let read = 0, paragraphs = 0;
  for (const text of texts) {
    read++;
    const tokens = tokenize(text);
    const words = tokens.filter((t) => t.kind === "word").length;
    if (words < 20 || !english(tokens, lm)) continue;
    const paragraph = new Int32Array(tokens.length);
    let at = 0;
    tokens.forEach((t, k) => {
      // A blank line between tokens starts a paragraph.
      if (k > 0 && /\n\s*\n/.test(text.slice(at, t.start))) paragraphs++;
      paragraph[k] = paragraphs;
      at = t.end;
    });
    paragraphs++;
    pages.push({ tokens, words, paragraph });
  }
  const words = pages.reduce((s, p) => s + p.words, 0);
  const unigram = new Map<string, number>();
  for (const p of pages) for (const t of p.tokens) if (t.kind === "word") unigram.set(t.norm, (unigram.get(t.norm) ?? 0) + 1);
  const usage = usageAgainstModel(unigram, words, lm);
  const seed = options.seed ?? [];
  const result = (pairs: LearnedPair[], apply: number, tableShare: number, reason?: string): SiteLearnResult => ({
    pairs, pages: read, usedPages: pages.length, words, apply: round(apply), tableShare: round(tableShare), ...(reason ? { reason } : {}), ...usage,
  });
  if (pages.length < SITE_DEFAULTS.minSitePages) {
    return result([...seed], 0, 0, `${pages.length} usable page(s): a spinner's table shows in substitutions that recur across pages; give at least ${SITE_DEFAULTS.minSitePages} English pages of one site`);
  }

  // 1. Places and candidate pairs, read once.
  const phraseIds = new Map<string, number>();
  const phrases: string[] = [];
  const phraseId = (s: string): number => {
    let id = phraseIds.get(s);
    if (id === undefined) {
      phraseIds.set(s, (id = phrases.length));
      phrases.push(s);
    }
    return id;
  };
  const pairIds = new Map<number, number>(); // original·2^21 + spun → pair id (phrase ids stay far below)
  const pairs: Pair[] = [];
  const places: Place[] = [];
  const slots: SlotPair[] = options.slotCandidates === false ? [] : slotCandidates(pages.map((p) => p.tokens), lm);
  const lexicon = withLearned(options.lexicon, [...seed, ...slots]);
  const channel = new Channel(DEFAULT_WEIGHTS);
  const scale = Math.LN10 * SITE_DEFAULTS.lmWeight;
  // Unprotected places each phrase is written at (the places a spinner could have changed it),
  // and the paragraph of each single word's place.
  const written = new Map<number, number>();
  const occurrences: Array<{ phrase: number; paragraph: number }> = [];
  const paragraphWords = new Int32Array(paragraphs);
  pages.forEach((page, pageIndex) => {
    const lattices = buildLattices(page.tokens, lexicon, lm, channel, {
      maxCandidates: SITE_DEFAULTS.maxCandidates, lmWeight: SITE_DEFAULTS.lmWeight, pruneMargin: SITE_DEFAULTS.pruneMargin,
    });
    for (const lattice of lattices) {
      const observed = lattice.edges.map((list) => list[0].ids[0]);
      const n = observed.length;
      const free = lattice.tokens.map((k) => { const t = page.tokens[k]; return !t.quoted && !t.headline && !isNameLike(t); });
      for (let p = 0; p < n; p++) {
        const k = lattice.tokens[p];
        paragraphWords[page.paragraph[k]]++;
        if (!free[p]) continue;
        const id = phraseId(page.tokens[k].norm);
        written.set(id, (written.get(id) ?? 0) + 1);
        occurrences.push({ phrase: id, paragraph: page.paragraph[k] });
      }
      const h2 = (p: number) => (p >= 2 ? observed[p - 2] : p === 1 ? lm.bos : -1);
      const h1 = (p: number) => (p >= 1 ? observed[p - 1] : lm.bos);
      for (let p = 0; p < n; p++) {
        const list = lattice.edges[p];
        if (list.length <= 1) continue;
        const base = new Map<number, { place: Place; index: number; lm: number }>(); // span end → place
        for (let k = 1; k < list.length; k++) {
          const e = list[k];
          if (e.original === null || e.factor < 1) continue; // protected places: spinners leave them alone
          let at = base.get(e.to);
          if (at === undefined) {
            const spun = phraseId(spanText(page.tokens, lattice, p, e.to));
            const place: Place = { page: pageIndex, paragraph: page.paragraph[lattice.tokens[p]], spun, pairs: [], ratios: [] };
            at = { place, index: places.length, lm: score(lm, observed.slice(p, e.to), observed, e.to, h2(p), h1(p)) };
            base.set(e.to, at);
            places.push(place);
          }
          const original = phraseId(e.original);
          const key = original * 2 ** 21 + at.place.spun;
          let id = pairIds.get(key);
          if (id === undefined) {
            pairIds.set(key, (id = pairs.length));
            pairs.push({ id, original, spun: at.place.spun, prior: SITE_DEFAULTS.priorLogOdds + SITE_DEFAULTS.choiceWeight * Math.min(0, e.choice), places: [], inTable: false, gain: 0, evidence: 0, penalty: 0, expected: 0, pages: 0 });
            pairs[id].gain = pairs[id].prior;
          }
          if (at.place.pairs.includes(id)) continue; // another sense's link to the same original
          at.place.pairs.push(id);
          at.place.ratios.push((score(lm, e.ids, observed, e.to, h2(p), h1(p)) - at.lm) * scale - SITE_RATIO_SHIFT);
          pairs[id].places.push(at.index);
        }
      }
    }
  });
  options.onProgress?.({ stage: "read", pairs: pairs.length, apply: 0, milliseconds: performance.now() - t0 });
  // Places each multi-word original is written at, counted in one pass.
  const multi = new Map<string, number>();
  for (const pair of pairs) if (phrases[pair.original].includes(" ")) multi.set(phrases[pair.original], pair.original);
  for (const [phrase, n] of countPhrases(pages, multi.keys())) written.set(multi.get(phrase)!, n);
  const writtenCount = (id: number): number => written.get(id) ?? 0;

  // 2. Coordinate ascent on the table and the application share a.
  let apply: number = SITE_DEFAULTS.initialApply;
  const byOriginal = new Map<number, number[]>();
  pairs.forEach((pair, id) => {
    let list = byOriginal.get(pair.original);
    if (list === undefined) byOriginal.set(pair.original, (list = []));
    list.push(id);
  });
  const inDomain = new Set<number>(); // phrases the table replaces
  const rounds = options.rounds ?? SITE_DEFAULTS.rounds;
  for (let round = 0; round < rounds; round++) {
    // E: each place's likelihood ratio under the current table, and how much of each paragraph
    // the table explains as spun.
    const lr = new Float64Array(places.length);
    const paragraphSpun = new Float64Array(paragraphs);
    places.forEach((place, i) => {
      let x = inDomain.has(place.spun) ? 1 - apply : 1;
      let spunMass = 0;
      for (let k = 0; k < place.pairs.length; k++) {
        if (!pairs[place.pairs[k]].inTable) continue;
        const m = apply * Math.exp(Math.min(30, place.ratios[k]));
        x += m;
        spunMass += m;
      }
      lr[i] = x;
      if (spunMass > 0) paragraphSpun[place.paragraph] += spunMass / x;
    });
    // Some pages are spun only in their first paragraphs: an original written in a paragraph
    // the table does not touch says little about the table. Kept places count in full only in
    // paragraphs that read as spun (after the first round, when there is a table to read by).
    const weightOf = (paragraph: number): number =>
      round === 0 || paragraphSpun[paragraph] >= Math.max(1, SITE_DEFAULTS.spunParagraphShare * paragraphWords[paragraph]) ? 1 : SITE_DEFAULTS.unspunParagraphWeight;
    const keptWritten = new Map<number, number>();
    for (const o of occurrences) keptWritten.set(o.phrase, (keptWritten.get(o.phrase) ?? 0) + weightOf(o.paragraph));
    // A written o may itself be the spinner's output for another original, one the table does
    // not hold yet: at o's places with candidates, each other pair counts with its current
    // probability of being in the table (soft EM), so a chain the learner has not found
    // (some → several while several → respective is being weighed) does not veto a true pair.
    const keepLog = new Map<number, number>(); // phrase → Σ log P(kept place | o replaced) − log P(… | o kept)
    const keepShare = new Map<number, number>(); // phrase → expected places where o was written and left
    const placed = new Map<number, number>(); // phrase → weighted places with candidates
    const logKeep = Math.log(1 - apply);
    places.forEach((place) => {
      let soft = 0;
      for (let k = 0; k < place.pairs.length; k++) {
        const pair = pairs[place.pairs[k]];
        soft += apply * (pair.inTable ? 1 : sigmoid(pair.gain)) * Math.exp(Math.min(30, place.ratios[k]));
      }
      const w = weightOf(place.paragraph);
      keepLog.set(place.spun, (keepLog.get(place.spun) ?? 0) + w * (Math.log(1 - apply + soft) - Math.log(1 + soft)));
      keepShare.set(place.spun, (keepShare.get(place.spun) ?? 0) + (w * (1 - apply)) / (1 - apply + soft));
      placed.set(place.spun, (placed.get(place.spun) ?? 0) + w);
    });
    const keptWithout = (id: number): number => Math.max(0, (keptWritten.get(id) ?? writtenCount(id)) - (placed.get(id) ?? 0));
    const keptPenalty = (id: number): number => (keepLog.get(id) ?? 0) + keptWithout(id) * logKeep;
    const keptCount = (id: number): number => (keepShare.get(id) ?? 0) + keptWithout(id);
    // M (table): each pair's gain given the rest of the table, plus its prior; the best
    // substitute of each original, when its posterior log-odds are positive.
    for (const pair of pairs) {
      let gain = 0;
      const m = (k: number, place: Place) => apply * Math.exp(Math.min(30, place.ratios[k]));
      for (const i of pair.places) {
        const place = places[i];
        const k = place.pairs.indexOf(pair.id);
        const mine = m(k, place);
        const rest = pair.inTable ? lr[i] - mine : lr[i];
        gain += Math.log(rest + mine) - Math.log(rest);
      }
      pair.evidence = gain;
      // The places the site writes the original and leaves it weigh on every substitute of it
      // alike: they decide whether the original is in the table, not which substitute it has.
      pair.penalty = keptPenalty(pair.original);
      pair.gain = gain + pair.prior + pair.penalty;
    }
    inDomain.clear();
    for (const ids of byOriginal.values()) {
      let best = -1;
      for (const id of ids) {
        pairs[id].inTable = false;
        if (pairs[id].gain > 0 && (best < 0 || pairs[id].gain > pairs[best].gain)) best = id;
      }
      if (best >= 0) pairs[best].inTable = true;
    }
    // A table rarely sends two originals to one substitute: a second original for the same
    // words must explain them far better than chance before it joins.
    const bySpun = new Map<number, Pair>();
    for (const pair of pairs) {
      if (!pair.inTable) continue;
      const first = bySpun.get(pair.spun);
      if (first === undefined || pair.gain > first.gain) bySpun.set(pair.spun, pair);
    }
    for (const pair of pairs) {
      if (pair.inTable && bySpun.get(pair.spun) !== pair && pair.gain < SITE_DEFAULTS.sharedSpunMargin) pair.inTable = false;
      if (pair.inTable) inDomain.add(pair.original);
    }
    // M (a): the share of a table original's places that were changed.
    let spun = 0, kept = 0;
    for (const pair of pairs) {
      if (!pair.inTable) continue;
      const e = expectedSpun(pair, pairs, places, apply, inDomain);
      pair.expected = e.count;
      pair.pages = e.pages;
      spun += e.count;
      kept += keptCount(pair.original);
    }
    if (spun > 0) apply = Math.min(SITE_DEFAULTS.applyBounds[1], Math.max(SITE_DEFAULTS.applyBounds[0], (spun + 1) / (spun + kept + 2)));
    options.onProgress?.({ stage: `round ${round + 1}`, pairs: pairs.filter((p) => p.inTable).length, apply, milliseconds: performance.now() - t0 });
  }

  options.onCandidates?.(pairs.map((p) => ({ original: phrases[p.original], spun: phrases[p.spun], logOdds: p.gain, evidence: p.evidence, prior: p.prior, penalty: p.penalty, kept: p.inTable, expected: p.expected })));
  // 3. The table: pairs that recur, with P(s | o) = a·P(pair in the table).
  const out: LearnedPair[] = [];
  const writtenPairs = new Set<number>(); // pairs written to the table
  let explainedWords = 0;
  const seeded = new Set(seed.map((p) => `${p.original}\u0000${p.spun}`));
  for (const pair of pairs) {
    if (!pair.inTable) continue;
    const original = phrases[pair.original];
    const spunText = phrases[pair.spun];
    const traced = seeded.has(`${original}\u0000${spunText}`);
    if (!traced && (pair.expected < SITE_DEFAULTS.minCount || pair.pages < Math.min(SITE_DEFAULTS.minPages, pages.length))) continue;
    if (!traced && pair.gain < SITE_DEFAULTS.minLogOdds) continue;
    const probability = apply / (1 + Math.exp(-pair.gain));
    out.push({ original, spun: spunText, probability: round(probability), count: round(pair.expected), pages: pair.pages, source: traced ? "traced" : "site" });
    writtenPairs.add(pair.id);
    explainedWords += pair.expected * spunText.split(" ").length;
  }
  for (const p of seed) if (!out.some((q) => q.original === p.original && q.spun === p.spun)) out.push(p);
  const tableShare = words > 0 ? explainedWords / words : 0;
  if (tableShare < SITE_DEFAULTS.minTableShare) {
    return result([...seed], apply, tableShare,
      `the pages do not read as spun by one table (a table would explain ${(tableShare * 100).toFixed(1)}% of their words; a spun site's explains several per cent): no table learned`);
  }
  // A table that only some pages bear out (a mostly clean site with a few spun pages, pages of
  // several sites) would fire on the pages it does not describe: better none.
  const pageMass = new Float64Array(pages.length);
  for (const pair of pairs) if (pair.inTable && writtenPairs.has(pair.id)) expectedSpun(pair, pairs, places, apply, inDomain, pageMass);
  let borne = 0;
  pages.forEach((page, i) => {
    if (pageMass[i] >= Math.max(1, SITE_DEFAULTS.pageTableShare * page.words)) borne++;
  });
  if (borne < SITE_DEFAULTS.minBorneShare * pages.length) {
    return result([...seed], apply, tableShare,
      `the pages are too mixed to learn from: the table their substitutions suggest reads on only ${borne} of ${pages.length} pages; give pages of one spun site`);
  }
  return result(out, apply, tableShare);
}

/** Expected places the pair spun (posterior of the pair at each of its places), and pages with a likely one. */
function expectedSpun(pair: Pair, pairs: Pair[], places: Place[], apply: number, inDomain: Set<number>, pageMass?: Float64Array): { count: number; pages: number } {
  const id = pair.id;
  let count = 0;
  const onPages = new Set<number>();
  for (const i of pair.places) {
    const place = places[i];
    let x = inDomain.has(place.spun) ? 1 - apply : 1;
    let mine = 0;
    for (let k = 0; k < place.pairs.length; k++) {
      const other = pairs[place.pairs[k]];
      if (!other.inTable) continue;
      const m = apply * Math.exp(Math.min(30, place.ratios[k]));
      x += m;
      if (place.pairs[k] === id) mine = m;
    }
    const posterior = mine / x;
    count += posterior;
    if (pageMass !== undefined) pageMass[place.page] += posterior;
    if (posterior >= SITE_DEFAULTS.pagePosterior) onPages.add(place.page);
  }
  return { count, pages: onPages.size };
}

/** log10 LM score of `ids` after (h2, h1), then of the observed words after the span (and the sentence end). */
function score(lm: LanguageModel, ids: readonly number[], observed: readonly number[], next: number, h2: number, h1: number): number {
  let s = 0;
  const end = Math.min(observed.length, next + RIGHT_CONTEXT);
  for (let k = 0, total = ids.length + end - next; k < total; k++) {
    const w = k < ids.length ? ids[k] : observed[next + k - ids.length];
    s += w < 0 ? OOV_LOG_PROB : lm.logProb(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  if (end === observed.length && h1 >= 0) s += lm.logProb(lm.eos, h1, h2);
  return s;
}

function spanText(tokens: Token[], lattice: SentenceLattice, from: number, to: number): string {
  let s = tokens[lattice.tokens[from]].norm;
  for (let q = from + 1; q < to; q++) s += " " + tokens[lattice.tokens[q]].norm;
  return s;
}

/** How often each phrase occurs as consecutive word tokens. */
function countPhrases(pages: Page[], phrases: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  let longest = 0;
  for (const p of phrases) {
    counts.set(p, 0);
    longest = Math.max(longest, p.split(" ").length);
  }
  for (const page of pages) {
    const t = page.tokens;
    for (let i = 0; i < t.length; i++) {
      if (t[i].kind !== "word") continue;
      let s = t[i].norm;
      for (let k = 1; k < longest && i + k < t.length && t[i + k].kind === "word"; k++) {
        s += " " + t[i + k].norm;
        const n = counts.get(s);
        if (n !== undefined) counts.set(s, n + 1);
      }
    }
  }
  return counts;
}

/** Words the site writes far more (less) often than the model expects of English text. */
function usageAgainstModel(unigram: Map<string, number>, words: number, lm: LanguageModel): Pick<SiteLearnResult, "overused" | "underused"> {
  const overused: SiteLearnResult["overused"] = [];
  const underused: SiteLearnResult["underused"] = [];
  for (const [word, count] of unigram) {
    const id = lm.id(word);
    if (id < 0 || count < 5) continue;
    const expected = words * 10 ** lm.unigram(id);
    overused.push({ word, ratio: round(Math.log(count / expected)), count });
  }
  overused.sort((a, b) => b.ratio * Math.sqrt(b.count) - a.ratio * Math.sqrt(a.count));
  // Under-use: common words the site should have written many times and barely did.
  for (const word of COMMON_PROBES) {
    const id = lm.id(word);
    if (id < 0) continue;
    const expected = words * 10 ** lm.unigram(id);
    const count = unigram.get(word) ?? 0;
    if (expected >= 5) underused.push({ word, ratio: round(Math.log((count + 0.5) / expected)), expected: round(expected) });
  }
  underused.sort((a, b) => a.ratio - b.ratio);
  return { overused: overused.slice(0, 20), underused: underused.filter((u) => u.ratio < -1).slice(0, 20) };
}

/** Frequent English words whose absence shows (a site's spinner table replaces them everywhere). */
const COMMON_PROBES = (
  "said says say told asked also but however because about could would should may might will must were was " +
  "have has had been where when while including according after before during against between " +
  "new old first last year years people government country state city week day time official officials " +
  "military security agency news report reported statement president minister leader group number part " +
  "make made take took give gave show showed help need want use used work worked call called continue continuing " +
  "increase increased big large small major important several many much more most other another same"
).split(" ");

function english(tokens: Token[], lm: LanguageModel): boolean {
  let lower = 0, known = 0;
  for (const t of tokens) {
    if (t.kind !== "word" || t.capitalised) continue;
    lower++;
    if (lm.id(t.norm) >= 0) known++;
  }
  return lower >= 12 && known / lower >= MIN_ENGLISH_SHARE;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
