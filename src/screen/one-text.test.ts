/** One text through the engine as `unspin serve` runs it: a long text in pieces, an HTML page's article. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { analyze, applyEdits } from "../analyze.js";
import { brownDocuments } from "../corpus/brown.js";
import { spin } from "../spin/simulate.js";
import { splitPieces } from "../text/input.js";
import { analyzeText, articleText, NoArticleError } from "./one-text.js";

test("a text read in pieces: each piece's edits at their place in the whole, the restored pieces joined, one score over all", () => {
  const text = spin(brownDocuments({ categories: ["a"] }).slice(0, 2).map((d) => d.text).join("\n\n"), { rate: 0.2, seed: 5 }).text;
  const size = 3000;
  const pieces = splitPieces(text, size);
  assert.ok(pieces.length >= 3);
  const whole = analyzeText(text, {}, size);
  let offset = 0;
  const expectedEdits = [];
  for (const piece of pieces) {
    const r = analyze(piece);
    expectedEdits.push(...r.edits.map((e) => ({ ...e, start: e.start + offset, end: e.end + offset })));
    offset += piece.length;
  }
  assert.deepEqual(whole.edits, expectedEdits);
  assert.ok(whole.edits.length > 10);
  for (const e of whole.edits) assert.equal(text.slice(e.start, e.end), e.text);
  assert.equal(whole.restored, applyEdits(text, whole.edits));
  assert.ok(whole.score > 0.5, `spun text scores ${whole.score}`);
  assert.equal(whole.stats.words, pieces.reduce((n, p) => n + analyze(p).stats.words, 0));
  // One piece: exactly analyze.
  const short = pieces[0];
  const { stats: a, ...ra } = analyzeText(short);
  const { stats: b, ...rb } = analyze(short);
  assert.deepEqual(ra, rb);
  assert.equal(a.words, b.words);
});

test("an HTML page is read as its article; a page without one, and empty text, are refused", () => {
  const body = brownDocuments({ categories: ["b"] })[0].text.split(/\n\s*\n/).slice(0, 4).map((p) => `<p>${p}</p>`).join("");
  const read = articleText({ html: `<html><head><title>T</title></head><body><nav>Home</nav><article>${body}</article></body></html>` });
  assert.ok(read.article !== undefined);
  assert.equal(read.text, read.article.text);
  assert.ok(read.text.length > 200);
  assert.doesNotMatch(read.text, /<p>|Home/);
  assert.deepEqual(articleText({ text: "plain words" }), { text: "plain words" });
  assert.throws(() => articleText({ html: "<html><body><nav>Home</nav></body></html>" }), NoArticleError);
  assert.throws(() => articleText({ text: " \n" }), /empty/);
});
