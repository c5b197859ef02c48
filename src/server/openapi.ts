/**
 * `/openapi.json`: an OpenAPI 3.1 document whose schemas are generated from the zod schemas
 * that validate the requests (schemas.ts), wrapped in the paths written here.
 */
import { z } from "zod";
import { registry } from "./schemas.js";

type Json = Record<string, unknown>;

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string, description: string) => ({ description, content: { "application/json": { schema: ref(id) } } });
const error = (description: string) => json("Error", description);

/** The errors every route may answer, besides its own. */
const COMMON_ERRORS = {
  "429": { ...error("Too many requests waiting for the engine; retry after the Retry-After header's seconds"), headers: { "Retry-After": { schema: { type: "integer" } } } },
  "503": error("The request took longer than the server's time limit, or the server is stopping"),
};

const textBody = (id: string) => ({
  required: true,
  content: {
    "application/json": { schema: ref(id) },
    "text/plain": { schema: { type: "string" } },
    "text/html": { schema: { type: "string" } },
  },
});

const engineErrors = {
  "400": error("Malformed body: invalid JSON or UTF-8, wrong fields or types, empty text"),
  "413": error("Body over the size limit"),
  "415": error("Content type other than application/json, text/plain, text/html (UTF-8)"),
  "422": error("Not English (`not_english`), or an HTML page with no article (`no_article`)"),
  ...COMMON_ERRORS,
};

function paths(): Json {
  return {
    "/v1/check": { post: { summary: "Score a text for machine spinning and mark every suspicious span (as `unspin check --json`)", requestBody: textBody("CheckRequest"), responses: { "200": json("AnalysisResult", "The result object"), ...engineErrors } } },
    "/v1/restore": { post: { summary: "The most likely original wording of a text (the same result object; see `restored`)", requestBody: textBody("CheckRequest"), responses: { "200": json("AnalysisResult", "The result object"), ...engineErrors } } },
    "/v1/trace": { post: { summary: "Find the indexed documents a text was copied, spun, translated or paraphrased from (as `unspin trace --json`)", requestBody: textBody("TraceRequest"), responses: { "200": json("TraceResult", "Ranked sources and the best one's alignment"), "404": error("The server has no trace index (`no_index`)"), ...engineErrors } } },
    "/v1/documents": {
      post: {
        summary: "Add source documents to the trace index", security: [{ bearer: [] }],
        requestBody: { required: true, content: { "application/json": { schema: ref("DocumentsRequest") } } },
        responses: { "200": json("AddResult", "What was added"), "401": error("Missing or wrong bearer token"), "403": error("The server was started without a token: adding is disabled"), "404": error("No trace index (`no_index`)"), ...engineErrors },
      },
    },
    "/v1/health": { get: { summary: "Liveness and what the server has loaded", responses: { "200": json("Health", "The server is up") } } },
    "/v1/version": { get: { summary: "unspin's version", responses: { "200": json("Version", "The version") } } },
    "/v1/runs": { get: { summary: "The screening run in the results store, with its counts", responses: { "200": json("Runs", "The runs"), "404": error("The server has no results store (`no_results`)") } } },
    "/v1/runs/{run}/report": {
      get: {
        summary: "The run's HTML report, exactly as `unspin report` writes it",
        parameters: [{ name: "run", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "A self-contained HTML page", content: { "text/html": { schema: { type: "string" } } } }, "404": error("No such run, or no results store") },
      },
    },
    "/v1/runs/{run}/pages": {
      get: {
        summary: "The run's analysed pages with their spans, highest score first",
        parameters: [
          { name: "run", in: "path", required: true, schema: { type: "string" } },
          { name: "site", in: "query", schema: { type: "string" } },
          { name: "min_score", in: "query", schema: { type: "number", minimum: 0, maximum: 1 } },
          { name: "max_score", in: "query", schema: { type: "number", minimum: 0, maximum: 1 } },
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 1000, default: 50 } },
          { name: "offset", in: "query", schema: { type: "integer", minimum: 0, default: 0 } },
        ],
        responses: { "200": json("Pages", "A window of the matching pages and their total"), "400": error("A bad query parameter"), "404": error("No such run, or no results store") },
      },
    },
  };
}

let cached: string | undefined;

/** The document as JSON text (built once). */
export function openApiJson(version: string): string {
  if (cached !== undefined) return cached;
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, unrepresentable: "any" }) as { schemas: Record<string, Json> };
  for (const s of Object.values(schemas)) {
    // Components are parts of one document, not documents of their own.
    delete s.$schema;
    delete s.$id;
  }
  const doc = {
    openapi: "3.1.0",
    info: {
      title: "unspin",
      version,
      description: "Detect machine-spun text, restore the original wording, trace copies to their source. Every error is `{error: {code, message}}`.",
      license: { name: "MIT", identifier: "MIT" },
    },
    paths: paths(),
    components: { schemas, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  };
  cached = JSON.stringify(doc);
  return cached;
}
