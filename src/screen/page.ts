/**
 * One page through the engine: the first-stage detector, then for a page it does not clear the
 * same `analyze` as `unspin check`, and with a trace index the same `trace` as `unspin trace`,
 * reduced to what a screening result keeps.
 */
import { analyze, type AnalyzeOptions } from "../analyze.js";
import type { FirstStage } from "../detect/first-stage.js";
import { UnspinError } from "../errors.js";
import type { TraceIndex } from "../trace/index.js";
import { siteOf } from "./site.js";
import { MAX_SPANS, type PageRecord, type PageResult, type RecordProblem, type ScreenSpan, type TraceMatch } from "./types.js";

/** Characters of context kept on each side of a span. */
const CONTEXT = 60;
/** A trace below this score is no evidence of copying (unrelated pages score well under it). */
export const TRACE_MIN_SCORE = 0.5;

export interface ScreenEngine {
  analyze?: AnalyzeOptions;
  /** The first-stage detector: pages it clears are stored with its score and no analysis. Absent: every page is analysed (`--full`). */
  firstStage?: FirstStage;
  /** Trace index of sources (`--sources`). */
  sources?: TraceIndex;
}

/** Text with nothing to read: whitespace, control and format characters only (NULs included). */
const NOTHING_TO_READ = /^[\s\p{Cc}\p{Cf}]*$/u;

export async function screenPage(page: PageRecord, engine: ScreenEngine): Promise<PageResult> {
  if (NOTHING_TO_READ.test(page.text)) return problemResult({ input: page.input, offset: page.offset, url: page.url, reason: "empty document" }, page);
  const first = engine.firstStage?.score(page.text);
  if (first !== undefined && !first.pass) {
    return {
      ...pageFields(page), status: "ok", stage: "fast", reason: null, words: first.words, score: first.score, spinRate: null, spans: [],
      trace: await traceOf(page, engine),
    };
  }
  let result;
  try {
    result = analyze(page.text, engine.analyze);
  } catch (e) {
    // A page the engine refuses (not English) is a finding about the page, not a failure of the run.
    if (e instanceof UnspinError) return problemResult({ input: page.input, offset: page.offset, url: page.url, reason: e.message }, page);
    throw e;
  }
  const spans: ScreenSpan[] = result.edits
    .slice()
    .sort((a, b) => b.confidence - a.confidence || a.start - b.start)
    .slice(0, MAX_SPANS)
    .map((e) => ({
      start: e.start,
      end: e.end,
      text: e.text,
      replacement: e.replacement,
      confidence: e.confidence,
      before: context(page.text.slice(Math.max(0, e.start - CONTEXT), e.start), "start"),
      after: context(page.text.slice(e.end, e.end + CONTEXT), "end"),
    }));
  return {
    ...pageFields(page), status: "ok", stage: "full", reason: null, words: result.stats.words, score: result.score, spinRate: result.stats.spinRate, spans,
    trace: await traceOf(page, engine),
  };
}

function pageFields(page: PageRecord): Pick<PageResult, "input" | "offset" | "url" | "site" | "date" | "title"> {
  return { input: page.input, offset: page.offset, url: page.url, site: siteOf(page.url), date: page.date, title: page.title };
}

/** The page's best source (with `--sources`), when it scores as a copy: cleared pages too, a verbatim copy is not spun. */
async function traceOf(page: PageRecord, engine: ScreenEngine): Promise<TraceMatch | null> {
  if (engine.sources === undefined) return null;
  const [best] = await engine.sources.traceDetailed(page.text, { top: 1 });
  if (best === undefined || best.kind === "unrelated" || best.score < TRACE_MIN_SCORE) return null;
  return { docId: best.docId, extId: best.id, url: best.url, title: best.title, score: best.score, kind: best.kind };
}

export function problemResult(problem: RecordProblem, page?: Pick<PageRecord, "date" | "title">): PageResult {
  return {
    input: problem.input,
    offset: problem.offset,
    url: problem.url,
    site: siteOf(problem.url),
    date: page?.date ?? null,
    title: page?.title ?? null,
    status: "problem",
    stage: null,
    reason: problem.reason,
    words: 0,
    score: null,
    spinRate: null,
    spans: [],
    trace: null,
  };
}

/** Context cut at a word boundary on its far side, newlines folded. */
function context(s: string, cut: "start" | "end"): string {
  let t = s.replace(/\s+/g, " ");
  if (s.length >= CONTEXT) {
    if (cut === "start") t = t.replace(/^\S*\s/, "");
    else t = t.replace(/\s\S*$/, "");
  }
  return t;
}
