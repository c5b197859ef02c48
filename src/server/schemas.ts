/**
 * The HTTP API's request and response schemas (zod). The same schemas validate requests and
 * make `/openapi.json` (openapi.ts), so the document cannot drift from what the server does.
 */
import { z } from "zod";

/** Schemas with an id: the components of the OpenAPI document. */
export const registry = z.registry<{ id: string }>();

const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  const described = description === undefined ? schema : schema.describe(description);
  registry.add(described, { id });
  return described;
};

// ---------------------------------------------------------------------------------------------
// Requests

const text = z.string().describe("The text (UTF-8).");
const html = z.string().describe("An HTML page: its main article is extracted as screening does, and analysed.");

export const TextRequest = named(z.strictObject({ text }), "TextRequest");
export const HtmlRequest = named(z.strictObject({ html }), "HtmlRequest");
export const CheckRequest = named(z.union([TextRequest, HtmlRequest]), "CheckRequest",
  "A text, or an HTML page. Also accepted: a raw text/plain or text/html body.");

const top = z.number().int().min(1).max(100).optional().describe("Sources to rank (default 5).");
export const TraceTextRequest = named(z.strictObject({ text, top }), "TraceTextRequest");
export const TraceHtmlRequest = named(z.strictObject({ html, top }), "TraceHtmlRequest");
export const TraceRequest = named(z.union([TraceTextRequest, TraceHtmlRequest]), "TraceRequest",
  "A text or HTML page to trace. Also accepted: a raw text/plain or text/html body (top 5).");

const optionalString = z.string().nullable().optional();
export const DocumentInput = named(z.strictObject({
  text: z.string().describe("The document's text."),
  id: optionalString.describe("Your identifier for it (shown in traces)."),
  url: optionalString,
  title: optionalString,
  date: optionalString.describe("ISO 8601 date."),
}), "DocumentInput");
export const DocumentsRequest = named(z.strictObject({
  documents: z.array(DocumentInput).min(1).max(10_000),
}), "DocumentsRequest", "Source documents to add to the trace index (needs the bearer token).");

/** Query parameters arrive as strings. */
const queryNumber = (min: number, max: number) => z.string().regex(/^-?\d+(\.\d+)?$/, "expected a number").transform(Number).pipe(z.number().min(min).max(max));
const queryInt = (min: number, max: number) => z.string().regex(/^\d+$/, "expected a whole number").transform(Number).pipe(z.number().int().min(min).max(max));
export const PagesQuery = z.strictObject({
  site: z.string().min(1).max(253).optional(),
  min_score: queryNumber(0, 1).optional(),
  max_score: queryNumber(0, 1).optional(),
  limit: queryInt(1, 1000).optional(),
  offset: queryInt(0, 1_000_000_000).optional(),
});

// ---------------------------------------------------------------------------------------------
// Responses

export const ErrorResponse = named(z.object({
  error: z.object({
    code: z.string().describe("Stable, machine-readable: invalid_json, invalid_request, payload_too_large, busy, timeout, not_english, …"),
    message: z.string().describe("One line for people."),
  }),
}), "Error");

const Alternative = z.object({ replacement: z.string(), probability: z.number() });
export const Edit = named(z.object({
  start: z.number().int().describe("UTF-16 offset into the analysed text."),
  end: z.number().int(),
  text: z.string(),
  replacement: z.string(),
  confidence: z.number().describe("Calibrated probability that the replacement restores the original wording."),
  alternatives: z.array(Alternative),
}), "Edit");
export const Article = named(z.object({ title: z.string().nullable(), text: z.string() }), "Article",
  "The article read from an HTML page: the text the offsets refer to.");
export const AnalysisResult = named(z.object({
  score: z.number().describe("Calibrated probability that the text was machine-spun."),
  edits: z.array(Edit),
  restored: z.string(),
  stats: z.object({
    words: z.number(), sentences: z.number(), eligible: z.number(), changedWords: z.number(), spinRate: z.number(),
    restoreRate: z.number(), logLikelihoodRatio: z.number(), milliseconds: z.number(),
  }),
  article: Article.optional().describe("Only for HTML input."),
}), "AnalysisResult", "The result object of `unspin check --json`.");

