/**
 * Page texts for learners: every page of some inputs (text files, folders, JSONL, WARC: the
 * screening readers), or the pages of one site of a screening run, re-read from their inputs
 * by address (a run stores results, not texts). Unreadable records are counted, not fatal.
 */
import { listScreenInputs } from "./inputs.js";
import { readRecords } from "./records.js";
import type { ResultStore, ScreenInput } from "./types.js";
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
  const wanted = new Map<string, number[]>();
  for await (const r of store.results()) {
    if (r.site !== site || r.status !== "ok") continue;
    let list = wanted.get(r.input);
    if (list === undefined) wanted.set(r.input, (list = []));
    list.push(r.offset);
  }
  if (wanted.size === 0) throw new InputError(`the results in ${store.location} have no analysed page of the site "${site}"`);
  for (const [path, offsets] of wanted) {
    let input: ScreenInput | undefined;
    try {
      [input] = await listScreenInputs([path]);
    } catch {
      tally.problems += offsets.length; // the input moved or was deleted since the run
      continue;
    }
    if (input === undefined) continue;
    for (const offset of offsets) {
      let found = false;
      for await (const item of readRecords(input, { start: offset, end: offset + 1 })) {
        if (item.page !== undefined) {
          found = true;
          tally.pages++;
          yield item.page.text;
        }
      }
      if (!found) tally.problems++;
    }
  }
}
