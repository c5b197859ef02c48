import assert from "node:assert/strict";
import { test } from "node:test";
import { loadLexicon } from "../lexicon/files.js";
import { brownDocuments } from "../corpus/brown.js";
import { brownPages, CALIBRATION_CATEGORIES, EVALUATION_CATEGORIES, cutPages, countWords, isHeldOut } from "../corpus/pages.js";
import { tokenize, normalizeWord } from "../text/tokenize.js";
import { unspinWith } from "./simulate.js";
import { siteSpinner, isContentWord, paragraphStarts, type SitePageResult, type SiteSpinner } from "./site.js";

const lexicon = loadLexicon();
const calibration = brownPages({ categories: CALIBRATION_CATEGORIES });
/** A fixed, spread-out sample of calibration pages. */
const sample = (n: number, offset = 0) => Array.from({ length: n }, (_, k) => calibration[(k * 29 + offset) % calibration.length]);
const PAGES = sample(60);

const norm = (s: string): string => normalizeWord(s).replace(/\s+/g, " ");

function assertExact(input: string, r: SitePageResult): void {
  let prevEnd = -1;
  let prevOrig = -1;
  for (const s of r.substitutions) {
    assert.equal(r.text.slice(s.start, s.end), s.spun);
    assert.equal(input.slice(s.originalStart, s.originalEnd), s.original);
    assert.ok(s.start >= prevEnd && s.originalStart >= prevOrig, "in order, not overlapping");
    assert.notEqual(norm(s.spun), norm(s.original));
    prevEnd = s.end;
    prevOrig = s.originalEnd;
  }
  assert.equal(unspinWith(r.text, r.substitutions), input);
}

function spinAll(spinner: SiteSpinner, pages = PAGES): SitePageResult[] {
  return pages.map((p) => spinner.spinPage(p.text));
}

test("a site's pages: exact labels and an exact round trip through unspinWith", () => {
  const spinner = siteSpinner({ seed: 11, lexicon });
  let subs = 0;
  for (const p of PAGES) {
    const r = spinner.spinPage(p.text);
    assertExact(p.text, r);
    subs += r.substitutions.length;
  }
  assert.ok(subs > 1000, `expected many substitutions on 60 pages, got ${subs}`);
});

test("deterministic: same seed, same table and pages in any order; another seed, another table", () => {
  const a = siteSpinner({ seed: 5, lexicon });
  const b = siteSpinner({ seed: 5, lexicon });
  const ra = spinAll(a);
  const rb = [...PAGES].reverse().map((p) => b.spinPage(p.text)).reverse();
  assert.deepEqual(rb.map((r) => r.text), ra.map((r) => r.text));
  assert.deepEqual(rb.map((r) => r.substitutions), ra.map((r) => r.substitutions));
  const key = (t: ReturnType<SiteSpinner["siteTable"]>) => t.map((e) => `${e.original}→${e.spun}:${e.uses}`).sort();
  assert.deepEqual(key(b.siteTable()), key(a.siteTable()));

  const c = siteSpinner({ seed: 6, lexicon });
  const rc = spinAll(c);
  assert.notDeepEqual(rc.map((r) => r.text), ra.map((r) => r.text));
  // Compare the two tables on the originals both list: most substitutes must differ or the listing must.
  const tableA = new Map(a.siteTable().map((e) => [e.original, e.spun]));
  const tableC = new Map(c.siteTable().map((e) => [e.original, e.spun]));
  let both = 0;
  let same = 0;
  for (const [o, s] of tableA) {
    const t = tableC.get(o);
    if (t === undefined) continue;
    both++;
    if (t === s) same++;
  }
  const onlyOne = tableA.size + tableC.size - 2 * both;
  assert.ok(onlyOne > both, `the two sites list mostly different originals (${onlyOne} in one only, ${both} in both)`);
  assert.ok(same < 0.8 * both, `substitutes of originals both sites list must often differ: ${same} of ${both} equal`);
});

