import assert from "node:assert/strict";
import { test } from "node:test";
import { BoundedCache } from "./cache.js";

test("BoundedCache holds at most its capacity, and keeps entries in use across turnovers", () => {
  const cache = new BoundedCache<number, string>(100);
  for (let i = 0; i < 10_000; i++) {
    cache.set(i, String(i));
    // Key 0 is asked for all along: it must survive every turnover of the generations.
    assert.equal(cache.get(0), "0", `after ${i} insertions`);
    assert.ok(cache.size <= 100, `size ${cache.size} after ${i} insertions`);
  }
  assert.equal(cache.get(9_999), "9999");
  assert.equal(cache.get(5_000), undefined, "an entry not used for many turnovers is dropped");
});
