/** Messages between the page and the engine's Web Worker. */
import type { AnalysisResult } from "../../analyze.js";

export interface CheckRequest {
  id: number;
  text: string;
}

export type WorkerMessage =
  | { type: "progress"; message: string }
  | { type: "ready"; downloadBytes: number; loadMs: number }
  | { type: "result"; id: number; result: AnalysisResult }
  | { type: "error"; id: number; message: string };
