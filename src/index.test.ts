/** The package as users import it: `import { analyze } from "unspin"` (the compiled build; npm test builds first). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyze, openIndex, spin, tokenize } from "unspin";

test("the public API: analyze, spin and openIndex from the package name", async () => {
  const text = readFileSync(new URL("../examples/harbour-bridge.txt", import.meta.url), "utf8");
  const spun = spin(text, { rate: 0.3, seed: 7 });
  assert.equal(spun.text, readFileSync(new URL("../examples/harbour-bridge.spun.txt", import.meta.url), "utf8"));
  const result = analyze(spun.text);
  assert.ok(result.score > 0.5);
  assert.ok(result.edits.length > 0);
  assert.ok(tokenize(text).length > 100);
  const index = await openIndex(join(mkdtempSync(join(tmpdir(), "unspin-api-")), "t.db"));
  try {
    await index.add([{ id: "harbour", text }]);
    const traced = await index.trace(spun.text);
    assert.equal(traced.matches[0].id, "harbour");
    assert.equal(traced.matches[0].kind, "spun");
  } finally {
    await index.close();
  }
});
