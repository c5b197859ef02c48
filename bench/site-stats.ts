/**
 * Statistics of simulated site spinners (src/spin/site.ts): density, habits, and how much of the
 * site's table the restorer's inverse lexicon lists. Usage:
 *   node --import tsx bench/site-stats.ts [--pages N] [--sites K] [--sections press|calibration|all] [--coverage X] ...
 * Any SiteSpinnerOptions share can be overridden with --name value.
 */

import { brownPages, CALIBRATION_CATEGORIES, EVALUATION_CATEGORIES } from "../src/corpus/pages.js";
import { siteSpinner, isContentWord, type SiteHabit, type SiteSpinnerOptions } from "../src/spin/site.js";
import { unspinWith } from "../src/spin/simulate.js";
import { tokenize } from "../src/text/tokenize.js";
import { loadLexicon } from "../src/lexicon/files.js";

const args = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : undefined;
};
const PAGES = Number(arg("pages") ?? 200);
const SITES = Number(arg("sites") ?? 3);
const sections = arg("sections") ?? "calibration";
const categories = sections === "press" ? EVALUATION_CATEGORIES : sections === "all" ? undefined : CALIBRATION_CATEGORIES;
const overrides: Partial<SiteSpinnerOptions> = {};
for (const name of ["coverage", "functionCoverage", "contractionCoverage", "beyond", "application", "partialShare"] as const) {
  const v = arg(name);
  if (v !== undefined) overrides[name] = Number(v);
}

const t0 = Date.now();
const lexicon = loadLexicon();
const all = brownPages({ categories });
console.log(`${all.length} pages in sections ${sections}; ${SITES} sites × ${PAGES} pages  [${((Date.now() - t0) / 1000).toFixed(1)} s]`);

const pct = (a: number, b: number): string => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)} %`);
for (let site = 1; site <= SITES; site++) {
  const spinner = siteSpinner({ seed: 1000 + site, lexicon, ...overrides });
  // Each site gets its own deterministic sample of pages (a stride through the list).
  const pages = Array.from({ length: Math.min(PAGES, all.length) }, (_, k) => all[(k * 7 + site * 13) % all.length]);
  let words = 0, content = 0, changedWords = 0, changedContent = 0, subs = 0, multi = 0, partial = 0, eligible = 0;
  const habits = new Map<SiteHabit, number>();
  let listedSubs = 0, knownSubs = 0;
  let fullWords = 0, fullContent = 0, fullChanged = 0, fullChangedContent = 0, fullSubs = 0;
  for (const p of pages) {
    const r = spinner.spinPage(p.text);
    if (unspinWith(r.text, r.substitutions) !== p.text) throw new Error(`round trip failed on ${p.id}`);
    const full = r.spunParagraphs === r.paragraphs;
    if (!full) partial++;
    if (full) fullSubs += r.substitutions.length;
    eligible += r.eligible;
    const inside = new Set<number>();
    for (const s of r.substitutions) {
      subs++;
      habits.set(s.habit, (habits.get(s.habit) ?? 0) + 1);
      if (s.original.includes(" ") || s.spun.includes(" ")) multi++;
      if (s.listed !== undefined) {
        knownSubs++;
        if (s.listed) listedSubs++;
      }
      for (let o = s.originalStart; o < s.originalEnd; o++) inside.add(o);
    }
    for (const t of tokenize(p.text)) {
      if (t.kind !== "word") continue;
      words++;
      const c = isContentWord(t.norm);
      if (c) content++;
      if (full) {
        fullWords++;
        if (c) fullContent++;
      }
      if (inside.has(t.start)) {
        changedWords++;
        if (c) changedContent++;
        if (full) {
          fullChanged++;
          if (c) fullChangedContent++;
        }
      }
    }
  }
  const table = spinner.siteTable();
  const tHab = new Map<SiteHabit, number>();
  for (const e of table) tHab.set(e.habit, (tHab.get(e.habit) ?? 0) + 1);
  const tListed = table.filter((e) => e.listed === true).length;
  const tMulti = table.filter((e) => e.original.includes(" ") || e.spun.includes(" ")).length;
  const fmt = (m: Map<SiteHabit, number>, n: number): string =>
    (["thesaurus", "beyond", "function", "contraction"] as const).map((h) => `${h} ${pct(m.get(h) ?? 0, n)}`).join(", ");
  console.log(`\nsite ${spinner.seed}: ${pages.length} pages (${partial} spun only in their first paragraphs), ${words} words, ${subs} substitutions`);
  console.log(`  substitutions per word ${(subs / words).toFixed(3)}; original words changed per word ${(changedWords / words).toFixed(3)}; ` +
    `content words changed per content word ${(changedContent / content).toFixed(3)}; substitutions per eligible position ${(subs / eligible).toFixed(3)}`);
  console.log(`  fully spun pages only: substitutions per word ${(fullSubs / fullWords).toFixed(3)}; words changed per word ${(fullChanged / fullWords).toFixed(3)}; ` +
    `content words changed per content word ${(fullChangedContent / fullContent).toFixed(3)}`);
  console.log(`  substitutions by habit: ${fmt(habits, subs)}; multi-word (either side) ${pct(multi, subs)}; inverse lexicon lists the original for ${pct(listedSubs, knownSubs)}`);
  console.log(`  table used: ${table.length} entries: ${fmt(tHab, table.length)}; multi-word ${pct(tMulti, table.length)}; inverse lexicon lists ${pct(tListed, table.length)}`);
  console.log(`  most used: ${table.slice(0, 14).map((e) => `${e.original}→${e.spun}${e.listed ? "" : "*"}`).join(", ")}`);
  const beyondSample = table.filter((e) => e.habit === "beyond").slice(0, 10);
  console.log(`  beyond the thesaurus (*: not listed): ${beyondSample.map((e) => `${e.original}→${e.spun}${e.listed ? "" : "*"}`).join(", ")}`);
  const fnSample = table.filter((e) => e.habit === "function" || e.habit === "contraction").slice(0, 12);
  console.log(`  function words / phrases / contractions: ${fnSample.map((e) => `${e.original}→${e.spun}${e.listed ? "" : "*"}`).join(", ")}`);
  console.log(`  [${((Date.now() - t0) / 1000).toFixed(1)} s]`);
}
