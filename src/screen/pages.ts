/**
 * Page texts for learners: every page of some inputs (text files, folders, JSONL, WARC: the
 * screening readers), or the pages of one site of a screening run, re-read from their inputs
 * by address (a run stores results, not texts). Unreadable records are counted, not fatal.
 */
import { listScreenInputs } from "./inputs.js";
import { readRecords } from "./records.js";
import type { PageRecord, RecordAddress, ResultStore, ScreenInput } from "./types.js";
import { InputError } from "../errors.js";

export interface PageTally {
  pages: number;
  problems: number;
}

export async function* inputPages(paths: string[], tally: PageTally = { pages: 0, problems: 0 }): AsyncGenerator<string> {
  for (const input of await listScreenInputs(paths)) {
    for await (const item of readRecords(input)) {
      if (item.page === undefined) tally.problems++;
      else {
        tally.pages++;
        yield item.page.text;
      }
    }
  }
}

/** The pages a run screened for `site` (registrable domain), read back from their inputs. */
export async function* sitePages(store: ResultStore, site: string, tally: PageTally = { pages: 0, problems: 0 }): AsyncGenerator<string> {
  const results = await store.siteResults(site);
  if (results.length === 0) throw new InputError(`the results in ${store.location} have no analysed page of the site "${site}"`);
  for await (const { page } of pagesAt(results, tally)) if (page !== null) yield page.text;
}

/**
 * Records re-read by address, in the order given (grouped by input): each address with its
 * page, or null when it can no longer be read (the input moved, changed or was deleted since
 * the run: counted as a problem).
 */
export async function* pagesAt<A extends RecordAddress>(addresses: readonly A[], tally: PageTally = { pages: 0, problems: 0 }): AsyncGenerator<{ address: A; page: PageRecord | null }> {
  const byInput = new Map<string, A[]>();
  for (const a of addresses) {
    let list = byInput.get(a.input);
    if (list === undefined) byInput.set(a.input, (list = []));
    list.push(a);
  }
  for (const [path, list] of byInput) {
    let input: ScreenInput | undefined;
    try {
      [input] = await listScreenInputs([path]);
    } catch {
      input = undefined;
    }
    for (const address of list) {
      let page: PageRecord | null = null;
      if (input !== undefined) {
        for await (const item of readRecords(input, { start: address.offset, end: address.offset + 1 })) {
          if (item.page !== undefined && item.page.offset === address.offset) page = item.page;
        }
      }
      if (page === null) tally.problems++;
      else tally.pages++;
      yield { address, page };
    }
  }
}
