/**
 * What the browser build of the engine gets for the Node built-ins the library imports
 * (vite aliases `node:fs`, `node:fs/promises`, `node:zlib`, `node:url` here). The engine in the
 * worker is given its model, lexicon and calibrations in memory, so the file readers are
 * never called; if one were, it says so instead of failing obscurely.
 */
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser build of the engine`);
}

export const readFileSync = (): never => unavailable("readFileSync");
export const openSync = (): never => unavailable("openSync");
export const fstatSync = (): never => unavailable("fstatSync");
export const readSync = (): never => unavailable("readSync");
export const closeSync = (): never => unavailable("closeSync");
export const statSync = (): never => unavailable("statSync");
export const createReadStream = (): never => unavailable("createReadStream");
export const gunzipSync = (): never => unavailable("gunzipSync (the shipped lexicon is not compressed)");
export const gzipSync = (): never => unavailable("gzipSync");
export const writeFile = (): never => unavailable("writeFile");

/** Module locations are URLs in the browser; the path of one is only ever used to name it. */
export const fileURLToPath = (url: string | URL): string => String(url);
