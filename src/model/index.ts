/**
 * Language-model entry point: load the shipped model (cached) or a user-built one.
 */
import { fileURLToPath } from "node:url";
import { InputError } from "../errors.js";
import { readFileShared } from "../shared-bytes.js";
import type { LanguageModel } from "./lm.js";
import { ModelFormatError, readSphinxTrie } from "./sphinx-trie.js";
import { loadSphinxTrie } from "./sphinx-trie-file.js";

export { OOV_LOG_PROB, type LanguageModel } from "./lm.js";
export {
  ModelFormatError, readSphinxTrie, TRIE_MAGIC, LOG10_PER_UNIT,
} from "./sphinx-trie.js";
export { loadSphinxTrie } from "./sphinx-trie-file.js";
export {
  buildModel, buildModelFile, EmptyCorpusError,
  type BuildOptions, type BuildFileOptions, type BuildProgress, type BuildStats,
} from "./build.js";

/**
 * The shipped model. Resolved from this module's URL: "../../" is the package root both from
 * src/model/index.ts and from the compiled dist/model/index.js; the data file stays under src/.
 */
export const DEFAULT_MODEL_URL = new URL("../../src/model/data/en-us.lm.bin", import.meta.url);
export const DEFAULT_MODEL_PATH = fileURLToPath(DEFAULT_MODEL_URL);

/** The model file does not exist. */
export class ModelNotFoundError extends InputError {
  readonly path: string;
  constructor(path: string) {
    super(`model file not found: ${path}`);
    this.name = "ModelNotFoundError";
    this.path = path;
  }
}

let defaultModel: LanguageModel | undefined;

/**
 * Load a trie language model. Without a path, the shipped en-us model, loaded once per process.
 * Throws ModelNotFoundError for a missing file and ModelFormatError (message prefixed with the
 * path) for anything that is not a valid model.
 */
export function loadModel(path?: string): LanguageModel {
  if (path === undefined) {
    defaultModel ??= loadFrom(DEFAULT_MODEL_PATH);
    return defaultModel;
  }
  return loadFrom(path);
}

/**
 * Make this thread's shipped model the one over these bytes (the shipped model's, from
 * readModelShared in the main thread): loadModel() then uses the shared copy.
 */
export function useSharedModel(bytes: SharedArrayBuffer): void {
  defaultModel = readSphinxTrie(bytes);
}

/**
 * A model file (default: the shipped one) read whole into a SharedArrayBuffer and checked, for
 * worker threads to build their models over one copy with `readSphinxTrie` (screening pool).
 * Throws as loadModel does.
 */
export function readModelShared(path: string = DEFAULT_MODEL_PATH): SharedArrayBuffer {
  return withFileErrors(path, () => {
    const shared = readFileShared(path);
    // Checked once, here, rather than failing in every thread; the model built to check it is
    // kept as this thread's shipped model (site learning reads it after a run) rather than thrown away.
    const model = readSphinxTrie(shared);
    if (path === DEFAULT_MODEL_PATH) defaultModel ??= model;
    return shared;
  });
}

function loadFrom(path: string): LanguageModel {
  return withFileErrors(path, () => loadSphinxTrie(path));
}

/** Runs a read of a model file, turning its errors into ModelNotFoundError / ModelFormatError naming the path. */
function withFileErrors<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new ModelNotFoundError(path);
    if (code === "EISDIR") throw new ModelFormatError(`${path} is a directory`);
    if (e instanceof ModelFormatError) {
      throw new ModelFormatError(`${path}: ${e.message.replace(/^not an unspin\/Sphinx trie language model: /, "")}`);
    }
    throw e;
  }
}
