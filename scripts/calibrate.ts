/**
 * Fits the detector's calibration (src/detect/calibration.json): a logistic regression
 * from the decoder's evidence to P(spun), on labelled text:
 *  - clean: excerpts of Brown corpus documents outside the press sections (categories d–r;
 *    the press sections a–c are held out for `npm run eval`);
 *  - spun: the same excerpts through the simulator at rates from 5 % to 40 %.
 * Excerpt lengths vary (about 100 to 1,200 words) so the score holds for short and long texts.
 *
 * usage: node --import tsx scripts/calibrate.ts [--docs N]
 */
import { writeFileSync } from "node:fs";
import { analyze } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";
import { mulberry32, spin } from "../src/spin/simulate.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/lexicon.js";
import { features, FEATURE_NAMES, type Calibration } from "../src/detect/score.js";
import { fitLogistic } from "../src/detect/fit.js";

const docsArg = process.argv.indexOf("--docs");
const limit = docsArg > 0 ? Number(process.argv[docsArg + 1]) : 240;

const random = mulberry32(20220127);
const model = loadModel();
const lexicon = loadLexicon();
const all = brownDocuments().filter((d) => !["a", "b", "c"].includes(d.category));
// Spread the sample over categories.
const docs = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / limit)) === 0).slice(0, limit);

const X: number[][] = [];
const y: number[] = [];
const rates = [0.1, 0.15, 0.2, 0.3, 0.4];
docs.forEach((d, i) => {
  const target = 100 + Math.floor(random() * 1100);
  let excerpt = "";
  for (const p of d.paragraphs) {
    if (excerpt.split(/\s+/).length >= target) break;
    excerpt += (excerpt ? "\n\n" : "") + p;
  }
  const clean = analyze(excerpt, { model, lexicon });
  X.push(features({ ...clean.stats, rate: clean.stats.spinRate }));
  y.push(0);
  const rate = rates[i % rates.length];
  const spun = spin(excerpt, { rate, seed: i + 1, lexicon }).text;
  const s = analyze(spun, { model, lexicon });
  X.push(features({ ...s.stats, rate: s.stats.spinRate }));
  y.push(1);
  if (i % 20 === 0) process.stderr.write(`calibrate: ${i + 1}/${docs.length}\n`);
});

const w = fitLogistic(X, y);

let correct = 0;
for (let n = 0; n < X.length; n++) {
  const z = [1, ...X[n]].reduce((a, xi, k) => a + xi * w[k], 0);
  if ((z > 0 ? 1 : 0) === y[n]) correct++;
}
const calibration: Calibration = {
  features: FEATURE_NAMES,
  weights: w.slice(1).map((v) => Math.round(v * 1e6) / 1e6),
  bias: Math.round(w[0] * 1e6) / 1e6,
  trainedOn: `scripts/calibrate.ts: ${docs.length} Brown excerpts outside the press sections, clean and simulator-spun at ${rates.join("/")}; training accuracy ${(correct / X.length).toFixed(3)}`,
};
writeFileSync(new URL("../src/detect/calibration.json", import.meta.url), JSON.stringify(calibration, null, 2) + "\n");
console.log(JSON.stringify(calibration, null, 2));
