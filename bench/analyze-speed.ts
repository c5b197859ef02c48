/**
 * `analyze` throughput on spun Brown press texts, this checkout against another one in the same
 * process (same texts, same machine load), and whether both give byte-identical results.
 *
 *   node --import tsx bench/analyze-speed.ts [--against /path/to/other/checkout ...] [--rounds 3] [--docs 88]
 *
 * Texts: the Brown press sections (a–c), each spun at rate 0.2 (seed = document index) by this
 * checkout's simulator, plus the clean originals. Each round times every engine over all texts,
 * engines alternating, after a warm-up pass over every text (so both have warm caches: the
 * figure is steady-state decoding, as in a long screening run). Reports the best round per engine
 * and the JSON of every `analyze` result compared between engines.
 * Profile one engine with: node --cpu-prof --import tsx bench/analyze-speed.ts --rounds 1
 */
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { brownDocuments } from "../src/corpus/brown.js";
import { loadLexicon } from "../src/lexicon/files.js";
import { spin } from "../src/spin/simulate.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

type Analyze = (text: string) => { stats: { words: number } };

async function engineAt(root: string): Promise<Analyze> {
  const mod = (await import(pathToFileURL(path.join(root, "src", "analyze.ts")).href)) as { analyze: (t: string) => { stats: { words: number } } };
  return (text) => mod.analyze(text);
}

const rounds = Number(arg("rounds") ?? 3);
const docs = brownDocuments({ categories: ["a", "b", "c"] }).slice(0, Number(arg("docs") ?? Infinity));
const lexicon = loadLexicon();
const spun = docs.map((d, i) => spin(d.text, { rate: 0.2, seed: i, lexicon }).text);
const texts = [...spun, ...docs.map((d) => d.text)];

const here = path.resolve(import.meta.dirname, "..");
const roots = [here, ...process.argv.flatMap((a, i) => (a === "--against" && process.argv[i + 1] ? [path.resolve(process.argv[i + 1])] : []))];
const engines = await Promise.all(roots.map(engineAt));
console.log(`analyze speed: ${docs.length} Brown press docs spun at 0.2 + the same clean; ${os.availableParallelism()} cores, load ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);

// Warm-up pass, keeping each engine's output (less its timing).
const withoutTiming = (r: { stats: object }) => JSON.stringify({ ...r, stats: { ...r.stats, milliseconds: 0 } });
const outputs = engines.map((analyze) => texts.map((t) => withoutTiming(analyze(t))));
// Words per second of wall time, and per second of this process's CPU time: on a shared machine
// the wall figure counts time waiting for a core, the CPU figure does not.
const best = engines.map(() => ({ spun: 0, clean: 0, spunCpu: 0, cleanCpu: 0 }));
for (let r = 0; r < rounds; r++) {
  engines.forEach((analyze, e) => {
    for (const [label, set] of [["spun", spun], ["clean", texts.slice(spun.length)]] as const) {
      let words = 0;
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (const t of set) words += analyze(t).stats.words;
      const rate = words / ((performance.now() - t0) / 1000);
      const cpu = process.cpuUsage(c0);
      best[e][label] = Math.max(best[e][label], rate);
      best[e][`${label}Cpu`] = Math.max(best[e][`${label}Cpu`], words / ((cpu.user + cpu.system) / 1e6));
    }
  });
}
roots.forEach((root, e) => {
  const b = best[e];
  console.log(`${root}: spun ${Math.round(b.spun)} words/s (${Math.round(b.spunCpu)} per CPU second), clean ${Math.round(b.clean)} words/s (${Math.round(b.cleanCpu)} per CPU second); best of ${rounds} rounds`);
});
for (let e = 1; e < engines.length; e++) {
  let same = 0;
  const differ: number[] = [];
  for (let i = 0; i < texts.length; i++) (outputs[0][i] === outputs[e][i] ? same++ : differ.push(i));
  console.log(`against ${roots[e]}: results identical on ${same}/${texts.length} texts${differ.length ? `; differ on ${differ.slice(0, 10).join(", ")}` : ""}; ` +
    `this checkout is ${(best[0].spun / best[e].spun).toFixed(2)}× as fast on spun text (${(best[0].spunCpu / best[e].spunCpu).toFixed(2)}× per CPU second), ` +
    `${(best[0].clean / best[e].clean).toFixed(2)}× on clean (${(best[0].cleanCpu / best[e].cleanCpu).toFixed(2)}×)`);
}
if (engines.length > 1) console.log(`load after: ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
