/** A batch through the engine: re-read its records by address, screen each page. */
import { readRecords, type RecordStart } from "./records.js";
import { problemResult, screenPage, type ScreenEngine } from "./page.js";
import type { Batch, PageResult, ScreenInput } from "./types.js";

export interface BatchHooks {
  /** Called as each record starts (the pool's per-record time limit runs from here). */
  onRecord?(record: RecordStart): void;
  /** Records (by cursor) stored as problems with this reason, unread. */
  skip?: ReadonlyMap<number, string>;
}

export async function screenBatch(input: ScreenInput, batch: Batch, engine: ScreenEngine, hooks: BatchHooks = {}): Promise<PageResult[]> {
  const out: PageResult[] = [];
  for await (const item of readRecords(input, { start: batch.start, end: batch.end, onRecord: hooks.onRecord, skip: hooks.skip })) {
    const r = item.page !== undefined ? await screenPage(item.page, engine) : problemResult(item.problem);
    // A page without a URL (plain text, a JSONL record with none) has no site: it is grouped
    // under the input it came from (the file or folder named to screen), not left out.
    if (r.url === null) r.site = input.input;
    out.push(r);
  }
  return out;
}
