/**
 * `unspin serve` as users run it: the compiled bin (npm test builds it first) as a child
 * process. It refuses to listen beyond loopback without a token, prints its URL, and on
 * SIGTERM finishes the requests in flight before it exits.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { brownDocuments } from "../corpus/brown.js";
import { call, until } from "./http.fixture.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist", "cli", "main.js");

test("serve refuses a non-loopback host without a token: exit 2, one line", () => {
  for (const host of ["0.0.0.0", "::", "192.0.2.10"]) {
    const r = spawnSync(process.execPath, [bin, "serve", "--host", host, "--port", "0", "--threads", "1"], { encoding: "utf8", timeout: 60_000, env: { ...process.env, UNSPIN_TOKEN: "" } });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^unspin: refusing to listen on \S+ without a token/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  }
  const bad = spawnSync(process.execPath, [bin, "serve", "--port", "70000"], { encoding: "utf8", timeout: 60_000 });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--port must be a whole number/);
  const noIndex = spawnSync(process.execPath, [bin, "serve", "--port", "0", "--sources", join(root, "no-such-index.db")], { encoding: "utf8", timeout: 60_000 });
  assert.equal(noIndex.status, 2);
  assert.match(noIndex.stderr, /^unspin: no trace index at \S+no-such-index\.db/);
  assert.equal(noIndex.stderr.trim().split("\n").length, 1);
});

test("serve on a port in use: exit 1, one line", async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  try {
    const port = (taken.address() as AddressInfo).port;
    const r = spawnSync(process.execPath, [bin, "serve", "--port", String(port), "--threads", "1"], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /^unspin: cannot listen on 127\.0\.0\.1:\d+: the port is in use\n$/);
  } finally {
    taken.close();
  }
});

test("serve prints its URL, and on SIGTERM answers the request in flight, then exits 0", async () => {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", "--threads", "1"], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  try {
    await until(async () => /listening on http:\/\/\S+/.test(stdout) || child.exitCode !== null);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
    assert.ok(url, `stdout: ${stdout} stderr: ${stderr}`);
    const text = brownDocuments({ categories: ["a"] }).slice(0, 3).map((d) => d.text).join("\n\n");
    const inFlight = call(url, "/v1/check", { json: { text } });
    await until(async () => (await call(url, "/v1/health")).json.load.running === 1);
    child.kill("SIGTERM");
    const r = await inFlight;
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.stats.words > 3000);
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: finishing the requests in flight/);
    await assert.rejects(fetch(`${url}/v1/health`), "no longer listening");
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});