test("consistent: one original gets one substitute on every page of the site, the one entry() gives", () => {
  const spinner = siteSpinner({ seed: 21, lexicon });
  const seen = new Map<string, Set<string>>();
  const pagesOf = new Map<string, number>();
  let total = 0;
  for (const r of spinAll(spinner)) {
    total += r.substitutions.length;
    const onPage = new Set<string>();
    for (const s of r.substitutions) {
      const o = norm(s.original);
      let set = seen.get(o);
      if (set === undefined) seen.set(o, (set = new Set()));
      set.add(norm(s.spun));
      onPage.add(o);
    }
    for (const o of onPage) pagesOf.set(o, (pagesOf.get(o) ?? 0) + 1);
  }
  const multiPage = [...pagesOf].filter(([, n]) => n >= 5).length;
  assert.ok(multiPage >= 50, `many originals recur on 5+ pages (${multiPage})`);
  for (const [o, spuns] of seen) {
    assert.equal(spuns.size, 1, `${o} → ${[...spuns].join(" | ")}`);
    assert.equal(spinner.entry(o)?.spun, [...spuns][0]);
  }
  // siteTable() is exactly what was used.
  const table = spinner.siteTable();
  assert.equal(table.length, seen.size);
  for (const e of table) assert.ok(seen.get(e.original)?.has(e.spun), `${e.original} → ${e.spun} in the table`);
  assert.equal(table.reduce((n, e) => n + e.uses, 0), total, "uses add up to the substitutions made");
  for (const e of table) assert.equal(e.pages, pagesOf.get(e.original), `${e.original}: pages`);
});

test("density: about one word in eight and one content word in four changed (fully spun pages)", () => {
  const spinner = siteSpinner({ seed: 31, lexicon, partialShare: 0 });
  let words = 0, content = 0, changed = 0, changedContent = 0;
  for (const p of PAGES) {
    const r = spinner.spinPage(p.text);
    const inside = new Set<number>();
    for (const s of r.substitutions) for (let o = s.originalStart; o < s.originalEnd; o++) inside.add(o);
    for (const t of tokenize(p.text)) {
      if (t.kind !== "word") continue;
      words++;
      const c = isContentWord(t.norm);
      if (c) content++;
      if (inside.has(t.start)) {
        changed++;
        if (c) changedContent++;
      }
    }
  }
  const perWord = changed / words;
  const perContent = changedContent / content;
  assert.ok(perWord > 0.1 && perWord < 0.2, `words changed per word ${perWord.toFixed(3)}`);
  assert.ok(perContent > 0.19 && perContent < 0.33, `content words changed per content word ${perContent.toFixed(3)}`);
  // Coverage is the knob: halving it must lower the density.
  const thin = siteSpinner({ seed: 31, lexicon, partialShare: 0, coverage: 0.15, functionCoverage: 0.15 });
  const thinSubs = PAGES.reduce((n, p) => n + thin.spinPage(p.text).substitutions.length, 0);
  assert.ok(thinSubs / words < 0.6 * perWord, `coverage 0.15 gives ${(thinSubs / words).toFixed(3)} per word`);
});

test("habits: a share of non-thesaurus mappings the inverse lexicon indeed does not list; function-word rewrites; multi-word swaps", () => {
  const spinner = siteSpinner({ seed: 41, lexicon });
  const results = spinAll(spinner);
  const subs = results.flatMap((r) => r.substitutions);
  const share = (pred: (s: (typeof subs)[number]) => boolean) => subs.filter(pred).length / subs.length;
  const beyond = share((s) => s.habit === "beyond");
  assert.ok(beyond > 0.04 && beyond < 0.25, `non-thesaurus share ${beyond.toFixed(3)}`);
  assert.ok(share((s) => s.habit === "function") > 0.05, "function-word and phrase rewrites");
  assert.ok(share((s) => s.original.includes(" ") || s.spun.includes(" ")) > 0.15, "multi-word swaps");

  // Recompute independently of the spinner what the restorer's inverse lexicon lists.
  const lists = (spun: string, original: string): boolean => {
    const words = spun.split(" ");
    return lexicon.match(words, 0).some((m) => m.length === words.length && m.substitutions.some((x) => x.original === original));
  };
  const table = spinner.siteTable();
  const beyondEntries = table.filter((e) => e.habit === "beyond");
  assert.ok(beyondEntries.length >= 20, `${beyondEntries.length} non-thesaurus entries`);
  for (const e of beyondEntries) {
    assert.equal(lists(e.spun, e.original), false, `${e.original} → ${e.spun} is not listed by the inverse lexicon`);
    assert.equal(e.listed, false);
  }
  const thesaurus = table.filter((e) => e.habit === "thesaurus");
  const listed = thesaurus.filter((e) => lists(e.spun, e.original)).length;
  assert.ok(listed > 0.9 * thesaurus.length, `thesaurus entries listed: ${listed} of ${thesaurus.length}`);
  for (const e of table.slice(0, 200)) assert.equal(e.listed, lists(e.spun, e.original), `${e.original} → ${e.spun}`);
  // Overall, the inverse lexicon lists the original for about four in five of the site's entries (real spinners: ~79 %).
  const all = table.filter((e) => lists(e.spun, e.original)).length / table.length;
  assert.ok(all > 0.7 && all < 0.92, `inverse lexicon lists ${all.toFixed(3)} of the table`);
  // Without the beyond habit, no such entries.
  const plain = siteSpinner({ seed: 41, lexicon, beyond: 0 });
  for (const p of PAGES.slice(0, 10)) assert.ok(plain.spinPage(p.text).substitutions.every((s) => s.habit !== "beyond"));
});

