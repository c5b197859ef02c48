/**
 * Reproducible installs: package.json pins exact versions, the lock file agrees with it, and no
 * dependency anywhere in the tree is resolved by a moving tag ("latest", "*", "x"): the kind of
 * spec that once let `tar@latest` jump to a Node-22-only major and broke every fresh install.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8"));

const EXACT = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/;
const KINDS = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] as const;

/** Why a dependency spec is not a fixed or bounded semver range, or null when it is one. */
export function movingSpec(spec: string): string | null {
  const s = spec.trim();
  if (s === "" || s === "*" || /^[xX]$/.test(s)) return "any version";
  if (/^(npm|git|git\+\w+|https?|file|link|github):/.test(s) || s.includes("/")) return "not a registry version";
  // A bare word is a dist-tag ("latest", "next", "beta"): whatever it points at today.
  if (/^[A-Za-z][\w.-]*$/.test(s)) return "a dist-tag";
  return null;
}

test("movingSpec flags tags and wildcards, accepts ranges", () => {
  for (const s of ["latest", "next", "*", "x", "", "github:a/b", "https://x.y/z.tgz"]) assert.ok(movingSpec(s), s);
  for (const s of ["7.5.23", "^4.0.0", "~1.2.3", ">=1.0.0 <2.0.0", "1.x", "^3.0.0 || ^4.0.0"]) assert.equal(movingSpec(s), null, s);
});

test("package.json pins every direct dependency to an exact version", () => {
  for (const kind of KINDS) {
    for (const [name, spec] of Object.entries<string>(pkg[kind] ?? {})) assert.match(spec, EXACT, `${kind}.${name} = ${spec}`);
  }
  assert.equal(pkg.overrides, undefined, "no overrides: fix a bad transitive spec at its source");
});

test("package-lock.json agrees with package.json", () => {
  assert.equal(lock.lockfileVersion, 3);
  const top = lock.packages[""];
  assert.equal(top.name, pkg.name);
  for (const kind of KINDS) assert.deepEqual(top[kind] ?? {}, pkg[kind] ?? {}, `${kind} differ between package.json and the lock`);
  assert.deepEqual(top.engines, pkg.engines);
});

/**
 * DefinitelyTyped packages ask for "@types/node": "*" or "pg-protocol": "*". That is harmless when
 * the "*" lands on the hoisted copy that this project pins itself or that another package asks for
 * with a bounded range: the lock's version then already satisfies every spec, and no install
 * re-resolves it. A "*" that only it constrains is reported.
 */
function boundedElsewhere(from: string, name: string): boolean {
  if (lock.packages[`${from}/node_modules/${name}`]) return false; // its own nested copy: "*" alone decides it
  for (const [path, entry] of Object.entries<any>(lock.packages)) {
    if (path === from) continue;
    for (const kind of KINDS) {
      const spec = entry[kind]?.[name];
      if (spec !== undefined && movingSpec(spec) === null && !lock.packages[`${path}/node_modules/${name}`]) return true;
    }
  }
  return false;
}

test("every locked package has an exact version and integrity, and no spec in the tree is a moving tag", () => {
  const problems: string[] = [];
  for (const [path, entry] of Object.entries<any>(lock.packages)) {
    if (path === "" || entry.link) continue;
    if (!EXACT.test(entry.version ?? "")) problems.push(`${path}: version ${entry.version}`);
    if (!/^sha(256|384|512)-/.test(entry.integrity ?? "")) problems.push(`${path}: no integrity`);
    for (const kind of KINDS) {
      for (const [name, spec] of Object.entries<string>(entry[kind] ?? {})) {
        const why = movingSpec(spec);
        if (why && !(why === "any version" && boundedElsewhere(path, name))) problems.push(`${path} → ${name}@${spec} (${why})`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

test("npm ls: the installed tree is exactly the locked one (nothing missing, invalid or extraneous)", () => {
  const r = spawnSync("npm", ["ls", "--all", "--json"], { cwd: root, encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  const tree = JSON.parse(r.stdout || "{}");
  assert.deepEqual(tree.problems ?? [], []);
  assert.equal(r.status, 0, r.stderr);
});

test("an install on an unsupported Node stops with one line naming the required version", () => {
  assert.equal(pkg.scripts.preinstall, "node scripts/check-node.cjs");
  const old = spawnSync(process.execPath, [join(root, "scripts", "check-node.cjs"), "18.20.4"], { encoding: "utf8" });
  assert.equal(old.status, 1);
  assert.equal(old.stderr.trim().split("\n").length, 1);
  assert.match(old.stderr, /needs Node\.js 20 or later.*18\.20\.4/);
  const here = spawnSync(process.execPath, [join(root, "scripts", "check-node.cjs")], { encoding: "utf8" });
  assert.equal(here.status, 0, here.stderr);
  assert.match(readFileSync(join(root, ".npmrc"), "utf8"), /^engine-strict=true$/m);
});
