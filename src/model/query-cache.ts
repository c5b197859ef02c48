/**
 * A direct-mapped cache of language-model queries (w, h1, h2) → log10 probability.
 *
 * The decoder asks the same trigrams many times over: the candidate screen, then the three
 * decodes of each sentence at different spin rates, and the same phrases recur across
 * documents. A slot compare is far cheaper than the two or three binary searches of a trie
 * lookup. Fixed size, no allocation per query: a query that lands on an occupied slot
 * replaces its entry.
 */

/** Word ids must stay below this (the trie format caps them at 2^25). */
const ID_LIMIT = 2 ** 26;
/** Doubles per slot: predicted word + 1 (0: empty), history, value, padding (a slot fills half a cache line). */
const STRIDE = 4;

export class QueryCache {
  /** Slot i at [STRIDE·i, STRIDE·i + 3): w + 1, (h1 + 1) · 2^26 + (h2 + 1) (exact in a double), log10 probability. */
  private readonly slots: Float64Array;
  private readonly shift: number;

  /** A cache of 2^bits slots (32 bytes each). */
  constructor(bits: number) {
    // Zero-filled: slot words are stored as w + 1, so 0 is an empty slot with no fill pass at start-up.
    this.slots = new Float64Array(STRIDE << bits);
    this.shift = 32 - bits;
  }

  /** Index of the query's slot; ids are ≥ 0 for w and ≥ −1 for the history. */
  slot(w: number, h1: number, h2: number): number {
    return ((Math.imul(w, 0x9e3779b1) ^ Math.imul(h1, 0x85ebca6b) ^ Math.imul(h2, 0xc2b2ae35)) >>> this.shift) * STRIDE;
  }

  /** The cached value of the query at its slot, or NaN when the slot holds another query. */
  get(slot: number, w: number, h1: number, h2: number): number {
    const s = this.slots;
    return s[slot] === w + 1 && s[slot + 1] === (h1 + 1) * ID_LIMIT + (h2 + 1) ? s[slot + 2] : NaN;
  }

  set(slot: number, w: number, h1: number, h2: number, value: number): void {
    const s = this.slots;
    s[slot] = w + 1;
    s[slot + 1] = (h1 + 1) * ID_LIMIT + (h2 + 1);
    s[slot + 2] = value;
  }
}
