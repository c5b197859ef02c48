/**
 * Child process of the kill -9 test (sqlite.test.ts): completes batch after batch of a
 * results database, printing each batch's start once it is committed, until it is killed.
 * Usage: node --import tsx sqlite-writer.fixture.ts FILE RESULTS_PER_BATCH
 */
import { SqliteResultStore } from "./sqlite.js";

const [file, per] = process.argv.slice(2);
const n = Number(per);
const store = SqliteResultStore.open(file, { create: true });
const input = "/crawl/killed.warc.gz";
for (let k = 0; ; k++) {
  const start = k * n * 100;
  const batch = { input, start, end: start + n * 100, bytes: n * 100, records: n };
  await store.addBatches([batch]);
  const results = Array.from({ length: n }, (_, i) => ({
    input, offset: start + i * 100, url: `https://site${i % 7}.example/${k}/${i}`, site: `site${i % 7}.example`,
    date: null, title: `page ${k}.${i}`, status: "ok" as const, stage: "full" as const, reason: null, words: 300, score: (i % 10) / 10,
    spinRate: 0.02, spans: [{ start: 0, end: 4, text: "x".repeat(200), replacement: "y", confidence: 0.5, before: "b", after: "a" }],
    trace: null,
  }));
  await store.completeBatch(batch, results);
  process.stdout.write(`${start}\n`);
}
