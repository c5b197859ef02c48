/**
 * Beam Viterbi over a sentence lattice: the restoration that maximises
 *   λ · ln P_LM(original words) + Σ channel(edge)
 * with trigram states (the last two output words), so neighbouring choices are made
 * jointly ("navy workouts" → "military exercises"). Then, for each place where an
 * alternative exists, a local posterior over the alternatives with the rest of the best
 * path held fixed: the confidence of each change and of each word left alone.
 */
import type { LanguageModel } from "../model/lm.js";
import { OOV_LOG_PROB } from "../model/lm.js";
import { changeScore, keepScore, type Edge, type SentenceLattice } from "./lattice.js";

const LN10 = Math.LN10;

export interface DecodeOptions {
  /** Document spin rate ρ: the prior probability that an eligible word was changed. */
  rate: number;
  /** Weight of the language model against the channel. */
  lmWeight: number;
  /** Hypotheses kept per position. */
  beam: number;
}

interface Hyp {
  h2: number;
  h1: number;
  score: number;
  prev: Hyp | null;
  edge: Edge | null;
}

export function edgeChannelScore(edge: Edge, eligible: boolean, rate: number): number {
  if (edge.original === null) {
    return eligible ? keepScore(edge, rate) : 0;
  }
  return changeScore(edge, rate);
}

/** Natural-log LM score of emitting `ids` after context (h2, h1); returns the new context too. */
function emit(lm: LanguageModel, ids: number[], h2: number, h1: number, lmWeight: number): { score: number; h2: number; h1: number } {
  let s = 0;
  for (const w of ids) {
    s += w < 0 ? OOV_LOG_PROB : lm.logProb(w, h1, h2);
    h2 = h1;
    h1 = w;
  }
  return { score: s * LN10 * lmWeight, h2, h1 };
}

export interface DecodedSentence {
  /** The best path, edges in order covering every position. */
  path: Edge[];
  score: number;
}

export function decodeSentence(lattice: SentenceLattice, lm: LanguageModel, opts: DecodeOptions): DecodedSentence {
  const n = lattice.edges.length;
  // states[p]: the hypotheses ending at position p, one per trigram state (h2, h1), in order of
  // arrival. A linear search finds a state: a position holds a handful (beam × edges ending there),
  // and two word ids do not fit a small-integer Map key.
  const states: Hyp[][] = new Array(n + 1);
  for (let i = 0; i <= n; i++) states[i] = [];
  states[0].push({ h2: -1, h1: lm.bos, score: 0, prev: null, edge: null });
  for (let p = 0; p < n; p++) {
    const hyps = prune(states[p], opts.beam);
    const eligible = lattice.eligible[p];
    const scale = LN10 * opts.lmWeight;
    for (const edge of lattice.edges[p]) {
      const ch = edgeChannelScore(edge, eligible, opts.rate);
      const target = states[edge.to];
      const ids = edge.ids;
      const len = ids.length;
      for (const h of hyps) {
        // Inline LM scoring (no per-transition allocation: this is the decoder's hot loop).
        let lmScore = 0;
        let a = h.h2, b = h.h1;
        for (let k = 0; k < len; k++) {
          const w = ids[k];
          lmScore += w < 0 ? OOV_LOG_PROB : lm.logProb(w, b, a);
          a = b;
          b = w;
        }
        const score = h.score + ch + lmScore * scale;
        let old: Hyp | undefined;
        for (const t of target) {
          if (t.h1 === b && t.h2 === a) {
            old = t;
            break;
          }
        }
        if (old === undefined) target.push({ h2: a, h1: b, score, prev: h, edge });
        else if (old.score < score) {
          old.score = score;
          old.prev = h;
          old.edge = edge;
        }
      }
    }
    states[p] = []; // release what is no longer needed
  }
  let best: Hyp | null = null;
  let bestScore = -Infinity;
  for (const h of states[n]) {
    const s = h.score + (h.h1 < 0 ? 0 : lm.logProb(lm.eos, h.h1, h.h2) * LN10 * opts.lmWeight);
    if (s > bestScore) {
      bestScore = s;
      best = h;
    }
  }
  const path: Edge[] = [];
  for (let h = best; h !== null && h.edge !== null; h = h.prev) path.push(h.edge);
  path.reverse();
  return { path, score: bestScore };
}

/** The best `beam` hypotheses, best first (ties in order of arrival); sorts `hyps` in place. */
function prune(hyps: Hyp[], beam: number): Hyp[] {
  if (hyps.length <= beam) return hyps;
  hyps.sort((a, b) => b.score - a.score);
  return hyps.slice(0, beam);
}

/** One option at a place where the restorer had a choice. */
export interface Option {
  /** Edges of the option over the window. */
  edges: Edge[];
  output: string;
  probability: number;
}

