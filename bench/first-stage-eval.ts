/**
 * The first-stage detector (src/detect/first-stage.ts) against the full engine (`npm run eval`,
 * or `node --import tsx bench/first-stage-eval.ts [--quick]`):
 *   - on the screening bench crawl (bench/screen-corpus.ts, as bench/screen-bench.ts makes it:
 *     ~500-word news pages, 20 % spun; FIRST_STAGE_EVAL_PAGES pages, default 2,000);
 *   - on held-out Brown press text (sections a–c; the tables are fitted on d–r) spun by the
 *     simulator at 5, 10, 20 and 30 %;
 * it prints the share of the pages the full engine scores ≥ 0.5 that the first stage keeps (passes
 * on: goal ≥ 99 %), its AUROC against the labels, its pass rate on clean text, and its speed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyze } from "../src/analyze.js";
import { brownDocuments, PRESS_CATEGORIES } from "../src/corpus/brown.js";
import { loadFirstStage } from "../src/detect/first-stage.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { loadModel } from "../src/model/index.js";
import { listScreenInputs } from "../src/screen/inputs.js";
import { readRecords } from "../src/screen/records.js";
import { spin } from "../src/spin/simulate.js";
import { writeScreenCorpus } from "./screen-corpus.js";

const quick = process.argv.includes("--quick");
const PAGES = Number(process.env.FIRST_STAGE_EVAL_PAGES ?? (quick ? 600 : 2000));
const RATES = [0.05, 0.1, 0.2, 0.3];
const model = loadModel();
const lexicon = loadLexicon();
const first = loadFirstStage(process.env.FIRST_STAGE_FILE);

interface Page {
  text: string;
  /** Spun (label). */
  spun: boolean;
  /** Full-engine score. */
  full: number;
}

function auroc(pos: number[], neg: number[]): number {
  const sorted = [...neg].sort((a, b) => a - b);
  let wins = 0;
  for (const p of pos) {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < p) lo = m + 1; else hi = m; }
    let eq = lo;
    while (eq < sorted.length && sorted[eq] === p) eq++;
    wins += lo + (eq - lo) / 2;
  }
  return wins / (pos.length * sorted.length || 1);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

function report(name: string, pages: Page[]): void {
  const t0 = performance.now();
  const results = pages.map((p) => first.score(p.text));
  const us = ((performance.now() - t0) * 1000) / pages.length;
  const words = results.reduce((a, r) => a + r.words, 0);
  const fullPos = pages.map((p, i) => ({ p, r: results[i] })).filter(({ p }) => p.full >= 0.5);
  const kept = fullPos.filter(({ r }) => r.pass).length;
  const clean = pages.map((p, i) => ({ p, r: results[i] })).filter(({ p }) => !p.spun);
  const spun = pages.map((p, i) => ({ p, r: results[i] })).filter(({ p }) => p.spun);
  const auc = auroc(spun.map(({ r }) => r.score), clean.map(({ r }) => r.score));
  const fullAuc = auroc(spun.map(({ p }) => p.full), clean.map(({ p }) => p.full));
  const missed = fullPos.filter(({ r }) => !r.pass).map(({ p }) => p.full.toFixed(2));
  console.log(`${name}: ${pages.length} pages (${spun.length} spun)`);
  console.log(`  full engine ≥ 0.5 kept by the first stage: ${kept} of ${fullPos.length} = ${pct(kept / (fullPos.length || 1))}  (goal ≥ 99 %)${missed.length ? `; missed pages' full scores ${missed.slice(0, 10).join(", ")}` : ""}`);
  console.log(`  passed to the full engine: clean ${pct(clean.filter(({ r }) => r.pass).length / (clean.length || 1))}, spun ${pct(spun.filter(({ r }) => r.pass).length / (spun.length || 1))}`);
  console.log(`  AUROC against the labels: first stage ${auc.toFixed(4)}, full engine ${fullAuc.toFixed(4)}`);
  console.log(`  speed: ${us.toFixed(0)} µs a page, ${Math.round((words / (performance.now() - t0)) * 1000).toLocaleString("en-US")} words/s (one core, ${Math.round(words / pages.length)} words a page)`);
}

/** Full-engine scores cached beside a corpus (they take minutes; the texts do not change). */
function withFull(texts: { text: string; spun: boolean }[], cache: string | null): Page[] {
  if (cache && fs.existsSync(cache)) {
    const full = JSON.parse(fs.readFileSync(cache, "utf8")) as number[];
    if (full.length === texts.length) return texts.map((t, i) => ({ ...t, full: full[i] }));
  }
  const pages = texts.map((t, i) => {
    if ((i + 1) % 100 === 0) process.stderr.write(`\r  full engine: ${i + 1}/${texts.length}`);
    return { ...t, full: analyze(t.text, { model, lexicon }).score };
  });
  process.stderr.write("\n");
  if (cache) fs.writeFileSync(cache, JSON.stringify(pages.map((p) => p.full)));
  return pages;
}

console.log(`first-stage evaluation (${os.availableParallelism()} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}); tables: ${first.size.toLocaleString("en-US")} words, pass threshold ${first.model.threshold.toFixed(4)}`);

// 1. The screening bench crawl.
{
  const file = path.join(os.tmpdir(), `unspin-screen-bench-${PAGES}-1-s20.warc.gz`);
  const labelsFile = file + ".labels";
  if (!fs.existsSync(file) || !fs.existsSync(labelsFile)) await writeScreenCorpus({ pages: PAGES, seed: 1, spun: 0.2, format: "warc", out: file, labels: labelsFile });
  const labels = new Map<string, boolean>();
  for (const line of fs.readFileSync(labelsFile, "utf8").split("\n")) if (line) { const l = JSON.parse(line) as { url: string; spun: boolean }; labels.set(l.url, l.spun); }
  const texts: { text: string; spun: boolean }[] = [];
  for (const input of await listScreenInputs([file])) for await (const item of readRecords(input)) {
    if (item.page === undefined) continue;
    texts.push({ text: item.page.text, spun: labels.get(item.page.url ?? "") ?? false });
  }
  report("screening bench crawl (20 % of pages spun at 20–40 %)", withFull(texts, `${file}.full-scores.json`));
}

// 2. Brown press, held out from the tables' fit.
{
  const docs = brownDocuments({ categories: [...PRESS_CATEGORIES] });
  const use = quick ? docs.slice(0, 30) : docs;
  const cleanTexts = use.map((d) => ({ text: d.text, spun: false }));
  const cache = (name: string) => path.join(os.tmpdir(), `unspin-first-stage-eval-press-${use.length}-${name}.full-scores.json`);
  const clean = withFull(cleanTexts, cache("clean"));
  const all: Page[] = [...clean];
  for (const rate of RATES) {
    const spunPages = withFull(use.map((d, i) => ({ text: spin(d.text, { rate, seed: 1000 + i }).text, spun: true })), cache(`spun-${rate}`));
    report(`Brown press spun at ${rate * 100} % (with the ${clean.length} clean texts)`, [...clean, ...spunPages]);
    all.push(...spunPages);
  }
  report("Brown press, all rates", all);
}