const Substitution = z.object({ sourceStart: z.number(), sourceEnd: z.number(), copyStart: z.number(), copyEnd: z.number(), source: z.string(), copy: z.string() });
const Segment = z.object({ sourceStart: z.number(), sourceEnd: z.number(), copyStart: z.number(), copyEnd: z.number() });
export const TraceMatch = named(z.object({
  id: z.string(), url: z.string().nullable(), title: z.string().nullable(), score: z.number(),
  kind: z.enum(["verbatim", "spun", "translated", "paraphrased", "unrelated"]),
  alignment: z.object({ sourceCoverage: z.number(), copyCoverage: z.number(), changedShare: z.number(), substitutions: z.array(Substitution) }),
}), "TraceMatch");
export const TraceResult = named(z.object({
  matches: z.array(TraceMatch).describe("Ranked sources, as `unspin trace --json`."),
  source: z.object({ id: z.string(), text: z.string(), segments: z.array(Segment) }).optional()
    .describe("The best source's text and the aligned character ranges, when it scores as a match (0.5 or more)."),
  article: Article.optional().describe("Only for HTML input."),
}), "TraceResult");
export const AddResult = named(z.object({ seen: z.number(), added: z.number(), duplicates: z.number(), empty: z.number() }), "AddResult");

export const Health = named(z.object({
  ok: z.literal(true),
  version: z.string(),
  index: z.boolean().describe("A trace index is loaded (/v1/trace works)."),
  results: z.boolean().describe("A results store is open (/v1/runs works)."),
  threads: z.number().int(),
  load: z.object({ running: z.number().int(), waiting: z.number().int() }),
}), "Health");
export const Version = named(z.object({ name: z.literal("unspin"), version: z.string() }), "Version");

const Counts = z.object({
  pages: z.number(), problems: z.number(), spun: z.number(), traced: z.number(),
  fast: z.number().describe("Pages the first-stage detector cleared (stage \"fast\"), among pages."),
  batchesDone: z.number(), batchesTotal: z.number(), bytesDone: z.number(), bytesTotal: z.number(),
});
export const Run = named(z.object({
  id: z.string().describe("The run's id in /v1/runs/{run}/…"),
  inputs: z.array(z.string()), sources: z.string().nullable(), spunThreshold: z.number(), recordsPerBatch: z.number(),
  full: z.boolean().optional().describe("Every page analysed by the full engine (screen --full)."),
  planned: z.boolean(), started: z.string(), unspinVersion: z.string(),
  counts: Counts,
}), "Run");
export const Runs = named(z.object({ runs: z.array(Run) }), "Runs");

const Span = z.object({ start: z.number(), end: z.number(), text: z.string(), replacement: z.string(), confidence: z.number(), before: z.string(), after: z.string() });
export const PageResult = named(z.object({
  input: z.string(), offset: z.number(), url: z.string().nullable(), site: z.string().nullable(), date: z.string().nullable(),
  title: z.string().nullable(), status: z.enum(["ok", "problem"]), reason: z.string().nullable(), words: z.number(),
  stage: z.enum(["fast", "full"]).nullable().describe("full: the engine's score and spans (as check); fast: the first stage cleared the page (its estimate, no spans); null for problems."),
  score: z.number().nullable(), spinRate: z.number().nullable(), spans: z.array(Span),
  trace: z.object({ docId: z.number(), extId: z.string().nullable(), url: z.string().nullable(), title: z.string().nullable(), score: z.number(), kind: z.string() }).nullable(),
}), "PageResult");
export const Pages = named(z.object({
  total: z.number().int(), limit: z.number().int(), offset: z.number().int(), pages: z.array(PageResult),
}), "Pages");
