/**
 * The lexicon on disk: reading an artifact file (raw or gzip-compressed), writing one, the
 * shipped artifact, lexicon and morphology loaded once per process, and the shipped artifact's
 * bytes in shared memory for worker threads. The only lexicon module that uses Node's file
 * system: artifact.ts and lexicon.ts work on bytes from anywhere.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { readFileShared } from "../shared-bytes.js";
import {
  Artifact, ARRAY_SECTIONS, decodeArtifact, FORMAT_VERSION, MAGIC, TEXT_SECTIONS,
  type ArtifactData, type SectionInfo, type SectionType,
} from "./artifact.js";
import { createLexicon, type Lexicon } from "./lexicon.js";
import type { Form, Morphology, Pos } from "./morph.js";

/** Serialise: uncompressed, or gzip level 9 with `gzip: true`. */
export function encodeArtifact(data: ArtifactData, options: { gzip?: boolean } = {}): Buffer {
  const parts: Array<{ name: string; type: SectionType; bytes: Uint8Array }> = [];
  for (const [name, type] of ARRAY_SECTIONS) {
    const arr = data[name];
    parts.push({ name, type, bytes: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) });
  }
  for (const name of TEXT_SECTIONS) parts.push({ name, type: "utf8", bytes: Buffer.from(data[name], "utf8") });
  // Two passes: the header length depends on the offsets, which depend on the header length.
  let headerLen = 0;
  let sections: SectionInfo[] = [];
  for (let pass = 0; pass < 3; pass++) {
    let offset = align4(8 + 4 + headerLen);
    sections = parts.map((p) => {
      const s = { name: p.name, type: p.type, offset, length: p.bytes.byteLength };
      offset = align4(offset + p.bytes.byteLength);
      return s;
    });
    const json = JSON.stringify({ version: FORMAT_VERSION, meta: data.meta, sections });
    const len = Buffer.byteLength(json, "utf8");
    if (len === headerLen) break;
    headerLen = len + 16; // slack so the next pass is stable
  }
  let json = JSON.stringify({ version: FORMAT_VERSION, meta: data.meta, sections });
  json = json.padEnd(headerLen, " ");
  const total = sections.length ? align4(sections[sections.length - 1].offset + sections[sections.length - 1].length) : 12 + headerLen;
  const out = Buffer.alloc(total);
  out.write(MAGIC, 0, "ascii");
  out.writeUInt32LE(headerLen, 8);
  out.write(json, 12, "utf8");
  parts.forEach((p, i) => out.set(p.bytes, sections[i].offset));
  return options.gzip ? gzipSync(out, { level: 9 }) : out;
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Where the shipped artifact lives; works from src/lexicon/*.ts and dist/lexicon/*.js alike. */
export function defaultArtifactUrl(): URL {
  return new URL("../../src/lexicon/data/lexicon.bin", import.meta.url);
}

/** Read an artifact file, raw or gzip-compressed. */
export function readArtifact(path: string | URL): Artifact {
  const p = path instanceof URL ? fileURLToPath(path) : path;
  const file = readFileSync(p);
  return new Artifact(decodeArtifact(file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file));
}

let cached: Artifact | undefined;

/** The shipped artifact, loaded once. */
export function defaultArtifact(): Artifact {
  if (!cached) cached = readArtifact(defaultArtifactUrl());
  return cached;
}

/**
 * The shipped artifact's bytes in a SharedArrayBuffer, checked: worker threads build their
 * lexicons over this one copy with `readLexicon` (screening pool).
 */
export function readLexiconShared(): SharedArrayBuffer {
  const shared = readFileShared(defaultArtifactUrl());
  decodeArtifact(shared);
  return shared;
}

let defaultLexicon: Lexicon | undefined;
let defaultMorph: Morphology | undefined;

/**
 * Make the shipped artifact of this thread the one over these bytes (from readLexiconShared in
 * the main thread): loadLexicon(), defaultArtifact() and the morphology then use the shared
 * copy, wherever they are called from. Call before anything loads the lexicon.
 */
export function useSharedLexicon(bytes: SharedArrayBuffer): void {
  cached = new Artifact(decodeArtifact(bytes));
  defaultLexicon = createLexicon(cached);
  defaultMorph = undefined;
}

/**
 * Load a lexicon artifact. Without a path: the shipped `src/lexicon/data/lexicon.bin`
 * (resolved relative to this module, so it works from src/ and dist/), loaded once and cached.
 */
export function loadLexicon(path?: string | URL): Lexicon {
  if (path === undefined) {
    if (!defaultLexicon) defaultLexicon = createLexicon(defaultArtifact());
    return defaultLexicon;
  }
  return createLexicon(readArtifact(path));
}

/** The Morphology over the shipped lexicon artifact (loaded on first use). */
export function defaultMorphology(): Morphology {
  if (!defaultMorph) defaultMorph = defaultArtifact().morphology();
  return defaultMorph;
}

/** Analyses of a lower-case word against the shipped WordNet lemmas (see `Morphology.lemmatize`). */
export function lemmatize(word: string): Array<{ lemma: string; pos: Pos; form: Form }> {
  return defaultMorphology().lemmatize(word).slice();
}

/** Inflect a lemma with the shipped exception tables (see `Morphology.inflect`). */
export function inflect(lemma: string, pos: Pos, form: Form): string {
  return defaultMorphology().inflect(lemma, pos, form);
}
