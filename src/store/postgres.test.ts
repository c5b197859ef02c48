import assert from "node:assert/strict";
import { after, test } from "node:test";
import pg from "pg";
import { UnspinError } from "../errors.js";
import { doc, traceStoreContract } from "./contract.js";
import { openStore } from "./index.js";
import { pgTestServer } from "./pg-test.js";
import { PG_SCHEMA_VERSION, PostgresStore } from "./postgres.js";

const server = await pgTestServer();
after(() => server.cleanup());
if (server.skip) console.log(`# ${server.skip}`);

let db: string | undefined;
/** The suite's database (created on first use); each store is a schema of it. */
async function database(): Promise<string> {
  db ??= await server.database("trace_store");
  return db;
}
let n = 0;
const fresh = async () => `${await database()}?schema=s${++n}`;

traceStoreContract("postgres", async () => PostgresStore.open(await fresh(), { create: true }), { skip: server.skip });

const t = (title: string, f: () => Promise<void>) => test(`postgres trace store: ${title}`, { skip: server.skip }, f);

async function sql(url: string, text: string, params: unknown[] = []) {
  const c = new pg.Client({ connectionString: url.replace(/[?&]schema=[^&]*/, "") });
  await c.connect();
  try {
    return (await c.query(text, params)).rows;
  } finally {
    await c.end();
  }
}

t("openStore picks PostgreSQL for postgres:// and postgresql:// URLs; the schema is versioned and tagged", async () => {
  const url = await fresh();
  const s = await openStore(url, { create: true });
  assert.equal(s.backend, "postgres");
  await s.addBatch([doc(1)]);
  await s.close();
  const again = await openStore(url.replace(/^postgresql:/, "postgres:"));
  assert.equal(await again.documentCount(), 1);
  const st = await again.stats();
  assert.equal(st.documents, 1, "the counted documents agree with the document counter");
  assert.equal(st.schemaVersion, PG_SCHEMA_VERSION);
  assert.ok(st.storeBytes > 0);
  await again.close();
  const schema = new URL(url).searchParams.get("schema");
  assert.deepEqual(await sql(url, `SELECT application, schema_version FROM "${schema}".store`), [{ application: "unspin-index", schema_version: PG_SCHEMA_VERSION }]);
});

t("the default schema is unspin_index; two processes creating it at once both succeed", async () => {
  const url = await server.database("trace_default");
  const [a, b] = await Promise.all([openStore(url, { create: true }), openStore(url, { create: true })]);
  await a.addBatch([doc(1)]);
  assert.equal(await b.documentCount(), 1);
  await a.close();
  await b.close();
  assert.equal((await sql(url, "SELECT count(*)::int AS n FROM unspin_index.docs"))[0].n, 1);
});

t("clear errors: no index, other tables, a newer schema, a missing database, an unknown user, a wrong password, read-only", async () => {
  const url = await fresh();
  const is = (re: RegExp) => (e: Error) => e instanceof UnspinError && re.test(e.message) && !e.message.includes("\n");
  await assert.rejects(openStore(url), is(/^no index at .*schema s\d+ does not exist/));
  const base = await database();
  await sql(base, "CREATE SCHEMA other; CREATE TABLE other.users (name text); INSERT INTO other.users VALUES ('x')");
  await assert.rejects(openStore(`${base}?schema=other`, { create: true }), is(/holds other tables, not an unspin trace index; refusing/));
  assert.equal((await sql(base, "SELECT count(*)::int AS n FROM other.users"))[0].n, 1, "another program's tables are left alone");
  const s = await openStore(url, { create: true });
  await s.close();
  const schema = new URL(url).searchParams.get("schema");
  await sql(url, `UPDATE "${schema}".store SET schema_version = ${PG_SCHEMA_VERSION + 1}`);
  await assert.rejects(openStore(url), is(/newer unspin \(schema 2, this one reads up to 1\)/));
  const u = new URL(server.url);
  u.pathname = "/unspin_no_such_db";
  await assert.rejects(openStore(u.href), is(new RegExp(`has no database "unspin_no_such_db" \\(create it: createdb -h 127\\.0\\.0\\.1 -p ${u.port} unspin_no_such_db\\)$`)));
  u.pathname = new URL(base).pathname;
  u.username = "unspin_nobody";
  await assert.rejects(openStore(u.href), is(/refused user "unspin_nobody": role "unspin_nobody" does not exist/));
  // Refused passwords: on a server whose pg_hba asks role unspin_pw for one (pg-cluster.sh's does).
  const hba = await sql(base, "SELECT count(*)::int AS n FROM pg_hba_file_rules WHERE 'unspin_pw' = ANY(user_name) AND auth_method = 'scram-sha-256'")
    .catch(() => [{ n: 0 }]);
  if (hba[0].n > 0) {
    await sql(base, "DROP ROLE IF EXISTS unspin_pw; CREATE ROLE unspin_pw LOGIN PASSWORD 'right'");
    try {
      u.username = "unspin_pw";
      u.password = "wrong";
      await assert.rejects(openStore(u.href), is(/refused user "unspin_pw": wrong password/));
      u.password = "";
      await assert.rejects(openStore(u.href), is(/wants a password for user "unspin_pw"/));
    } finally {
      await sql(base, "DROP ROLE unspin_pw");
    }
  } else {
    console.log("# pg_hba asks no password of role unspin_pw on this server: the refused-password cases are not exercised");
  }
});

t("read-only: the server refuses writes too", async () => {
  const url = await fresh();
  (await openStore(url, { create: true })).close();
  const ro = await PostgresStore.open(url, { readOnly: true });
  // Bypass the store's own check: the connection itself is read-only.
  const pool = (ro as unknown as { pool: pg.Pool }).pool;
  await assert.rejects(pool.query("CREATE TABLE x (a int)"), /read-only transaction/);
  await ro.close();
});

t("NUL characters (which PostgreSQL text cannot hold) are stored as U+FFFD, keeping offsets", async () => {
  const s = await openStore(await fresh(), { create: true });
  const r = await s.addBatch([doc(1, "a\0b")]);
  assert.equal((await s.getDocuments([r.ids[0]!]))[0].text, "a\uFFFDb");
  await s.close();
});
