/**
 * Accuracy figures (`npm run eval`):
 *  1. the seed (a real spun page, ../shared/data/seed), scored by ../shared/tools/score-seed.py;
 *  2. clean edited text: Brown corpus press sections (ca*–cc*) and the texts in examples/clean/;
 *  3. synthetic: the same press texts spun by the simulator at 10 % and 30 %.
 * The detector's calibration is fitted on other Brown sections (scripts/calibrate.ts), so the
 * press texts here are held out from it.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, type AnalysisResult, type EditCandidate } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";
import { spin } from "../src/spin/simulate.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";

const SHARED = join(import.meta.dirname, "..", "..", "shared");
const SEED = join(SHARED, "data", "seed", "nato-2022-01-27");
const quick = process.argv.includes("--quick");

function auroc(negatives: number[], positives: number[]): number {
  let wins = 0;
  for (const p of positives) for (const n of negatives) wins += p > n ? 1 : p === n ? 0.5 : 0;
  return wins / (positives.length * negatives.length);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

const model = loadModel();
const lexicon = loadLexicon();
const opts = { model, lexicon };

// 1. Seed
if (existsSync(SEED + ".spun.txt")) {
  const text = readFileSync(SEED + ".spun.txt", "utf8");
  const result = analyze(text, opts);
  const dir = mkdtempSync(join(tmpdir(), "unspin-eval-"));
  writeFileSync(join(dir, "result.json"), JSON.stringify(result));
  const line = execFileSync("python3", [join(SHARED, "tools", "score-seed.py"), SEED + ".spun.txt", SEED + ".substitutions.json", join(dir, "result.json")], { encoding: "utf8" }).trim();
  const s = JSON.parse(line) as { restored: number; annotated: number; false_edits: number; consistent: boolean };
  console.log(`seed: restored ${s.restored}/${s.annotated}, false edits ${s.false_edits}, edits ${result.edits.length}, score ${result.score.toFixed(3)}, consistent ${s.consistent}  (bars: >=30, <=3, >=0.8)`);
} else {
  console.log(`seed: ${SEED}.spun.txt not found (../shared is missing); skipped`);
}

// 2. Clean text
const press = brownDocuments({ categories: ["a", "b", "c"] });
const docs = quick ? press.slice(0, 20) : press;
const cleanDir = join(import.meta.dirname, "..", "examples", "clean");
const own = existsSync(cleanDir) ? readdirSync(cleanDir).filter((f) => f.endsWith(".txt")).map((f) => ({ id: f, text: readFileSync(join(cleanDir, f), "utf8") })) : [];
const cleanScores: number[] = [];
let cleanWords = 0, cleanEdits = 0, lowScore = 0, wordsTimed = 0, msTimed = 0;
const cleanResults: Array<{ id: string; r: AnalysisResult }> = [];
for (const d of [...docs.map((d) => ({ id: d.id, text: d.text })), ...own]) {
  const r = analyze(d.text, opts);
  cleanResults.push({ id: d.id, r });
  cleanScores.push(r.score);
  cleanWords += r.stats.words;
  cleanEdits += r.edits.length;
  if (r.score < 0.2) lowScore++;
  wordsTimed += r.stats.words;
  msTimed += r.stats.milliseconds;
}
console.log(`clean (${docs.length} Brown press + ${own.length} own texts, ${cleanWords} words): ${(cleanEdits / cleanWords * 1000).toFixed(2)} edits per 1,000 words; score < 0.2 on ${pct(lowScore / cleanScores.length)} of documents  (bars: <=1, >=95%)`);
if (process.argv.includes("--verbose")) {
  for (const { id, r } of cleanResults) for (const e of r.edits) console.log(`  clean edit ${id}: ${e.text} -> ${e.replacement} (${e.confidence})`);
}

// 3. Synthetic; edit-confidence reliability over the edits made at both rates.
/** Per bin of reported confidence: [edits, exact restorations, sum of raw posteriors / of calibrated confidences]. */
const reliability = { raw: Array.from({ length: 10 }, () => [0, 0, 0]), calibrated: Array.from({ length: 10 }, () => [0, 0, 0]) };
function tally(table: number[][], p: number, ok: boolean): void {
  const b = table[Math.min(9, Math.floor(p * 10))];
  b[0]++;
  b[1] += ok ? 1 : 0;
  b[2] += p;
}
function ece(table: number[][]): number {
  const n = table.reduce((a, b) => a + b[0], 0);
  return table.reduce((a, b) => a + (b[0] > 0 ? Math.abs(b[1] - b[2]) : 0), 0) / Math.max(1, n);
}
for (const rate of [0.1, 0.3]) {
  const spunScores: number[] = [];
  let labelled = 0, exact = 0, edits = 0, correctEdits = 0;
  docs.forEach((d, i) => {
    const s = spin(d.text, { rate, seed: 1000 + i, lexicon });
    const candidates: EditCandidate[] = [];
    const r = analyze(s.text, { ...opts, onCandidate: (c) => candidates.push(c) });
    spunScores.push(r.score);
    const right = new Set(s.substitutions.map((sub) => `${sub.start}:${sub.end}:${sub.original.toLowerCase()}`));
    for (const c of candidates) {
      if (!c.made) continue;
      const ok = right.has(`${c.start}:${c.end}:${c.replacement.toLowerCase()}`);
      tally(reliability.raw, c.evidence.posterior, ok);
      tally(reliability.calibrated, c.confidence, ok);
    }
    labelled += s.substitutions.length;
    edits += r.edits.length;
    // A label is restored exactly when an edit covers exactly its span with its original (case-insensitive).
    const byStart = new Map(r.edits.map((e) => [e.start, e]));
    for (const sub of s.substitutions) {
      const e = byStart.get(sub.start);
      if (e !== undefined && e.end === sub.end && e.replacement.toLowerCase() === sub.original.toLowerCase()) exact++;
    }
    for (const e of r.edits) if (s.substitutions.some((sub) => sub.start < e.end && e.start < sub.end)) correctEdits++;
  });
  console.log(`synthetic ${rate * 100}% (${docs.length} docs, ${labelled} substitutions): detection AUROC ${auroc(cleanScores.slice(0, docs.length), spunScores).toFixed(3)}; restored exactly ${pct(exact / labelled)}; edits on a spun span ${pct(correctEdits / Math.max(1, edits))} of ${edits}; mean score ${(spunScores.reduce((a, b) => a + b, 0) / spunScores.length).toFixed(3)}`);
}
console.log("edit confidence reliability (synthetic 10 % and 30 %, edits made; right = span and original of a substitution):");
console.log("  bin        raw posterior (before)      calibrated confidence (after)");
for (let b = 0; b < 10; b++) {
  const [n0, k0] = reliability.raw[b], [n1, k1] = reliability.calibrated[b];
  const cell = (n: number, k: number) => (n > 0 ? `precision ${(k / n).toFixed(2)} of ${String(n).padStart(5)}` : `${"-".padStart(14)} of ${"0".padStart(5)}`);
  console.log(`  ${(b / 10).toFixed(1)}-${((b + 1) / 10).toFixed(1)}    ${cell(n0, k0)}      ${cell(n1, k1)}`);
}
console.log(`  ECE: raw posterior ${ece(reliability.raw).toFixed(3)}, calibrated ${ece(reliability.calibrated).toFixed(3)}`);
console.log(`speed during eval: ${Math.round(wordsTimed / (msTimed / 1000))} words/s (analyze, one core)`);
