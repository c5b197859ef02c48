/**
 * A memo table of bounded size for the engine's per-thread caches (lexicon expansions, word
 * analyses, candidate lists): a screening run meets an open vocabulary, so a cache that grows
 * with its input would grow with the crawl.
 *
 * Two generations: entries go into the current one; when it holds half the capacity, it becomes
 * the previous one and the old previous one is dropped. A key found only in the previous
 * generation is copied into the current one, so entries in use survive a turnover (unlike
 * clearing the whole table at a size, which drops the hot entries with the cold), and a lookup
 * costs one or two Map lookups (no recency list to maintain). At most `capacity` entries.
 */
export class BoundedCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly half: number;

  constructor(readonly capacity: number) {
    this.half = Math.max(1, Math.floor(capacity / 2));
  }

  get(key: K): V | undefined {
    const v = this.current.get(key);
    if (v !== undefined) return v;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.half) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }

  /** Entries held (a key in both generations counts twice). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
