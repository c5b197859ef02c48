import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { available, missingChromium, missingShared, skipReason } from "./require.js";

/** A stand-in test context that records its skip. */
function context() {
  const skipped: string[] = [];
  return { skipped, skip: (m?: string) => void skipped.push(m ?? "") };
}

test("a present resource: the test runs", () => {
  const t = context();
  assert.equal(available(t, undefined, { UNSPIN_REQUIRE_ALL: "1" }), true);
  assert.equal(available(t, undefined, {}), true);
  assert.deepEqual(t.skipped, []);
  assert.equal(skipReason(undefined, {}), undefined);
});

test("a missing resource: skipped with its line, or a failure with the same line under UNSPIN_REQUIRE_ALL=1", () => {
  const line = "needs the thing: run get-thing.sh";
  const t = context();
  assert.equal(available(t, line, {}), false);
  assert.deepEqual(t.skipped, [line]);
  assert.equal(available(t, line, { UNSPIN_REQUIRE_ALL: "0" }), false, "only 1 turns skips into failures");
  const strict = context();
  assert.throws(() => available(strict, line, { UNSPIN_REQUIRE_ALL: "1" }), (e: Error) => e.message.startsWith(line) && /UNSPIN_REQUIRE_ALL=1/.test(e.message));
  assert.deepEqual(strict.skipped, []);
  assert.equal(skipReason(line, {}), line);
  assert.equal(skipReason(line, { UNSPIN_REQUIRE_ALL: "1" }), undefined, "the test runs and fails on its own");
});

test("the lines name what is missing and how to get it", () => {
  assert.match(missingShared("data/no-such-file.tsv") ?? "", /^needs the shared test data: \.\.\/shared\/data\/no-such-file\.tsv not found; put .*shared\/ folder .* beside the repository$/);
  assert.match(missingChromium("/nonexistent/chromium") ?? "", /chromium at \/nonexistent\/chromium: run scripts\/ci\/chromium\.sh/);
});

test("PostgreSQL tests without PostgreSQL: skipped with the reason, or failed under UNSPIN_REQUIRE_ALL=1", { timeout: 120_000 }, () => {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", "--test", "src/store/postgres.test.ts"], {
      cwd: root, encoding: "utf8", timeout: 110_000,
      // PG_BINDIR pointing nowhere: pg-cluster.sh finds no PostgreSQL (exit 3).
      // NODE_TEST_CONTEXT unset: the child reports as a test run of its own, not to this one.
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, UNSPIN_TEST_PG: "", UNSPIN_REQUIRE_ALL: "", PG_BINDIR: "/nonexistent", ...env },
    });
  const lax = run({});
  assert.equal(lax.status, 0, lax.stdout + lax.stderr);
  assert.match(lax.stdout, /# SKIP needs PostgreSQL: .*UNSPIN_TEST_PG=/);
  assert.match(lax.stdout, /^# fail 0$/m);
  assert.doesNotMatch(lax.stdout, /^# skipped 0$/m);
  const strict = run({ UNSPIN_REQUIRE_ALL: "1" });
  assert.notEqual(strict.status, 0);
  assert.match(strict.stdout, /needs PostgreSQL: .*UNSPIN_REQUIRE_ALL=1/);
  assert.doesNotMatch(strict.stdout, /# SKIP/);
});
