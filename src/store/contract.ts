/**
 * The trace store contract: node:test cases every TraceStore back end passes
 * (sqlite.test.ts, postgres.test.ts). `open()` gives a new, empty, writable store each call;
 * `reopen(store, opts)` a second connection to the same store (default: openStore(location)).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { UnspinError } from "../errors.js";
import { learnedSubstitutions, openStore, type StoreOptions } from "./index.js";
import type { NewDocument, TraceStore } from "./types.js";

export interface TraceContractOptions {
  /** Skip every case, with this reason (the back end is not available). */
  skip?: string;
  reopen?: (store: TraceStore, opts: StoreOptions) => Promise<TraceStore>;
}

/** A small document: shingles n*8, n*8+16 and 800 (shared by every document). */
export function doc(n: number, text = `document number ${n}`): NewDocument {
  const hash = new Uint8Array(16);
  new DataView(hash.buffer).setUint32(0, n);
  hash[15] = text.length & 255;
  return { hash, text, words: 3, shingles: [n * 8, n * 8 + 16, 800], level: 0, extId: `d${n}` };
}

export function traceStoreContract(name: string, open: () => Promise<TraceStore>, opts: TraceContractOptions = {}): void {
  const reopen = opts.reopen ?? ((s: TraceStore, o: StoreOptions) => openStore(s.location, o));
  const t = (title: string, f: () => Promise<void>) => test(`${name} trace store: ${title}`, { skip: opts.skip }, f);

  t("meta round-trips and survives reopening", async () => {
    const s = await open();
    assert.equal(await s.getMeta("k"), undefined);
    await s.setMeta("k", "v");
    await s.setMeta("k", "w");
    await s.setMeta("quote's \"key\"", "üñí 😀\n");
    const r = await reopen(s, {});
    assert.equal(await r.getMeta("k"), "w");
    assert.equal(await r.getMeta("quote's \"key\""), "üñí 😀\n");
    assert.deepEqual((await r.stats()).meta, { k: "w", "quote's \"key\"": "üñí 😀\n" });
    await r.close();
    await s.close();
  });

  t("adds atomically, dedupes by content hash, looks postings up with a cap", async () => {
    const s = await open();
    const r1 = await s.addBatch([doc(1), doc(2), doc(1)]);
    assert.equal(r1.added, 2);
    assert.equal(r1.duplicates, 1);
    assert.equal(r1.ids[2], null);
    const r2 = await s.addBatch([doc(1), doc(2)]);
    assert.equal(r2.added, 0);
    assert.deepEqual(await s.hasHashes([doc(1).hash, doc(3).hash]), [true, false]);
    assert.equal(await s.documentCount(), 2);
    const l = await s.lookup([8, 800, 12345], 1);
    assert.deepEqual(l.postings.get(8), [r1.ids[0]! * 4]);
    assert.ok(l.common.has(800), "a shingle in more documents than the cap is reported as common");
    assert.ok(!l.postings.has(12345));
    const docs = await s.getDocuments([r1.ids[1]!]);
    assert.equal(docs[0].text, "document number 2");
    assert.equal(docs[0].extId, "d2");
    const st = await s.stats();
    assert.equal(st.documents, 2);
    assert.equal(st.postings, 6);
    await s.close();
  });

  t("lookup: at the cap a list is returned whole; hashes over 2^31 and repeated hashes work", async () => {
    const s = await open();
    const big = 0xfffffff8;
    const d = { ...doc(7), shingles: [big, 2 ** 31, 56] };
    const e = { ...doc(8), shingles: [big, 64] };
    const r = await s.addBatch([d, e]);
    const l = await s.lookup([big, big, 2 ** 31, 56, 64, 9999], 2);
    assert.deepEqual(l.postings.get(big)?.sort((a, b) => a - b), [r.ids[0]! * 4, r.ids[1]! * 4]);
    assert.deepEqual(l.postings.get(2 ** 31), [r.ids[0]! * 4]);
    assert.equal(l.common.size, 0);
    assert.ok(!l.postings.has(9999));
    const capped = await s.lookup([big], 1);
    assert.ok(capped.common.has(big) && !capped.postings.has(big));
    assert.deepEqual(await s.lookup([], 5), { postings: new Map(), common: new Set() });
    await s.close();
  });

  t("documents keep their metadata, level and hostile text; getDocuments follows the ids asked", async () => {
    const s = await open();
    const text = "O'Brien said \"DROP TABLE docs;\" -- \\n 😀 ümlaut\n\ttab \u202Eright-to-left\u202C e\u0301";
    const a: NewDocument = { ...doc(1, text), url: "https://example.com/a?b=c&d='e'", title: "Title «x»", date: "2024-02-29", level: 3, words: 11 };
    const b: NewDocument = { ...doc(2), url: null, title: null, date: null, extId: null };
    const r = await s.addBatch([a, b]);
    const got = await s.getDocuments([r.ids[1]!, 999_999, r.ids[0]!]);
    assert.deepEqual(got, [
      { id: r.ids[1], extId: null, url: null, title: null, date: null, words: 3, text: "document number 2" },
      { id: r.ids[0], extId: "d1", url: a.url, title: a.title, date: a.date, words: 11, text },
    ]);
    assert.deepEqual((await s.lookup([8], 5)).postings.get(8), [r.ids[0]! * 4 + 3], "the level is packed into the posting");
    assert.deepEqual(await s.getDocuments([]), []);
    await s.close();
  });

  t("a batch that fails part-way leaves nothing behind", async () => {
    const s = await open();
    await s.addBatch([doc(1)]);
    // A posting value no back end can store fails the batch after its documents went in.
    const bad = { ...doc(3), shingles: [24, 2n ** 70n as unknown as number] };
    await assert.rejects(s.addBatch([doc(2), bad]));
    assert.equal(await s.documentCount(), 1);
    assert.deepEqual(await s.hasHashes([doc(2).hash]), [false]);
    assert.ok(!(await s.lookup([16], 5)).postings.has(16), "no postings of the rolled-back document");
    assert.equal((await s.stats()).postings, 3);
    const again = await s.addBatch([doc(2)]);
    assert.equal(again.added, 1, "running the batch again completes it");
    await s.close();
  });

  t("two connections adding the same documents at once store each document once", async () => {
    const s = await open();
    const s2 = await reopen(s, {});
    const batch = Array.from({ length: 300 }, (_, i) => doc(i + 1000));
    const [a, b] = await Promise.all([s.addBatch(batch), s2.addBatch([...batch].reverse())]);
    assert.equal(a.added + b.added, 300);
    assert.equal(await s.documentCount(), 300);
    assert.equal((await s.stats()).postings, 300 * 3);
    const l = await s.lookup([8000, 8016], 10);
    assert.equal(l.postings.get(8000)?.length, 1);
    assert.equal(l.postings.get(8016)?.length, 2, "doc 1000's second shingle and doc 1002's first");
    await s2.close();
    await s.close();
  });

  t("a large batch: 3000 documents of 40 shingles in one call", async () => {
    const s = await open();
    const docs = Array.from({ length: 3000 }, (_, i) => ({
      ...doc(i + 1, `large ${i}`),
      shingles: Array.from({ length: 40 }, (_, k) => ((i * 40 + k) * 2654435761) >>> 0),
    }));
    const r = await s.addBatch(docs);
    assert.equal(r.added, 3000);
    assert.equal((await s.stats()).postings, 120_000);
    const probe = docs[1234].shingles.slice(0, 5);
    const l = await s.lookup(probe, 3);
    for (const h of probe) assert.deepEqual(l.postings.get(h), [r.ids[1234]! * 4]);
    await s.close();
  });

  t("channel table: learned counts accumulate; traces fold in once", async () => {
    const s = await open();
    await s.addChannelCounts([{ original: "military", spun: "navy", count: 2 }]);
    await s.addChannelCounts([{ original: "military", spun: "navy", count: 1 }]);
    assert.equal(await s.recordTrace({ copyHash: "aa", docId: 1, score: 0.99, kind: "spun", pairs: [{ original: "said", spun: "stated" }, { original: "military", spun: "navy" }] }), true);
    assert.equal(await s.recordTrace({ copyHash: "aa", docId: 1, score: 0.99, kind: "spun", pairs: [] }), false, "the same trace is logged once");
    assert.equal((await s.stats()).tracesPending, 1);
    assert.deepEqual(await s.learnPending(), { traces: 1, pairs: 2 });
    assert.deepEqual(await s.learnPending(), { traces: 0, pairs: 0 }, "learning twice adds nothing");
    const st = await s.stats();
    assert.equal(st.tracesPending, 0);
    assert.equal(st.tracesLearned, 1);
    assert.equal(st.channelPairs, 2);
    const location = s.location;
    await s.close();
    const pairs = await learnedSubstitutions(location);
    assert.deepEqual(pairs, [{ original: "military", spun: "navy", count: 4 }, { original: "said", spun: "stated", count: 1 }]);
  });

  t("channel counts: a pair given twice in one call is summed; order is by count, then bytes", async () => {
    const s = await open();
    await s.addChannelCounts([
      { original: "b", spun: "x", count: 1 }, { original: "B", spun: "x", count: 1 },
      { original: "a", spun: "é", count: 2 }, { original: "a", spun: "é", count: 3 }, { original: "a", spun: "z", count: 5 },
    ]);
    assert.deepEqual(await s.learnedSubstitutions(), [
      { original: "a", spun: "z", count: 5 }, { original: "a", spun: "é", count: 5 },
      { original: "B", spun: "x", count: 1 }, { original: "b", spun: "x", count: 1 },
    ]);
    await s.addChannelCounts([]);
    await s.close();
  });

  t("two learners at once fold each trace in once", async () => {
    const s = await open();
    for (let i = 0; i < 50; i++) {
      await s.recordTrace({ copyHash: `c${i}`, docId: 1, score: 0.95, kind: "spun", pairs: [{ original: "big", spun: "large" }] });
    }
    const s2 = await reopen(s, {});
    const [a, b] = await Promise.all([s.learnPending(), s2.learnPending()]);
    assert.equal(a.traces + b.traces, 50);
    assert.deepEqual(await s.learnedSubstitutions(), [{ original: "big", spun: "large", count: 50 }]);
    await s2.close();
    await s.close();
  });

  t("a read-only store reads and refuses every write", async () => {
    const s = await open();
    await s.addBatch([doc(1)]);
    await s.setMeta("k", "v");
    const ro = await reopen(s, { readOnly: true });
    assert.equal(ro.readOnly, true);
    assert.equal(await ro.documentCount(), 1);
    assert.equal(await ro.getMeta("k"), "v");
    const refused = (e: Error) => e instanceof UnspinError && /read-only/.test(e.message);
    await assert.rejects(ro.addBatch([doc(2)]), refused);
    await assert.rejects(ro.setMeta("k", "w"), refused);
    await assert.rejects(ro.addChannelCounts([{ original: "a", spun: "b", count: 1 }]), refused);
    await assert.rejects(ro.recordTrace({ copyHash: "x", docId: 1, score: 1, kind: "spun", pairs: [] }), refused);
    await assert.rejects(ro.learnPending(), refused);
    assert.equal(await ro.documentCount(), 1);
    await ro.close();
    await s.close();
  });
}
