/**
 * The compiled lexicon artifact (`src/lexicon/data/lexicon.bin`): reader and writer.
 *
 * Layout (shipped uncompressed: gunzip cost more at every start than reading the larger file;
 * `readArtifact` in files.ts still takes a gzip-compressed one, `encodeArtifact(data, { gzip: true })`):
 *   "UNSPLEX1"  8 ASCII bytes
 *   uint32 LE   length of the JSON header
 *   JSON header { version, meta, sections: [{ name, type, offset, length }] }  (offsets from file start)
 *   sections    typed arrays (little-endian, 4-byte aligned) and UTF-8 text blocks
 *
 * Arrays (CSR style: `xStart[i]..xStart[i+1]` indexes the flat `x` array):
 *   lemmas (utf8, "\n"-joined: the L sorted lemmas, then the alias spellings)  lemmaOffsets[n+1]
 *     lemmaHash (open-addressing FNV-1a table of string indexes, -1 empty)  aliasTarget[n-L]
 *   prefixes / prefixOffsets / prefixHash: word-boundary prefixes of the plausible multi-word lemmas
 *   lemmaFlags[L]  lemmaEntryStart[L+1]
 *   entryPos[E] (0 n, 1 v, 2 a, 3 r)    entrySenseStart[E+1]
 *   senseSynset[S]  senseTag[S] (cntlist tag count)  senseRank[S] (WordNet sense number - 1)
 *   synsetPos[Y] (0 n, 1 v, 2 a, 3 r, 4 s)  synsetMemberStart[Y+1]  synsetMembers[M] (lemma ids)
 *   synsetPtrStart[Y+1]  synsetPtrs[P] ((type << 24) | target synset)
 *   clusterRep[L] (lemma id of the word's cluster representative, -1 = itself)
 *   lemmaFreq[L] (round(-10 * log10 unigram probability) of the lemma, words summed; 255 = unknown)
 * Text blocks (TSV): morph (inflected, lemma, pos, form, preferred), phrases (as phrases.tsv),
 * observed (original, spun, pages), clusterExtra (word, key word for words that are not lemmas).
 */

// No Node modules here: the artifact is read from bytes (files.ts reads them from disk), so this
// reader could run in a browser too.
import { Morphology, type ExceptionEntry, type Form, type Pos } from "./morph.js";

export const MAGIC = "UNSPLEX1";
export const FORMAT_VERSION = 1;

/** Lemma flags. */
export const FLAG_PLAUSIBLE = 1; // every word of the lemma is in the reference vocabulary
export const FLAG_FUNCTION = 2; // closed-class word: only the phrase table substitutes it

/** Pointer types in synsetPtrs. */
export const PTR_HYPERNYM = 1; // target is more general
export const PTR_HYPONYM = 2; // target is more specific
export const PTR_SIMILAR = 3; // adjective similar-to
export const PTR_ALSO = 4; // also-see
export const PTR_VERBGROUP = 5; // verb group

export const POS_CODES: readonly Pos[] = ["n", "v", "a", "r"];
export const SYNSET_POS: readonly string[] = ["n", "v", "a", "r", "s"];

export interface ArtifactArrays {
  lemmaOffsets: Int32Array;
  lemmaHash: Int32Array;
  aliasTarget: Int32Array;
  prefixOffsets: Int32Array;
  prefixHash: Int32Array;
  lemmaFlags: Uint8Array;
  lemmaEntryStart: Int32Array;
  entryPos: Uint8Array;
  entrySenseStart: Int32Array;
  senseSynset: Int32Array;
  senseTag: Int32Array;
  senseRank: Uint16Array;
  synsetPos: Uint8Array;
  synsetMemberStart: Int32Array;
  synsetMembers: Int32Array;
  synsetPtrStart: Int32Array;
  synsetPtrs: Int32Array;
  clusterRep: Int32Array;
  lemmaFreq: Uint8Array;
}

export interface ArtifactTexts {
  lemmas: string;
  prefixes: string;
  morph: string;
  phrases: string;
  observed: string;
  clusterExtra: string;
}

