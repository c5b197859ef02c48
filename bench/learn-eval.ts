/**
 * What `unspin learn` buys (issue 3): restoration of copies made by a spinner table the
 * restorer has never seen, before and after learning from N traced (source, copy) pairs.
 *
 *   node --import tsx bench/learn-eval.ts            (N = 10, 50, 200)
 *   LEARN_EVAL_N=10,50 LEARN_EVAL_HELD=20 node --import tsx bench/learn-eval.ts
 *
 * Env: LEARN_EVAL_N comma list of N (default 10,50,200), LEARN_EVAL_HELD held-out documents
 * (default 30), LEARN_EVAL_TABLE words in the unseen table (default 3000), LEARN_EVAL_WEIGHT the
 * channel's bonus for learned pairs in the "after" runs (weights.learned; default: the engine's),
 * LEARN_EVAL_KEEP=1 keeps the temp index and writes a spun held-out copy beside it (for
 * `unspin restore --db`).
 *
 * 1. The unseen spinner table: for the most frequent lower-case content words of the Brown
 *    corpus, ONE fixed substitute that the restorer's lexicon does not list the word for in
 *    the inverse direction (word ∉ lexicon.match(substitute) originals). The substitute is a
 *    forward neighbour the inverse misses where there is one (asymmetric links, the inverse's
 *    per-word cap), else a synonym of a synonym (two links away, often another sense). So
 *    without learning the restorer cannot propose the original at all.
 * 2. Brown documents, shuffled with a fixed seed: the first HELD are held out (never indexed),
 *    the next max(N) are sources. Sources are indexed in a temp SQLite index, spun with the
 *    table at rate 0.3, each copy traced with `record: true`, then `learn()`. N grows by adding
 *    sources to the same index, so N = 50 includes the 10 traced pairs of N = 10.
 * 3. The held-out documents are spun the same way and restored with `analyze()` without and
 *    with `learned = await index.learnedSubstitutions()`. A table substitution is restored
 *    exactly when an edit has its span and the original as replacement (case-insensitive);
 *    other edits on a substitution are wrong, edits on no substitution are false. The clean
 *    held-out originals are analysed too, to show what the learned pairs do to unspun text.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { analyze, type AnalysisResult } from "../src/analyze.js";
import { brownDocuments } from "../src/corpus/brown.js";
import type { LearnedPair } from "../src/decode/learned.js";
import { loadLexicon } from "../src/lexicon/files.js";
import type { ForwardCandidate as LexForward, Lexicon } from "../src/lexicon/lexicon.js";
import { loadModel } from "../src/model/index.js";
import { mulberry32, spin, type ForwardLexicon, type SpinResult } from "../src/spin/simulate.js";
import { fnv1a } from "../src/text/hash.js";
import { tokenize } from "../src/text/tokenize.js";
import { openIndex } from "../src/trace/index.js";
import { STOPWORDS } from "../src/trace/keys.js";

const NS = (process.env.LEARN_EVAL_N ?? "10,50,200").split(",").map(Number).filter((n) => n > 0).sort((a, b) => a - b);
const HELD = Number(process.env.LEARN_EVAL_HELD ?? 30);
const TABLE_SIZE = Number(process.env.LEARN_EVAL_TABLE ?? 3000);
const KEEP = process.env.LEARN_EVAL_KEEP === "1";
const WEIGHT = process.env.LEARN_EVAL_WEIGHT === undefined ? undefined : Number(process.env.LEARN_EVAL_WEIGHT);
const RATE = 0.3;
const SPIN_SEED = 11;

const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const model = loadModel();
const lexicon = loadLexicon();
const restoreOpts = { model, lexicon };

// ------------------------------------------------------------------ 1. the unseen table

/** Whether the restorer's lexicon lists `original` among the originals of `spun`. */
function inverseLists(spun: string, original: string): boolean {
  const words = spun.split(" ");
  return lexicon.match(words, 0).some((m) => m.length === words.length && m.substitutions.some((s) => s.original === original));
}

/** Preference among substitutes: single words, then synonyms before near neighbours, frequent senses first. */
const rank = (c: LexForward) => (c.spun.includes(" ") ? 1000 : 0) + (c.relation === "synonym" ? 0 : c.relation === "similar" ? 1 : 2) * 100 + c.senseRank;

