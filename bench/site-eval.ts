/**
 * What the site learner buys (issue 12): restoration of held-out pages of a simulated site
 * spinner (src/spin/site.ts) after `learn --unsupervised` on N other pages of the same site.
 *
 *   node --import tsx bench/site-eval.ts            (N = 1, 10, 100, 1000)
 *   SITE_EVAL_N=10,100 SITE_EVAL_HELD=10 node --import tsx bench/site-eval.ts
 *
 * Training pages: Brown pages of the "train" split (all sections); held-out pages: press pages
 * (sections a–c) of the "held-out" split: other documents, spun by the same site table, which
 * the learner never sees. Two sites (seeds) are averaged. Figures per N:
 * - restored: table substitutions with an edit of the same span whose replacement is the original;
 * - wrong /1k: edits on a substitution that do not restore it, per 1,000 words;
 * - false /1k: edits on no substitution, per 1,000 words;
 * - clean /1k: edits per 1,000 words on the unspun held-out originals with the learned table;
 * - ECE: expected calibration error of the edits' confidence (10 bins) on the spun pages.
 * Then: the table learned from a clean site (Brown pages, unspun) and its size.
 */
import { analyze } from "../src/analyze.js";
import { learnSite } from "../src/decode/site-learn.js";
import type { LearnedPair } from "../src/decode/learned.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { loadModel } from "../src/model/index.js";
import { brownPages } from "../src/corpus/pages.js";
import { siteSpinner, type SiteSpinner } from "../src/spin/site.js";
import { mulberry32 } from "../src/spin/simulate.js";

const NS = (process.env.SITE_EVAL_N ?? "1,10,100,1000").split(",").map(Number).filter((n) => n > 0);
const HELD = Number(process.env.SITE_EVAL_HELD ?? 12);
const SEEDS = (process.env.SITE_EVAL_SITES ?? "101,202").split(",").map(Number);
const model = loadModel();
const lexicon = loadLexicon();
const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(0);

const rnd = mulberry32(7);
const shuffle = <T,>(xs: T[]) => xs.map((d) => ({ d, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.d);
const train = shuffle(brownPages({ split: "train" }));
const held = shuffle(brownPages({ split: "held-out", categories: ["a", "b", "c"] })).slice(0, HELD);

interface Tally { subs: number; exact: number; wrong: number; falseEdits: number; words: number; clean: number; cleanWords: number; bins: Array<{ n: number; conf: number; right: number }> }
const tally = (): Tally => ({ subs: 0, exact: 0, wrong: 0, falseEdits: 0, words: 0, clean: 0, cleanWords: 0, bins: Array.from({ length: 10 }, () => ({ n: 0, conf: 0, right: 0 })) });

function measure(spinner: SiteSpinner, pairs: LearnedPair[] | undefined, t: Tally): void {
  for (const page of held) {
    const s = spinner.spinPage(page.text);
    const r = analyze(s.text, { model, lexicon, learned: pairs });
    t.words += r.stats.words;
    t.subs += s.substitutions.length;
    for (const sub of s.substitutions) {
      if (r.edits.some((e) => e.start === sub.start && e.end === sub.end && e.replacement.toLowerCase() === sub.original.toLowerCase())) t.exact++;
    }
    for (const e of r.edits) {
      const on = s.substitutions.filter((sub) => e.start < sub.end && sub.start < e.end);
      const right = on.some((sub) => sub.start === e.start && sub.end === e.end && sub.original.toLowerCase() === e.replacement.toLowerCase());
      if (on.length === 0) t.falseEdits++;
      else if (!right) t.wrong++;
      const b = t.bins[Math.min(9, Math.floor(e.confidence * 10))];
      b.n++;
      b.conf += e.confidence;
      if (right) b.right++;
    }
    const c = analyze(page.text, { model, lexicon, learned: pairs });
    t.clean += c.edits.length;
    t.cleanWords += c.stats.words;
  }
}

const pct = (a: number, b: number) => `${((100 * a) / Math.max(1, b)).toFixed(1)}%`;
const per1k = (a: number, b: number) => ((1000 * a) / Math.max(1, b)).toFixed(2);
function ece(t: Tally): string {
  let n = 0, e = 0;
  for (const b of t.bins) n += b.n;
  for (const b of t.bins) if (b.n > 0) e += (b.n / n) * Math.abs(b.conf / b.n - b.right / b.n);
  return e.toFixed(3);
}
const rows: string[][] = [];
function row(label: string, pairs: string, precision: string, t: Tally): void {
  rows.push([label, pairs, precision, `${pct(t.exact, t.subs)} (${t.exact}/${t.subs})`, per1k(t.wrong, t.words), per1k(t.falseEdits, t.words), per1k(t.clean, t.cleanWords), ece(t)]);
}

const base = tally();
for (const seed of SEEDS) measure(siteSpinner({ seed, lexicon }), undefined, base);
row("no table", "0", "-", base);
console.log(`no table: ${pct(base.exact, base.subs)} restored  [${secs()} s]`);

for (const n of NS) {
  const t = tally();
  let pairs = 0, right = 0, learnMs = 0;
  for (const seed of SEEDS) {
    const spinner = siteSpinner({ seed, lexicon });
    const pages = train.slice(0, n).map((p) => spinner.spinPage(p.text).text);
    const t1 = performance.now();
    const learned = learnSite(pages, { model, lexicon });
    learnMs += performance.now() - t1;
    pairs += learned.pairs.length;
    right += learned.pairs.filter((p) => spinner.entry(p.original)?.spun === p.spun).length;
    measure(spinner, learned.pairs, t);
  }
  row(`N=${n}`, String(Math.round(pairs / SEEDS.length)), pct(right, pairs), t);
  console.log(`N=${n}: learned ${Math.round(pairs / SEEDS.length)} pairs per site in ${(learnMs / SEEDS.length / 1000).toFixed(1)} s; restored ${pct(t.exact, t.subs)}  [${secs()} s]`);
}

const cleanN = Math.max(...NS.filter((n) => n <= 300), 10);
const cleanSite = learnSite(train.slice(0, cleanN).map((p) => p.text), { model, lexicon });
console.log(`clean site (${cleanN} unspun Brown pages): ${cleanSite.pairs.length} pairs learned${cleanSite.reason ? ` — "${cleanSite.reason}"` : ""}`);

const head = ["pages learned from", "pairs", "in the true table", "restored", "wrong /1k", "false /1k", "clean /1k", "ECE"];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ");
console.log(`\nSimulated site spinners (${SEEDS.length} sites), ${held.length} held-out press pages each:`);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`total ${secs()} s`);
