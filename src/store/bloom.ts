/**
 * Bloom filter of the shingle hashes of one postings run, stored with the run (schema v3).
 *
 * Most hashes a trace looks up are in no run at all; without a filter each of them costs
 * an index search per run, each reading a leaf page nothing else will read. The filter
 * has at least 10 bits a hash (its size is a power of two) and 7 probes by double
 * hashing: under 1 % false positives. The byte layout, the probe count and the mixing
 * below are part of the schema: changing them needs a schema version.
 */
import { fmix32 } from "../text/hash.js";

const PROBES = 7;
const BITS_PER_HASH = 10;


export class HashFilter {
  private readonly mask: number;

  private constructor(readonly bytes: Uint8Array) {
    this.mask = bytes.length * 8 - 1;
  }

  /** A filter sized for `count` hashes, filled with `hashes`. */
  static of(hashes: ArrayLike<number>, count = hashes.length): HashFilter {
    let bits = 64;
    while (bits < count * BITS_PER_HASH && bits < 2 ** 31) bits *= 2;
    const f = new HashFilter(new Uint8Array(bits / 8));
    for (let i = 0; i < count; i++) f.add(hashes[i]);
    return f;
  }

  /** A stored filter; undefined when the bytes cannot be one (then the run is always searched). */
  static from(bytes: Uint8Array | null | undefined): HashFilter | undefined {
    if (!bytes || bytes.length < 8 || bytes.length > 2 ** 28 || (bytes.length & (bytes.length - 1)) !== 0) return undefined;
    return new HashFilter(bytes);
  }

  private add(h: number): void {
    const a = fmix32(h), b = fmix32(h ^ 0x9e3779b9) | 1;
    for (let i = 0; i < PROBES; i++) {
      const p = (a + Math.imul(i, b)) & this.mask;
      this.bytes[p >>> 3] |= 1 << (p & 7);
    }
  }

  /** False when `h` is certainly not in the run. */
  has(h: number): boolean {
    const a = fmix32(h), b = fmix32(h ^ 0x9e3779b9) | 1;
    for (let i = 0; i < PROBES; i++) {
      const p = (a + Math.imul(i, b)) & this.mask;
      if ((this.bytes[p >>> 3] & (1 << (p & 7))) === 0) return false;
    }
    return true;
  }
}
