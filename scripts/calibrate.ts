/**
 * Fits the two calibrations of src/detect, on labelled text outside the press sections (Brown
 * categories d–r; the press sections a–c are held out for `npm run eval`):
 *
 * 1. the document score (src/detect/calibration.json): a logistic regression from the decoder's
 *    evidence to P(spun), on clean excerpts and the same excerpts through the simulator at rates
 *    from 10 % to 40 %; excerpt lengths vary (about 100 to 1,200 words) so the score holds for
 *    short and long texts;
 * 2. edit confidence (src/detect/edit-calibration.json): a logistic regression from each change
 *    the decoder considered (its raw local posterior and the features of src/detect/confidence.ts)
 *    to "the change restores the original exactly" (its span is a simulator substitution's span and
 *    its replacement that substitution's original), on clean excerpts and excerpts spun at
 *    5–40 %, a third of them with the simulator's own function-word table.
 *
 * usage: node --import tsx scripts/calibrate.ts [--docs N] [--edits-only] [--dry-run]
 */
import { writeFileSync } from "node:fs";
import { analyze, type EditCandidate } from "../src/analyze.js";
import { brownDocuments, type BrownDocument } from "../src/corpus/brown.js";
import { mulberry32, spin } from "../src/spin/simulate.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { defaultCalibration, features, FEATURE_NAMES, type Calibration } from "../src/detect/score.js";
import { editFeatures, EDIT_FEATURE_NAMES, type EditCalibration } from "../src/detect/confidence.js";
import { fitLogistic } from "../src/detect/fit.js";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const limit = Number(arg("--docs") ?? 240);
const editsOnly = process.argv.includes("--edits-only");
const dryRun = process.argv.includes("--dry-run");

const model = loadModel();
const lexicon = loadLexicon();
const all = brownDocuments().filter((d) => !["a", "b", "c"].includes(d.category));
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
  const random = mulberry32(20220127);
  const docs = sample(limit, 0);
  const X: number[][] = [];
  const y: number[] = [];
  const rates = [0.1, 0.15, 0.2, 0.3, 0.4];
  docs.forEach((d, i) => {
    const excerpt = excerptOf(d, 100 + Math.floor(random() * 1100));
    const clean = analyze(excerpt, { model, lexicon, editCalibration: null });
    X.push(features({ ...clean.stats, rate: clean.stats.spinRate }));
    y.push(0);
    const rate = rates[i % rates.length];
    const spun = spin(excerpt, { rate, seed: i + 1, lexicon }).text;
    const s = analyze(spun, { model, lexicon, editCalibration: null });
    X.push(features({ ...s.stats, rate: s.stats.spinRate }));
    y.push(1);
    if (i % 20 === 0) process.stderr.write(`calibrate (score): ${i + 1}/${docs.length}\n`);
  });
  const w = fitLogistic(X, y);
  let correct = 0;
  for (let n = 0; n < X.length; n++) {
    const z = [1, ...X[n]].reduce((a, xi, k) => a + xi * w[k], 0);
    if ((z > 0 ? 1 : 0) === y[n]) correct++;
  }
  calibration = {
    features: FEATURE_NAMES,
    weights: w.slice(1).map((v) => Math.round(v * 1e6) / 1e6),
    bias: Math.round(w[0] * 1e6) / 1e6,
    trainedOn: `scripts/calibrate.ts: ${docs.length} Brown excerpts outside the press sections, clean and simulator-spun at ${rates.join("/")}; training accuracy ${(correct / X.length).toFixed(3)}`,
  };
  if (!dryRun) writeFileSync(new URL("../src/detect/calibration.json", import.meta.url), JSON.stringify(calibration, null, 2) + "\n");
  console.log(JSON.stringify(calibration, null, 2));
}

// 2. Edit confidence: every change the decoder considers, labelled by the simulator.
{
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
