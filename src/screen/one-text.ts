/**
 * One text through the engine, as `unspin check --json` and `unspin trace --json` give it: the
 * requests of `unspin serve`, run on the screening pool's threads (worker.ts). A text is read
 * in the pieces `check` reads a long file in, and an HTML page goes through the article
 * extraction of screening.
 */
import { analyze, PieceResults, type AnalysisResult, type AnalyzeOptions, type Edit } from "../analyze.js";
import { InputError } from "../errors.js";
import { extractArticle } from "../ingest/html.js";
import { PIECE_SIZE, splitPieces } from "../text/input.js";
import { publicMatch, type AddProgress, type TraceDocument, type TraceIndex, type TraceResult } from "../trace/index.js";
import { TRACE_MIN_SCORE, type ScreenEngine } from "./page.js";

/** A text, or an HTML page whose article is the text. */
export type TextInput = { text: string; html?: undefined } | { html: string; text?: undefined };

/** A job of `unspin serve`: check or restore a text, trace it, or add documents to the index. */
export type TextJob =
  | { kind: "analyze"; input: TextInput }
  | { kind: "trace"; input: TextInput; top: number }
  | { kind: "add"; documents: TraceDocument[] };

/** An HTML page with no article in it (a menu, a stub): nothing to analyse. */
export class NoArticleError extends InputError {
  constructor() {
    super("the HTML page has no article text to analyse (too short, or only navigation)");
    this.name = "NoArticleError";
  }
}

/** The article an HTML page was read as: the text that the result's offsets refer to. */
export interface ArticleInfo {
  title: string | null;
  text: string;
}

/** A result, with the article read from the page when the input was HTML. */
export type WithArticle<T> = T & { article?: ArticleInfo };

/** The result of `trace --json`, and the best source's text with the aligned ranges when it is a match (a viewer shows the two side by side). */
export interface TextTraceResult extends TraceResult {
  source?: { id: string; text: string; segments: { sourceStart: number; sourceEnd: number; copyStart: number; copyEnd: number }[] };
}

/** The text to analyse: the text itself, or the article of the HTML page. */
export function articleText(input: TextInput): { text: string; article?: ArticleInfo } {
  let text: string;
  let article: ArticleInfo | undefined;
  if (input.html !== undefined) {
    const found = extractArticle(input.html);
    if (found === null) throw new NoArticleError();
    article = { title: found.title, text: found.text };
    text = found.text;
  } else {
    text = input.text;
  }
  if (text.trim() === "") throw new InputError("the text is empty: nothing to analyse");
  return article === undefined ? { text } : { text, article };
}

/** The result `check --json` prints for a text, read in the same pieces as a file of that text. */
export function analyzeText(text: string, options: AnalyzeOptions = {}, pieceSize = PIECE_SIZE): AnalysisResult {
  const pieces = splitPieces(text, pieceSize);
  if (pieces.length === 1) return analyze(text, options);
  const whole = new PieceResults();
  const edits: Edit[] = [];
  let restored = "";
  for (const piece of pieces) {
    const r = analyze(piece, options);
    edits.push(...whole.add(piece, r));
    restored += r.restored;
  }
  const { score, stats } = whole.finish(options.calibration);
  return { score, edits, restored, stats };
}

/**
 * Run a job on an engine. `writableIndex` opens the index for adding (the engine's own is
 * read-only), once, when the first documents come.
 */
export async function runTextJob(
  job: TextJob,
  engine: ScreenEngine,
  writableIndex: () => Promise<TraceIndex>,
): Promise<WithArticle<AnalysisResult> | WithArticle<TextTraceResult> | AddProgress> {
  switch (job.kind) {
    case "analyze": {
      const { text, article } = articleText(job.input);
      const result: WithArticle<AnalysisResult> = analyzeText(text, engine.analyze);
      if (article !== undefined) result.article = article;
      return result;
    }
    case "trace": {
      if (engine.sources === undefined) throw new InputError("this engine has no trace index");
      const { text, article } = articleText(job.input);
      // Read-only: a server's traces are not logged for `unspin learn`.
      const matches = await engine.sources.traceDetailed(text, { top: job.top, record: false });
      const result: WithArticle<TextTraceResult> = { matches: matches.map(publicMatch) };
      const best = matches[0];
      if (best !== undefined && best.score >= TRACE_MIN_SCORE) {
        result.source = { id: best.id, text: best.sourceText, segments: best.raw.segments.map((g) => ({ ...g })) };
      }
      if (article !== undefined) result.article = article;
      return result;
    }
    case "add":
      return (await writableIndex()).add(job.documents);
  }
}
