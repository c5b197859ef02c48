import assert from "node:assert/strict";
import { test } from "node:test";
import type { Relation } from "../lexicon/types.js";
import { brownDocuments } from "../corpus/brown.js";
import { tokenize } from "../text/tokenize.js";
import { spin, unspinWith, mulberry32, type ForwardCandidate, type ForwardLexicon, type SpinResult } from "./simulate.js";

// ---------------------------------------------------------------------------------------------
// A small stand-in lexicon: fast, fixed, and independent of the real one.

type Entry = [spun: string, relation: Relation, senseRank: number];
const TABLE: Record<string, Entry[]> = {
  big: [["large", "synonym", 0], ["huge", "synonym", 0], ["important", "synonym", 1], ["bad", "similar", 2]],
  said: [["stated", "synonym", 0], ["aforesaid", "synonym", 3]],
  house: [["home", "synonym", 0], ["family", "synonym", 2], ["building", "hypernym", 0], ["mansion", "hyponym", 0]],
  investigation: [["probe", "synonym", 0], ["inquiry", "synonym", 0], ["research", "synonym", 1]],
  recent: [["late", "synonym", 1], ["new", "similar", 0]],
  election: [["vote", "synonym", 0], ["choice", "synonym", 2]],
  "look into": [["investigate", "synonym", 0], ["examine", "synonym", 0]],
  "in order to": [["to", "phrase", 0], ["so as to", "phrase", 0]],
  because: [["since", "phrase", 0]],
  found: [["discovered", "synonym", 0], ["set up", "synonym", 2]],
  city: [["metropolis", "synonym", 0], ["urban center", "synonym", 0]],
  jury: [["panel", "hypernym", 0]],
  men: [["workforce", "synonym", 2], ["people", "hypernym", 0]],
  the: [],
};

const fake: ForwardLexicon = {
  forward(norms: string[], i: number): ForwardCandidate[] {
    const out: ForwardCandidate[] = [];
    for (let len = 1; len <= 3 && i + len <= norms.length; len++) {
      const entries = TABLE[norms.slice(i, i + len).join(" ")];
      if (entries === undefined) continue;
      for (const [spun, relation, senseRank] of entries) out.push({ length: len, spun, relation, senseRank, fanout: entries.length });
    }
    return out;
  },
};

const SAMPLE = [
  "The big house was found by the men. Officials said the investigation would look into the recent election.",
  "“The big house is a city,” Smith said. The Big House, said Jones, was in Big Spring.",
  "NASA said the big jury had to look into it in order to decide, because the city was big.",
  "Because the election was recent, the men found a big house in the city.",
].join("\n\n");

function assertExact(input: string, r: SpinResult): void {
  let prevEnd = -1;
  let prevOrigEnd = -1;
  for (const s of r.substitutions) {
    assert.equal(r.text.slice(s.start, s.end), s.spun);
    assert.equal(input.slice(s.originalStart, s.originalEnd), s.original);
    assert.ok(s.start >= prevEnd && s.originalStart >= prevOrigEnd, "substitutions in order, not overlapping");
    assert.notEqual(s.spun.toLowerCase(), s.original.toLowerCase());
    prevEnd = s.end;
    prevOrigEnd = s.originalEnd;
  }
  assert.equal(unspinWith(r.text, r.substitutions), input);
}

test("mulberry32 is deterministic and roughly uniform", () => {
  const a = mulberry32(7);
  const b = mulberry32(7);
  const xs = Array.from({ length: 10000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean - 0.5) < 0.02);
  assert.ok(xs.every((x) => x >= 0 && x < 1));
});

test("rate 0 is the identity", () => {
  const r = spin(SAMPLE, { rate: 0, seed: 1, lexicon: fake });
  assert.equal(r.text, SAMPLE);
  assert.equal(r.substitutions.length, 0);
  assert.ok(r.eligible > 0);
});

