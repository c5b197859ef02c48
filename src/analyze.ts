/**
 * The engine: text → lattice → decode → edits, restored text and a calibrated score.
 * CLI, server and workers are thin shells over `analyze()`.
 */
import { tokenize, matchCase, matchApostrophes, type Token } from "./text/tokenize.js";
import { OOV_LOG_PROB, type LanguageModel } from "./model/lm.js";
import { loadModel } from "./model/index.js";
import { loadLexicon } from "./lexicon/files.js";
import { Channel, DEFAULT_WEIGHTS, type ChannelLexicon, type ChannelWeights } from "./decode/channel.js";
import { learnedMap, withLearned, type LearnedPair } from "./decode/learned.js";
import { buildLattices, posMismatch, type Edge, type SentenceLattice } from "./decode/lattice.js";
import { decodeSentence, edgeChannelScore, expectedChanges, localChoices, type Choice, type DecodedSentence } from "./decode/viterbi.js";
import { linkClass, spinProbability, type Calibration, type Evidence, type FitChanges } from "./detect/score.js";
import { editConfidence, defaultEditCalibration, type EditCalibration, type EditEvidence } from "./detect/confidence.js";
import { UnspinError } from "./errors.js";
import { applyEdits } from "./text/edits.js";

export { applyEdits };

/** The models are English; other languages would get confident nonsense. */
export class NotEnglishError extends UnspinError {
  constructor(knownShare: number, why = `${Math.round(knownShare * 100)}% of its words are English words`) {
    super(`the text does not look like English (${why}); unspin models English text only`, 3);
    this.name = "NotEnglishError";
  }
}

/** Below this share of words (lower-case Latin ones, and any in other scripts) known to the language model, a text is not English. */
const MIN_ENGLISH_SHARE = 0.6;
/** Tokens looked at to tell English from other text. */
const ENGLISH_SAMPLE = 1000;
/**
 * English's commonest words that other Latin-script languages do not share ("a", "in", "on",
 * "as" are French, Spanish or German words too). Many words of French or Spanish are in the
 * model's vocabulary, so vocabulary alone let a French paragraph pass; English prose without
 * these is rare (no 25-word window of Brown has fewer than 2 of them in 25 words).
 */
const ENGLISH_CORE = new Set([
  "the", "of", "and", "to", "is", "was", "that", "for", "with", "it", "this", "be", "are", "have", "from", "by", "at", "he", "his",
  "they", "their", "not", "or", "but", "which", "were", "has", "had", "been", "would", "will", "you", "we", "she", "her", "its", "an",
  "there", "when", "who", "what", "can", "could", "about", "into", "than", "them", "out", "if",
]);
/** Below this share of ENGLISH_CORE words among a text's lower-case words, it is not English. */
const MIN_CORE_SHARE = 0.05;

export interface Alternative {
  replacement: string;
  probability: number;
}

export interface Edit {
  start: number;
  end: number;
  /** The text at [start, end) of the input. */
  text: string;
  replacement: string;
  /**
   * Calibrated probability that this edit restores the original wording (fitted on simulator-spun
   * text: among edits reported at 0.9, about nine in ten are right).
   */
  confidence: number;
  /** Other readings, most likely first; the spun text itself appears as an alternative too. */
  alternatives: Alternative[];
}

export interface AnalysisStats {
  words: number;
  sentences: number;
  /** Words some spinner table lists. */
  eligible: number;
  changedWords: number;
  /** Fitted spin rate ρ̂: share of eligible words estimated to have been changed. */
  spinRate: number;
  /** The spin rate restoration used: ρ̂ weighted by the score, against a clean-text rate. */
  restoreRate: number;
  logLikelihoodRatio: number;
  /** The changes on the rate fit's best path by link class, part of the score's evidence. */
  fitChanges: FitChanges;
  milliseconds: number;
}

export interface AnalysisResult {
  score: number;
  edits: Edit[];
  restored: string;
  stats: AnalysisStats;
}

