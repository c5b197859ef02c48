/**
 * The storage interface of the trace index.
 *
 * Modelled on datasketch's storage back ends: the index logic (fingerprints, candidate
 * scoring, alignment) never sees SQL; a back end stores documents, the postings of
 * their sampled shingles, the channel table of learned substitutions and the log of
 * confirmed traces. Every method is asynchronous so that a networked back end
 * (PostgreSQL with `pg`) is a second implementation of this interface, not a rewrite.
 * `addBatch` must be atomic: after a crash a batch is either wholly stored or absent,
 * and documents are unique by content hash, so re-running an interrupted add completes
 * it with nothing lost or duplicated.
 */

export interface DocumentMeta {
  /** Caller's id (JSONL `id`, or the file path). */
  extId?: string | null;
  url?: string | null;
  title?: string | null;
  date?: string | null;
}

export interface NewDocument extends DocumentMeta {
  /** Content hash (16 bytes) for de-duplication. */
  hash: Uint8Array;
  text: string;
  /** Number of word and number tokens. */
  words: number;
  /** Sampled shingle hashes (uint32). */
  shingles: number[];
  /** Sampling level code of the shingles (see trace/fingerprint.ts). */
  level: number;
}

export interface StoredDocument extends DocumentMeta {
  id: number;
  text: string;
  words: number;
}

export interface AddBatchResult {
  /** Store id per input document; `null` for a duplicate of a stored document. */
  ids: (number | null)[];
  added: number;
  duplicates: number;
}

export interface PostingLookup {
  /** Posting values (docId * 4 + level) per shingle hash; hashes with more than `cap` postings are absent. */
  postings: Map<number, number[]>;
  /** Hashes whose lists were longer than `cap` (too common to be evidence). */
  common: Set<number>;
}

export interface ChannelPair {
  original: string;
  spun: string;
  count: number;
}

export interface TraceRecord {
  /** Content hash of the traced copy (hex). */
  copyHash: string;
  docId: number;
  score: number;
  kind: string;
  /** Substitutions of the alignment, original → spun text. */
  pairs: { original: string; spun: string }[];
}

export interface StoreStats {
  backend: string;
  location: string;
  schemaVersion: number;
  documents: number;
  words: number;
  textBytes: number;
  postings: number;
  /** Size of the store on disk (0 when unknown). */
  storeBytes: number;
  channelPairs: number;
  tracesPending: number;
  tracesLearned: number;
  meta: Record<string, string>;
}

export interface TraceStore {
  readonly backend: string;
  readonly location: string;
  readonly readOnly: boolean;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  /** For each hash, whether a document with that content hash is already stored. */
  hasHashes(hashes: Uint8Array[]): Promise<boolean[]>;
  /** Store documents and their postings atomically; duplicates (by hash) are skipped. */
  addBatch(docs: NewDocument[]): Promise<AddBatchResult>;
  lookup(shingles: number[], cap: number): Promise<PostingLookup>;
  getDocuments(ids: number[]): Promise<StoredDocument[]>;
  documentCount(): Promise<number>;
  stats(): Promise<StoreStats>;
  /** Add to the learned substitution counts (original, spun) → count. */
  addChannelCounts(pairs: ChannelPair[]): Promise<void>;
  learnedSubstitutions(): Promise<ChannelPair[]>;
  /** Log a confirmed trace; false if that (copy, doc) pair was already logged. */
  recordTrace(record: TraceRecord): Promise<boolean>;
  /** Fold every logged, not yet learned trace into the channel table; returns what was folded. */
  learnPending(): Promise<{ traces: number; pairs: number }>;
  close(): Promise<void>;
}
