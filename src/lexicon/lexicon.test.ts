import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { loadLexicon, readLexiconShared } from "./files.js";
import { channelPrior, readLexicon, type LexSubstitution } from "./lexicon.js";
import type { PhraseMatch } from "./types.js";
import { available, missingShared, sharedPath } from "../test-support/require.js";

const lex = loadLexicon();

function originals(norms: string[], length: number, i = 0): string[] {
  const m = lex.match(norms, i).find((x: PhraseMatch) => x.length === length);
  return m ? m.substitutions.map((s) => s.original) : [];
}
function sub(norms: string[], length: number, original: string): LexSubstitution | undefined {
  const m = lex.match(norms, 0).find((x) => x.length === length);
  return m?.substitutions.find((s) => s.original === original) as LexSubstitution | undefined;
}

test("loadLexicon caches the shipped artifact", () => {
  assert.equal(loadLexicon(), lex);
  assert.ok(lex.maxPhraseLength >= 4 && lex.maxPhraseLength <= 8, String(lex.maxPhraseLength));
});

test("match: single words, inflected to the spun form", () => {
  assert.ok(originals(["despatched"], 1).includes("sent"), originals(["despatched"], 1).join(","));
  assert.ok(originals(["workouts"], 1).includes("exercises"));
  assert.ok(originals(["bettering"], 1).includes("improving"));
  assert.ok(originals(["navy"], 1).includes("military"));
  assert.ok(originals(["stated"], 1).includes("said"));
  assert.ok(originals(["obtained"], 1).includes("received"));
  assert.ok(originals(["nation"], 1).includes("country"));
});

test("match: multi-word spun phrases", () => {
  assert.ok(originals(["calls", "for"], 2).includes("demands"), originals(["calls", "for"], 2).join(","));
  assert.ok(originals(["called", "for"], 2).includes("demanded"));
  assert.ok(originals(["becoming", "a", "member", "of"], 4).includes("joining"));
  assert.ok(originals(["became", "a", "member", "of"], 4).includes("joined"));
  assert.ok(originals(["have", "been"], 2).includes("were"));
  assert.ok(originals(["together", "with"], 2).includes("including"));
  // The head verb is kept when both sides share it ("be set to" / "be about to").
  assert.ok(originals(["are", "about", "to"], 3).includes("are set to"));
  // Matches start at the given index of the running text.
  const text = ["the", "union", "calls", "for", "talks"];
  assert.ok(originals(text, 2, 2).includes("demands"));
});

test("match: possessives and spelling variants", () => {
  assert.ok(originals(["neighbor"], 1).includes("neighbour"));
  assert.ok(originals(["travelled"], 1).includes("traveled"));
  assert.ok(originals(["corporate's"], 1).includes("company's"));
});

test("match: never the identity, deduplicated, capped, sorted by prior", () => {
  const text = "the military said on monday that it would send more troops to the eastern border".split(" ");
  for (let i = 0; i < text.length; i++) {
    for (const m of lex.match(text, i)) {
      const surface = text.slice(i, i + m.length).join(" ");
      const seen = new Set<string>();
      assert.ok(m.substitutions.length > 0 && m.substitutions.length <= 40);
      let last = Infinity;
      for (const s of m.substitutions as LexSubstitution[]) {
        assert.notEqual(s.original, surface);
        assert.ok(!seen.has(s.original), `duplicate ${s.original}`);
        seen.add(s.original);
        assert.ok(s.prior <= last + 1e-9, "sorted by prior");
        last = s.prior;
        assert.equal(s.prior, channelPrior(s));
        assert.ok(Number.isInteger(s.senseRank) && s.senseRank >= 0);
        assert.ok(s.fanout >= 0 && s.tagCount >= 0 && s.observed >= 0);
      }
    }
  }
  assert.deepEqual(lex.match(["xyzzyq"], 0), []);
  assert.deepEqual(lex.match([], 0), []);
});

test("match: features of a WordNet synonym", () => {
  const s = sub(["calls", "for"], 2, "demands");
  assert.ok(s);
  assert.equal(s.relation, "synonym");
  assert.equal(s.lemma, "demand");
  assert.equal(s.pos, "v");
  assert.ok(s.tagCount > 0);
  assert.ok(s.fanout > 1);
  assert.ok(s.logFreq < 0 && s.logFreq > -8);
});

