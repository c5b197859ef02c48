/**
 * Test resources a user's fresh clone may lack: the shared test data at ../shared (CI has
 * it), Debian's chromium, PostgreSQL. Without one, the tests that need it are skipped with
 * one line saying what is missing and how to get it (node:test counts the skips); with
 * UNSPIN_REQUIRE_ALL=1 (set by .ci/run) they fail with that line instead, so CI never passes
 * by skipping. Test-only: kept out of dist (tsconfig.build.json).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const REQUIRE_ALL = "UNSPIN_REQUIRE_ALL";

/** Whether a missing resource is a failure rather than a skip. */
export function requireAll(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[REQUIRE_ALL] === "1";
}

/** The part of a test context this needs (a real `t` in tests; a stand-in in the helper's own test). */
export interface Skippable {
  skip(message?: string): void;
}

/**
 * Call first in a test: `if (!available(t, missing)) return;`. `missing` says what is missing
 * and how to get it, or is undefined when everything is there. Skips the test (false), throws
 * under UNSPIN_REQUIRE_ALL=1, or returns true.
 */
export function available(t: Skippable, missing: string | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (missing === undefined) return true;
  if (requireAll(env)) throw new Error(`${missing} (${REQUIRE_ALL}=1: a missing resource fails the test)`);
  t.skip(missing);
  return false;
}

/**
 * For `test(name, { skip }, ...)` where the test cannot check first (shared suites): the skip
 * reason, or undefined under UNSPIN_REQUIRE_ALL=1, when the test runs and must fail on its own
 * with the same message.
 */
export function skipReason(missing: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return missing === undefined || requireAll(env) ? undefined : missing;
}

const SHARED = new URL("../../../shared/", import.meta.url);

/** Absolute path of a file under ../shared (beside the repository). */
export function sharedPath(relative: string): string {
  return fileURLToPath(new URL(relative, SHARED));
}

/** What is missing, if any of these files under ../shared is. */
export function missingShared(...relative: string[]): string | undefined {
  const absent = relative.filter((r) => !existsSync(sharedPath(r)));
  if (absent.length === 0) return undefined;
  return `needs the shared test data: ${absent.map((r) => `../shared/${r}`).join(", ")} not found; put the project's shared/ folder (CI's copy) beside the repository`;
}

export const CHROMIUM = "/usr/bin/chromium";

/** What is missing, if Debian's chromium is not at `path`. */
export function missingChromium(path = CHROMIUM): string | undefined {
  return existsSync(path) ? undefined : `needs Debian's chromium at ${path}: run scripts/ci/chromium.sh to install it (apt-get, as root or with sudo)`;
}