export type ArtifactData = ArtifactArrays & ArtifactTexts & { meta: Record<string, unknown> };

export type SectionType = "u8" | "u16" | "i32" | "utf8";
export interface SectionInfo {
  name: string;
  type: SectionType;
  offset: number;
  length: number;
}

export const ARRAY_SECTIONS: Array<[keyof ArtifactArrays, SectionType]> = [
  ["lemmaOffsets", "i32"], ["lemmaHash", "i32"], ["aliasTarget", "i32"], ["prefixOffsets", "i32"], ["prefixHash", "i32"],
  ["lemmaFlags", "u8"], ["lemmaEntryStart", "i32"], ["entryPos", "u8"], ["entrySenseStart", "i32"],
  ["senseSynset", "i32"], ["senseTag", "i32"], ["senseRank", "u16"], ["synsetPos", "u8"],
  ["synsetMemberStart", "i32"], ["synsetMembers", "i32"], ["synsetPtrStart", "i32"], ["synsetPtrs", "i32"],
  ["clusterRep", "i32"], ["lemmaFreq", "u8"],
];
export const TEXT_SECTIONS: Array<keyof ArtifactTexts> = ["lemmas", "prefixes", "morph", "phrases", "observed", "clusterExtra"];

const utf8 = new TextDecoder("utf-8", { ignoreBOM: true }); // as Buffer.toString: a leading BOM is kept

/**
 * Parse an uncompressed artifact from its bytes (a Uint8Array, ArrayBuffer or SharedArrayBuffer:
 * worker threads can share one copy). Typed arrays are views on the bytes when they are 4-byte
 * aligned (they must then not be modified), else on an aligned copy. A gzip-compressed artifact
 * is refused: `readArtifact` (files.ts) decompresses one read from disk.
 */
export function decodeArtifact(file: Uint8Array | ArrayBuffer | SharedArrayBuffer): ArtifactData {
  let bytes = file instanceof Uint8Array ? file : new Uint8Array(file);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) throw new Error("lexicon artifact: gzip-compressed, decompress it first");
  if (bytes.byteOffset % 4 !== 0) bytes = bytes.slice(); // copy to an aligned buffer
  const text = (from: number, to: number) => utf8.decode(bytes.subarray(from, to));
  if (bytes.length < 12 || text(0, 8) !== MAGIC) throw new Error("lexicon artifact: bad magic");
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const header = JSON.parse(text(12, 12 + headerLen)) as {
    version: number;
    meta: Record<string, unknown>;
    sections: SectionInfo[];
  };
  if (header.version !== FORMAT_VERSION) throw new Error(`lexicon artifact: version ${header.version}, expected ${FORMAT_VERSION}`);
  const out: Record<string, unknown> = { meta: header.meta };
  const ab = bytes.buffer;
  const base = bytes.byteOffset;
  for (const s of header.sections) {
    const off = base + s.offset;
    switch (s.type) {
      case "u8": out[s.name] = new Uint8Array(ab, off, s.length); break;
      case "u16": out[s.name] = new Uint16Array(ab, off, s.length / 2); break;
      case "i32": out[s.name] = new Int32Array(ab, off, s.length / 4); break;
      case "utf8": out[s.name] = text(s.offset, s.offset + s.length); break;
    }
  }
  return out as unknown as ArtifactData;
}

const FORMS_SET = new Set<Form>(["base", "plural", "3sg", "past", "pastpart", "gerund", "comparative", "superlative"]);

