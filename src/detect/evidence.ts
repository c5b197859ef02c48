/**
 * The part of the score's evidence read off the rate fit's best path: its changes by the class of
 * their link, how much each class gained (the language model's gain over a window of the change and
 * the two words after it, plus the channel's cost of the change against keeping the words), and
 * how many distinct (original, written words) pairs they are. See score.ts for why.
 */
import { OOV_LOG_PROB, type LanguageModel } from "../model/lm.js";
import { changeScore, keepScore, type SentenceLattice } from "../decode/lattice.js";
import type { DecodedSentence } from "../decode/viterbi.js";
import { linkClass, type FitChanges } from "./score.js";

export function fitChanges(lattices: readonly SentenceLattice[], decoded: readonly DecodedSentence[], lm: LanguageModel, lmWeight: number, rate: number): FitChanges {
  const out: FitChanges = { thesaurus: 0, function: 0, loose: 0, distinct: 0, thesaurusGain: 0, functionGain: 0, looseGain: 0 };
  const pairs = new Set<string>();
  const scale = Math.LN10 * lmWeight;
  const logProb = (w: number, h1: number, h2: number): number => (w < 0 ? OOV_LOG_PROB : lm.logProb(w, h1, h2)) * scale;
  for (let s = 0; s < lattices.length; s++) {
    const lattice = lattices[s];
    const path = decoded[s].path;
    if (path.every((e) => e.original === null)) continue;
    // The words as written, scored in their own context, one score per position (and the end).
    const written: number[] = [];
    let h2 = -1, h1 = lm.bos;
    for (const list of lattice.edges) {
      const w = list[0].ids[0];
      written.push(logProb(w, h1, h2));
      h2 = h1;
      h1 = w;
    }
    written.push(h1 >= 0 ? logProb(lm.eos, h1, h2) : 0);
    // The path's words, each scored in the path's context, with the edge it belongs to.
    const emitted: Array<{ edge: number; score: number }> = [];
    h2 = -1;
    h1 = lm.bos;
    path.forEach((e, k) => {
      for (const w of e.ids) {
        emitted.push({ edge: k, score: logProb(w, h1, h2) });
        h2 = h1;
        h1 = w;
      }
    });
    emitted.push({ edge: path.length, score: h1 >= 0 ? logProb(lm.eos, h1, h2) : 0 });
    path.forEach((e, k) => {
      if (e.original === null) return;
      const cls = linkClass(e.substitution?.relation);
      out[cls]++;
      let writtenIds = "";
      for (let q = e.from; q < e.to; q++) writtenIds += " " + lattice.edges[q][0].ids[0];
      pairs.add(e.original + writtenIds);
      // Window: the change's own words and the two after it, on the path and as written.
      let onPath = 0, after = 0;
      for (let j = emitted.findIndex((x) => x.edge === k); j >= 0 && j < emitted.length && (emitted[j].edge === k || after < 2); j++) {
        onPath += emitted[j].score;
        if (emitted[j].edge !== k) after++;
      }
      let asWritten = 0;
      for (let q = e.from; q < Math.min(written.length, e.to + 2); q++) asWritten += written[q];
      const keep = lattice.eligible[e.from] ? keepScore(lattice.edges[e.from][0], rate) * (e.to - e.from) : 0;
      out[`${cls}Gain`] += onPath - asWritten + changeScore(e, rate) - keep;
    });
  }
  out.distinct = pairs.size;
  return out;
}
