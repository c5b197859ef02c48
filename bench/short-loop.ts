/**
 * Fast inner loop for the short-text rate work: the quick-start example (spun at 0.3, seed 7)
 * and the seed, with options from UNSPIN_OPTS (JSON) merged into analyze()'s options.
 * usage: UNSPIN_OPTS='{"rate":0.3}' node --import tsx bench/short-loop.ts [--verbose] [--clean N]
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze } from "../src/analyze.js";
import { spin } from "../src/spin/simulate.js";
import { brownDocuments } from "../src/corpus/brown.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";

const verbose = process.argv.includes("--verbose");
const extra = JSON.parse(process.env.UNSPIN_OPTS ?? "{}");
const opts = { model: loadModel(), lexicon: loadLexicon(), ...extra };
const root = join(import.meta.dirname, "..");
const clean = readFileSync(join(root, "examples", "harbour-bridge.txt"), "utf8");
const s = spin(clean, { rate: 0.3, seed: 7 });
const r = analyze(s.text, opts);
const right = (e: { start: number; end: number; replacement: string }) =>
  s.substitutions.some((sub) => sub.start === e.start && sub.end === e.end && sub.original.toLowerCase() === e.replacement.toLowerCase());
const ok = r.edits.filter(right);
const wrong = r.edits.filter((e) => !right(e));
console.log(`example: restored ${ok.length}/${s.substitutions.length}, wrong ${wrong.length}, score ${r.score}, fitted ${r.stats.spinRate}, restoreRate ${r.stats.restoreRate}, eligible ${r.stats.eligible}`);
if (verbose) {
  for (const e of r.edits) console.log(`   ${right(e) ? "+" : "-"} ${e.text} -> ${e.replacement} (${e.confidence})`);
  for (const sub of s.substitutions) if (!ok.some((e) => e.start === sub.start)) console.log(`   missed ${sub.spun} <- ${sub.original}`);
}
const SEED = join(root, "..", "shared", "data", "seed", "nato-2022-01-27");
if (existsSync(SEED + ".spun.txt")) {
  const text = readFileSync(SEED + ".spun.txt", "utf8");
  const sr = analyze(text, opts);
  const dir = mkdtempSync(join(tmpdir(), "unspin-loop-"));
  writeFileSync(join(dir, "r.json"), JSON.stringify(sr));
  const line = execFileSync("python3", [join(root, "..", "shared", "tools", "score-seed.py"), SEED + ".spun.txt", SEED + ".substitutions.json", join(dir, "r.json")], { encoding: "utf8" }).trim();
  console.log(`seed: ${line} fitted ${sr.stats.spinRate} restoreRate ${sr.stats.restoreRate}`);
  if (verbose) {
    const subs = (JSON.parse(readFileSync(SEED + ".substitutions.json", "utf8")) as { substitutions: Array<{ start: number; end: number; spun: string; original: string }> }).substitutions;
    for (const x of subs) {
      const e = sr.edits.find((e) => e.start < x.end && e.end > x.start);
      if (e === undefined || e.replacement.toLowerCase() !== x.original.toLowerCase()) console.log(`   seed ${x.spun} <- ${x.original}: ${e === undefined ? "kept" : `${e.text} -> ${e.replacement} (${e.confidence})`}`);
    }
    for (const e of sr.edits) if (!subs.some((x) => e.start < x.end && e.end > x.start)) console.log(`   false ${e.text} -> ${e.replacement} (${e.confidence})`);
    for (const e of sr.edits) if (subs.some((x) => e.start < x.end && e.end > x.start && e.replacement.toLowerCase() === x.original.toLowerCase())) console.log(`   seed + ${e.text} -> ${e.replacement} (${e.confidence})`);
  }
}
const i = process.argv.indexOf("--clean");
if (i > 0) {
  const n = Number(process.argv[i + 1]);
  const docs = brownDocuments({ categories: ["a", "b", "c"] }).slice(0, n);
  let words = 0, edits = 0, low = 0, spunOk = 0, spunLabels = 0, spunEdits = 0, spunWrong = 0;
  docs.forEach((d, k) => {
    const c = analyze(d.text, opts);
    words += c.stats.words; edits += c.edits.length; if (c.score < 0.2) low++;
    if (verbose) for (const e of c.edits) console.log(`   clean ${d.id}: ${e.text} -> ${e.replacement} (${e.confidence}) score ${c.score}`);
    const sp = spin(d.text, { rate: 0.3, seed: 1000 + k, lexicon: opts.lexicon });
    const a = analyze(sp.text, opts);
    const rr = (e: { start: number; end: number; replacement: string }) =>
      sp.substitutions.some((sub) => sub.start === e.start && sub.end === e.end && sub.original.toLowerCase() === e.replacement.toLowerCase());
    spunLabels += sp.substitutions.length; spunEdits += a.edits.length;
    for (const e of a.edits) if (rr(e)) spunOk++; else spunWrong++;
  });
  console.log(`clean ${docs.length} press: ${(edits / words * 1000).toFixed(2)} edits/1k words (${edits} in ${words}); score<0.2 ${low}/${docs.length}; spun30: restored ${(spunOk / spunLabels * 100).toFixed(1)}%, wrong ${spunWrong} of ${spunEdits}`);
}
