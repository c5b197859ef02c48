/**
 * Builds src/detect/data/first-stage.bin, the tables and logistic model of the first-stage
 * detector (src/detect/first-stage.ts), from the shipped model and lexicon and from generated
 * training pages: Brown sections d–r (the press sections a–c are held out for evaluation, and the
 * screening bench crawl is made from them), in excerpts of 150–2,000 words, half clean and half
 * spun by the simulator at 3–40 %. Every excerpt is also analysed by the full engine; the logistic
 * model learns to predict the full engine's verdict (score ≥ 0.5), and the pass threshold is set
 * so that the excerpts the full engine calls spun are kept (at least `--keep`, default 99.7 %,
 * on these training pages, then lowered by a safety factor).
 *
 *   node --import tsx scripts/build-first-stage.ts [--pages 2000] [--keep 0.997] [--out FILE]
 *        [--cache DIR]   (keeps the generated pages and their full scores between builds)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { analyze } from "../src/analyze.js";
import { brownDocuments, PRESS_CATEGORIES, type BrownDocument } from "../src/corpus/brown.js";
import { fitLogistic } from "../src/detect/fit.js";
import { encodeFirstStage, FEATURE_NAMES, wordPool, FirstStage, logistic, quantiseRow, type FirstStageModel, type WordTable } from "../src/detect/first-stage.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { loadModel } from "../src/model/index.js";
import { mixSeed, mulberry32, spin } from "../src/spin/simulate.js";
import { wordTables } from "./first-stage-tables.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const PAGES = Number(arg("--pages") ?? 2000);
const KEEP = Number(arg("--keep") ?? 0.97);
/** The threshold is divided by this after the quantile: a margin for pages unlike the training ones. */
const SAFETY = Number(arg("--safety") ?? 1);
const out = arg("--out") ?? path.join(root, "src", "detect", "data", "first-stage.bin");
const cacheDir = arg("--cache");
const SEED = 13;
/** Brown categories trained on: non-fiction by default (screened crawls are mostly news and reference pages, not novels). */
const CATEGORIES = (arg("--categories") ?? "d,e,f,g,h,j").split(",");

const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(0);
const model = loadModel();
const lexicon = loadLexicon();

// 1. Word tables.
const rows = wordTables(model, lexicon, (d, n) => process.stderr.write(`\rword tables: ${d}/${n}`));
process.stderr.write("\n");
const table: WordTable = {
  pool: wordPool(rows.map((r) => r.word)),
  spin: new Int8Array(rows.length),
  eligible: new Uint8Array(rows.length),
  gain: new Uint8Array(rows.length),
};
rows.forEach((r, i) => {
  const q = quantiseRow(r.spin, r.gain);
  table.spin[i] = q.spin;
  table.gain[i] = q.gain;
  table.eligible[i] = r.eligible ? 1 : 0;
});
console.log(`word tables: ${rows.length} words (${secs()} s)`);

// 2. Training pages and the full engine's scores on them.
interface TrainPage {
  category: string;
  text: string;
  rate: number;
  full: number;
}
const RATES = [0.03, 0.05, 0.1, 0.2, 0.3, 0.4];
function excerpt(d: BrownDocument, from: number, words: number): string {
  const ps = d.paragraphs.slice(from);
  let text = "";
  let n = 0;
  for (const p of ps) {
    if (n >= words) break;
    text += (text ? "\n\n" : "") + p;
    n += p.split(/\s+/).length;
  }
  return text;
}
function trainingPages(): TrainPage[] {
  const file = cacheDir ? path.join(cacheDir, `first-stage-train-${PAGES}-${SEED}.json`) : null;
  const cached = file && fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as TrainPage[]) : null;
  const docs = brownDocuments().filter((d) => !(PRESS_CATEGORIES as readonly string[]).includes(d.category));
  const rnd = mulberry32(SEED);
  const pages: TrainPage[] = [];
  for (let i = 0; i < PAGES; i++) {
    const d = docs[Math.floor(rnd() * docs.length)];
    const words = Math.round(Math.exp(Math.log(150) + rnd() * Math.log(2000 / 150)));
    const from = Math.floor(rnd() * Math.max(1, d.paragraphs.length - 3));
    const rate = rnd() < 0.5 ? 0 : RATES[Math.floor(rnd() * RATES.length)];
    if (cached) {
      pages.push({ ...cached[i], category: d.category });
      continue;
    }
    const base = excerpt(d, from, words);
    const text = rate === 0 ? base : spin(base, { rate, seed: mixSeed(SEED, i) }).text;
    const full = analyze(text, { model, lexicon }).score;
    pages.push({ text, rate, full, category: d.category });
    if ((i + 1) % 50 === 0) process.stderr.write(`\rtraining pages: ${i + 1}/${PAGES} (${secs()} s)`);
  }
  if (cached) return pages.filter((p) => CATEGORIES.includes(p.category));
  process.stderr.write("\n");
  if (file) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(pages));
  }
  return pages.filter((p) => CATEGORIES.includes(p.category));
}
const pages = trainingPages();
console.log(`training pages: ${pages.length} (${pages.filter((p) => p.rate > 0).length} spun; ${pages.filter((p) => p.full >= 0.5).length} scored ≥ 0.5 by the full engine) (${secs()} s)`);

// 3. The logistic model: the full engine's verdict from the page's features.
const provisional = new FirstStage(table, { weights: FEATURE_NAMES.map(() => 0), intercept: 0, threshold: 0 });
const X = pages.map((p) => provisional.features(p.text).features);
const y = pages.map((p) => (p.full >= 0.5 ? 1 : 0));
const [intercept, ...weights] = fitLogistic(X, y, 1e-2, 100);
const scores = X.map((x) => logistic({ weights, intercept }, x));
// The threshold keeps the spun pages the full engine finds; its false alarms on clean pages (Brown
// fiction, mostly: on news text it has next to none) are not what the first stage should learn.
const kept = scores.filter((_, i) => y[i] === 1 && pages[i].rate > 0).sort((a, b) => a - b);
const quantile = kept[Math.floor((1 - KEEP) * kept.length)] ?? 0.5;
const threshold = Math.min(0.5, quantile / SAFETY);
const fsModel: FirstStageModel = { weights, intercept, threshold };
const cleanPass = pages.filter((p, i) => p.rate === 0 && scores[i] >= threshold).length / pages.filter((p) => p.rate === 0).length;
const fullKept = scores.filter((s, i) => y[i] === 1 && s >= threshold).length / y.filter((v) => v === 1).length;
const keptShare = kept.filter((s) => s >= threshold).length / kept.length;
console.log(`logistic: ${FEATURE_NAMES.map((f, k) => `${f} ${weights[k].toFixed(3)}`).join(", ")}, intercept ${intercept.toFixed(3)}`);
console.log(`threshold ${threshold.toFixed(4)} (the ${(1 - KEEP) * 100}% quantile of full-positive pages, ${quantile.toFixed(4)}, / ${SAFETY}): keeps ${(keptShare * 100).toFixed(2)} % of them; passes ${(cleanPass * 100).toFixed(1)} % of clean training pages; keeps ${(fullKept * 100).toFixed(2)} % of all full-positive ones (clean false alarms included)`);

// 4. The artifact.
const buf = encodeFirstStage(table, fsModel, {
  built: "scripts/build-first-stage.ts",
  trainingPages: pages.length,
  keep: KEEP,
  safety: SAFETY,
});
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, buf);
console.log(`wrote ${out}: ${(buf.length / 1024).toFixed(0)} KB (${secs()} s)`);