/** Forward candidates a thesaurus table would list: one original word, no phrase-table rows, no co-hyponyms. */
function thesaurus(lex: Lexicon, word: string): LexForward[] {
  return lex.forward([word], 0)
    .filter((c) => c.length === 1 && c.link !== "phrase" && c.link !== "sibling" && c.link !== "similar2" &&
      c.spun !== word && /^[a-z]+(?: [a-z]+)?$/.test(c.spun))
    .sort((a, b) => rank(a) - rank(b) || (a.spun < b.spun ? -1 : 1));
}

/** The fixed substitute for a word, or undefined; deterministic (ties broken by a hash of the word). */
function unseenSubstitute(word: string): string | undefined {
  const direct = thesaurus(lexicon, word).filter((c) => !inverseLists(c.spun, word));
  if (direct.length > 0) {
    const best = direct.filter((c) => rank(c) === rank(direct[0]));
    return best[fnv1a(word) % best.length].spun;
  }
  // Two links away: a synonym of one of the word's first few synonyms.
  for (const first of thesaurus(lexicon, word).slice(0, 5)) {
    if (first.spun.includes(" ")) continue;
    for (const second of thesaurus(lexicon, first.spun)) {
      if (second.relation !== "synonym" || second.spun === word) continue;
      if (!inverseLists(second.spun, word)) return second.spun;
    }
  }
  return undefined;
}

const docs = brownDocuments();
const freq = new Map<string, number>();
for (const d of docs) {
  for (const t of tokenize(d.text)) {
    if (t.kind === "word" && !t.capitalised && /^[a-z]{3,}$/.test(t.norm) && !STOPWORDS.has(t.norm)) freq.set(t.norm, (freq.get(t.norm) ?? 0) + 1);
  }
}
const table = new Map<string, string>();
for (const [word] of [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))) {
  if (table.size >= TABLE_SIZE) break;
  const s = unseenSubstitute(word);
  if (s !== undefined) table.set(word, s);
}
const unseen: ForwardLexicon = {
  forward(norms, i) {
    const spun = table.get(norms[i]);
    return spun === undefined ? [] : [{ length: 1, spun, relation: "synonym", senseRank: 0, fanout: 1 }];
  },
};
const spinUnseen = (text: string): SpinResult => spin(text, { rate: RATE, seed: SPIN_SEED, lexicon: unseen });
const sample = [...table].slice(0, 12).map(([o, s]) => `${o}→${s}`).join(", ");
console.log(`unseen table: ${table.size} words (of the ${TABLE_SIZE} most frequent content words tried), e.g. ${sample}  [${secs()} s]`);

// ------------------------------------------------------------------ 2. documents

