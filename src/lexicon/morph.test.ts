import { test } from "node:test";
import assert from "node:assert/strict";
import { inflect, lemmatize } from "./files.js";
import { regularInflect, type Analysis } from "./morph.js";

function has(analyses: Analysis[], lemma: string, pos: string, form: string): boolean {
  return analyses.some((a) => a.lemma === lemma && a.pos === pos && a.form === form);
}

test("lemmatize: irregular verbs from the exception lists", () => {
  const sent = lemmatize("sent");
  assert.ok(has(sent, "send", "v", "past"), JSON.stringify(sent));
  assert.ok(has(sent, "send", "v", "pastpart"));
  assert.ok(has(lemmatize("went"), "go", "v", "past"));
  assert.ok(has(lemmatize("gone"), "go", "v", "pastpart"));
  assert.ok(has(lemmatize("began"), "begin", "v", "past"));
  assert.ok(has(lemmatize("were"), "be", "v", "past"));
});

test("lemmatize: irregular nouns and adjectives", () => {
  assert.ok(has(lemmatize("children"), "child", "n", "plural"));
  const better = lemmatize("better");
  assert.ok(has(better, "good", "a", "comparative"), JSON.stringify(better));
  assert.ok(has(better, "better", "v", "base"));
  assert.ok(has(lemmatize("best"), "good", "a", "superlative"));
  assert.ok(has(lemmatize("biggest"), "big", "a", "superlative"));
});

test("lemmatize: regular detachment, validated and round-tripped", () => {
  assert.ok(has(lemmatize("workouts"), "workout", "n", "plural"));
  assert.ok(has(lemmatize("improving"), "improve", "v", "gerund"));
  assert.ok(has(lemmatize("bettering"), "better", "v", "gerund"));
  const demands = lemmatize("demands");
  assert.ok(has(demands, "demand", "n", "plural"));
  assert.ok(has(demands, "demand", "v", "3sg"));
  assert.ok(has(lemmatize("stopped"), "stop", "v", "past"));
  assert.ok(has(lemmatize("tried"), "try", "v", "past"));
  assert.ok(has(lemmatize("exercises"), "exercise", "n", "plural"));
  // "hoping" is hope+ing, not hop+ing (hop gives "hopping").
  const hoping = lemmatize("hoping");
  assert.ok(has(hoping, "hope", "v", "gerund"));
  assert.ok(!has(hoping, "hop", "v", "gerund"));
  assert.deepEqual(lemmatize("xyzzyq"), []);
});

test("lemmatize: multi-word lemmas inflect their head", () => {
  assert.ok(has(lemmatize("calls for"), "call for", "v", "3sg"));
  assert.ok(has(lemmatize("press releases"), "press release", "n", "plural"));
});

test("inflect: irregular forms", () => {
  assert.equal(inflect("send", "v", "past"), "sent");
  assert.equal(inflect("send", "v", "pastpart"), "sent");
  assert.equal(inflect("go", "v", "past"), "went");
  assert.equal(inflect("go", "v", "pastpart"), "gone");
  assert.equal(inflect("go", "v", "3sg"), "goes");
  assert.equal(inflect("be", "v", "3sg"), "is");
  assert.equal(inflect("have", "v", "3sg"), "has");
  assert.equal(inflect("show", "v", "pastpart"), "shown");
  assert.equal(inflect("put", "v", "past"), "put");
  assert.equal(inflect("child", "n", "plural"), "children");
  assert.equal(inflect("good", "a", "comparative"), "better");
  assert.equal(inflect("good", "a", "superlative"), "best");
});

test("inflect: regular rules", () => {
  assert.equal(inflect("workout", "n", "plural"), "workouts");
  assert.equal(inflect("exercise", "n", "plural"), "exercises");
  assert.equal(inflect("improve", "v", "gerund"), "improving");
  assert.equal(inflect("demand", "v", "3sg"), "demands");
  assert.equal(inflect("stop", "v", "past"), "stopped");
  assert.equal(inflect("stop", "v", "gerund"), "stopping");
  assert.equal(inflect("try", "v", "3sg"), "tries");
  assert.equal(inflect("try", "v", "past"), "tried");
  assert.equal(inflect("die", "v", "gerund"), "dying");
  assert.equal(inflect("agree", "v", "past"), "agreed");
  assert.equal(inflect("watch", "v", "3sg"), "watches");
  assert.equal(inflect("visit", "v", "past"), "visited");
  assert.equal(inflect("big", "a", "comparative"), "bigger");
  assert.equal(inflect("happy", "a", "comparative"), "happier");
  assert.equal(inflect("large", "a", "superlative"), "largest");
  assert.equal(inflect("important", "a", "comparative"), "more important");
  assert.equal(inflect("policeman", "n", "plural"), "policemen");
  assert.equal(inflect("human", "n", "plural"), "humans");
  assert.equal(regularInflect("quit", "v", "gerund"), "quitting");
});

test("inflect: multi-word lemmas inflect their head word", () => {
  assert.equal(inflect("call for", "v", "3sg"), "calls for");
  assert.equal(inflect("call for", "v", "past"), "called for");
  assert.equal(inflect("become a member of", "v", "gerund"), "becoming a member of");
  assert.equal(inflect("become a member of", "v", "past"), "became a member of");
  assert.equal(inflect("become a member of", "v", "pastpart"), "become a member of");
  assert.equal(inflect("take part in", "v", "3sg"), "takes part in");
  assert.equal(inflect("press release", "n", "plural"), "press releases");
  assert.equal(inflect("put forward", "v", "past"), "put forward");
});