export interface AnalyzeOptions {
  /** Language model; default: the shipped CMU Sphinx US-English trigram model. */
  model?: LanguageModel;
  /** Lexicon (inverse thesaurus); default: the shipped WordNet-based lexicon. */
  lexicon?: ChannelLexicon;
  /** Substitutions learned from confirmed traces (original, spun, count). */
  learned?: readonly LearnedPair[];
  weights?: Partial<ChannelWeights>;
  calibration?: Calibration;
  /** Calibration of edit confidences; null: report the decoder's raw local posterior. */
  editCalibration?: EditCalibration | null;
  /** Weight of the language model against the channel. */
  lmWeight?: number;
  beam?: number;
  /** Candidate originals kept per place, best channel score first. */
  maxCandidates?: number;
  /** Candidates per place read in context before the cap keeps the maxCandidates that fit best. */
  poolCandidates?: number;
  /**
   * Candidates beyond the first maxCandidates are read only where the words as written score this
   * many nats (at lmWeight) below their context-free score: where they are out of place.
   */
  poolFit?: number;
  /** Extra frequency penalty on those pooled candidates that are more common than the words as written. */
  poolFrequency?: number;
  /** Candidates scoring this many nats below the observed words in context are not decoded. */
  pruneMargin?: number;
  /** Decodes (narrow beam, width rateBeam) spent fitting the spin rate. */
  rateIterations?: number;
  rateBeam?: number;
  /**
   * Restoration trusts the fitted rate in proportion to score^scorePower: above 1, a text that
   * is probably clean is held still more firmly than its score alone would say.
   */
  scorePower?: number;
  /** Beta prior on the spin rate, in pseudo-words changed and unchanged. */
  ratePrior?: { changed: number; unchanged: number };
  /** Fit the rate to expected changes under local posteriors (soft EM) instead of the best path's changes (default false: see README, Evaluation). */
  softRate?: boolean;
  /** Fix the spin rate instead of fitting it to the text. */
  rate?: number;
  /** A change is made when its original has at least this raw local posterior (default 0.65)... */
  minConfidence?: number;
  /**
   * ...or when the words were changed with at least this raw probability (1 − posterior of the
   * text as it stands; default 0.9), to the most likely original: several originals may
   * share the evidence ("were" / "are" for "have been") while the spun words are clearly wrong...
   */
  minChangeProbability?: number;
  /**
   * ...or when its calibrated confidence (the reported `confidence`) is at least this (default
   * 0.5: the change is more likely right than wrong).
   */
  minCalibratedConfidence?: number;
  /** No change is made below this calibrated confidence, whatever its raw posterior. */
  confidenceFloor?: number;
  /** Called with every change the decoder considered, made or not (calibration, evaluation). */
  onCandidate?: (candidate: EditCandidate) => void;
}

/** A change on the decoder's best path, with the evidence its confidence was computed from. */
export interface EditCandidate {
  start: number;
  end: number;
  text: string;
  replacement: string;
  evidence: EditEvidence;
  confidence: number;
  made: boolean;
}

export const DEFAULTS = { lmWeight: 0.85, beam: 5, maxCandidates: 16, poolCandidates: 40, poolFit: -1, poolFrequency: 0.3, pruneMargin: 4, minConfidence: 0.65, minCalibratedConfidence: 0.5, confidenceFloor: 0, softRate: true, minChangeProbability: 0.9, rateIterations: 2, scorePower: 3, rateBeam: 2, initialRate: 0.1 } as const;

/** Beta prior on the spin rate: (a pseudo-changes) / (a + b pseudo-words). */
const RATE_PRIOR = { changed: 1, unchanged: 30 };
const RATE_BOUNDS = [0.002, 0.45] as const;
/** Spin rate assumed for text that was not spun: it still allows a glaring substitution to be fixed. */
const CLEAN_RATE = 0.0005;