test("forward: what a spinner could output", () => {
  const military = lex.forward(["military"], 0).map((c) => c.spun);
  assert.ok(military.includes("army"), military.join(","));
  const joining = lex.forward(["joining", "the", "alliance"], 0).map((c) => c.spun);
  assert.ok(joining.includes("becoming a member of"), joining.join(","));
  const demands = lex.forward(["demands"], 0).map((c) => c.spun);
  assert.ok(demands.includes("calls for"), demands.join(","));
  const were = lex.forward(["were"], 0).map((c) => c.spun);
  assert.ok(were.includes("have been"));
  for (const c of lex.forward(["improving"], 0)) {
    assert.notEqual(c.spun, "improving");
    assert.equal(c.length, 1);
  }
  assert.ok(lex.forward(["improving"], 0).some((c) => c.spun === "bettering"));
});

test("isKnown", () => {
  assert.ok(lex.isKnown("despatched"));
  assert.ok(lex.isKnown("children"));
  assert.ok(lex.isKnown("workouts"));
  assert.ok(!lex.isKnown("xyzzyq"));
  assert.ok(!lex.isKnown("2022"));
});

test("clusterKey: synonyms a spinner swaps share a key; other words key to themselves", () => {
  const pairs: Array<[string, string]> = [
    ["workouts", "exercises"], ["nation", "country"], ["started", "began"], ["big", "large"],
    ["help", "assist"], ["said", "stated"], ["movie", "film"], ["kids", "children"], ["could", "might"],
    ["however", "but"], ["jail", "prison"],
  ];
  for (const [a, b] of pairs) assert.equal(lex.clusterKey(a), lex.clusterKey(b), `${a} / ${b}`);
  assert.equal(lex.clusterKey("2022"), "2022");
  assert.equal(lex.clusterKey("stoltenberg"), "stoltenberg");
  assert.notEqual(lex.clusterKey("navy"), lex.clusterKey("banana"));
});

test("observed development pairs carry observed > 0", (t) => {
  if (!available(t, missingShared("data/spinner-observed.tsv"))) return;
  const file = sharedPath("data/spinner-observed.tsv");
  const rows = readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.split("\t"));
  assert.ok(rows.length > 100);
  for (const [o, s, pages] of rows) {
    const spun = s.toLowerCase().split(" ");
    const found = sub(spun, spun.length, o.toLowerCase());
    assert.ok(found, `${o} -> ${s} not matched`);
    assert.ok(found.observed > 0, `${o} -> ${s}: observed ${found.observed}`);
    assert.ok(found.observed >= 1 && found.observed <= Number(pages) * 2);
  }
  // Lemma-level: the observed "demands -> calls for" also backs "demanded -> called for".
  const s = sub(["called", "for"], 2, "demanded");
  assert.ok(s && s.observedLemma > 0 && s.observed === 0);
});

test("match() is fast on running text after warm-up", () => {
  const words = "the jury further said in term end presentments that the city executive committee which had over all charge of the election deserves the praise and thanks of the city of atlanta for the manner in which the election was conducted".split(" ");
  for (let i = 0; i < words.length; i++) lex.match(words, i);
  const t0 = performance.now();
  let calls = 0;
  while (calls < 200_000) {
    for (let i = 0; i < words.length; i++) lex.match(words, i);
    calls += words.length;
  }
  const perSecond = calls / ((performance.now() - t0) / 1000);
  assert.ok(perSecond > 100_000, `${Math.round(perSecond)} calls/s`);
});

test("a lexicon over shared bytes (readLexiconShared, as the screening pool passes to its threads) matches the loaded one", () => {
  const shared = readLexiconShared();
  assert.ok(shared instanceof SharedArrayBuffer);
  const fromShared = readLexicon(shared);
  assert.notEqual(fromShared, lex);
  for (const norms of [["despatched"], ["calls", "for"], ["stated"], ["well", "being"], ["company's"], ["harbour"]]) {
    assert.deepEqual(JSON.stringify(fromShared.match(norms, 0)), JSON.stringify(lex.match(norms, 0)), norms.join(" "));
    assert.equal(fromShared.clusterKey(norms[0]), lex.clusterKey(norms[0]));
  }
  assert.throws(() => readLexicon(new Uint8Array([0x1f, 0x8b, 8, 0])), /gzip-compressed/);
  assert.throws(() => readLexicon(new TextEncoder().encode("not a lexicon artifact")), /bad magic/);
});
