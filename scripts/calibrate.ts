/**
 * Fits the two calibrations of src/detect on labelled text from the train split of Brown categories
 * d–r (documents, never pages of one document, are split by a hash of the id: src/corpus/pages.ts
 * isHeldOut, with SPLIT below); the press sections a–c are held out whole for `npm run eval`, the
 * held-out documents of d–r for `npm run eval:genre`:
 *
 * 1. the document score (src/detect/calibration.json): a logistic regression from the decoder's
 *    evidence (src/detect/score.ts) to P(spun), on pages of every one of those genres cut at
 *    paragraph boundaries to 100–1,200 words and on the same documents whole (so the score holds
 *    for short and long texts), each clean and once spun: by the simulator at 0.1–0.4 (every other page with its function-word
 *    table, as real spinners rewrite function words too) or by a site spinner's fixed table
 *    (src/spin/site.ts). Clean pages weigh CLEAN_WEIGHT times a spun one: a prior of one spun
 *    page in 1 + CLEAN_WEIGHT, nearer a crawl's share than one in two, so that a page of an
 *    unusual genre needs real evidence to score ≥ 0.5;
 * 2. edit confidence (src/detect/edit-calibration.json): a logistic regression from each change
 *    the decoder considered (its raw local posterior and the features of src/detect/confidence.ts)
 *    to "the change restores the original exactly" (its span is a simulator substitution's span and
 *    its replacement that substitution's original), on clean excerpts and excerpts spun at
 *    5–40 %, a third of them with the simulator's own function-word table.
 *
 * usage: node --import tsx scripts/calibrate.ts [--docs N] [--edits-only | --score-only] [--dry-run] [--clean-weight W]
 *          [--rows FILE]   (keep the document score's evidence rows in FILE, and read them from it
 *                           when it exists: refitting the weights then takes a second)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { analyze, type EditCandidate } from "../src/analyze.js";
import { brownDocuments, type BrownDocument } from "../src/corpus/brown.js";
import { brownPages, CALIBRATION_CATEGORIES, isHeldOut } from "../src/corpus/pages.js";
import { mulberry32, spin } from "../src/spin/simulate.js";
import { siteSpinner } from "../src/spin/site.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { defaultCalibration, features, FEATURE_NAMES, type Calibration, type Evidence } from "../src/detect/score.js";
import { editFeatures, EDIT_FEATURE_NAMES, type EditCalibration } from "../src/detect/confidence.js";
import { fitLogistic } from "../src/detect/fit.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const limit = Number(arg("--docs") ?? 240);
const editsOnly = process.argv.includes("--edits-only");
const dryRun = process.argv.includes("--dry-run");
const rowsFile = arg("--rows");

/** Documents of these categories are split in two; the fits read only the train part. */
const SPLIT = { categories: [...CALIBRATION_CATEGORIES], heldOutShare: 0.5, splitSeed: 1 };
/** A clean page weighs this many spun ones in the document-score fit. */
const CLEAN_WEIGHT = Number(arg("--clean-weight") ?? 2);

const model = loadModel();
const lexicon = loadLexicon();
const all = brownDocuments({ categories: SPLIT.categories }).filter((d) => !isHeldOut(d.id, SPLIT.heldOutShare, SPLIT.splitSeed));
// Spread the sample over categories.
const sample = (n: number, offset: number) => all.filter((_, i) => i % Math.max(1, Math.floor(all.length / n)) === offset % Math.max(1, Math.floor(all.length / n))).slice(0, n);

function excerptOf(d: BrownDocument, target: number): string {
  let excerpt = "";
  for (const p of d.paragraphs) {
    if (excerpt.split(/\s+/).length >= target) break;
    excerpt += (excerpt ? "\n\n" : "") + p;
  }
  return excerpt;
}

