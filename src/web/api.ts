/**
 * The server's HTTP API, as the page uses it. Same origin only: every path is relative to
 * the page, so nothing is fetched from anywhere else. Errors come back as `{error: {code,
 * message}}`; they surface here as ApiError with the server's message.
 */
import type { AnalysisResult } from "../analyze.js";
import type { PageResult } from "../screen/types.js";
import type { AlignedSubstitution } from "../trace/align.js";

export type { AnalysisResult, PageResult };

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = "ApiError";
  }
}

export interface Health {
  ok: boolean;
  version: string;
  index: boolean;
  results: boolean;
  threads: number;
}

export type { AlignedSubstitution as TraceSubstitution } from "../trace/align.js";

export interface TraceMatch {
  id: string;
  url: string | null;
  title: string | null;
  score: number;
  kind: string;
  alignment: { sourceCoverage: number; copyCoverage: number; changedShare: number; substitutions: AlignedSubstitution[] };
}

/** Character ranges of the source and the copy that the alignment pairs up (as `unspin trace` draws them side by side). */
export interface Segment {
  sourceStart: number;
  sourceEnd: number;
  copyStart: number;
  copyEnd: number;
}

export interface TraceResult {
  matches: TraceMatch[];
  /** The best source's text and the aligned ranges, when it scores as a match (0.5 or more). */
  source?: { id: string; text: string; segments: Segment[] };
}

/** The article read from an HTML page: the text a result's offsets refer to. */
export interface Article {
  title: string | null;
  text: string;
}

export type CheckResult = AnalysisResult & { article?: Article };

export interface RunCounts {
  pages: number;
  problems: number;
  spun: number;
  traced: number;
  batchesDone: number;
  batchesTotal: number;
}

export interface RunEntry {
  id: string;
  inputs: string[];
  started: string;
  counts: RunCounts;
}

export interface PagesResult {
  pages: PageResult[];
  total?: number;
}

export type Input = { text: string } | { html: string };

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "unreachable", "The server did not answer. Is `unspin serve` still running?");
  }
  const type = response.headers.get("content-type") ?? "";
  const body: unknown = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    let message = error?.message ?? `The server answered ${response.status} ${response.statusText}.`;
    const retry = response.headers.get("retry-after");
    if (response.status === 429 && retry) message += ` Try again in ${retry} s.`;
    throw new ApiError(response.status, error?.code ?? "http", message);
  }
  if (body === null) throw new ApiError(response.status, "format", "The server's answer was not JSON.");
  return body as T;
}

const post = <T>(path: string, input: unknown) =>
  call<T>(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(input) });

export const health = () => call<Health>("/v1/health");
export const check = (input: Input) => post<CheckResult>("/v1/check", input);
export const trace = (text: string) => post<TraceResult>("/v1/trace", { text });

export async function runs(): Promise<RunEntry[]> {
  return (await call<{ runs: RunEntry[] }>("/v1/runs")).runs;
}

export function reportUrl(run: string): string {
  return `/v1/runs/${encodeURIComponent(run)}/report`;
}

export interface PageFilter {
  site?: string;
  minScore?: number;
  maxScore?: number;
  limit: number;
  offset: number;
}

export function pages(run: string, f: PageFilter): Promise<PagesResult> {
  const q = new URLSearchParams();
  if (f.site) q.set("site", f.site);
  if (f.minScore !== undefined) q.set("min_score", String(f.minScore));
  if (f.maxScore !== undefined) q.set("max_score", String(f.maxScore));
  q.set("limit", String(f.limit));
  q.set("offset", String(f.offset));
  return call<PagesResult>(`/v1/runs/${encodeURIComponent(run)}/pages?${q}`);
}
