/** Every edit made on the clean press texts and examples/clean (one line each), to compare two versions. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { analyze } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";
import { loadModel } from "../src/model/index.js";
import { loadLexicon } from "../src/lexicon/files.js";
const opts = { model: loadModel(), lexicon: loadLexicon(), ...JSON.parse(process.env.UNSPIN_OPTS ?? "{}") };
const cleanDir = join(import.meta.dirname, "..", "examples", "clean");
const own = existsSync(cleanDir) ? readdirSync(cleanDir).filter((f) => f.endsWith(".txt")).map((f) => ({ id: f, text: readFileSync(join(cleanDir, f), "utf8") })) : [];
for (const d of [...brownDocuments({ categories: ["a", "b", "c"] }).map((d) => ({ id: d.id, text: d.text })), ...own]) {
  const r = analyze(d.text, opts);
  for (const e of r.edits) console.log(`${d.id}\t${e.start}\t${e.text} -> ${e.replacement}\t${e.confidence}\t${r.score}`);
}