const rnd = mulberry32(2024);
const order = docs.map((d) => ({ d, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.d);
const held = order.slice(0, HELD);
const sources = order.slice(HELD, HELD + NS[NS.length - 1]);
if (sources.length < NS[NS.length - 1]) throw new Error(`only ${sources.length} Brown documents left for sources`);
const heldSpun = held.map((d) => spinUnseen(d.text));
const heldWords = heldSpun.reduce((n, s) => n + tokenize(s.text).filter((t) => t.kind === "word").length, 0);
const heldSubs = heldSpun.reduce((n, s) => n + s.substitutions.length, 0);
console.log(`held out: ${held.length} Brown documents, ${heldWords} words, ${heldSubs} table substitutions (rate ${RATE}); sources: ${sources.length}`);

// ------------------------------------------------------------------ 3. restoration figures

interface Figures {
  subs: number; exact: number; wrong: number; falseEdits: number; words: number;
  covered: number; coveredExact: number; clean: number; cleanWords: number; score: number; ms: number;
}

const key = (original: string, spun: string) => original.toLowerCase() + "\t" + spun.toLowerCase();

function measure(learned: LearnedPair[] | undefined): Figures {
  const opts = { ...restoreOpts, learned, ...(learned && WEIGHT !== undefined ? { weights: { learned: WEIGHT } } : {}) };
  const known = new Set((learned ?? []).map((p) => key(p.original, p.spun)));
  const f: Figures = { subs: 0, exact: 0, wrong: 0, falseEdits: 0, words: 0, covered: 0, coveredExact: 0, clean: 0, cleanWords: 0, score: 0, ms: 0 };
  const t = performance.now();
  held.forEach((doc, k) => {
    const s = heldSpun[k];
    const r: AnalysisResult = analyze(s.text, opts);
    f.words += r.stats.words;
    f.score += r.score / held.length;
    f.subs += s.substitutions.length;
    const bySpan = new Map(r.edits.map((e) => [`${e.start}:${e.end}`, e]));
    for (const sub of s.substitutions) {
      const e = bySpan.get(`${sub.start}:${sub.end}`);
      const ok = e !== undefined && e.replacement.toLowerCase() === sub.original.toLowerCase();
      if (ok) f.exact++;
      if (known.has(key(sub.original, sub.spun))) {
        f.covered++;
        if (ok) f.coveredExact++;
      }
    }
    for (const e of r.edits) {
      const onSub = s.substitutions.some((sub) => e.start < sub.end && sub.start < e.end);
      if (!onSub) f.falseEdits++;
      else if (!s.substitutions.some((sub) => sub.start === e.start && sub.end === e.end && sub.original.toLowerCase() === e.replacement.toLowerCase())) f.wrong++;
    }
    const c = analyze(doc.text, opts);
    f.clean += c.edits.length;
    f.cleanWords += c.stats.words;
  });
  f.ms = performance.now() - t;
  return f;
}

const pct = (a: number, b: number) => (b > 0 ? `${((100 * a) / b).toFixed(1)}%` : "-");
const per1k = (a: number, b: number) => (b > 0 ? ((1000 * a) / b).toFixed(2) : "-");

const rows: string[][] = [];
function row(label: string, pairs: string, precision: string, f: Figures): void {
  rows.push([
    label, pairs, precision, f.score.toFixed(3), `${pct(f.exact, f.subs)} (${f.exact}/${f.subs})`, pct(f.covered, f.subs), pct(f.coveredExact, f.covered),
    String(f.wrong), per1k(f.falseEdits, f.words), pct(f.exact + f.wrong, f.exact + f.wrong + f.falseEdits), per1k(f.clean, f.cleanWords),
  ]);
}

const before = measure(undefined);
row("before (no --db)", "0", "-", before);
console.log(`before: ${pct(before.exact, before.subs)} restored exactly  [${secs()} s]`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-learn-eval-"));
const dbPath = path.join(dir, "learn.db");
const index = await openIndex(dbPath);
let indexed = 0, rank1 = 0, recorded = 0;
try {
  for (const n of NS) {
    const batch = sources.slice(indexed, n);
    await index.add(batch.map((d) => ({ id: d.id, text: d.text, title: d.id })));
    for (const d of batch) {
      const copy = spinUnseen(d.text);
      const [best] = (await index.trace(copy.text, { top: 1, record: true })).matches;
      if (best?.id === d.id) rank1++;
      if (best?.id === d.id && best.score >= 0.9 && best.kind === "spun") recorded++;
    }
    indexed = n;
    const learnt = await index.learn();
    const learned = await index.learnedSubstitutions();
    const correct = learned.filter((p) => table.get(p.original) === p.spun).length;
    console.log(`N=${n}: traced ${indexed} copies, ${rank1} to their source at rank 1, ${recorded} recorded (score >= 0.9, spun); learn() folded ${learnt.traces} traces, ${learnt.pairs} pairs → ${learned.length} channel pairs  [${secs()} s]`);
    const after = measure(learned);
    row(`after N=${n}`, String(learned.length), pct(correct, learned.length), after);
  }
} finally {
  await index.close();
}

if (KEEP) {
  fs.writeFileSync(path.join(dir, "copy.txt"), heldSpun[0].text);
  fs.writeFileSync(path.join(dir, "copy.substitutions.json"), JSON.stringify(heldSpun[0].substitutions, null, 1));
  console.log(`kept ${dbPath}; a spun held-out copy (${held[0].id}) is ${path.join(dir, "copy.txt")}`);
} else {
  fs.rmSync(dir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ table

const head = ["", "learned pairs", "from table", "mean score", "restored exactly", "pair learned", "exact | learned", "wrong edits", "false /1k words", "edits on a sub", "clean edits /1k"];
const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r: string[]) => r.map((x, c) => (c === 0 ? x.padEnd(widths[c]) : x.padStart(widths[c]))).join("  ");
console.log(`\nRestoration of copies spun by a table the restorer has never seen (rate ${RATE}, held-out Brown documents${WEIGHT === undefined ? "" : `, learned-pair bonus ${WEIGHT}`}):`);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`
restored exactly: table substitutions with an edit of the same span whose replacement is the original;
pair learned: share of those substitutions whose (original, spun) pair is in the learned channel table;
exact | learned: restored exactly among those; wrong edits: edits on a substitution that do not restore it;
false /1k words: edits on no substitution, per 1,000 words of spun text; edits on a sub: share of all edits
that touch a substitution; clean edits /1k: edits per 1,000 words on the unspun held-out originals.
from table: learned pairs that are entries of the table; mean score: the detector's score on the spun copies.
total ${secs()} s`);