// 1. Document score.
let calibration: Calibration = defaultCalibration();
if (!editsOnly) {
  interface Row { page: string; kind: string; spun: boolean; evidence: Evidence }
  // Pages of 100–1,200 words, and the same documents whole (about 2,000 words): a score fitted
  // only on pages would extrapolate to long texts.
  const samples = [
    ...brownPages({ categories: SPLIT.categories, split: "train", heldOutShare: SPLIT.heldOutShare, splitSeed: SPLIT.splitSeed, minWords: 100, maxWords: 1200, seed: 20220127 }),
    ...all.map((d) => ({ id: d.id, text: d.text })),
  ];
  const rows: Row[] = rowsFile !== undefined && existsSync(rowsFile) ? (JSON.parse(readFileSync(rowsFile, "utf8")) as Row[]) : [];
  const done = new Set(rows.map((r) => r.page));
  const sites = [1, 2, 3].map((seed) => siteSpinner({ seed: 500 + seed, lexicon }));
  const kinds = ["0.1", "0.15", "0.2", "0.25", "0.3", "0.4", "site", "site"];
  const evidenceOf = (text: string): Evidence => {
    const r = analyze(text, { model, lexicon, editCalibration: null });
    return { ...r.stats, rate: r.stats.spinRate };
  };
  samples.forEach((sample, i) => {
    if (done.has(sample.id)) return;
    rows.push({ page: sample.id, kind: "clean", spun: false, evidence: evidenceOf(sample.text) });
    const kind = kinds[i % kinds.length];
    const functionWords = Math.floor(i / kinds.length) % 2 === 1;
    const spun = kind === "site"
      ? sites[i % sites.length].spinPage(sample.text, i).text
      : spin(sample.text, { rate: Number(kind), seed: i + 1, lexicon, functionWords }).text;
    rows.push({ page: sample.id, kind: kind === "site" ? kind : `${kind}${functionWords ? "f" : ""}`, spun: true, evidence: evidenceOf(spun) });
    if (i % 50 === 0) process.stderr.write(`calibrate (score): ${i + 1}/${samples.length} texts\n`);
  });
  if (rowsFile !== undefined) writeFileSync(rowsFile, JSON.stringify(rows));
  const X = rows.map((r) => features(r.evidence));
  const y = rows.map((r) => (r.spun ? 1 : 0));
  const w = fitLogistic(X, y, 1e-3, 50, y.map((label) => (label === 1 ? 1 : CLEAN_WEIGHT)));
  const p = X.map((x) => 1 / (1 + Math.exp(-[1, ...x].reduce((a, xi, k) => a + xi * w[k], 0))));
  const clean = rows.filter((r) => !r.spun).length;
  const falsePositives = rows.filter((r, n) => !r.spun && p[n] >= 0.5).length;
  const caught = rows.filter((r, n) => r.spun && p[n] >= 0.5).length;
  calibration = {
    features: FEATURE_NAMES,
    weights: w.slice(1).map((v) => Math.round(v * 1e6) / 1e6),
    bias: Math.round(w[0] * 1e6) / 1e6,
    trainedOn: `scripts/calibrate.ts: ${clean} Brown texts (pages of 100–1,200 words and whole documents, train split of categories ${SPLIT.categories.join("")}), each clean and once spun (simulator at 0.1–0.4, half with its function-word table; site spinners); clean pages weighted ${CLEAN_WEIGHT}; training: clean ≥ 0.5 ${(100 * falsePositives / clean).toFixed(1)} %, spun ≥ 0.5 ${(100 * caught / (rows.length - clean)).toFixed(1)} %`,
    split: SPLIT,
  };
  if (!dryRun) writeFileSync(new URL("../src/detect/calibration.json", import.meta.url), JSON.stringify(calibration, null, 2) + "\n");
  console.log(JSON.stringify(calibration, null, 2));
}

// 2. Edit confidence: every change the decoder considers, labelled by the simulator.
if (!process.argv.includes("--score-only")) {
  const random = mulberry32(20260127);
  const docs = sample(limit, 1);
  const X: number[][] = [];
  const y: number[] = [];
  const rates = [0, 0.05, 0.1, 0.2, 0.3, 0.4];
  docs.forEach((d, i) => {
    const excerpt = excerptOf(d, 100 + Math.floor(random() * 1100));
    const rate = rates[i % rates.length];
    const s = rate > 0 ? spin(excerpt, { rate, seed: 5000 + i, lexicon, functionWords: i % 3 === 2 }) : { text: excerpt, substitutions: [] };
    const candidates: EditCandidate[] = [];
    analyze(s.text, { model, lexicon, calibration, editCalibration: null, onCandidate: (c) => candidates.push(c) });
    const right = new Set(s.substitutions.map((sub) => `${sub.start}:${sub.end}:${sub.original.toLowerCase()}`));
    for (const c of candidates) {
      X.push(editFeatures(c.evidence));
      y.push(right.has(`${c.start}:${c.end}:${c.replacement.toLowerCase()}`) ? 1 : 0);
    }
    if (i % 20 === 0) process.stderr.write(`calibrate (edits): ${i + 1}/${docs.length}, ${X.length} changes\n`);
  });
  const w = fitLogistic(X, y, 1e-2);
  let loss = 0;
  for (let n = 0; n < X.length; n++) {
    const z = [1, ...X[n]].reduce((a, xi, k) => a + xi * w[k], 0);
    const p = 1 / (1 + Math.exp(-z));
    loss -= y[n] ? Math.log(p) : Math.log(1 - p);
  }
  const edit: EditCalibration = {
    features: EDIT_FEATURE_NAMES,
    weights: w.slice(1).map((v) => Math.round(v * 1e6) / 1e6),
    bias: Math.round(w[0] * 1e6) / 1e6,
    trainedOn: `scripts/calibrate.ts: ${docs.length} Brown excerpts outside the press sections, clean and simulator-spun at ${rates.filter((r) => r > 0).join("/")} (a third with the simulator's function-word table); ${X.length} candidate changes, ${y.filter((v) => v === 1).length} right; training log-loss ${(loss / X.length).toFixed(3)}`,
  };
  if (!dryRun) writeFileSync(new URL("../src/detect/edit-calibration.json", import.meta.url), JSON.stringify(edit, null, 2) + "\n");
  console.log(JSON.stringify(edit, null, 2));
}
