/**
 * Small, fast, deterministic 32-bit hashing for fingerprints (FNV-1a over UTF-16 code
 * units, then the murmur3 finaliser so that low bits are uniform: sampling keeps a
 * shingle when `hash % P === 0`, so the low bits must be well mixed).
 */
import { createHash } from "node:crypto";
import { fmix32, fnv1a } from "../text/hash.js";


export function hashString(s: string): number {
  return fmix32(fnv1a(s));
}

/** Order-dependent combination of two 32-bit hashes, finalised. */
export function combine(a: number, b: number, tag = 0): number {
  return fmix32((Math.imul(a ^ tag, 0x9e3779b1) + fmix32(b ^ 0x7f4a7c15)) >>> 0);
}

/**
 * Content hash used for de-duplication: SHA-256 of the text with line endings
 * normalised and outer white space trimmed, first 16 bytes.
 */
export function contentHash(text: string): Buffer {
  return createHash("sha256").update(normalizeForHash(text)).digest().subarray(0, 16);
}

export function normalizeForHash(text: string): string {
  return text.replace(/\r\n?/g, "\n").trim();
}
