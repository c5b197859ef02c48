/**
 * The channel model: how likely a spinner is to have produced the observed words
 * from a candidate original. Scores are natural logarithms.
 *
 * A thesaurus spinner changes a word with some document-level probability ρ, then
 * picks one entry of its table for that word. So
 *   log P(observed = original | original)    = log(1 − ρ·m)
 *   log P(observed = s | original o, s ≠ o)  = log(ρ·m) + log q(s | o)
 * where m scales ρ by position (quotes, names and headlines are spun far less often;
 * evidence the tokenizer supplies, weighed here rather than hard-coded as rules),
 * and q, the chance that the table entry picked for o is s, is a log-linear function
 * of the relation, the sense ranks on both sides, the original's fan-out and how
 * often real spinners were seen to make the swap. This class gives m and log q; the
 * rate-dependent terms are added per lattice edge by `edgeChannelScore` (viterbi.ts).
 */
import type { Substitution, PhraseMatch } from "../lexicon/types.js";

export interface ChannelLexicon {
  readonly maxPhraseLength: number;
  match(norms: string[], i: number): PhraseMatch[];
  /** Base forms of a word, to recognise a candidate that is only another inflection of it. */
  readonly morphology?: { lemmatize(word: string): ReadonlyArray<{ lemma: string }> };
}

export interface ChannelWeights {
  relation: Record<Substitution["relation"], number>;
  /** Per rank of the linking sense among the original's senses. */
  senseRank: number;
  /** Per rank of the linking sense among the spun word's senses. */
  spunSenseRank: number;
  /** Multiplies log(fan-out): a spinner choosing among many substitutes picks any one rarely. */
  fanout: number;
  /** Multiplies log(1 + pages seen) for pairs observed in real spun pages. */
  observed: number;
  /** Bonus for a pair confirmed by traced copies (`unspin learn`), times log(1 + count). */
  learned: number;
  /** Extra cost per output word beyond the spun span's length and per spun word beyond the original's. */
  lengthChange: number;
  /**
   * Frequency correction, times (mean log10 unigram probability of the spun words − that of
   * the original's). A trigram model prefers common words in any context, so without it every
   * rare word a writer chose looks like a spun common one; with it, a candidate must fit its
   * context better than its base rate alone explains.
   */
  frequency: number;
  /**
   * Cost of a link whose part of speech the spun word cannot have in its context (a verb or
   * adverb link right after a determiner, a non-verb link after a modal): another sense's link.
   */
  posMismatch: number;
  /**
   * Cost of a spun phrase that contains the whole original ("offer up" for "offer"): a multi-word
   * entry of the original's own synset, which a spinner outputs as it stands, but rarer than a swap.
   */
  containedPhrase: number;
  /** Position multipliers of the spin rate. */
  quoted: number;
  name: number;
  headline: number;
}

export const DEFAULT_WEIGHTS: ChannelWeights = {
  relation: { synonym: 0, variant: -0.5, phrase: 0.5, similar: -1.8, hypernym: -2.6, hyponym: -2.6, learned: 0, slot: -3 },
  senseRank: 0.35,
  spunSenseRank: 0.15,
  fanout: 0.4,
  observed: 4,
  learned: 0.5,
  lengthChange: 0.4,
  frequency: 0.3,
  posMismatch: 4,
  containedPhrase: 1,
  quoted: 0.15,
  name: 0.03,
  headline: 0.1,
};

/**
 * Nats by which a learned site pair's channel score is lowered, in the site learner and in the
 * decoder alike: a trigram model mildly prefers many a word to the one written, so a place
 * counts as spun from o only where the model prefers o clearly. One constant for both, so the
 * decoder reads a table under the model it was learned with.
 */
export const SITE_RATIO_SHIFT = 2;

/** What the decoder knows about the words of a span. */
export interface SpanContext {
  quoted: boolean;
  name: boolean;
  headline: boolean;
  /** Number of spun words in the span and output words of the candidate. */
  spunLength: number;
  originalLength: number;
}

/**
 * Learned (original → spun) pairs: a count from confirmed traces or a site's pages, and the
 * site table's P(spun | original) (0 when the pair carries no probability).
 */
export type LearnedPairs = ReadonlyMap<string, ReadonlyMap<string, { readonly count: number; readonly probability: number }>>;

export class Channel {
  constructor(readonly weights: ChannelWeights = DEFAULT_WEIGHTS, readonly learned?: LearnedPairs) {}

  /** Position multiplier m of the spin rate. */
  positionFactor(ctx: Pick<SpanContext, "quoted" | "name" | "headline">): number {
    let m = 1;
    if (ctx.quoted) m *= this.weights.quoted;
    if (ctx.name) m *= this.weights.name;
    if (ctx.headline) m *= this.weights.headline;
    return m;
  }

  /**
   * P(spun | original) in a learned site table, 0 when the pair is not in one. The decoder mixes
   * it with the thesaurus channel: P(s | o) = m·(ρ·q(s | o) + p_site(s | o)).
   */
  siteProbability(original: string, spun: string): number {
    return this.learned?.get(original)?.get(spun)?.probability ?? 0;
  }

  private replaceRates: Map<string, number> | undefined;

  /**
   * Σ_s p(s | word): how often the site's spinner replaces the word itself. A word its table
   * always replaces is rarely left as written, so reading it as written costs log(1 − this).
   */
  siteReplaceRate(word: string): number {
    if (this.learned === undefined) return 0;
    if (this.replaceRates === undefined) {
      this.replaceRates = new Map();
      for (const [original, inner] of this.learned) {
        let sum = 0;
        for (const v of inner.values()) sum += v.probability;
        if (sum > 0) this.replaceRates.set(original, Math.min(0.95, sum));
      }
    }
    return this.replaceRates.get(word) ?? 0;
  }

  /** log q(s | o): the table-choice part, independent of the document's spin rate. */
  choice(sub: Substitution, spun: string, ctx: SpanContext): number {
    const w = this.weights;
    let s = w.relation[sub.relation] ?? -3;
    s -= w.senseRank * Math.min(sub.senseRank, 8);
    s -= w.spunSenseRank * Math.min(sub.spunSenseRank, 8);
    s -= w.fanout * Math.log(Math.max(1, sub.fanout));
    if (sub.observed > 0) s += w.observed * Math.log1p(sub.observed);
    const learnedCount = this.learned?.get(sub.original)?.get(spun)?.count ?? 0;
    if (learnedCount > 0 && this.siteProbability(sub.original, spun) === 0) s += w.learned * Math.log1p(learnedCount);
    s -= w.lengthChange * Math.abs(ctx.spunLength - ctx.originalLength);
    return s;
  }
}
