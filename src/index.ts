/**
 * unspin's library API: one engine behind the CLI and any other door.
 *   analyze(text)      → { score, edits, restored, stats }   (check and restore)
 *   openIndex(path)    → add(docs), trace(text), learn()      (trace)
 *   spin(text, opts)   → a simulated spinner's output with labels
 *   screenLocal(store, { paths })  → a crawl screened into a result store      (screen)
 *   analyzeText(text)  → check on a text of any length, as `unspin serve` runs it
 */
export {
  analyze,
  applyEdits,
  combineStats,
  NotEnglishError,
  type AnalysisResult,
  type AnalysisStats,
  type AnalyzeOptions,
  type Edit,
  type Alternative,
} from "./analyze.js";
export { loadModel, ModelNotFoundError, type LanguageModel } from "./model/index.js";
export { readSphinxTrie, ModelFormatError } from "./model/sphinx-trie.js";
export { buildModel, buildModelFile, EmptyCorpusError } from "./model/build.js";
export { readLexicon, type Lexicon } from "./lexicon/lexicon.js";
export { loadLexicon } from "./lexicon/files.js";
export type { Substitution, Relation, PhraseMatch } from "./lexicon/types.js";
export { tokenize, type Token } from "./text/tokenize.js";
export { spin, type SpinOptions, type SpinResult } from "./spin/simulate.js";
export { openIndex, TraceIndex, type TraceDocument, type TraceMatch, type TraceResult } from "./trace/index.js";
export type { LearnedPair } from "./decode/learned.js";
export { openStore, type TraceStore } from "./store/index.js";
export { screenLocal, type LocalOptions, type ScreenProgress } from "./screen/run.js";
export { enqueueRun, runWorker } from "./screen/queue.js";
export { screenPage, type ScreenEngine } from "./screen/page.js";
export { listScreenInputs } from "./screen/inputs.js";
export { readRecords, planBatches } from "./screen/records.js";
export { openResultStore } from "./screen/results/index.js";
export { renderReport } from "./screen/report.js";
export { runReport } from "./screen/run-report.js";
export { analyzeText, articleText, NoArticleError, type TextInput } from "./screen/one-text.js";
export type { PageRecord, PageResult, ResultStore, ScreenSummary, Batch, ScreenInput } from "./screen/types.js";
export { UnspinError } from "./errors.js";