export function analyze(text: string, options: AnalyzeOptions = {}): AnalysisResult {
  const t0 = performance.now();
  const lm = options.model ?? loadModel();
  const baseLexicon = options.lexicon ?? loadLexicon();
  const { lexicon, channel } = engineFor(lm, baseLexicon, options);
  const lmWeight = options.lmWeight ?? DEFAULTS.lmWeight;
  const beam = options.beam ?? DEFAULTS.beam;
  const editCalibration = options.editCalibration === undefined ? defaultEditCalibration() : options.editCalibration;
  const minConfidence = options.minConfidence ?? DEFAULTS.minConfidence;
  const minCalibrated = options.minCalibratedConfidence ?? DEFAULTS.minCalibratedConfidence;
  const floor = options.confidenceFloor ?? DEFAULTS.confidenceFloor;
  const minChangeProbability = options.minChangeProbability ?? DEFAULTS.minChangeProbability;

  const tokens = tokenize(text);
  assertEnglish(tokens, lm);
  const lattices = buildLattices(tokens, lexicon, lm, channel, {
    maxCandidates: options.maxCandidates ?? DEFAULTS.maxCandidates,
    poolCandidates: options.poolCandidates ?? DEFAULTS.poolCandidates,
    poolFit: options.poolFit ?? DEFAULTS.poolFit,
    poolFrequency: options.poolFrequency ?? DEFAULTS.poolFrequency,
    lmWeight,
    pruneMargin: options.pruneMargin ?? DEFAULTS.pruneMargin,
  });
  const words = tokens.filter((t) => t.kind === "word").length;
  let eligible = 0;
  for (const l of lattices) for (const e of l.eligible) if (e) eligible++;

  // 1. Fit the document's spin rate ρ̂ by hard EM (decode, count changed words, re-estimate)
  //    with a narrow beam; the evidence for the score comes from the last of these decodes.
  const rateBeam = options.rateBeam ?? DEFAULTS.rateBeam;
  const asWrittenLm = lattices.map((l) => identityScore(l, lm, lmWeight));
  let previous: { decoded: DecodedSentence[]; rate: number; beam: number } | null = null;
  const decodeAll = (r: number, b: number): DecodedSentence[] => {
    const prev = previous;
    const decoded = lattices.map((l, s) =>
      // Lowering the rate only makes every change dearer, so a sentence best left alone at a
      // higher rate is still best left alone: no need to search it again.
      prev !== null && r <= prev.rate && b === prev.beam && unchanged(prev.decoded[s])
        ? asWritten(l, asWrittenLm[s], r)
        : decodeSentence(l, lm, { rate: r, lmWeight, beam: b }));
    previous = { decoded, rate: r, beam: b };
    return decoded;
  };
  const ratePrior = options.ratePrior ?? RATE_PRIOR;
  let fitted: number = DEFAULTS.initialRate;
  let narrow: DecodedSentence[] = [];
  for (let it = 0; it < (options.rateIterations ?? DEFAULTS.rateIterations); it++) {
    narrow = decodeAll(fitted, rateBeam);
    let changed = 0;
    if (options.softRate ?? DEFAULTS.softRate) {
      for (let s = 0; s < lattices.length; s++) changed += unchanged(narrow[s]) && !hasAlternatives(lattices[s]) ? 0 : expectedChanges(lattices[s], narrow[s], lm, { rate: fitted, lmWeight, beam: rateBeam });
    } else {
      for (const d of narrow) for (const e of d.path) if (e.original !== null) changed += e.to - e.from;
    }
    const next = clamp(
      (changed + ratePrior.changed) / (eligible + ratePrior.changed + ratePrior.unchanged),
      RATE_BOUNDS[0],
      RATE_BOUNDS[1],
    );
    const converged = Math.abs(next - fitted) < 0.005;
    fitted = next;
    if (converged) break;
  }
  let llr = 0;
  for (let s = 0; s < lattices.length; s++) llr += narrow[s].score - asWrittenLm[s];
  const fitChanges = changesByLink(lattices, narrow);
  const evidence: Evidence = { words, eligible, rate: fitted, logLikelihoodRatio: llr, fitChanges };
  const score = spinProbability(evidence, options.calibration);

  // 2. Restore at the rate the evidence supports: a mixture of "spun at ρ̂" and "clean"
  //    weighted by the score, so text that reads as written is held still.
  const weight = score ** (options.scorePower ?? DEFAULTS.scorePower);
  const rate = options.rate ?? weight * fitted + (1 - weight) * CLEAN_RATE;
  // Text held still (a rate near the clean rate) needs no wide search.
  const decoded = decodeAll(rate, rate < 0.01 ? rateBeam : beam);

  const edits: Edit[] = [];
  let changedWords = 0;
  for (let s = 0; s < lattices.length; s++) {
    const lattice = lattices[s];
    const best = decoded[s];
    const choices = localChoices(lattice, best, lm, { rate, lmWeight, beam });
    for (const choice of choices) {
      const asWrittenOption = choice.options.find((o) => o.edges.every((e) => e.original === null));
      const asWrittenP = asWrittenOption?.probability ?? 0;
      const rawOk = confident(choice, minConfidence, minChangeProbability);
      const alternatives = choice.options.filter((o) => o !== choice.chosen).map((o) => ({
        replacement: describe(o.edges, text, tokens, lattice),
        probability: round(o.probability),
      }));
      for (const edge of choice.chosen.edges) {
        if (edge.original === null) continue;
        const evidence = edgeEvidence(edge, lattice, tokens, lm, choice.chosen.probability, asWrittenP, rate, score);
        const confidence = editConfidence(evidence, editCalibration);
        const made = editCalibration === null ? rawOk : (rawOk && confidence >= floor) || confidence >= minCalibrated;
        const edit = makeEdit(text, tokens, lattice, edge, confidence, alternatives);
        if (edit === null) continue;
        options.onCandidate?.({ start: edit.start, end: edit.end, text: edit.text, replacement: edit.replacement, evidence, confidence, made });
        if (made) {
          edits.push(edit);
          changedWords += edge.to - edge.from;
        }
      }
    }
  }
  edits.sort((a, b) => a.start - b.start);
  const restored = applyEdits(text, edits);
  return {
    score: round(score),
    edits,
    restored,
    stats: {
      words,
      sentences: lattices.length,
      eligible,
      changedWords,
      spinRate: eligible > 0 ? round(fitted) : 0,
      restoreRate: round(rate),
      logLikelihoodRatio: round(llr),
      fitChanges,
      milliseconds: round(performance.now() - t0),
    },
  };
}

