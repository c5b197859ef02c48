/**
 * Tracer evaluation (issue 3 bars). Quick run:
 *   TRACE_EVAL_N=5000 TRACE_EVAL_Q=30 node --import tsx bench/trace-eval.ts
 * Full run (100k documents): node --import tsx bench/trace-eval.ts
 * Options (env): TRACE_EVAL_N index size (100000), TRACE_EVAL_Q queries per condition (100),
 * TRACE_EVAL_DB index path (a temp file; an existing file with the same size is reused),
 * TRACE_EVAL_FIT=1 fit the score's logistic coefficients and print them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { mulberry32, type SpinSubstitution } from "../src/spin/simulate.js";
import { openIndex, type DetailedMatch, type TraceIndex } from "../src/trace/index.js";
import { COEFFICIENTS, vector } from "../src/trace/score.js";
import {
  BOILERPLATE_HEAD, BOILERPLATE_TAIL, hardDistractors, makeSpinner, MarkovGenerator, partial, rewrite, roundTrip, split,
} from "./trace-corpus.js";

const N = Number(process.env.TRACE_EVAL_N ?? 100_000);
const Q = Number(process.env.TRACE_EVAL_Q ?? 100);
const FIT = process.env.TRACE_EVAL_FIT === "1";
const DB = process.env.TRACE_EVAL_DB ?? path.join(os.tmpdir(), `unspin-trace-eval-v2-${N}.db`);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SEED_DIR = path.resolve(ROOT, "../shared/data/seed");

const spinner = makeSpinner();
const { sources, hosts, unrelated } = split(1, 100, 100);
const hard = hardDistractors(sources, hosts, 3);
const hardIds = new Set(hard.map((h) => h.id));

function seedMaterial(): { spun: string; original: string; gold: { start: number; end: number; original: string }[] } | undefined {
  const tf = path.join(SEED_DIR, "nato-2022-01-27.spun.txt");
  const sf = path.join(SEED_DIR, "nato-2022-01-27.substitutions.json");
  if (!fs.existsSync(tf) || !fs.existsSync(sf)) return undefined;
  const spun = fs.readFileSync(tf, "utf8");
  const gold = JSON.parse(fs.readFileSync(sf, "utf8")).substitutions as { start: number; end: number; original: string }[];
  let original = "", pos = 0;
  for (const g of gold) {
    original += spun.slice(pos, g.start) + g.original;
    pos = g.end;
  }
  return { spun, original: original + spun.slice(pos), gold };
}

async function build(): Promise<TraceIndex> {
  const seed = seedMaterial();
  if (fs.existsSync(DB)) {
    const ix = await openIndex(DB);
    if ((await ix.stats()).documents >= N) {
      console.log(`reusing ${DB}`);
      return ix;
    }
    await ix.close();
    for (const f of [DB, DB + "-wal", DB + "-shm"]) fs.rmSync(f, { force: true });
  }
  const ix = await openIndex(DB);
  const t0 = performance.now();
  const fixed = [
    ...sources.map((d) => ({ id: d.id, text: d.text })),
    ...hard,
    ...(seed ? [{ id: "seed-original", text: seed.original }] : []),
  ];
  await ix.add(fixed);
  const gen = new MarkovGenerator(sources);
  const r = await ix.add(gen.documents(Math.max(0, N - fixed.length), 500, 42), {
    batchSize: 2000,
    onProgress: (p) => {
      if (p.seen % 20000 < 2000) process.stderr.write(`  indexed ${p.seen + fixed.length}\r`);
    },
  });
  const secs = (performance.now() - t0) / 1000;
  console.log(`built ${DB}: ${fixed.length + r.added} documents (${sources.length} Brown sources, ${hard.length} hard distractors, ${r.added} generated) in ${secs.toFixed(1)} s`);
  return ix;
}

interface Outcome { rank1: boolean; rank1NoHard: boolean; top: DetailedMatch | undefined; matches: DetailedMatch[] }

async function query(ix: TraceIndex, text: string, truth: string): Promise<Outcome> {
  const matches = await ix.traceDetailed(text, { top: 10 });
  const noHard = matches.filter((m) => !hardIds.has(m.id));
  return { rank1: matches[0]?.id === truth, rank1NoHard: noHard[0]?.id === truth, top: matches[0], matches };
}

const samples: { x: number[]; y: number }[] = [];
function collect(o: Outcome, truth: string | undefined): void {
  for (const m of o.matches) samples.push({ x: vector(m.features), y: m.id === truth ? 1 : 0 });
}

function prf(pred: { copyStart: number; copyEnd: number }[], gold: SpinSubstitution[]) {
  const ov = (p: { copyStart: number; copyEnd: number }, g: SpinSubstitution) =>
    p.copyEnd > p.copyStart ? p.copyStart < g.end && p.copyEnd > g.start : p.copyStart >= g.start && p.copyStart <= g.end;
  return {
    tp: pred.filter((p) => gold.some((g) => ov(p, g))).length, np: pred.length,
    found: gold.filter((g) => pred.some((p) => ov(p, g))).length, ng: gold.length,
  };
}

const pct = (a: number, b: number) => (b ? (a / b).toFixed(3) : "n/a");

/** How the best match's `kind` was reported, over a condition's queries. */
class KindTally {
  private counts = new Map<string, number>();
  add(o: Outcome): void {
    const k = o.top?.kind ?? "no match";
    this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
  }
  toString(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  }
}