test("deterministic per seed; different seeds differ", () => {
  const a = spin(SAMPLE, { rate: 0.5, seed: 42, lexicon: fake });
  const b = spin(SAMPLE, { rate: 0.5, seed: 42, lexicon: fake });
  assert.deepEqual(a, b);
  const texts = new Set<string>();
  for (let seed = 0; seed < 10; seed++) texts.add(spin(SAMPLE, { rate: 0.5, seed, lexicon: fake }).text);
  assert.ok(texts.size >= 8, `${texts.size} distinct outputs for 10 seeds`);
});

test("rate 1 replaces every eligible position; offsets are exact; case kept", () => {
  const r = spin(SAMPLE, { rate: 1, seed: 3, lexicon: fake });
  assertExact(SAMPLE, r);
  assert.equal(r.substitutions.length, r.eligible);
  for (const s of r.substitutions) {
    assert.equal(/^\p{Lu}/u.test(s.spun), /^\p{Lu}/u.test(s.original), `${s.original} → ${s.spun}`);
  }
  // Multi-word both ways: "look into" → one word, "city" → "urban center" (for some seed).
  const all = Array.from({ length: 20 }, (_, seed) => spin(SAMPLE, { rate: 1, seed, lexicon: fake }).substitutions).flat();
  assert.ok(all.some((s) => s.original === "look into" && !s.spun.includes(" ")));
  assert.ok(all.some((s) => s.original === "city" && s.spun === "urban center"));
  // Context-blind: a less frequent sense is sometimes chosen.
  assert.ok(all.some((s) => s.senseRank > 0));
});

test("names, headlines and quotes are left alone; phrase table off by default", () => {
  for (let seed = 0; seed < 30; seed++) {
    const r = spin(SAMPLE, { rate: 1, seed, lexicon: fake });
    for (const s of r.substitutions) {
      // "Big House", "Big Spring", NASA and the quoted sentence stay.
      assert.ok(!/^(Big|NASA)$/.test(s.original), s.original);
      const quote = SAMPLE.indexOf("“");
      const unquote = SAMPLE.indexOf("”");
      assert.ok(s.originalEnd <= quote || s.originalStart >= unquote, `${s.original} is quoted`);
      assert.notEqual(s.relation, "phrase");
      assert.ok(s.original !== "in order to" && s.original !== "because" && s.original !== "Because");
    }
  }
  const withQuotes = Array.from({ length: 30 }, (_, seed) =>
    spin(SAMPLE, { rate: 1, seed, lexicon: fake, protectQuotes: false, protectNames: false, phraseTable: true }).substitutions).flat();
  const quote = SAMPLE.indexOf("“");
  const unquote = SAMPLE.indexOf("”");
  assert.ok(withQuotes.some((s) => s.originalStart > quote && s.originalEnd < unquote));
  assert.ok(withQuotes.some((s) => s.original === "Big"));
  assert.ok(withQuotes.some((s) => s.relation === "phrase"));
});

test("functionWords: the simulator's own table swaps connectives and stock phrases", () => {
  const text = "According to the men, the house was very big because it was old.";
  const off = Array.from({ length: 20 }, (_, seed) => spin(text, { rate: 1, seed, lexicon: fake }).substitutions).flat();
  assert.ok(off.every((s) => !/^(according to|very|because)$/i.test(s.original)));
  const on = Array.from({ length: 20 }, (_, seed) => spin(text, { rate: 1, seed, lexicon: fake, functionWords: true })).map((r) => {
    assertExact(text, r);
    return r.substitutions;
  }).flat();
  assert.ok(on.some((s) => s.original === "According to" && s.relation === "phrase" && /^[A-Z]/.test(s.spun)));
  assert.ok(on.some((s) => s.original === "very"));
  assert.ok(on.some((s) => s.original === "because" && s.spun === "due to the fact that"));
});

test("heading lines are left alone, title case or not", () => {
  const text = "House found by the men\n\nThe big house was found by the men.";
  const subs = Array.from({ length: 20 }, (_, seed) => spin(text, { rate: 1, seed, lexicon: fake }).substitutions).flat();
  const headingEnd = text.indexOf("\n");
  assert.ok(subs.length > 0 && subs.every((s) => s.originalStart > headingEnd));
});