function confident(choice: Choice, minConfidence: number, minChangeProbability: number): boolean {
  if (choice.chosen.probability >= minConfidence) return true;
  if (choice.chosen !== choice.options[0]) return false;
  const asWritten = choice.options.find((o) => o.edges.every((e) => e.original === null));
  return 1 - (asWritten?.probability ?? 0) >= minChangeProbability;
}

/**
 * The lexicon and channel of a call. With learned pairs (a screening run passes the same array
 * for every page), both are kept per array, so the channel's per-phrase candidate cache
 * survives from page to page; custom weights get their own each call.
 */
const learnedEngines = new WeakMap<readonly LearnedPair[], WeakMap<ChannelLexicon, { lexicon: ChannelLexicon; channel: Channel }>>();
function engineFor(lm: LanguageModel, base: ChannelLexicon, options: AnalyzeOptions): { lexicon: ChannelLexicon; channel: Channel } {
  const learned = options.learned;
  if (learned === undefined || learned.length === 0) return { lexicon: base, channel: channelFor(lm, base, options) };
  if (options.weights !== undefined) return { lexicon: withLearned(base, learned), channel: new Channel({ ...DEFAULT_WEIGHTS, ...options.weights }, learnedMap(learned)) };
  let byBase = learnedEngines.get(learned);
  if (byBase === undefined) learnedEngines.set(learned, (byBase = new WeakMap()));
  let engine = byBase.get(base);
  if (engine === undefined) byBase.set(base, (engine = { lexicon: withLearned(base, learned), channel: new Channel(DEFAULT_WEIGHTS, learnedMap(learned)) }));
  return engine;
}

/**
 * One channel per (model, lexicon) for the default weights, so the per-phrase candidate
 * cache it carries survives across calls; custom weights get their own.
 */
const channels = new WeakMap<LanguageModel, WeakMap<ChannelLexicon, Channel>>();
function channelFor(lm: LanguageModel, lexicon: ChannelLexicon, options: AnalyzeOptions): Channel {
  if (options.weights !== undefined) return new Channel({ ...DEFAULT_WEIGHTS, ...options.weights });
  let byLexicon = channels.get(lm);
  if (byLexicon === undefined) channels.set(lm, (byLexicon = new WeakMap()));
  let channel = byLexicon.get(lexicon);
  if (channel === undefined) byLexicon.set(lexicon, (channel = new Channel(DEFAULT_WEIGHTS)));
  return channel;
}

