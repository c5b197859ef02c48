import assert from "node:assert/strict";
import { test } from "node:test";
import { QueryCache } from "./query-cache.js";
import { loadModel } from "./index.js";

test("query cache: answers only the query it holds", () => {
  const cache = new QueryCache(4);
  const slot = cache.slot(5, 7, -1);
  assert.ok(Number.isNaN(cache.get(slot, 5, 7, -1)), "empty at first");
  cache.set(slot, 5, 7, -1, -1.25);
  assert.equal(cache.get(slot, 5, 7, -1), -1.25);
  assert.ok(Number.isNaN(cache.get(slot, 5, 7, 0)), "another h2");
  assert.ok(Number.isNaN(cache.get(slot, 5, -1, 7)), "histories swapped");
  assert.ok(Number.isNaN(cache.get(slot, 0, 7, -1)), "another word");
});

test("query cache: repeated model queries give the same answers", () => {
  const model = loadModel();
  const [the, united, states] = ["the", "united", "states"].map((w) => model.id(w));
  const queries: Array<[number, number, number]> = [[states, united, the], [states, united, -1], [united, the, model.bos], [the, states, united]];
  const first = queries.map(([w, h1, h2]) => model.logProb(w, h1, h2));
  const again = queries.map(([w, h1, h2]) => model.logProb(w, h1, h2));
  assert.deepEqual(again, first);
  assert.notEqual(first[0], first[1], "the second history word is part of the key");
});