async function main(): Promise<void> {
  console.log(`trace eval: N=${N}, Q=${Q}, spinner: ${spinner.lexicon}`);
  const ix = await build();
  console.log(`lexicon: ${ix.lexicon.source}`);
  const rnd = mulberry32(7);
  const pick = () => sources[Math.floor(rnd() * sources.length)];
  const rows: string[] = [];
  let P = { tp: 0, np: 0, found: 0, ng: 0 };
  const lat: number[] = [];
  {
    const kinds = new KindTally();
    let ok = 0;
    for (let q = 0; q < Q; q++) {
      const d = pick();
      const o = await query(ix, d.text, d.id);
      if (o.rank1) ok++;
      kinds.add(o);
    }
    rows.push(`recall@1 verbatim copies                              ${pct(ok, Q)}   kind: ${kinds}`);
  }
  for (const rate of [0.1, 0.2, 0.4]) {
    const kinds = new KindTally();
    let ok = 0, okNoHard = 0;
    for (let q = 0; q < Q; q++) {
      const d = pick();
      const s = spinner.spin(d.text, rate, 1000 + q);
      const t = performance.now();
      const o = await query(ix, s.text, d.id);
      lat.push(performance.now() - t);
      collect(o, d.id);
      kinds.add(o);
      if (o.rank1) ok++;
      if (o.rank1NoHard) okNoHard++;
      if (o.rank1 && o.top) {
        const m = prf(o.top.alignment.substitutions, s.substitutions);
        P = { tp: P.tp + m.tp, np: P.np + m.np, found: P.found + m.found, ng: P.ng + m.ng };
      }
    }
    rows.push(`recall@1 spun ${rate * 100}% (whole documents)          ${pct(ok, Q)}   without hard distractors ${pct(okNoHard, Q)}   kind: ${kinds}`);
  }
  {
    const kinds = new KindTally();
    let ok = 0, okNoHard = 0;
    for (let q = 0; q < Q; q++) {
      const d = pick();
      const share = 0.3 + rnd() * 0.2;
      const s = spinner.spin(partial(d, share, rnd), 0.2, 2000 + q);
      const text = (q % 2 ? BOILERPLATE_HEAD + "\n\n" : "") + s.text + (q % 3 ? "\n\n" + BOILERPLATE_TAIL : "");
      const o = await query(ix, text, d.id);
      collect(o, d.id);
      kinds.add(o);
      if (o.rank1) ok++;
      if (o.rank1NoHard) okNoHard++;
    }
    rows.push(`recall@1 partial copies 30–50%, spun 20%, boilerplate ${pct(ok, Q)}   without hard distractors ${pct(okNoHard, Q)}   kind: ${kinds}`);
  }
  {
    const kinds = new KindTally();
    let ok = 0, okNoHard = 0;
    for (let q = 0; q < Q; q++) {
      const d = pick();
      const s = spinner.spin(rewrite(partial(d, 0.5, rnd), rnd), 0.1, 3000 + q);
      const o = await query(ix, s.text, d.id);
      collect(o, d.id);
      kinds.add(o);
      if (o.rank1) ok++;
      if (o.rank1NoHard) okNoHard++;
    }
    rows.push(`recall@1 sentence-level rewrites (50% part, spun 10%)  ${pct(ok, Q)}   without hard distractors ${pct(okNoHard, Q)}   kind: ${kinds}`);
  }
  {
    // Translation-like round trips: names respelled, neighbours swapped, a fifth of the
    // content words replaced by unrelated words (from the held-out unrelated documents).
    const pool = unrelated.flatMap((d) => d.text.split(/\s+/)).filter((w) => /^[a-z]{4,}$/.test(w));
    const kinds = new KindTally();
    let ok = 0, okNoHard = 0;
    for (let q = 0; q < Q; q++) {
      const d = pick();
      const o = await query(ix, roundTrip(d.text, 0.2, pool, rnd), d.id);
      kinds.add(o);
      if (o.rank1) ok++;
      if (o.rank1NoHard) okNoHard++;
    }
    rows.push(`recall@1 translation-like round trips (not a bar)       ${pct(ok, Q)}   without hard distractors ${pct(okNoHard, Q)}   kind: ${kinds}`);
  }
  {
    const kinds = new KindTally();
    let fp = 0;
    const n = Math.min(Q, unrelated.length);
    for (let q = 0; q < n; q++) {
      const d = unrelated[q];
      const s = spinner.spin(d.text, 0.2, 4000 + q);
      const o = await query(ix, s.text, "none");
      collect(o, undefined);
      kinds.add(o);
      if (o.top && o.top.score >= 0.5) fp++;
    }
    rows.push(`unrelated queries matched with score >= 0.5           ${pct(fp, n)} (${fp}/${n})   kind: ${kinds}`);
  }
  rows.push(`alignment vs simulator labels: precision ${pct(P.tp, P.np)}, recall ${pct(P.found, P.ng)} (${P.ng} labelled substitutions)`);
  const seed = seedMaterial();
  if (seed) {
    const matches = await ix.traceDetailed(seed.spun, { top: 10 });
    const rank = matches.findIndex((m) => m.id === "seed-original") + 1;
    let located = 0, exact = 0;
    const m = matches.find((x) => x.id === "seed-original");
    if (m) {
      for (const g of seed.gold) {
        const hits = m.alignment.substitutions.filter((p) => (p.copyEnd > p.copyStart ? p.copyStart < g.end && p.copyEnd > g.start : p.copyStart >= g.start && p.copyStart <= g.end));
        if (!hits.length) continue;
        located++;
        const src = seed.original.slice(Math.min(...hits.map((h) => h.sourceStart)), Math.max(...hits.map((h) => h.sourceEnd)));
        if (src.toLowerCase().replace(/\s+/g, " ") === g.original.toLowerCase()) exact++;
      }
    }
    rows.push(`seed: rank ${rank || "not found"}, score ${m?.score ?? 0}, substitutions located ${located}/51, with exact original ${exact}/51`);
  } else {
    rows.push("seed: ../shared/data/seed not found, skipped");
  }
  lat.sort((a, b) => a - b);
  rows.push(`trace latency on whole Brown documents (~2,000 words): p50 ${lat[Math.floor(lat.length / 2)].toFixed(1)} ms, p95 ${lat[Math.floor(lat.length * 0.95)].toFixed(1)} ms`);
  console.log("\n" + rows.join("\n"));
  if (FIT) fit();
  await ix.close();
}

