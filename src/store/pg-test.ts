/**
 * PostgreSQL for tests.
 *
 *   const pg = await pgTestServer();          // once per test file
 *   after(() => pg.cleanup());
 *   test("...", { skip: pg.skip }, async () => { const url = await pg.database("suite"); ... });
 *
 * With UNSPIN_TEST_PG=postgres://… the tests use that server (CI starts one with
 * scripts/pg-cluster.sh). Otherwise the first call starts a throw-away cluster with that
 * script in a temporary folder, stopped when the process exits. Only when PostgreSQL is not
 * installed are the tests skipped, with the reason (under UNSPIN_REQUIRE_ALL=1 they fail with
 * it: see test-support/require.ts); any other failure to start fails them.
 * Every `database()` is a new database, dropped by `cleanup()`, so suites never share tables.
 */
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { REQUIRE_ALL, skipReason } from "../test-support/require.js";

const SCRIPT = fileURLToPath(new URL("../../scripts/pg-cluster.sh", import.meta.url));
/** Exit status of pg-cluster.sh when PostgreSQL is not installed. */
const NOT_INSTALLED = 3;

export interface PgTestServer {
  /** Why the PostgreSQL tests are skipped (PostgreSQL not installed); undefined when they run (or must fail). */
  skip: string | undefined;
  /** Server URL (database "postgres"); empty when skipped. */
  url: string;
  /** A new, empty database on the server; its URL. */
  database(prefix: string): Promise<string>;
  /** Drop the databases made by `database()` and stop the cluster if this process started it. */
  cleanup(): Promise<void>;
}

let server: Promise<PgTestServer> | undefined;

export function pgTestServer(): Promise<PgTestServer> {
  server ??= start();
  return server;
}

async function start(): Promise<PgTestServer> {
  const given = process.env.UNSPIN_TEST_PG;
  if (given) return make(given, null);
  reapAbandoned();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `unspin-pg-${process.pid}-`));
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile("bash", [SCRIPT, "start", dir], { timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }));
  });
  if (r.code === NOT_INSTALLED) {
    fs.rmSync(dir, { recursive: true, force: true });
    const reason = `needs PostgreSQL: ${r.stderr.trim().replace(/^pg-cluster: /, "")}; or set UNSPIN_TEST_PG=postgres://…`;
    // Under UNSPIN_REQUIRE_ALL=1 the tests are not skipped: their first database() fails with the reason.
    const failure = new Error(`${reason} (${REQUIRE_ALL}=1: a missing resource fails the test)`);
    return { skip: skipReason(reason), url: "", database: () => Promise.reject(failure), cleanup: async () => {} };
  }
  if (r.code !== 0) {
    stopCluster(dir);
    throw new Error(`cannot start a test PostgreSQL cluster (scripts/pg-cluster.sh start ${dir}):\n${r.stderr}`);
  }
  // Stopped at exit even when a test fails or the runner ends the process with a signal.
  const stop = () => stopCluster(dir);
  process.once("exit", stop);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      stop();
      process.kill(process.pid, sig);
    });
  }
  return make(r.stdout.trim(), dir);
}

function make(url: string, dir: string | null): PgTestServer {
  const created: string[] = [];
  let n = 0;
  const admin = async <T>(f: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await f(c);
    } finally {
      await c.end();
    }
  };
  return {
    skip: undefined,
    url,
    async database(prefix: string) {
      const name = `unspin_test_${prefix.replace(/[^a-z0-9_]/gi, "_").toLowerCase()}_${process.pid}_${++n}`;
      // template0: no objects a previous test may have left in template1. An ICU English
      // collation where the server has ICU: production databases sort text by language rules
      // (a, B, c), so a query relying on byte order without COLLATE "C" fails here too.
      await admin(async (c) => {
        try {
          await c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'`);
        } catch {
          await c.query(`CREATE DATABASE "${name}" TEMPLATE template0 ENCODING 'UTF8'`);
        }
      });
      created.push(name);
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.href;
    },
    async cleanup() {
      if (created.length > 0) {
        await admin(async (c) => {
          for (const name of created.splice(0)) await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        });
      }
      if (dir) stopCluster(dir);
    },
  };
}

function stopCluster(dir: string): void {
  if (fs.existsSync(dir)) spawnSync("bash", [SCRIPT, "stop", dir], { stdio: "ignore", timeout: 60_000 });
}

/** Clusters left by test processes that were killed (their exit handlers never ran). */
function reapAbandoned(): void {
  const tmp = os.tmpdir();
  for (const name of fs.readdirSync(tmp)) {
    const m = /^unspin-pg-(\d+)-/.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    const dir = path.join(tmp, name);
    if (fs.existsSync(path.join(dir, ".unspin-pg-cluster"))) stopCluster(dir);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