/** FNV-1a over UTF-16 code units (the build and the reader must agree). */
export function hashString(str: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < str.length; i++) h = Math.imul(h ^ str.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Lay out strings for a StringTable: "\n"-joined text, start offsets (n+1), open-addressing hash. */
export function buildStringTable(strings: readonly string[]): { text: string; offsets: Int32Array; hash: Int32Array } {
  const offsets = new Int32Array(strings.length + 1);
  let off = 0;
  strings.forEach((str, i) => {
    offsets[i] = off;
    off += str.length + 1;
  });
  offsets[strings.length] = off;
  let size = 1;
  while (size < strings.length * 2) size <<= 1;
  const hash = new Int32Array(size).fill(-1);
  const mask = size - 1;
  strings.forEach((str, i) => {
    let h = hashString(str) & mask;
    while (hash[h] >= 0) h = (h + 1) & mask;
    hash[h] = i;
  });
  return { text: strings.join("\n"), offsets, hash };
}

/** Read-only string set shipped pre-hashed: no per-string work at load time. */
export class StringTable {
  private readonly cache: Array<string | undefined>;
  private readonly mask: number;
  constructor(private readonly text: string, private readonly offsets: Int32Array, private readonly hash: Int32Array) {
    this.cache = new Array(offsets.length - 1);
    this.mask = hash.length - 1;
  }
  get size(): number {
    return this.offsets.length - 1;
  }
  get(i: number): string {
    let str = this.cache[i];
    if (str === undefined) str = this.cache[i] = this.text.slice(this.offsets[i], this.offsets[i + 1] - 1);
    return str;
  }
  /** Index of the string, or -1. */
  find(str: string): number {
    if (this.hash.length === 0) return -1;
    const { hash, offsets, text } = this;
    const n = str.length;
    let h = hashString(str) & this.mask;
    for (;;) {
      const i = hash[h];
      if (i < 0) return -1;
      const start = offsets[i];
      if (offsets[i + 1] - 1 - start === n && text.startsWith(str, start)) return i;
      h = (h + 1) & this.mask;
    }
  }
}

/** A loaded artifact: arrays plus the lemma string table and its index. */
export class Artifact {
  readonly data: ArtifactData;
  /** Number of real lemmas (ids 0..lemmaCount-1); alias spellings follow in the string table. */
  readonly lemmaCount: number;
  readonly lemmaTable: StringTable;
  readonly prefixTable: StringTable;
  /** lemma string (or an alias spelling) -> lemma id */
  readonly lemmaIndex: { get(s: string): number | undefined; has(s: string): boolean };
  private morph?: Morphology;

  constructor(data: ArtifactData) {
    this.data = data;
    this.lemmaCount = data.lemmaFlags.length;
    this.lemmaTable = new StringTable(data.lemmas, data.lemmaOffsets, data.lemmaHash);
    this.prefixTable = new StringTable(data.prefixes, data.prefixOffsets, data.prefixHash);
    const table = this.lemmaTable;
    const L = this.lemmaCount;
    const alias = data.aliasTarget;
    this.lemmaIndex = {
      get(s: string): number | undefined {
        const i = table.find(s);
        return i < 0 ? undefined : i < L ? i : alias[i - L];
      },
      has(s: string): boolean {
        return table.find(s) >= 0;
      },
    };
  }

  /** The lemma string of an id. */
  lemma(id: number): string {
    return this.lemmaTable.get(id);
  }

  /** Entry index of (lemma id, pos code), or -1. */
  entryOf(id: number, posCode: number): number {
    const d = this.data;
    for (let e = d.lemmaEntryStart[id]; e < d.lemmaEntryStart[id + 1]; e++) if (d.entryPos[e] === posCode) return e;
    return -1;
  }

  isLemma(lemma: string, pos: Pos): boolean {
    const id = this.lemmaIndex.get(lemma);
    return id !== undefined && this.entryOf(id, POS_CODES.indexOf(pos)) >= 0;
  }

  exceptions(): ExceptionEntry[] {
    // Indexed loops, no destructuring: this runs at every start, before the code is optimised.
    const out: ExceptionEntry[] = [];
    const lines = this.data.morph.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      const f = line.split("\t");
      if (!FORMS_SET.has(f[3] as Form)) continue;
      out.push({ inflected: f[0], lemma: f[1], pos: f[2] as Pos, form: f[3] as Form, preferred: f[4] === "1" });
    }
    return out;
  }

  morphology(): Morphology {
    if (!this.morph) {
      this.morph = new Morphology({ exceptions: this.exceptions(), isLemma: (l, p) => this.isLemma(l, p) });
    }
    return this.morph;
  }
}
