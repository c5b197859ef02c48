/**
 * False positives on clean pages of every genre (issue 13; `npm run eval:genre`).
 *
 *  1. The issue's figure: the first 600 pages of the Brown corpus in corpus order (500-word pages
 *     cut at paragraph boundaries), one page in twenty spun by the simulator at rate 0.25: clean
 *     pages scoring ≥ 0.5, spun pages caught, AUROC.
 *  2. Per genre (the 15 Brown categories, file-name letters a–r), on documents the calibration
 *     never saw: the press sections a–c (held out from every fit) and the held-out split of d–r
 *     (src/detect/calibration.json records the split its fit used; scripts/calibrate.ts fits on the
 *     other part). Pages of 300–600 words. Every page is scored clean, and one spun version of it
 *     in turn: `spin()` at 0.1, 0.25 or 0.3 (every other page with the simulator's function-word
 *     table, as real spinners rewrite function words too) or a site spinner's fixed table
 *     (src/spin/site.ts: one table per site, function words, contractions, non-thesaurus pairs).
 *     Per genre: clean pages, false-positive rate at score ≥ 0.5, recall on its spun pages, AUROC.
 *
 *   node --import tsx bench/genre-eval.ts [--issue-only] [--skip-issue] [--every N] [--compare calibration.json] [--rows FILE]
 *
 * `--every N` keeps one held-out page in N (a quick look while developing). `--compare FILE` also
 * scores every page with another calibration (an earlier calibration.json: before and after from
 * one analysis of each page; the held-out split is always the shipped calibration's).
 */
import { analyze } from "../src/analyze.js";
import { BROWN_CATEGORIES } from "../src/corpus/brown.js";
import { brownPages, type BrownPage } from "../src/corpus/pages.js";
import { defaultCalibration, spinProbability, type Calibration, type Evidence } from "../src/detect/score.js";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { spin } from "../src/spin/simulate.js";
import { siteSpinner } from "../src/spin/site.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";

const args = process.argv.slice(2);
const every = Number(args[args.indexOf("--every") + 1] ?? 1) || 1;
const THRESHOLD = 0.5;
// --rows FILE keeps each page's evidence (and reads it back when the file exists), to compare calibrations quickly.
const rowsAt = args.indexOf("--rows");
const rowsFile = rowsAt >= 0 ? args[rowsAt + 1] : undefined;
const model = loadModel();
const lexicon = loadLexicon();
const t0 = performance.now();
const secs = (): string => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

/** Share of positives scoring above negatives (ties count half). */
function auroc(negatives: number[], positives: number[]): number {
  if (negatives.length === 0 || positives.length === 0) return NaN;
  const neg = [...negatives].sort((a, b) => a - b);
  let wins = 0;
  for (const p of positives) {
    let lo = 0, hi = neg.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (neg[m] < p) lo = m + 1; else hi = m; }
    let eq = lo;
    while (eq < neg.length && neg[eq] === p) eq++;
    wins += lo + (eq - lo) / 2;
  }
  return wins / (negatives.length * positives.length);
}

const pct = (k: number, n: number): string => (n === 0 ? "-" : `${((100 * k) / n).toFixed(1)} %`);
const evidence = (text: string): Evidence => {
  const stats = analyze(text, { model, lexicon, editCalibration: null }).stats;
  return { ...stats, rate: stats.spinRate };
};

const compareAt = args.indexOf("--compare");
const calibrations: Array<{ name: string; calibration: Calibration }> = [
  ...(compareAt >= 0 ? [{ name: `--compare ${args[compareAt + 1]}`, calibration: JSON.parse(readFileSync(args[compareAt + 1], "utf8")) as Calibration }] : []),
  { name: "shipped calibration", calibration: defaultCalibration() },
];
console.log(`genre evaluation: threshold ${THRESHOLD}`);
for (const c of calibrations) console.log(`  ${c.name}: ${c.calibration.features.join(", ")}; ${c.calibration.trainedOn ?? ""}`);

// 1. The issue's figure.
if (!args.includes("--skip-issue")) {
  const pages = brownPages({ minWords: 500, maxWords: 500 }).slice(0, 600);
  let clean: Evidence[] = [], spun: Evidence[] = [], cleanIds: string[] = [];
  const cache = rowsFile === undefined ? undefined : `${rowsFile}.issue`;
  if (cache !== undefined && existsSync(cache)) ({ clean, spun, cleanIds } = JSON.parse(readFileSync(cache, "utf8")) as { clean: Evidence[]; spun: Evidence[]; cleanIds: string[] });
  else {
    pages.forEach((p, i) => {
      if (i % 20 === 10) spun.push(evidence(spin(p.text, { rate: 0.25, seed: i + 1, lexicon }).text));
      else {
        clean.push(evidence(p.text));
        cleanIds.push(p.id);
      }
    });
    if (cache !== undefined) writeFileSync(cache, JSON.stringify({ clean, spun, cleanIds }));
  }
  console.log(`\nissue 13 crawl: 600 pages of 500 words in corpus order (${pages[0].id} … ${pages[599].id}), 5 % spun at 0.25 [${secs()}]`);
  for (const { name, calibration } of calibrations) {
    const cs = clean.map((e) => spinProbability(e, calibration));
    const ss = spun.map((e) => spinProbability(e, calibration));
    const fp = cs.filter((s) => s >= THRESHOLD).length;
    const caught = ss.filter((s) => s >= THRESHOLD).length;
    console.log(`  ${name}: clean pages scoring ≥ ${THRESHOLD}: ${fp} of ${cs.length} (${pct(fp, cs.length)}); spun caught ${caught} of ${ss.length}; AUROC ${auroc(cs, ss).toFixed(3)}`);
    const flagged = cs.map((s, k) => [s, k] as const).filter(([s]) => s >= THRESHOLD).map(([s, k]) => `${cleanIds[k]} ${s.toFixed(2)}`);
    if (flagged.length > 0) console.log(`    flagged: ${flagged.join(", ")}`);
  }
}
if (args.includes("--issue-only")) process.exit(0);