/** A window [from, to) of positions where alternatives exist, with their local posteriors. */
export interface Choice {
  from: number;
  to: number;
  /** Options sorted by probability; the best path's option is `chosen`. */
  options: Option[];
  chosen: Option;
}

/**
 * Local posteriors: at each change on the best path, every edge that starts there (completed with
 * identity edges up to the next boundary of the best path) against the best path's own
 * segment, scored with the two following words so the trigram context is accounted for.
 */
export function localChoices(
  lattice: SentenceLattice,
  decoded: DecodedSentence,
  lm: LanguageModel,
  opts: DecodeOptions,
  /** Also give the places the best path leaves alone a choice (for expected change counts). */
  everywhere = false,
): Choice[] {
  const n = lattice.edges.length;
  const path = decoded.path;
  // Context (h2, h1) before each best-path boundary, and the best path's output ids in order.
  const boundaryIndex = new Map<number, number>();
  const ctx: Array<[number, number]> = [];
  let h2 = -1, h1 = lm.bos;
  for (let k = 0; k < path.length; k++) {
    boundaryIndex.set(path[k].from, k);
    ctx.push([h2, h1]);
    for (const w of path[k].ids) {
      h2 = h1;
      h1 = w;
    }
  }
  boundaryIndex.set(n, path.length);
  const choices: Choice[] = [];
  let k = 0;
  while (k < path.length) {
    const p = path[k].from;
    const starts = lattice.edges[p];
    if (path[k].original === null && !(everywhere && starts.length > 1)) {
      // Only changes need a confidence and alternatives; a word left alone is reported as is.
      k++;
      continue;
    }
    // Window end: first best-path boundary at or after every alternative's end.
    let reach = p + 1;
    for (const e of starts) reach = Math.max(reach, e.to);
    let endK = k;
    while (endK < path.length && path[endK].from < reach) endK++;
    const q = endK < path.length ? path[endK].from : n;
    const options: Option[] = [];
    const seen = new Set<string>();
    const addOption = (edges: Edge[]) => {
      const output = edges.map((e) => outputOf(e, lattice)).join(" ");
      if (seen.has(output)) return;
      seen.add(output);
      options.push({ edges, output, probability: 0 });
    };
    const own = path.slice(k, endK);
    addOption(own);
    for (const e of starts) {
      const edges = [e];
      for (let r = e.to; r < q; r++) edges.push(lattice.edges[r][0]);
      addOption(edges);
    }
    if (options.length > 1) {
      // The two words after the window, from the best path, carry the right-hand context.
      const follow: number[] = [];
      for (let j = endK; j < path.length && follow.length < 2; j++) for (const w of path[j].ids) if (follow.length < 2) follow.push(w);
      const atEnd = follow.length < 2 && endK + 1 >= path.length;
      const [c2, c1] = ctx[k];
      const scores = options.map((o) => {
        let s = 0;
        let a = c2, b = c1;
        for (const e of o.edges) {
          s += edgeChannelScore(e, lattice.eligible[e.from], opts.rate);
          const r = emit(lm, e.ids, a, b, opts.lmWeight);
          s += r.score;
          a = r.h2;
          b = r.h1;
        }
        const r = emit(lm, follow, a, b, opts.lmWeight);
        s += r.score;
        if (atEnd && r.h1 >= 0) s += lm.logProb(lm.eos, r.h1, r.h2) * LN10 * opts.lmWeight;
        return s;
      });
      const max = Math.max(...scores);
      let z = 0;
      for (const s of scores) z += Math.exp(s - max);
      options.forEach((o, i) => (o.probability = Math.exp(scores[i] - max) / z));
      const chosen = options[0];
      options.sort((a, b) => b.probability - a.probability);
      choices.push({ from: p, to: q, options, chosen });
    }
    k = Math.max(endK, k + 1);
  }
  return choices;
}

/** The lower-case output of an edge; identity edges output the spun word's own form. */
function outputOf(edge: Edge, lattice: SentenceLattice): string {
  return edge.original ?? `\u0001${lattice.tokens[edge.from]}`;
}

/**
 * Expected number of changed words in a sentence under the local posteriors: at every place with
 * alternatives (changed on the best path or not), the probability-weighted count of spun words the
 * options change. The E-step of a soft fit of the spin rate: unlike a count of the best path's
 * changes, it credits the spun words the decoder is unsure about.
 */
export function expectedChanges(lattice: SentenceLattice, decoded: DecodedSentence, lm: LanguageModel, opts: DecodeOptions): number {
  let expected = 0;
  for (const choice of localChoices(lattice, decoded, lm, opts, true)) {
    for (const o of choice.options) {
      let words = 0;
      for (const e of o.edges) if (e.original !== null) words += e.to - e.from;
      expected += o.probability * words;
    }
  }
  return expected;
}
