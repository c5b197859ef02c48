/**
 * The trace index: `const index = await openIndex(path); await index.add(docs);
 * const result = await index.trace(text)`.
 *
 * Candidates come from the store's postings of sampled spin-invariant shingles
 * (fingerprint.ts); each candidate is then verified and ranked by a synonym-aware
 * alignment (align.ts), and scored by a calibrated logistic model (score.ts).
 */
import { InputError, UnspinError } from "../errors.js";
import { openStore, type StoreOptions } from "../store/index.js";
import type { StoreStats, StoredDocument, TraceStore } from "../store/types.js";
import { align, prepareCopy, type AlignedSubstitution, type Alignment } from "./align.js";
import {
  analyze, BASE_MODULUS, FINGERPRINT_VERSION, LEVELS, sample, shingleList, shingles, wordsOf, type Analysis,
} from "./fingerprint.js";
import { contentHash, hashString } from "./hash.js";
import { loadTraceLexicon, withLearned, type TraceLexicon } from "./keys.js";
import { changedShare, classify, features, probability, type CopyKind, type Features } from "./score.js";

export const MAX_QUERY_BYTES = 5 * 1024 * 1024;

export interface TraceDocument {
  text: string;
  id?: string | null;
  url?: string | null;
  title?: string | null;
  date?: string | null;
}

export interface AddProgress {
  seen: number;
  added: number;
  duplicates: number;
  empty: number;
}

export interface AddOptions {
  batchSize?: number;
  onProgress?: (p: AddProgress) => void;
  /** Called for documents skipped as empty (for reporting). */
  onEmpty?: (doc: TraceDocument) => void;
}

export interface TraceMatch {
  id: string;
  url: string | null;
  title: string | null;
  score: number;
  kind: CopyKind;
  alignment: {
    sourceCoverage: number;
    copyCoverage: number;
    changedShare: number;
    substitutions: AlignedSubstitution[];
  };
}

export interface TraceResult {
  matches: TraceMatch[];
}

export interface TraceOptions {
  /** Number of matches to return. Default 5. */
  top?: number;
  /** Log the best match's substitutions for `learn` when it is a confident spun copy. Default false. */
  record?: boolean;
  /** Minimum score for a trace to be logged for learning. Default 0.9. */
  recordMinScore?: number;
}

/** A match with the internal details benchmarks and the CLI report use. */
export interface DetailedMatch extends TraceMatch {
  docId: number;
  sourceText: string;
  raw: Alignment;
  /** Candidate-stage estimate of shared shingles. */
  estimate: number;
  /** The score's features. */
  features: Features;
}

export interface OpenOptions extends StoreOptions {
  /** A lexicon to use instead of the project's (tests). */
  lexicon?: TraceLexicon;
}

const CANDIDATES_MAX = 8;
/** Candidates always aligned in full (so a runner-up is shown), when there are that many. */
const MIN_ALIGNED = 2;
const FULL_LOOKUP_MAX = 600;

export class TraceIndex {
  private lexBase: TraceLexicon;
  private lex: TraceLexicon;
  /** Warning when the index was built with a different lexicon than the one loaded now. */
  readonly warnings: string[] = [];

  constructor(readonly store: TraceStore, lex: TraceLexicon) {
    this.lexBase = lex;
    this.lex = lex;
  }

  /** Check and record the fingerprint parameters; fold learned substitutions into the lexicon. */
  async init(): Promise<void> {
    const signature = lexiconSignature(this.lexBase);
    const fv = await this.store.getMeta("fingerprint_version");
    const sig = await this.store.getMeta("lexicon_signature");
    if (fv === undefined) {
      if (!this.store.readOnly) {
        await this.store.setMeta("fingerprint_version", String(FINGERPRINT_VERSION));
        await this.store.setMeta("lexicon_signature", signature);
        await this.store.setMeta("lexicon_source", this.lexBase.source);
        await this.store.setMeta("created", new Date().toISOString());
      }
    } else {
      if (Number(fv) !== FINGERPRINT_VERSION) {
        throw new InputError(`${this.store.location} was indexed with fingerprint version ${fv}; this unspin uses ${FINGERPRINT_VERSION}: rebuild the index`);
      }
      if (sig !== undefined && sig !== signature) {
        const was = (await this.store.getMeta("lexicon_source")) ?? "?";
        this.warnings.push(`the index was built with a different lexicon (${was}) than the one loaded now (${this.lexBase.source}): recall may be lower; rebuild the index for best results`);
      }
    }
    const learned = await this.store.learnedSubstitutions();
    this.lex = withLearned(this.lexBase, learned);
  }

  get lexicon(): TraceLexicon {
    return this.lex;
  }

