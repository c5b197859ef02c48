/**
 * Defaults of the screening commands, in a module of their own so that the CLI can show them in
 * its help without loading the screening machinery (stores, HTML and WARC readers, the queue).
 */

/** Records per batch (the unit of work and of resuming). */
export const DEFAULT_RECORDS_PER_BATCH = 64;
/** Pages scoring at least this count as spun in summaries. */
export const DEFAULT_SPUN_THRESHOLD = 0.5;
/** A site needs this many analysed pages before a table is learned for it (`--learn-min-pages`). */
export const DEFAULT_LEARN_MIN_PAGES = 20;

/** Per-record time limit (`--record-timeout`): reading, extraction and analysis of one record. */
export const DEFAULT_RECORD_TIMEOUT_MS = 60_000;
