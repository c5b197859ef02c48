/**
 * Screening across processes on a real PostgreSQL queue (pg-boss) and PostgreSQL results:
 * three `unspin worker` processes on one queue, one killed with SIGKILL in the middle of a
 * batch; its batch expires, another worker redoes it, and every record is stored exactly once.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { writeScreenCorpus } from "../../bench/screen-corpus.js";
import { pgTestServer } from "../store/pg-test.js";
import { listScreenInputs } from "./inputs.js";
import { readRecords } from "./records.js";
import { openResultStore } from "./results/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = path.join(root, "dist", "cli", "main.js");
const server = await pgTestServer();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-queue-"));
after(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await server.cleanup();
});

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", cwd: dir, timeout: 300_000 });
}

test("3 workers on one queue, one SIGKILLed mid-batch: every record exactly once", { skip: server.skip, timeout: 600_000 }, async () => {
  const crawl = path.join(dir, "crawl.jsonl");
  await writeScreenCorpus({ pages: 60, spun: 0.3, seed: 11, format: "jsonl", out: crawl, labels: path.join(dir, "labels.jsonl.txt"), workers: 0, noise: false });
  const url = await server.database("queue");
  const enqueue = cli(["screen", crawl, "--queue", url, "--out", url, "--batch", "3", "--job-timeout", "8"]);
  assert.equal(enqueue.status, 0, enqueue.stderr);
  assert.match(enqueue.stderr, /20 batches enqueued/);
  // Enqueuing the same run again is refused; resuming it enqueues no second waiting job per batch.
  assert.match(cli(["screen", crawl, "--queue", url, "--out", url]).stderr, /already holds a screening run/);
  const again = cli(["screen", "--resume", "--queue", url, "--out", url, "--json"]);
  assert.equal(again.status, 0, again.stderr);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const waiting = await client.query("SELECT count(*)::int AS n, count(DISTINCT singleton_key)::int AS k FROM pgboss.job WHERE name = 'unspin-screen' AND state = 'created'");
    assert.equal(waiting.rows[0].n, waiting.rows[0].k, "one waiting job per batch");

    const workers: ChildProcess[] = [];
    const logs: string[] = ["", "", ""];
    for (let i = 0; i < 3; i++) {
      const w = spawn(process.execPath, [bin, "worker", "--queue", url, "--threads", "1", "--exit-when-idle"], { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
      w.stderr!.on("data", (d) => (logs[i] += d));
      workers.push(w);
    }
    // Kill worker 0 while it holds a batch: an active job whose results are not stored yet.
    let killed = false;
    for (let i = 0; i < 1200 && !killed; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const active = await client.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'unspin-screen' AND state = 'active'");
      const done = await client.query("SELECT count(*)::int AS n FROM unspin_results.batches WHERE done_at IS NOT NULL");
      if (active.rows[0].n >= 3 && done.rows[0].n >= 2) {
        workers[0].kill("SIGKILL");
        killed = true;
      }
    }
    assert.ok(killed, "workers were all busy at some point");
    const codes = await Promise.all(workers.map((w) => new Promise<number | null>((r) => (w.exitCode !== null || w.signalCode !== null ? r(w.exitCode) : w.once("exit", (c) => r(c))))));
    assert.equal(codes[1], 0, logs[1]);
    assert.equal(codes[2], 0, logs[2]);
    const retried = await client.query("SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'unspin-screen' AND retry_count > 0");
    assert.ok(retried.rows[0].n >= 1, "the killed worker's batch was retried");
  } finally {
    await client.end();
  }
  const expected: string[] = [];
  for (const input of await listScreenInputs([crawl])) for await (const item of readRecords(input)) expected.push(`${(item.page ?? item.problem).input}@${(item.page ?? item.problem).offset}`);
  const store = await openResultStore(url);
  try {
    const keys: string[] = [];
    for await (const r of store.results()) keys.push(`${r.input}@${r.offset}`);
    assert.deepEqual(keys.sort(), expected.sort());
    const c = await store.counts(0.5);
    assert.equal(c.batchesDone, c.batchesTotal);
  } finally {
    await store.close();
  }
  // Workers do not learn site tables: a resume on one machine, once they are done, does.
  const learn = cli(["screen", "--resume", "--out", url, "--threads", "1", "--learn-min-pages", "2", "--no-progress"]);
  assert.equal(learn.status, 0, learn.stderr);
  const learned = await openResultStore(url);
  try {
    const sites = await learned.sitesWithPages(2);
    assert.ok(sites.length >= 1, "the crawl has sites of two pages or more");
    assert.deepEqual((await learned.siteTables()).map((t) => t.site).sort(), sites.map((s) => s.site).sort());
    assert.match(learn.stderr, new RegExp(`site tables: ${sites.length} sites? with enough pages, ${sites.length} learned now`));
  } finally {
    await learned.close();
  }
  const report = cli(["report", "--out", url, "-o", path.join(dir, "r.html")]);
  assert.equal(report.status, 0, report.stderr);
});

test("queue mode needs PostgreSQL results every worker can reach", { skip: server.skip }, async () => {
  const crawl = path.join(dir, "small.jsonl");
  fs.writeFileSync(crawl, JSON.stringify({ url: "https://example.org/a", text: "A short page of text written for this test about the harbour." }) + "\n");
  const url = await server.database("queue-sqlite");
  const r = cli(["screen", crawl, "--queue", url, "--out", path.join(dir, "local.db")]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--out must be a postgres:\/\/ URL/);
  const w = cli(["worker", "--queue", url, "--out", url]);
  assert.notEqual(w.status, 0);
  assert.match(w.stderr, /holds no screening run|no screening/);
});