test("contractions are expanded, keeping case and apostrophe style; quoted speech is left alone", () => {
  const spinner = siteSpinner({ seed: 3, lexicon, coverage: 0, functionCoverage: 0, application: 1, partialShare: 0 });
  const text = "It's late and they don't care. The board won't meet, and we’re told it can't.\n\n" +
    "“We don't know,” he said, but it isn't over.";
  const r = spinner.spinPage(text);
  assertExact(text, r);
  assert.equal(r.text, "It is late and they do not care. The board will not meet, and we are told it cannot.\n\n" +
    "“We don't know,” he said, but it is not over.");
  assert.ok(r.substitutions.every((s) => s.habit === "contraction"));
  const none = siteSpinner({ seed: 3, lexicon, coverage: 0, functionCoverage: 0, contractionCoverage: 0 }).spinPage(text);
  assert.equal(none.text, text);
});

test("protected spans: names, numbers, headline lines and quoted speech are never changed", () => {
  const spinner = siteSpinner({ seed: 9, lexicon, coverage: 1, functionCoverage: 1, application: 1, partialShare: 0 });
  const head = "Senate passes new budget plan";
  const quote = "“The important thing is that people understand the bill,” Senator Fulton said.";
  const body = "The committee reviewed the proposal for three days and found serious problems with the costs in 1961. " +
    "Officials said the government would consider the report before the vote, and twenty members agreed.";
  const text = `${head}\n\n${quote}\n\n${body}`;
  const r = spinner.spinPage(text);
  assertExact(text, r);
  const headEnd = head.length;
  const quoteStart = text.indexOf("“");
  const quoteEnd = text.indexOf("”") + 1;
  for (const s of r.substitutions) {
    assert.ok(s.originalStart >= headEnd, `headline untouched: ${s.original}`);
    assert.ok(s.originalEnd <= quoteStart || s.originalStart >= quoteEnd, `quote untouched: ${s.original}`);
    assert.ok(!/Fulton|Senator|1961|twenty|three/.test(s.original), `names and numbers untouched: ${s.original}`);
  }
  assert.ok(r.text.startsWith(`${head}\n\n“The important thing is that people understand the bill,” Senator Fulton`));
  for (const kept of ["1961", "twenty", "three"]) assert.ok(r.text.includes(kept));
  // With full coverage the unprotected body does change a lot (the test can fail).
  const bodyChanges = r.substitutions.filter((s) => s.originalStart >= text.indexOf("The committee")).length;
  assert.ok(bodyChanges >= 10, `body substitutions ${bodyChanges}`);
  // Unprotected quotes are spun.
  const open = siteSpinner({ seed: 9, lexicon, coverage: 1, functionCoverage: 1, application: 1, partialShare: 0, protectQuotes: false }).spinPage(text);
  assert.ok(open.substitutions.some((s) => s.originalStart > quoteStart && s.originalEnd < quoteEnd));
});

test("first-paragraphs-only pages: nothing changes after paragraph N; about the set share of pages", () => {
  const pages = PAGES.filter((p) => p.paragraphs.length >= 4).slice(0, 15);
  assert.ok(pages.length >= 10);
  const one = siteSpinner({ seed: 13, lexicon, partialShare: 1, partialParagraphs: [2, 2] });
  for (const p of pages) {
    const r = one.spinPage(p.text);
    assertExact(p.text, r);
    assert.equal(r.spunParagraphs, 2);
    const cut = paragraphStarts(p.text)[2];
    assert.ok(r.substitutions.every((s) => s.originalEnd <= cut), "only the first two paragraphs");
    const last = r.substitutions[r.substitutions.length - 1];
    const tailOut = last === undefined ? r.text.slice(cut) : r.text.slice(last.end + (cut - last.originalEnd));
    assert.equal(tailOut, p.text.slice(cut));
  }
  const whole = siteSpinner({ seed: 13, lexicon, partialShare: 0 });
  const later = pages.filter((p) => whole.spinPage(p.text).substitutions.some((s) => s.originalStart >= paragraphStarts(p.text)[2]));
  assert.equal(later.length, pages.length, "fully spun pages change later paragraphs too");
  // The default share (20 %) over many pages.
  const def = siteSpinner({ seed: 13, lexicon });
  const many = sample(300, 5).filter((p) => p.paragraphs.length > 4);
  const partial = many.filter((p) => {
    const r = def.spinPage(p.text);
    return r.spunParagraphs < r.paragraphs;
  }).length / many.length;
  assert.ok(partial > 0.12 && partial < 0.28, `partly spun share ${partial.toFixed(3)}`);
});