/** Reliability of the current score, then a logistic fit (standardised features) to compare. */
function fit(): void {
  const d = samples[0].x.length;
  const prob = (w: number[], x: number[]) => {
    let z = w[0];
    for (let i = 0; i < d; i++) z += w[i + 1] * x[i];
    return 1 / (1 + Math.exp(-z));
  };
  const table = (w: number[], label: string) => {
    const bins = Array.from({ length: 10 }, () => ({ n: 0, pos: 0 }));
    for (const s of samples) {
      const b = bins[Math.min(9, Math.floor(prob(w, s.x) * 10))];
      b.n++;
      b.pos += s.y;
    }
    console.log(`${label} (score bin: share of true sources, candidates):`);
    bins.forEach((b, i) => b.n && console.log(`  ${(i / 10).toFixed(1)}–${((i + 1) / 10).toFixed(1)}: ${(b.pos / b.n).toFixed(3)} (${b.n})`));
  };
  console.log(`\n${samples.length} aligned candidates, ${samples.filter((s) => s.y).length} of them true sources`);
  table(COEFFICIENTS, "current score");
  const mean = Array.from({ length: d }, (_, i) => samples.reduce((a, s) => a + s.x[i], 0) / samples.length);
  const sd = Array.from({ length: d }, (_, i) => Math.sqrt(samples.reduce((a, s) => a + (s.x[i] - mean[i]) ** 2, 0) / samples.length) || 1);
  const z = samples.map((s) => ({ x: s.x.map((v, i) => (v - mean[i]) / sd[i]), y: s.y }));
  const w = new Array(d + 1).fill(0);
  for (let it = 0; it < 4000; it++) {
    const g = new Array(d + 1).fill(0);
    for (const s of z) {
      const e = prob(w, s.x) - s.y;
      g[0] += e;
      for (let i = 0; i < d; i++) g[i + 1] += e * s.x[i];
    }
    for (let i = 0; i <= d; i++) w[i] -= 0.5 * (g[i] / z.length + (i ? 1e-3 * w[i] : 0));
  }
  const raw = [w[0] - w.slice(1).reduce((a, wi, i) => a + (wi * mean[i]) / sd[i], 0), ...w.slice(1).map((wi, i) => wi / sd[i])];
  console.log(`fitted COEFFICIENTS = [${raw.map((x) => x.toFixed(3)).join(", ")}]`);
  table(raw, "fitted score");
}

await main();