  /** Add documents; duplicates (same text) and empty documents are skipped. */
  async add(docs: Iterable<TraceDocument> | AsyncIterable<TraceDocument>, opts: AddOptions = {}): Promise<AddProgress> {
    if (this.store.readOnly) throw new UnspinError(`database ${this.store.location} is read-only: cannot add documents`);
    const batchSize = opts.batchSize ?? 1000;
    const p: AddProgress = { seen: 0, added: 0, duplicates: 0, empty: 0 };
    let batch: TraceDocument[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const hashes = batch.map((d) => contentHash(d.text));
      const known = await this.store.hasHashes(hashes);
      const fresh = [];
      for (let k = 0; k < batch.length; k++) {
        if (known[k]) {
          p.duplicates++;
          continue;
        }
        const d = batch[k];
        const analysis = analyze(d.text, this.lexBase);
        const { hashes: sampled, level } = sample(shingleList(analysis));
        fresh.push({
          hash: hashes[k], text: d.text, words: analysis.scanned.length, shingles: sampled, level,
          extId: d.id ?? null, url: d.url ?? null, title: d.title ?? null, date: d.date ?? null,
        });
      }
      if (fresh.length) {
        const r = await this.store.addBatch(fresh);
        p.added += r.added;
        p.duplicates += r.duplicates;
      }
      batch = [];
      opts.onProgress?.({ ...p });
    };
    for await (const d of docs) {
      p.seen++;
      if (typeof d.text !== "string" || d.text.trim() === "") {
        p.empty++;
        opts.onEmpty?.(d);
        continue;
      }
      batch.push(d);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    return p;
  }

  /** Find the documents the text was made from. */
  async trace(text: string, opts: TraceOptions = {}): Promise<TraceResult> {
    const detailed = await this.traceDetailed(text, opts);
    return { matches: detailed.map(publicMatch) };
  }

  async traceDetailed(text: string, opts: TraceOptions = {}): Promise<DetailedMatch[]> {
    if (typeof text !== "string") throw new InputError("the query must be text");
    if (Buffer.byteLength(text, "utf8") > MAX_QUERY_BYTES) {
      throw new InputError(`the query is longer than ${MAX_QUERY_BYTES / 1024 / 1024} MB; trace a smaller part of it`);
    }
    if (text.trim() === "") throw new InputError("the query text is empty");
    const top = Math.max(1, opts.top ?? 5);
    const lex = this.lex;
    const query = analyze(text, lex);
    const words = wordsOf(query);
    const candidates = await this.candidates(query, Math.max(CANDIDATES_MAX, top + 3));
    if (candidates.length === 0) return [];
    const docs = await this.store.getDocuments(candidates.map((c) => c.docId));
    const byId = new Map(docs.map((d) => [d.id, d]));
    let copySentences = 0;
    for (let j = 0; j < words.length; j++) if (j === 0 || words[j].sentence !== words[j - 1].sentence) copySentences++;
    // Cheap verification first: containment of shingles both ways. Only candidates close
    // to the best one (and at least two) get the full alignment.
    const copySet = new Set(shingleList(query));
    const pre: { c: (typeof candidates)[number]; d: StoredDocument; source: Analysis; cheap: number; inter: number }[] = [];
    for (const c of candidates) {
      const d = byId.get(c.docId);
      if (!d) continue;
      const source = analyze(d.text, lex);
      const srcSet = new Set(shingleList(source));
      let inter = 0;
      for (const h of copySet) if (srcSet.has(h)) inter++;
      const cheap = Math.max(inter / Math.max(1, copySet.size), inter / Math.max(1, srcSet.size));
      pre.push({ c, d, source, cheap, inter });
    }
    pre.sort((a, b) => b.cheap - a.cheap || b.c.estimate - a.c.estimate);
    const bestCheap = pre[0]?.cheap ?? 0;
    const keep = pre.filter((x, k) => k < Math.min(top, MIN_ALIGNED) || (x.cheap >= bestCheap * 0.5 && x.inter >= 3))
      .slice(0, Math.max(top, MIN_ALIGNED))
      .map((x) => ({ ...x, sw: wordsOf(x.source) }));
    const out: DetailedMatch[] = [];
    // Ask the lexicon only about copy words no aligned candidate has as they are.
    const present = new Set<string>();
    for (const { sw } of keep) for (const w of sw) present.add(w.norm);
    const prepared = prepareCopy(text, words, lex, (n) => !present.has(n));
    for (const { c, d, sw } of keep) {
      const a = align(d.text, sw, prepared, lex);
      const sourceContent = sw.reduce((n, w) => n + (w.stop ? 0 : 1), 0);
      const f = features(a.stats, sourceContent);
      const score = round(probability(f), 4);
      out.push({
        id: d.extId ?? String(d.id),
        url: d.url ?? null,
        title: d.title ?? null,
        score,
        kind: classify(a.stats, score, copySentences),
        alignment: {
          sourceCoverage: round(f.sourceCoverage, 4),
          copyCoverage: round(f.copyCoverage, 4),
          changedShare: round(changedShare(a.stats), 4),
          substitutions: a.substitutions,
        },
        docId: d.id,
        sourceText: d.text,
        raw: a,
        estimate: c.estimate,
        features: f,
      });
    }
    out.sort((x, y) => y.score - x.score || (y.raw.stats.contentMatched - x.raw.stats.contentMatched) || x.docId - y.docId);
    const result = out.slice(0, top);
    if (opts.record && !this.store.readOnly && result.length > 0) {
      const best = result[0];
      if (best.score >= (opts.recordMinScore ?? 0.9) && best.kind === "spun") {
        await this.store.recordTrace({
          copyHash: contentHash(text).toString("hex"),
          docId: best.docId,
          score: best.score,
          kind: best.kind,
          pairs: learnablePairs(best.alignment.substitutions),
        });
      }
    }
    return result;
  }

  /** Candidate documents by estimated shared shingles. */
  async candidates(query: Analysis, max: number): Promise<{ docId: number; estimate: number }[]> {
    const all = shingles(query);
    const full = all.length <= FULL_LOOKUP_MAX;
    const lookup: number[] = [];
    for (const h of all) if (full || h % BASE_MODULUS === 0) lookup.push(h);
    const n = await this.store.documentCount();
    if (n === 0) return [];
    const cap = Math.max(50, Math.min(400, Math.ceil(n * 0.005)));
    const { postings } = await this.store.lookup(lookup, cap);
    const scores = new Map<number, number>();
    const logN = Math.log(n + 1);
    for (const [, list] of postings) {
      const w = Math.max(0.1, Math.log((n + 1) / list.length) / logN);
      for (const v of list) {
        const level = v & 3;
        const doc = (v - level) / 4;
        const factor = full ? LEVELS[level] : BASE_MODULUS;
        scores.set(doc, (scores.get(doc) ?? 0) + w * factor);
      }
    }
    const ranked = [...scores].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    if (ranked.length === 0) return [];
    const floor = ranked[0][1] * 0.15;
    return ranked.filter(([, s]) => s >= floor).slice(0, max).map(([docId, estimate]) => ({ docId, estimate }));
  }

  /** Fold logged confirmed traces into the channel table. */
  async learn(): Promise<{ traces: number; pairs: number; channelPairs: number }> {
    if (this.store.readOnly) throw new UnspinError(`database ${this.store.location} is read-only: cannot learn into it`);
    const r = await this.store.learnPending();
    const learned = await this.store.learnedSubstitutions();
    this.lex = withLearned(this.lexBase, learned);
    return { ...r, channelPairs: learned.length };
  }

  learnedSubstitutions() {
    return this.store.learnedSubstitutions();
  }

  stats(): Promise<StoreStats> {
    return this.store.stats();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

/** Open (by default creating) a trace index: an SQLite file, or a `postgres://` URL. */
export async function openIndex(path: string, opts: OpenOptions = {}): Promise<TraceIndex> {
  const lex = opts.lexicon ?? (await loadTraceLexicon());
  const store = await openStore(path, { create: true, ...opts });
  const index = new TraceIndex(store, lex);
  try {
    await index.init();
  } catch (e) {
    await store.close();
    throw e;
  }
  return index;
}

export function publicMatch(m: DetailedMatch): TraceMatch {
  return { id: m.id, url: m.url, title: m.title, score: m.score, kind: m.kind, alignment: m.alignment };
}

/** Substitutions fit for the channel table: short, word-level, both sides non-empty. */
export function learnablePairs(subs: AlignedSubstitution[]): { original: string; spun: string }[] {
  const out: { original: string; spun: string }[] = [];
  for (const s of subs) {
    const original = s.source.toLowerCase().replace(/’/g, "'").replace(/\s+/g, " ").trim();
    const spun = s.copy.toLowerCase().replace(/’/g, "'").replace(/\s+/g, " ").trim();
    if (!original || !spun || original === spun) continue;
    if (original.split(" ").length > 4 || spun.split(" ").length > 4) continue;
    if (/\d/.test(original + spun)) continue;
    out.push({ original, spun });
  }
  return out;
}

/** A short signature of the lexicon's keys, to notice an index built with another lexicon. */
export function lexiconSignature(lex: TraceLexicon): string {
  const probe = ("said stated military navy agency company ground bottom increasing growing demands calls " +
    "exercises workouts improving bettering eastern japanese answer solution big large house home").split(" ");
  let h = 0;
  for (const w of probe) h = hashString(String(h) + ":" + lex.key(w));
  return `${lex.source}:${h.toString(16)}`;
}

function round(x: number, d: number): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
