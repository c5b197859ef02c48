import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { UnspinError } from "../../errors.js";
import { openStore } from "../../store/index.js";
import { pgTestServer } from "../../store/pg-test.js";
import { batch, collect, page, problem, resultStoreContract } from "./contract.js";
import { openResultStore } from "./index.js";
import { PG_RESULTS_SCHEMA_VERSION } from "./postgres.js";

const server = await pgTestServer();
after(() => server.cleanup());
if (server.skip) console.log(`# ${server.skip}`);

let db: string | undefined;
/** The suite's database (created on first use); each store is a schema of it. */
async function database(): Promise<string> {
  db ??= await server.database("results");
  return db;
}
let n = 0;
const fresh = async () => `${await database()}?schema=r${++n}`;

resultStoreContract("postgres", async () => openResultStore(await fresh(), { create: true }), { skip: server.skip });

const t = (title: string, f: () => Promise<void>) => test(`postgres results: ${title}`, { skip: server.skip }, f);
const is = (re: RegExp) => (e: Error) => e instanceof UnspinError && re.test(e.message) && !e.message.includes("\n");

async function sql(url: string, text: string) {
  const c = new pg.Client({ connectionString: url.replace(/[?&]schema=[^&]*/, "") });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

t("default schema unspin_results beside a trace index in the same database; each refuses the other's schema", async () => {
  const url = await server.database("results_shared");
  const results = await openResultStore(url, { create: true });
  const index = await openStore(url, { create: true });
  await results.completeBatch(batch("in", 0), [page("in", 0)]);
  assert.equal((await results.counts(0.5)).pages, 1);
  assert.equal(await index.documentCount(), 0);
  await results.close();
  await index.close();
  const tables = await sql(url, "SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema LIKE 'unspin_%' ORDER BY 1");
  assert.deepEqual(tables.map((r) => r.t), [
    "unspin_index.channel", "unspin_index.doc_count", "unspin_index.docs", "unspin_index.meta", "unspin_index.postings", "unspin_index.store", "unspin_index.traces",
    "unspin_results.batches", "unspin_results.meta", "unspin_results.results", "unspin_results.site_tables", "unspin_results.store",
  ]);
  await assert.rejects(openResultStore(`${url}?schema=unspin_index`, { create: true }), is(/holds an unspin trace index, not a screening results store/));
  await assert.rejects(openStore(`${url}?schema=unspin_results`, { create: true }), is(/holds an unspin screening results store, not a trace index/));
  const st = await sql(url, "SELECT application, schema_version FROM unspin_results.store");
  assert.deepEqual(st, [{ application: "unspin-results", schema_version: PG_RESULTS_SCHEMA_VERSION }]);
});

t("clear errors: unreachable server, missing store, newer schema, bad schema name", async () => {
  await assert.rejects(openResultStore("postgresql://unspin@127.0.0.1:1/x", { connectTimeoutMs: 2000 }),
    is(/^cannot connect to PostgreSQL at 127\.0\.0\.1:1: connection refused/));
  await assert.rejects(openResultStore("postgres://nobody.invalid/x", { connectTimeoutMs: 5000 }),
    is(/^cannot connect to PostgreSQL at nobody\.invalid:5432: host not found/));
  const url = await fresh();
  await assert.rejects(openResultStore(url), is(/^no screening results at .*schema r\d+ does not exist/));
  await (await openResultStore(url, { create: true })).close();
  const schema = new URL(url).searchParams.get("schema");
  await sql(url, `UPDATE ${schema}.store SET schema_version = ${PG_RESULTS_SCHEMA_VERSION + 1}`);
  await assert.rejects(openResultStore(url), is(/newer unspin \(schema 4, this one reads up to 3\)/));
  await assert.rejects(openResultStore(`${await database()}?schema=bad-name;drop`), is(/use letters, digits and _/));
  await assert.rejects(openResultStore("postgres://u:secret@127.0.0.1:1/x", { connectTimeoutMs: 2000 }),
    (e: Error) => !e.message.includes("secret"));
});

t("workers on four connections completing overlapping batches store each result once", async () => {
  const url = await fresh();
  const stores = await Promise.all(Array.from({ length: 4 }, () => openResultStore(url, { create: true })));
  const batches = Array.from({ length: 12 }, (_, k) => batch("/crawl/x.warc.gz", k * 1000, (k + 1) * 1000, 1000, 50));
  await stores[0].addBatches(batches);
  // Every worker does every batch (as if each lease expired): the work is done four times, stored once.
  const outcomes = await Promise.all(stores.map(async (s, w) => {
    let written = 0;
    for (const b of w % 2 ? [...batches].reverse() : batches) {
      const rs = Array.from({ length: 50 }, (_, i) => page(b.input, b.start + i * 20, { title: `by worker ${w}` }));
      written += (await s.completeBatch(b, rs)).written;
    }
    return written;
  }));
  assert.equal(outcomes.reduce((a, b) => a + b, 0), 600);
  const all = await collect(stores[0]);
  assert.equal(all.length, 600);
  assert.equal(new Set(all.map((r) => r.offset)).size, 600);
  assert.deepEqual(await stores[1].pendingBatches(), []);
  await Promise.all(stores.map((s) => s.close()));
});

t("a version 2 store (before the stage) is migrated on open: its pages were analysed in full", async () => {
  const url = await fresh();
  const s = await openResultStore(url, { create: true });
  await s.completeBatch(batch("in", 0), [page("in", 0), problem("in", 10, "no article text")]);
  await s.close();
  const schema = new URL(url).searchParams.get("schema");
  await sql(url, `ALTER TABLE ${schema}.results DROP COLUMN stage; UPDATE ${schema}.store SET schema_version = 2`);
  await assert.rejects(openResultStore(url, { readOnly: true }), is(/needs a schema upgrade \(v2 → v3\) but is open read-only/));
  const m = await openResultStore(url);
  assert.deepEqual(await collect(m), [page("in", 0), problem("in", 10, "no article text")]);
  assert.equal((await m.counts(0.5)).fast, 0);
  await m.close();
  assert.deepEqual(await sql(url, `SELECT schema_version FROM ${schema}.store`), [{ schema_version: PG_RESULTS_SCHEMA_VERSION }]);
});

t("a version 1 store (before site tables) is migrated on open, its results kept", async () => {
  const url = await fresh();
  const s = await openResultStore(url, { create: true });
  await s.completeBatch(batch("in", 0), [page("in", 0)]);
  await s.close();
  // Back to what version 1 wrote: no site_tables, schema_version 1.
  const schema = new URL(url).searchParams.get("schema");
  await sql(url, `DROP TABLE ${schema}.site_tables; ALTER TABLE ${schema}.results DROP COLUMN stage; UPDATE ${schema}.store SET schema_version = 1`);
  const ro = openResultStore(url, { readOnly: true });
  await assert.rejects(ro, is(/needs a schema upgrade \(v1 → v3\) but is open read-only/));
  const m = await openResultStore(url);
  assert.deepEqual(await collect(m), [page("in", 0)]);
  assert.deepEqual(await m.siteTables(), []);
  await m.close();
  assert.deepEqual(await sql(url, `SELECT schema_version FROM ${schema}.store`), [{ schema_version: PG_RESULTS_SCHEMA_VERSION }]);
});