// 2. Per genre, on documents no fit has seen.
const split = defaultCalibration().split;
const fitted = new Set(split?.categories ?? []);
const heldOut: BrownPage[] = [
  ...brownPages({ categories: Object.keys(BROWN_CATEGORIES).filter((c) => !fitted.has(c)) }),
  ...(split === undefined ? [] : brownPages({ categories: [...fitted], split: "held-out", heldOutShare: split.heldOutShare, splitSeed: split.splitSeed })),
].filter((_, i) => i % every === 0);
heldOut.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

const KINDS = ["spin 0.1", "spin 0.25", "spin 0.3", "site"] as const;
type Kind = (typeof KINDS)[number];
const sites = [1, 2, 3].map((s) => siteSpinner({ seed: 300 + s, lexicon }));
function spunVersion(p: BrownPage, i: number): { kind: Kind; text: string } {
  const kind = KINDS[i % KINDS.length];
  if (kind === "site") return { kind, text: sites[i % sites.length].spinPage(p.text, i).text };
  const rate = kind === "spin 0.1" ? 0.1 : kind === "spin 0.25" ? 0.25 : 0.3;
  return { kind, text: spin(p.text, { rate, seed: 7000 + i, lexicon, functionWords: Math.floor(i / KINDS.length) % 2 === 1 }).text };
}

type PageEvidence = { category: string; clean: Evidence; kind: Kind; spun: Evidence };
let pages: PageEvidence[] = [];
if (rowsFile !== undefined && existsSync(rowsFile)) pages = JSON.parse(readFileSync(rowsFile, "utf8")) as PageEvidence[];
else {
  heldOut.forEach((p, i) => {
    const s = spunVersion(p, i);
    pages.push({ category: p.category, clean: evidence(p.text), kind: s.kind, spun: evidence(s.text) });
    if (i % 200 === 199) process.stderr.write(`genre-eval: ${i + 1}/${heldOut.length} pages [${secs()}]\n`);
  });
  if (rowsFile !== undefined) writeFileSync(rowsFile, JSON.stringify(pages));
}

console.log(`\nper genre: ${heldOut.length} held-out pages of 300–600 words (press a–c: every document; ${[...fitted].join("") || "none"}: the held-out split, share ${split?.heldOutShare ?? "-"}, seed ${split?.splitSeed ?? "-"}) [${secs()}]`);
console.log(`  recall = spun pages scoring ≥ ${THRESHOLD}; each page is spun once, in turn ${KINDS.join(" / ")}`);
interface GenreTally { clean: number[]; spun: Map<Kind, number[]> }
const tally = (): GenreTally => ({ clean: [], spun: new Map(KINDS.map((k) => [k, []])) });
const row = (name: string, g: GenreTally): string => {
  const fp = g.clean.filter((s) => s >= THRESHOLD).length;
  const recalls = KINDS.map((k) => {
    const s = g.spun.get(k)!;
    return `${s.filter((x) => x >= THRESHOLD).length}/${s.length}`.padEnd(10);
  });
  const spun = KINDS.flatMap((k) => g.spun.get(k)!);
  return `  ${name.padEnd(40)} ${String(g.clean.length).padStart(5)}   ${`${fp} (${pct(fp, g.clean.length)})`.padEnd(16)} ${recalls.join(" ")}  ${auroc(g.clean, spun).toFixed(3)}`;
};
for (const { name, calibration } of calibrations) {
  console.log(`\n  ${name}`);
  console.log(`  genre                                    clean   FP ≥ ${THRESHOLD}         ${KINDS.map((k) => k.padEnd(10)).join(" ")}  AUROC`);
  const byGenre = new Map<string, GenreTally>();
  const all = tally();
  for (const p of pages) {
    let g = byGenre.get(p.category);
    if (g === undefined) byGenre.set(p.category, (g = tally()));
    for (const t of [g, all]) {
      t.clean.push(spinProbability(p.clean, calibration));
      t.spun.get(p.kind)!.push(spinProbability(p.spun, calibration));
    }
  }
  for (const c of Object.keys(BROWN_CATEGORIES)) {
    const g = byGenre.get(c);
    if (g !== undefined) console.log(row(`${c} ${BROWN_CATEGORIES[c]}`, g));
  }
  console.log(row("all genres", all));
  let worst = 0;
  for (const g of byGenre.values()) worst = Math.max(worst, g.clean.filter((s) => s >= THRESHOLD).length / g.clean.length);
  console.log(`  worst genre's false-positive rate: ${pct(worst, 1)} (goal ≤ 0.5 % on every genre)`);
}
