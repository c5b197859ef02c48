/**
 * Where each of the quick-start example's substitutions is lost: lexicon match, plausibility,
 * candidate cap, pruning, or the decision. usage: node --import tsx bench/diag-example.ts
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { tokenize } from "../src/text/tokenize.js";
import { spin } from "../src/spin/simulate.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { Channel } from "../src/decode/channel.js";
import { buildLattices } from "../src/decode/lattice.js";
import { DEFAULTS } from "../src/analyze.js";

const root = join(import.meta.dirname, "..");
const lm = loadModel();
const lexicon = loadLexicon();
const extra = JSON.parse(process.env.UNSPIN_OPTS ?? "{}");
const SEED = join(root, "..", "shared", "data", "seed", "nato-2022-01-27");
const s = process.argv.includes("--seed")
  ? { text: readFileSync(SEED + ".spun.txt", "utf8"), substitutions: (JSON.parse(readFileSync(SEED + ".substitutions.json", "utf8")) as { substitutions: Array<{ start: number; end: number; spun: string; original: string }> }).substitutions.map((x) => ({ ...x, relation: "?" })) }
  : spin(readFileSync(join(root, "examples", "harbour-bridge.txt"), "utf8"), { rate: 0.3, seed: 7 });
const tokens = tokenize(s.text);
const mk = () => new Channel();
const build = (maxCandidates: number, pruneMargin: number) => buildLattices(tokens, lexicon, lm, mk(), { maxCandidates, lmWeight: DEFAULTS.lmWeight, pruneMargin });
const full = build(1000, 1e9);
const capped = build(extra.maxCandidates ?? DEFAULTS.maxCandidates, 1e9);
const pruned = build(extra.maxCandidates ?? DEFAULTS.maxCandidates, extra.pruneMargin ?? DEFAULTS.pruneMargin);
function find(lats: ReturnType<typeof build>, start: number, end: number, original: string) {
  for (const l of lats) for (let p = 0; p < l.edges.length; p++) {
    const tk = tokens[l.tokens[p]];
    if (tk.start !== start) continue;
    const list = l.edges[p].filter((e) => e.original !== null && tokens[l.tokens[e.to - 1]].end === end);
    const rank = list.sort((a, b) => b.choice - a.choice).findIndex((e) => e.original === original.toLowerCase());
    return { rank, n: list.length };
  }
  return null;
}
for (const sub of s.substitutions) {
  const norms = sub.spun.toLowerCase().split(/\s+/);
  const m = lexicon.match(norms, 0).find((x) => x.length === norms.length);
  const inLex = m ? m.substitutions.findIndex((x) => x.original === sub.original.toLowerCase()) : -2;
  const f = find(full, sub.start, sub.end, sub.original);
  const c = find(capped, sub.start, sub.end, sub.original);
  const pr = find(pruned, sub.start, sub.end, sub.original);
  console.log(`${sub.spun} <- ${sub.original} [${sub.relation}]: lex ${inLex}/${m?.substitutions.length ?? 0}, plausible ${f?.rank}/${f?.n}, capped ${c?.rank}/${c?.n}, pruned ${pr?.rank}/${pr?.n}`);
}
if (process.env.SHOW) {
  for (const l of full) for (let p = 0; p < l.edges.length; p++) {
    const tk = tokens[l.tokens[p]];
    if (tk.norm !== process.env.SHOW) continue;
    for (const e of l.edges[p].slice(1)) console.log(e.to - e.from, e.original, e.choice.toFixed(2), e.substitution?.relation);
  }
}
if (process.env.RATE) {
  const { decodeSentence, localChoices } = await import("../src/decode/viterbi.js");
  const rate = Number(process.env.RATE);
  for (const l of pruned) {
    const d = decodeSentence(l, lm, { rate, lmWeight: DEFAULTS.lmWeight, beam: DEFAULTS.beam });
    for (const c of localChoices(l, d, lm, { rate, lmWeight: DEFAULTS.lmWeight, beam: DEFAULTS.beam }, true)) {
      const start = tokens[l.tokens[c.from]].start;
      const sub = s.substitutions.find((x) => x.start === start);
      if (!sub) continue;
      const o = c.options.find((o) => o.edges.some((e) => e.original === sub.original.toLowerCase()));
      const top = c.options.slice(0, 3).map((o) => `${o.output}:${o.probability.toFixed(2)}`).join(" ");
      console.log(`P ${sub.spun} <- ${sub.original}: ${o ? o.probability.toFixed(3) : "-"} chosen ${c.chosen.output} | ${top}`);
    }
  }
}
