import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { combineTables, formatChannelTable, parseChannelTable, readChannelTable, writeChannelTable, ChannelTableError, TABLE_MAGIC } from "./table.js";
import { learnedMap } from "./learned.js";
import { Channel } from "./channel.js";

const dir = mkdtempSync(join(tmpdir(), "unspin-table-"));

test("a channel table survives writing and reading: pairs, probabilities, provenance", () => {
  const path = join(dir, "t.tsv");
  const pairs = [
    { original: "said", spun: "stated", count: 41.5, probability: 0.9, pages: 30, source: "site" as const },
    { original: "could be", spun: "may very well be", count: 3, pages: 2, source: "traced" as const },
  ];
  writeChannelTable(path, { meta: { source: "site", site: "example.com" }, pairs });
  const back = readChannelTable(path);
  assert.equal(back.meta.site, "example.com");
  assert.deepEqual(back.pairs, [pairs[0], { ...pairs[1], probability: undefined }]);
});

test("a corrupt table, another file or another version is refused with one line naming the problem", () => {
  const good = formatChannelTable({ meta: {}, pairs: [{ original: "said", spun: "stated", count: 2, probability: 0.5, pages: 2, source: "site" }] });
  assert.throws(() => parseChannelTable("hello\n", "x.tsv"), /x\.tsv is not an unspin channel table/);
  assert.throws(() => parseChannelTable(good.replace(`${TABLE_MAGIC}\t1`, `${TABLE_MAGIC}\t9`), "x.tsv"), /version 9 channel table; this unspin reads version 1/);
  assert.throws(() => parseChannelTable(good.replace("0.5000", "1.7"), "x.tsv"), /line \d+: probability "1.7"/);
  assert.throws(() => parseChannelTable(good.replace("\tsite\n", "\n"), "x.tsv"), /expected 6 tab-separated fields/);
  const binary = join(dir, "bin.tsv");
  writeFileSync(binary, Buffer.from([0xff, 0xfe, 0x00, 0x80]));
  assert.throws(() => readChannelTable(binary), (e: unknown) => e instanceof ChannelTableError && /not UTF-8/.test((e as Error).message));
  assert.throws(() => readChannelTable(join(dir, "missing.tsv")), /no channel table at/);
});

test("tables combine: counts add, the largest site probability holds; the channel reads P(s | o) and the replace rate", () => {
  const a = { meta: {}, pairs: [{ original: "said", spun: "stated", count: 10, probability: 0.6, pages: 5, source: "site" as const }] };
  const b = { meta: {}, pairs: [{ original: "said", spun: "stated", count: 4, probability: 0.9, pages: 2, source: "site" as const }, { original: "eastern", spun: "japanese", count: 3, source: "traced" as const }] };
  const pairs = combineTables([a, b]);
  const said = pairs.find((p) => p.original === "said")!;
  assert.equal(said.count, 14);
  assert.equal(said.probability, 0.9);
  const channel = new Channel(undefined, learnedMap(pairs));
  assert.equal(channel.siteProbability("said", "stated"), 0.9);
  assert.equal(channel.siteProbability("eastern", "japanese"), 0, "a traced pair carries a count, not a probability");
  assert.equal(channel.siteReplaceRate("said"), 0.9);
  assert.equal(channel.siteReplaceRate("stated"), 0);
});
