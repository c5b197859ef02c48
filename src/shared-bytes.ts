/**
 * A file read whole into a SharedArrayBuffer: the model and lexicon are read once by the main
 * thread and the same memory is handed to every worker thread (workerData), which build their
 * engines over it rather than each reading its own copy.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

export function readFileShared(path: string | URL): SharedArrayBuffer {
  const fd = openSync(path, "r");
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${String(path)}'`), { code: "EISDIR" });
    const shared = new SharedArrayBuffer(stat.size);
    const bytes = new Uint8Array(shared);
    for (let at = 0; at < bytes.length;) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n <= 0) throw new Error(`${String(path)}: the file became shorter while it was read`);
      at += n;
    }
    return shared;
  } finally {
    closeSync(fd);
  }
}
