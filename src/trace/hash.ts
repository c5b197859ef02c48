/**
 * Small, fast, deterministic 32-bit hashing for fingerprints (FNV-1a over UTF-16 code
 * units, then the murmur3 finaliser so that low bits are uniform: sampling keeps a
 * shingle when `hash % P === 0`, so the low bits must be well mixed).
 */
import { createHash } from "node:crypto";

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a of a string (not finalised). */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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