/** A letter of a script other than Latin. */
const NON_LATIN = /(?!\p{Script=Latin})\p{L}/u;
/** Scripts written without spaces between words: one token is a phrase, so it weighs a word per letter. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/gu;

function assertEnglish(tokens: Token[], lm: LanguageModel): void {
  // Words of every script count; a word in another script is never an English word.
  let words = 0, known = 0, latin = 0, core = 0;
  // A sample spread over the text is as telling as every word, and cheaper.
  const stride = Math.max(1, Math.floor(tokens.length / ENGLISH_SAMPLE));
  for (let i = 0; i < tokens.length; i += stride) {
    const t = tokens[i];
    if (t.kind !== "word") continue;
    if (NON_LATIN.test(t.text)) {
      words += Math.max(1, t.text.match(UNSPACED)?.length ?? 0);
      continue;
    }
    latin++;
    if (t.capitalised) continue; // names say little about the language
    words++;
    if (lm.id(t.norm) >= 0) known++;
    if (ENGLISH_CORE.has(t.norm)) core++;
  }
  // A dozen words to judge by; fewer will do when none is in Latin script.
  const enough = words >= 12 || (latin === 0 && words > 0);
  if (enough && known / words < MIN_ENGLISH_SHARE) throw new NotEnglishError(known / words);
  if (words >= 12 && core / words < MIN_CORE_SHARE) throw new NotEnglishError(known / words, `${core} of its ${words} words are common English words such as "the", "of", "and"`);
}

function meanUnigram(lm: LanguageModel, ids: readonly number[]): number {
  let s = 0;
  for (const id of ids) s += id < 0 ? OOV_LOG_PROB : lm.unigram(id);
  return s / Math.max(1, ids.length);
}

function edgeEvidence(edge: Edge, lattice: SentenceLattice, tokens: Token[], lm: LanguageModel, posterior: number, asWritten: number, rate: number, score: number): EditEvidence {
  const sub = edge.substitution as (Edge["substitution"] & { pos?: string }) | null;
  const spunIds: number[] = [];
  for (let q = edge.from; q < edge.to; q++) spunIds.push(lattice.edges[q][0].ids[0]);
  const prevToken = edge.from > 0 ? tokens[lattice.tokens[edge.from - 1]] : null;
  const previous = prevToken !== null && prevToken.kind === "word" ? prevToken.norm : null;
  return {
    posterior,
    asWritten,
    relation: sub?.relation ?? "synonym",
    observed: sub?.observed ?? 0,
    senseRank: sub?.senseRank ?? 0,
    frequencyGain: meanUnigram(lm, edge.ids) - meanUnigram(lm, spunIds),
    spunLogFreq: meanUnigram(lm, spunIds),
    posMismatch: posMismatch(sub?.pos, previous),
    lengthChange: (edge.to - edge.from) - edge.ids.length,
    rate,
    score,
  };
}

/** The changes on the best paths by link class, and how many distinct (original, written) pairs they are. */
function changesByLink(lattices: SentenceLattice[], decoded: DecodedSentence[]): FitChanges {
  const counts: FitChanges = { thesaurus: 0, function: 0, loose: 0, distinct: 0 };
  const pairs = new Set<string>();
  for (let s = 0; s < lattices.length; s++) {
    for (const e of decoded[s].path) {
      if (e.original === null) continue;
      counts[linkClass(e.substitution?.relation)]++;
      let written = "";
      for (let q = e.from; q < e.to; q++) written += " " + lattices[s].edges[q][0].ids[0];
      pairs.add(e.original + written);
    }
  }
  counts.distinct = pairs.size;
  return counts;
}

function hasAlternatives(l: SentenceLattice): boolean {
  for (const list of l.edges) if (list.length > 1) return true;
  return false;
}

function unchanged(d: DecodedSentence): boolean {
  for (const e of d.path) if (e.original !== null) return false;
  return true;
}

/** The sentence left as written, scored as the decoder would at `rate`. */
function asWritten(lattice: SentenceLattice, lmScore: number, rate: number): DecodedSentence {
  let score = lmScore;
  const path = lattice.edges.map((list) => list[0]);
  for (let p = 0; p < path.length; p++) if (lattice.eligible[p]) score += edgeChannelScore(path[p], true, rate);
  return { path, score };
}

