// Dev loop: pair-level precision/recall of the site learner against the simulated site's own table.
import { learnSite } from "../src/decode/site-learn.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { loadModel } from "../src/model/index.js";
import { brownPages } from "../src/corpus/pages.js";
import { siteSpinner } from "../src/spin/site.js";
import { mulberry32 } from "../src/spin/simulate.js";
const N = Number(process.env.N ?? 100);
const model = loadModel(), lexicon = loadLexicon();
const rnd = mulberry32(7);
const train = brownPages({ split: "train" }).map((d) => ({ d, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.d).slice(0, N);
for (const seed of (process.env.SITES ?? "101,202").split(",").map(Number)) {
  const sp = siteSpinner({ seed, lexicon });
  const pages = train.map((p) => sp.spinPage(p.text).text);
  const truth = sp.siteTable();
  const totalUses = truth.reduce((s, e) => s + e.uses, 0);
  const t0 = performance.now();
  let cands: Array<{ original: string; spun: string; logOdds: number; evidence: number; prior: number; penalty: number; kept: boolean; expected: number }> = [];
  const r = learnSite(pages, { model, lexicon, onCandidates: (c) => (cands = c) });
  const candKey = new Map(cands.map((c) => [c.original + "\t" + c.spun, c]));
  let reach = 0; const missed: string[] = []; const lost: string[] = [];
  for (const e of truth) { const c = candKey.get(e.original + "\t" + e.spun); if (c) { reach += e.uses; if (!c.kept && e.uses >= 3) lost.push(`${e.original}→${e.spun}/${e.uses} ${c.logOdds.toFixed(1)}=${c.evidence.toFixed(1)}${c.prior.toFixed(1)}${c.penalty.toFixed(1)}`); } else if (e.uses >= 3) missed.push(`${e.original}→${e.spun}/${e.uses}(${e.habit})`); }
  let lostPos = 0, lostEvid = 0, lostPen = 0;
  for (const e of truth) { const c = candKey.get(e.original + "\t" + e.spun); if (!c || c.kept) continue; if (c.logOdds > 0) lostPos += e.uses; else if (c.evidence + c.prior <= 0) lostEvid += e.uses; else lostPen += e.uses; }
  console.log(`  lost uses: competition ${(lostPos / totalUses).toFixed(3)}, weak evidence ${(lostEvid / totalUses).toFixed(3)}, kept penalty ${(lostPen / totalUses).toFixed(3)}`);
  let expTrue = 0, usesTrue = 0, expFalse = 0;
  for (const c of cands) { if (!c.kept) continue; const e = truth.find((t) => t.original === c.original && t.spun === c.spun); if (e) { expTrue += c.expected; usesTrue += e.uses; } else expFalse += c.expected; }
  console.log(`  true pairs in table: expected ${expTrue.toFixed(0)} vs real uses ${usesTrue}; false pairs expected ${expFalse.toFixed(0)}`);
  let inTableUses = 0;
  for (const e of truth) { const c = candKey.get(e.original + "\t" + e.spun); if (c?.kept) inTableUses += e.uses; }
  console.log(`  in the fitted table before the output filter: ${(inTableUses / totalUses).toFixed(3)} of uses; ${cands.filter((c) => c.kept).length} pairs`);
  console.log(`  reachable ${(reach / totalUses).toFixed(3)} of uses; candidates ${cands.length}`);
  if (process.env.SHOW) { console.log("  missed:", missed.slice(0, 30).join("; ")); console.log("  lost:", lost.slice(0, 30).join("; ")); }
  let right = 0, all = 0, recallUses = 0;
  const wrong: string[] = [];
  for (const p of r.pairs) {
    all += p.count;
    const e = sp.entry(p.original);
    if (e?.spun === p.spun) { right += p.count; recallUses += truth.find((t) => t.original === p.original)?.uses ?? 0; }
    else wrong.push(`${p.original}→${p.spun} ${p.count.toFixed(1)}${e ? ` (true ${e.spun})` : ""}`);
  }
  console.log(`site ${seed}: ${r.pairs.length} pairs, precision ${(right / all).toFixed(3)} (count-weighted), recall ${(recallUses / totalUses).toFixed(3)} of ${totalUses} uses / ${truth.length} true pairs; apply ${r.apply}; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (process.env.SHOW) console.log("  wrong:", wrong.slice(0, Number(process.env.SHOW)).join("; "));
}