test("a sentence-initial word the document writes as a name is protected", () => {
  const spinAll = (text: string) => Array.from({ length: 20 }, (_, seed) => spin(text, { rate: 1, seed, lexicon: fake }).substitutions).flat();
  assert.ok(spinAll("Found is a village. People in Found like it.").every((s) => s.original !== "Found"));
  // Written in lower case elsewhere: an ordinary word at the start of a sentence.
  assert.ok(spinAll("Found is a village. The men found gold.").some((s) => s.original === "Found"));
});

test("lower rates change a subset of what higher rates change (same seed)", () => {
  const lo = spin(SAMPLE, { rate: 0.2, seed: 9, lexicon: fake });
  const hi = spin(SAMPLE, { rate: 0.7, seed: 9, lexicon: fake });
  const key = (s: { originalStart: number; spun: string }) => `${s.originalStart}:${s.spun}`;
  const hiKeys = new Set(hi.substitutions.map(key));
  const kept = lo.substitutions.filter((s) => hiKeys.has(key(s))).length;
  assert.ok(kept >= lo.substitutions.length - 1, `${kept} of ${lo.substitutions.length}`);
});

// ---------------------------------------------------------------------------------------------
// On the Brown press documents with the real lexicon.

const press = brownDocuments({ categories: ["a", "b", "c"] });

for (const rate of [0.1, 0.3]) {
  test(`achieved rate on Brown press at ${rate}`, () => {
    let subs = 0;
    let eligible = 0;
    let words = 0;
    for (const doc of press) {
      const r = spin(doc.text, { rate, seed: 11, });
      subs += r.substitutions.length;
      eligible += r.eligible;
      words += tokenize(doc.text).filter((t) => t.kind === "word").length;
    }
    const achieved = subs / eligible;
    console.log(`# rate ${rate}: ${subs} substitutions / ${eligible} eligible = ${achieved.toFixed(4)} (eligible ${(eligible / words * 100).toFixed(1)}% of ${words} words)`);
    assert.ok(Math.abs(achieved - rate) <= 0.03, `achieved ${achieved}`);
  });
}

test("offsets round-trip on Brown documents and seeds; quotes and names kept", () => {
  const docs = brownDocuments().filter((_, k) => k % 20 === 0); // 25 documents across all genres
  let n = 0;
  const relations = new Map<string, number>();
  for (const doc of docs) {
    for (const seed of [1, 2, 3]) {
      const rate = [0.05, 0.3, 0.8][seed - 1];
      const r = spin(doc.text, { rate, seed });
      assertExact(doc.text, r);
      const tokens = tokenize(doc.text);
      for (const s of r.substitutions) {
        relations.set(s.relation, (relations.get(s.relation) ?? 0) + 1);
        assert.notEqual(s.relation, "phrase");
        for (const t of tokens) {
          if (t.end <= s.originalStart || t.start >= s.originalEnd) continue;
          assert.ok(!t.quoted, `${doc.id}: quoted "${s.original}"`);
          assert.ok(!t.headline, `${doc.id}: headline "${s.original}"`);
          assert.ok(!t.allCaps && (!t.capitalised || t.sentenceStart), `${doc.id}: name "${s.original}"`);
          assert.equal(t.kind, "word");
        }
        n++;
      }
      // Same seed, same text: deterministic.
      if (seed === 1) assert.deepEqual(spin(doc.text, { rate, seed }), r);
    }
  }
  console.log(`# ${n} substitutions checked; relations ${JSON.stringify(Object.fromEntries(relations))}`);
  assert.ok(n > 500);
  assert.ok((relations.get("synonym") ?? 0) > n / 2, "mostly synonyms");
});

test("phraseTable: true brings in the lexicon's table (relation phrase, link phrase)", () => {
  const [doc] = brownDocuments({ ids: ["ca02"] });
  const off = spin(doc.text, { rate: 1, seed: 4 });
  const on = spin(doc.text, { rate: 1, seed: 4, phraseTable: true });
  assertExact(doc.text, on);
  assert.ok(on.eligible > off.eligible);
  assert.ok(on.substitutions.some((s) => s.relation === "phrase"));
  assert.ok(off.substitutions.every((s) => s.relation !== "phrase"));
});