test("application probability: listed originals are replaced at nearly every occurrence by default, about half at 0.5", () => {
  const press = brownPages({ categories: ["a"] }).slice(0, 40);
  const rate = (application: number): number => {
    const spinner = siteSpinner({ seed: 2, lexicon, application, partialShare: 0 });
    let occurrences = 0;
    let replaced = 0;
    for (const p of press) {
      const r = spinner.spinPage(p.text);
      const inside = new Set<number>();
      for (const s of r.substitutions) for (let o = s.originalStart; o < s.originalEnd; o++) inside.add(o);
      // Occurrences of single words the site's table lists, in running text (not quoted, not capitalised).
      for (const t of tokenize(p.text)) {
        if (t.kind !== "word" || t.quoted || t.capitalised || t.headline || spinner.entry(t.norm) === undefined) continue;
        occurrences++;
        if (inside.has(t.start)) replaced++;
      }
    }
    assert.ok(occurrences > 1000, `${occurrences} occurrences`);
    return replaced / occurrences;
  };
  const full = rate(1);
  const half = rate(0.5);
  assert.ok(full > 0.85, `application 1: ${full.toFixed(3)}`);
  assert.ok(half > 0.35 && half < 0.65 && half < full - 0.3, `application 0.5: ${half.toFixed(3)} (1: ${full.toFixed(3)})`);
});

test("brownPages: news-length pages, > 2,000 in all, sections and a document-level train/held-out split", () => {
  const all = brownPages();
  assert.ok(all.length > 2000, `${all.length} pages`);
  for (const p of all) {
    assert.ok(p.words >= 300 && p.words <= 600, `${p.id}: ${p.words} words`);
    assert.equal(p.text, p.paragraphs.join("\n\n"));
  }
  const press = brownPages({ categories: EVALUATION_CATEGORIES });
  assert.ok(press.length > 300 && press.every((p) => "abc".includes(p.category)));
  assert.ok(calibration.every((p) => !"abc".includes(p.category)));
  assert.equal(press.length + calibration.length, all.length);
  const train = brownPages({ categories: EVALUATION_CATEGORIES, split: "train" });
  const held = brownPages({ categories: EVALUATION_CATEGORIES, split: "held-out" });
  assert.equal(train.length + held.length, press.length);
  const trainDocs = new Set(train.map((p) => p.docId));
  assert.ok(held.length > 30 && held.every((p) => !trainDocs.has(p.docId)), "no document on both sides");
  assert.ok(held.every((p) => isHeldOut(p.docId)));
  assert.deepEqual(brownPages({ categories: ["a"] }).map((p) => p.text), brownPages({ categories: ["a"] }).map((p) => p.text));
  // The pages of a document are its text, in order, cut at paragraph or sentence boundaries.
  const doc = all.filter((p) => p.docId === "ca01");
  const joined = doc.map((p) => p.text).join(" ").replace(/\s+/g, " ");
  const source = brownDocuments({ ids: ["ca01"] })[0].paragraphs.join(" ").replace(/\s+/g, " ");
  assert.ok(joined.length > 0.8 * source.length, "pages keep most of the document");
  assert.ok(source.startsWith(joined), "pages are the document's text in order");
});

test("cutPages: long paragraphs are cut between sentences, a short remainder joins the last page", () => {
  const sentence = "The quick brown fox jumps over the lazy dog again.";
  const long = Array.from({ length: 80 }, () => sentence).join(" "); // 800 words
  const pages = cutPages([long, "A short end."], { minWords: 300, maxWords: 600, seed: 1 });
  assert.ok(pages.length >= 2);
  for (const p of pages.slice(0, -1)) {
    const n = countWords(p.join(" "));
    assert.ok(n >= 300 && n <= 600, `${n} words`);
  }
  assert.equal(pages.flat().join(" ").replace(/\s+/g, " "), `${long} A short end.`);
  assert.throws(() => cutPages([long], { minWords: 500, maxWords: 400 }), RangeError);
});
