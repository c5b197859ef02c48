/**
 * One text through the engine, as `unspin check --json` and `unspin trace --json` give it: the
 * requests of `unspin serve`, run on the screening pool's threads (worker.ts). A text is read
 * in the pieces `check` reads a long file in, and an HTML page goes through the article
 * extraction of screening.
 */
import { analyze, PieceResults, type AnalysisResult, type AnalyzeOptions, type Edit } from "../analyze.js";
import { InputError } from "../errors.js";
import { extractArticle } from "../ingest/html.js";
import { splitPieces } from "../text/input.js";
import type { AddProgress, TraceDocument, TraceIndex, TraceResult } from "../trace/index.js";
import type { ScreenEngine } from "./page.js";

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

/** The text to analyse: the text itself, or the article of the HTML page. */
export function articleText(input: TextInput): string {
  let text: string;
  if (input.html !== undefined) {
    const article = extractArticle(input.html);
    if (article === null) throw new NoArticleError();
    text = article.text;
  } else {
    text = input.text;
  }
  if (text.trim() === "") throw new InputError("the text is empty: nothing to analyse");
  return text;
}

/** The result `check --json` prints for a text, read in the same pieces as a file of that text. */
export function analyzeText(text: string, options: AnalyzeOptions = {}): AnalysisResult {
  const pieces = splitPieces(text);
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
): Promise<AnalysisResult | TraceResult | AddProgress> {
  switch (job.kind) {
    case "analyze":
      return analyzeText(articleText(job.input), engine.analyze);
    case "trace": {
      if (engine.sources === undefined) throw new InputError("this engine has no trace index");
      // Read-only: a server's traces are not logged for `unspin learn`.
      return engine.sources.trace(articleText(job.input), { top: job.top, record: false });
    }
    case "add":
      return (await writableIndex()).add(job.documents);
  }
}
