import { test } from "node:test";
import assert from "node:assert/strict";
import { tokenize, matchCase, matchApostrophes } from "./tokenize.js";

test("offsets index the input exactly, contractions and hyphens stay whole", () => {
  const text = "Moscow’s large-scale build-up, we’ll see: 100,000 troops (3.5%).";
  const tokens = tokenize(text);
  for (const t of tokens) assert.equal(text.slice(t.start, t.end), t.text);
  assert.deepEqual(tokens.filter((t) => t.kind === "word").map((t) => t.norm), ["moscow's", "large-scale", "build-up", "we'll", "see", "troops"]);
  assert.deepEqual(tokens.filter((t) => t.kind === "number").map((t) => t.text), ["100,000", "3.5%"]);
});

test("sentences split at final punctuation and blank lines, not after abbreviations", () => {
  const tokens = tokenize("Mr. Smith arrived. He left at 5 p.m. on Friday.\n\nA new paragraph");
  const sentenceOf = (w: string) => tokens.find((t) => t.text === w)!.sentence;
  assert.equal(sentenceOf("Smith"), sentenceOf("Mr"));
  assert.notEqual(sentenceOf("He"), sentenceOf("arrived"));
  assert.notEqual(sentenceOf("A"), sentenceOf("Friday"));
  assert.ok(tokens.find((t) => t.text === "He")!.sentenceStart);
  assert.ok(!tokens.find((t) => t.text === "Smith")!.sentenceStart);
});

test("quoted speech is marked, in typographic and straight quotes", () => {
  const tokens = tokenize("He said “we are ready” and then \"we will wait\" again.");
  const quoted = tokens.filter((t) => t.quoted && t.kind === "word").map((t) => t.norm);
  assert.deepEqual(quoted, ["we", "are", "ready", "we", "will", "wait"]);
});

test("headline lines are marked, body sentences are not", () => {
  const text = "Germany Offers Helmets To Ukraine\n\nThe government said on Monday that it would send helmets.";
  const tokens = tokenize(text);
  assert.ok(tokens.filter((t) => t.start < 33).every((t) => t.headline));
  assert.ok(tokens.filter((t) => t.start > 35).every((t) => !t.headline));
});

test("linear on a long single line", () => {
  const text = "word ".repeat(200_000);
  const tokens = tokenize(text);
  assert.equal(tokens.length, 200_000);
});

test("case and apostrophes follow the surface", () => {
  assert.equal(matchCase("said", "Stated"), "Said");
  assert.equal(matchCase("military", "NAVY"), "MILITARY");
  assert.equal(matchCase("were", "have been"), "were");
  assert.equal(matchApostrophes("moscow's", "Moscow’s"), "moscow’s");
});