/** Score of reading the sentence as written: the LM over the observed words (the channel costs nothing at ρ → 0). */
function identityScore(lattice: SentenceLattice, lm: LanguageModel, lmWeight: number): number {
  let h2 = -1, h1 = lm.bos, s = 0;
  for (const list of lattice.edges) {
    const w = list[0].ids[0];
    s += w < 0 ? OOV_LOG_PROB : lm.logProb(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  if (h1 >= 0) s += lm.logProb(lm.eos, h1, h2);
  return s * Math.LN10 * lmWeight;
}

function spanOf(tokens: Token[], lattice: SentenceLattice, from: number, to: number): [number, number] {
  return [tokens[lattice.tokens[from]].start, tokens[lattice.tokens[to - 1]].end];
}

function makeEdit(text: string, tokens: Token[], lattice: SentenceLattice, edge: Edge, confidence: number, alternatives: Alternative[]): Edit | null {
  const [start, end] = spanOf(tokens, lattice, edge.from, edge.to);
  const surface = text.slice(start, end);
  const replacement = surfaceForm(edge.original ?? "", surface);
  if (replacement.toLowerCase() === surface.toLowerCase()) return null;
  return { start, end, text: surface, replacement, confidence: round(confidence), alternatives: alternatives.slice(0, 4) };
}

/** Case and apostrophes of the surface, "i" as a word capitalised. */
function surfaceForm(original: string, surface: string): string {
  const fixed = original.replace(/\bi\b/g, "I");
  return matchApostrophes(matchCase(fixed, surface), surface);
}

/** The surface an option would give the window: its replacements with the spun words between them. */
function describe(edges: Edge[], text: string, tokens: Token[], lattice: SentenceLattice): string {
  return edges
    .map((e) => {
      const [s, t] = spanOf(tokens, lattice, e.from, e.to);
      return e.original === null ? text.slice(s, t) : surfaceForm(e.original, text.slice(s, t));
    })
    .join(" ");
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Statistics and score of a text analysed in pieces (large inputs), from the pieces' results. */
/**
 * Results of consecutive pieces of one text combined into the result of the whole, as `check`
 * reads a long input piece by piece: edits moved to offsets in the whole text, the score and
 * stats computed over every piece (combineStats).
 */
export class PieceResults {
  private readonly parts: AnalysisStats[] = [];
  private offset = 0;

  /** Add the next piece and its result; returns the piece's edits at offsets in the whole text. */
  add(piece: string, result: AnalysisResult): Edit[] {
    const at = this.offset;
    this.parts.push(result.stats);
    this.offset += piece.length;
    return result.edits.map((e) => ({ ...e, start: e.start + at, end: e.end + at }));
  }

  finish(calibration?: Calibration): { score: number; stats: AnalysisStats } {
    return combineStats(this.parts, calibration);
  }
}

export function combineStats(parts: AnalysisStats[], calibration?: Calibration): { score: number; stats: AnalysisStats } {
  const stats: AnalysisStats = { words: 0, sentences: 0, eligible: 0, changedWords: 0, spinRate: 0, restoreRate: 0, logLikelihoodRatio: 0, fitChanges: { thesaurus: 0, function: 0, loose: 0, distinct: 0 }, milliseconds: 0 };
  let weightedRate = 0, weightedRestore = 0;
  for (const p of parts) {
    stats.words += p.words;
    stats.sentences += p.sentences;
    stats.eligible += p.eligible;
    stats.changedWords += p.changedWords;
    stats.logLikelihoodRatio += p.logLikelihoodRatio;
    // Pairs repeated across pieces count once per piece: a slight underestimate of repeats.
    for (const k of ["thesaurus", "function", "loose", "distinct"] as const) stats.fitChanges[k] += p.fitChanges?.[k] ?? 0;
    stats.milliseconds += p.milliseconds;
    weightedRate += p.spinRate * p.eligible;
    weightedRestore += p.restoreRate * p.eligible;
  }
  stats.spinRate = round(stats.eligible > 0 ? weightedRate / stats.eligible : 0);
  stats.restoreRate = round(stats.eligible > 0 ? weightedRestore / stats.eligible : 0);
  stats.logLikelihoodRatio = round(stats.logLikelihoodRatio);
  stats.milliseconds = round(stats.milliseconds);
  const score = round(spinProbability({ ...stats, rate: stats.spinRate, logLikelihoodRatio: stats.logLikelihoodRatio }, calibration));
  return { score, stats };
}
