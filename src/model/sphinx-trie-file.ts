/**
 * The trie language model read from a file: the file's bytes come in page by page as queries
 * need them (FilePager). The only module of the model reader that touches the file system; the
 * reader itself (sphinx-trie.ts) works on bytes from anywhere.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { LanguageModel } from "./lm.js";
import { ModelFormatError, readPagedSphinxTrie, type BytePager } from "./sphinx-trie.js";

/**
 * The bytes of a model file, read from the file page by page the first time they are needed.
 * Reading the whole shipped model (27 MB) costs more at start-up than a short text's analysis:
 * most of the cost is the operating system giving the process fresh memory, and a short text
 * touches only a small part of the bigram and trigram arrays.
 */
class FilePager implements BytePager {
  /** Page size: 4 KiB (the memory page), so a page read costs no more memory than it brings. */
  private static readonly PAGE = 4096;
  readonly bytes: Uint8Array;
  private readonly loaded: Uint8Array;
  private fd: number;
  private missing: number;

  constructor(fd: number, size: number, readonly label: string) {
    this.fd = fd;
    // Zero-filled, and the system maps its memory only when a page is written.
    this.bytes = new Uint8Array(size);
    this.missing = Math.ceil(size / FilePager.PAGE);
    this.loaded = new Uint8Array(this.missing);
  }

  /** Make bytes [begin, end) (clamped to the file) present. */
  ensure(begin: number, end: number): void {
    const PAGE = FilePager.PAGE;
    const size = this.bytes.length;
    if (end > size) end = size;
    if (begin >= end) return;
    const last = Math.floor((end - 1) / PAGE);
    for (let p = Math.floor(begin / PAGE); p <= last; p++) {
      if (this.loaded[p] !== 0) continue;
      let q = p;
      while (q < last && this.loaded[q + 1] === 0) q++;
      const from = p * PAGE;
      const to = Math.min((q + 1) * PAGE, size);
      for (let at = from; at < to;) {
        const n = readSync(this.fd, this.bytes, at, to - at, at);
        if (n <= 0) throw new ModelFormatError(`${this.label}: the file became shorter while it was read`);
        at += n;
      }
      this.loaded.fill(1, p, q + 1);
      this.missing -= q + 1 - p;
      p = q;
    }
    if (this.missing === 0) this.close();
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}


/** Closes a paged model's file once the model is collected. */
const pagerCleanup = new FinalizationRegistry<FilePager>((pager) => pager.close());

/**
 * Read a trie language model file. The file is read as queries need it (see FilePager): it must
 * not be changed while the model is in use. Throws the file system's error when it cannot be
 * opened or is a directory (code EISDIR), ModelFormatError when it is not a valid model.
 */
export function loadSphinxTrie(path: string | URL): LanguageModel {
  const fd = openSync(path, "r");
  let pager: FilePager;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${String(path)}'`), { code: "EISDIR" });
    pager = new FilePager(fd, stat.size, String(path));
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  try {
    const model = readPagedSphinxTrie(pager);
    pagerCleanup.register(model, pager);
    return model;
  } catch (e) {
    pager.close();
    throw e;
  }
}
