/**
 * Synonym-aware alignment of a copy against a candidate source.
 *
 * Sentence level first: every copy segment (a sentence, or a piece of at most
 * MAX_SEGMENT words of a long one) votes for the source sentence that shares most of
 * its spin-invariant keys; this finds reordered sentences, splits and merges. Word
 * level second: a local alignment (Smith-Waterman) of the segment against a window of
 * source sentences around the vote, where a copy word aligns to a source word as
 *  - identical (same normalised word),
 *  - a substitution the lexicon explains (the source word or phrase is among the
 *    originals the lexicon lists for the copy words, same cluster key, same lemma),
 *  - an unexplained mismatch, or a gap.
 * Multi-word substitutions ("at the same time as" → "the identical time because")
 * are single steps when the lexicon lists them. Copy words left outside every
 * accepted local alignment are additions (boilerplate, links); source words left out
 * were not copied.
 */
import type { TraceLexicon } from "./keys.js";
import type { Word } from "./fingerprint.js";

export const MAX_SEGMENT = 60;
/** Words at a sentence edge a local alignment is extended over. */
const EDGE_MAX = 4;
/** Largest gap (words, each side) bridged between two consecutive alignments. */
const BRIDGE_MAX = 6;

export interface AlignedSubstitution {
  sourceStart: number;
  sourceEnd: number;
  copyStart: number;
  copyEnd: number;
  source: string;
  copy: string;
}

export interface AlignmentStats {
  /** Copy words inside accepted alignments. */
  copyCovered: number;
  /** Source words inside accepted alignments. */
  sourceCovered: number;
  copyWords: number;
  sourceWords: number;
  identical: number;
  /** Substitutions the lexicon (or cluster key / lemma) explains. */
  explained: number;
  /** Mismatches nothing explains. */
  unexplained: number;
  /** Copy and source words in gaps inside alignments. */
  inserted: number;
  deleted: number;
  /** Names and numbers of the copy found identical in the source / all of them in the copy. */
  immutablesMatched: number;
  immutablesCopy: number;
  /** Accepted local alignments and how many of them break source order (reorders, splits, merges). */
  segments: number;
  outOfOrder: number;
  /** Content (non-stop) copy words aligned identically or explained. */
  contentMatched: number;
  contentCopy: number;
}

export interface Alignment {
  substitutions: AlignedSubstitution[];
  stats: AlignmentStats;
  /** Copy word index → source word index (−1 when not aligned). */
  copyToSource: Int32Array;
  /** The accepted local alignments as character ranges, in copy order. */
  segments: { sourceStart: number; sourceEnd: number; copyStart: number; copyEnd: number }[];
}

/** Op codes of the traceback. */
const STOP = 0, DIAG = 1, DEL = 2, INS = 3, PHRASE = 4;

type Rel = "same" | "key" | "lex" | "phrase" | "mismatch" | "ins" | "del";

interface Op {
  rel: Rel;
  /** Source word range [s0, s1) and copy word range [c0, c1). */
  s0: number; s1: number; c0: number; c1: number;
}

interface Phrase { length: number; words: string[]; ids: Int32Array }

export interface AlignOptions {
  /** Minimum local alignment score to accept a segment. */
  minScore?: number;
}

const SCORE = {
  sameContent: 3,
  sameStop: 1,
  key: 2,
  lex: 2,
  phraseBase: 1.5,
  mismatchContent: -1.2,
  mismatchStop: -0.6,
  gapContent: -1.4,
  gapStop: -0.7,
};

/** Align a copy (its text and words) to a source (its text and words). */
/**
 * The copy side of alignments, computed once per query and shared by every candidate:
 * interned words and the lexicon's originals for each copy position.
 */
export interface PreparedCopy {
  text: string;
  words: Word[];
  intern(x: string): number;
  lookup(x: string): number | undefined;
  lemma(n: string): string;
  cNorm: Int32Array;
  cKey: Int32Array;
  cLemma: Int32Array;
  cFlags: Uint8Array;
  singles: (Set<number> | undefined)[];
  phrasesEnding: (Phrase[] | undefined)[];
  /** Per copy position: phrases ending there, by the id of the original's last word. */
  phrasesByLast: (Map<number, Phrase[]> | undefined)[];
}

/**
 * `needsOriginals(norm)`: whether to ask the lexicon for the originals of a copy word.
 * Asking is the expensive part; a word that occurs in every candidate source as it is
 * can be skipped (it is almost always unchanged).
 */
export function prepareCopy(text: string, copy: Word[], lex: TraceLexicon, needsOriginals?: (norm: string) => boolean): PreparedCopy {
  const lemmaCache = new Map<string, string>();
  const lemma = (n: string): string => {
    let l = lemmaCache.get(n);
    if (l === undefined) lemmaCache.set(n, (l = lex.lemma(n)));
    return l;
  };
  // Strings interned to integers so that the inner loop compares numbers.
  const ids = new Map<string, number>();
  const intern = (x: string): number => {
    let v = ids.get(x);
    if (v === undefined) ids.set(x, (v = ids.size + 1));
    return v;
  };
  const cNorm = new Int32Array(copy.length), cKey = new Int32Array(copy.length), cLemma = new Int32Array(copy.length);
  const cFlags = new Uint8Array(copy.length);
  copy.forEach((w, j) => {
    cNorm[j] = intern(w.norm);
    cKey[j] = w.stop ? -3 : intern("\u0001" + w.key);
    cLemma[j] = w.stop || w.immutable ? -4 : intern("\u0002" + lemma(w.norm));
    cFlags[j] = (w.stop ? 1 : 0) | (w.immutable ? 2 : 0);
  });
  const copyNorms = copy.map((w) => w.norm);
  const singles: (Set<number> | undefined)[] = new Array(copy.length);
  const phrasesEnding: (Phrase[] | undefined)[] = new Array(copy.length);
  for (let j = 0; j < copy.length; j++) {
    if (copy[j].immutable || (needsOriginals && !needsOriginals(copy[j].norm))) continue;
    for (const m of lex.originals(copyNorms, j)) {
      for (const o of m.originals) {
        if (m.length === 1 && o.length === 1) {
          (singles[j] ??= new Set()).add(intern(o[0]));
        } else {
          const end = j + m.length - 1;
          if (end < copy.length) (phrasesEnding[end] ??= []).push({ length: m.length, words: o, ids: Int32Array.from(o, intern) });
        }
      }
    }
  }
  const phrasesByLast: (Map<number, Phrase[]> | undefined)[] = phrasesEnding.map((list) => {
    if (!list) return undefined;
    const byLast = new Map<number, Phrase[]>();
    for (const ph of list) {
      const last = ph.ids[ph.ids.length - 1];
      const l = byLast.get(last);
      if (l) l.push(ph);
      else byLast.set(last, [ph]);
    }
    return byLast;
  });
  return { text, words: copy, intern, lookup: (x) => ids.get(x), lemma, cNorm, cKey, cLemma, cFlags, singles, phrasesEnding, phrasesByLast };
}

/** Align a copy (its text and words, or a prepared copy) to a source (its text and words). */
export function align(
  sourceText: string, source: Word[], copyIn: PreparedCopy | { text: string; words: Word[] }, lex: TraceLexicon, opts: AlignOptions = {},
): Alignment {
  const prepared = "cNorm" in copyIn ? copyIn : prepareCopy(copyIn.text, copyIn.words, lex);
  const copyText = prepared.text;
  const copy = prepared.words;
  const { intern, lemma, cNorm, cKey, cLemma, cFlags, singles, phrasesEnding, phrasesByLast } = prepared;
  const phraseCode = (cj: number, ph: Phrase): number => phrasesEnding[cj]!.indexOf(ph);
  const minScore = opts.minScore ?? 7;
  const stats: AlignmentStats = {
    copyCovered: 0, sourceCovered: 0, copyWords: copy.length, sourceWords: source.length,
    identical: 0, explained: 0, unexplained: 0, inserted: 0, deleted: 0,
    immutablesMatched: 0, immutablesCopy: 0, segments: 0, outOfOrder: 0, contentMatched: 0, contentCopy: 0,
  };
  const copyToSource = new Int32Array(copy.length).fill(-1);
  if (source.length === 0 || copy.length === 0) return { substitutions: [], stats, copyToSource, segments: [] };

  // Source sentences and a key → positions map for voting.
  const sentStart: number[] = [];
  const sentOf = new Int32Array(source.length);
  for (let i = 0; i < source.length; i++) {
    if (i === 0 || source[i].sentence !== source[i - 1].sentence) sentStart.push(i);
    sentOf[i] = sentStart.length - 1;
  }
  sentStart.push(source.length);
  const positions = new Map<string, number[]>();
  for (let i = 0; i < source.length; i++) {
    const w = source[i];
    if (w.stop) continue;
    let l = positions.get(w.key);
    if (!l) positions.set(w.key, (l = []));
    l.push(i);
  }
  const sNorm = new Int32Array(source.length), sKey = new Int32Array(source.length), sLemma = new Int32Array(source.length);
  const sFlags = new Uint8Array(source.length); // 1 stop, 2 immutable
  source.forEach((w, i) => {
    sNorm[i] = intern(w.norm);
    sKey[i] = w.stop ? -1 : intern("\u0001" + w.key);
    sLemma[i] = w.stop || w.immutable ? -2 : intern("\u0002" + lemma(w.norm));
    sFlags[i] = (w.stop ? 1 : 0) | (w.immutable ? 2 : 0);
  });

  const sourceCovered = new Uint8Array(source.length);
  const copyCovered = new Uint8Array(copy.length);
  const accepted: { s0: number; s1: number; c0: number; c1: number; ops: Op[] }[] = [];

  const REL_SAME = 0, REL_KEY = 1, REL_LEX = 2, REL_MISMATCH = 3;
  const RELS: Rel[] = ["same", "key", "lex", "mismatch"];
  const rel = (i: number, j: number): number => {
    if (sNorm[i] === cNorm[j]) return REL_SAME;
    const sf = sFlags[i], cf = cFlags[j];
    if ((sf & 2) && (cf & 2)) return REL_MISMATCH;
    if (sKey[i] === cKey[j]) return REL_KEY;
    const sg = singles[j];
    if (sg !== undefined && sg.has(sNorm[i])) return REL_LEX;
    if (sLemma[i] === cLemma[j]) return REL_KEY;
    return REL_MISMATCH;
  };
  const relation = (i: number, j: number): Rel => RELS[rel(i, j)];
  const relScore = (r: number, i: number, j: number): number => {
    switch (r) {
      case REL_SAME: return sFlags[i] & 1 ? SCORE.sameStop : SCORE.sameContent;
      case REL_KEY: return SCORE.key;
      case REL_LEX: return SCORE.lex;
      default: return (sFlags[i] & 1) || (cFlags[j] & 1) ? SCORE.mismatchStop : SCORE.mismatchContent;
    }
  };

  /** Pair up source [a0, a1) and copy [b0, b1) word by word, the rest as gaps. */
  const fill = (a0: number, a1: number, b0: number, b1: number): Op[] => {
    const out: Op[] = [];
    const k = Math.min(a1 - a0, b1 - b0);
    for (let t = 0; t < k; t++) out.push({ rel: relation(a0 + t, b0 + t), s0: a0 + t, s1: a0 + t + 1, c0: b0 + t, c1: b0 + t + 1 });
    for (let t = a0 + k; t < a1; t++) out.push({ rel: "del", s0: t, s1: t + 1, c0: b0 + k, c1: b0 + k });
    for (let t = b0 + k; t < b1; t++) out.push({ rel: "ins", s0: a1, s1: a1, c0: t, c1: t + 1 });
    return out;
  };

  /** The source sentence sharing most keys with copy words [c0, c1), and its vote. */
  const vote = (c0: number, c1: number): [number, number] | undefined => {
    const votes = new Map<number, number>();
    for (let j = c0; j < c1; j++) {
      const w = copy[j];
      if (w.stop) continue;
      const l = positions.get(w.key);
      if (!l) continue;
      const weight = (w.immutable ? 1.5 : 1) / Math.sqrt(l.length);
      const seen = new Set<number>();
      for (let k = 0; k < l.length && k < 64; k++) {
        const s = sentOf[l[k]];
        if (seen.has(s)) continue;
        seen.add(s);
        votes.set(s, (votes.get(s) ?? 0) + weight);
      }
    }
    // Among equal votes (a sentence the source repeats), the one that continues the last
    // alignment: a copy in source order should not read as reordered.
    const last = accepted[accepted.length - 1];
    const expected = last !== undefined && last.s1 < source.length ? sentOf[last.s1] : 0;
    let best = -1, bestV = 0;
    for (const [s, v] of votes) {
      if (v > bestV || (v === bestV && Math.abs(s - expected) < Math.abs(best - expected))) { best = s; bestV = v; }
    }
    if (best < 0 || bestV < 1) return undefined;
    return [best, bestV];
  };

  /** Source window around sentence `best`: narrow (the sentence ± a few words) or wide (± one sentence). */
  const windowRange = (best: number, c0: number, c1: number, wide: boolean): [number, number] => {
    const nSent = sentStart.length - 1;
    if (!wide) {
      const margin = 6;
      return [Math.max(0, sentStart[best] - margin), Math.min(source.length, sentStart[best + 1] + margin)];
    }
    let a = sentStart[Math.max(0, best - 1)];
    let b = sentStart[Math.min(nSent, best + 2)];
    const span = (c1 - c0) * 3 + 20;
    if (b - a > span) {
      const mid = sentStart[best] + ((sentStart[best + 1] - sentStart[best]) >> 1);
      a = Math.max(a, mid - (span >> 1));
      b = Math.min(b, a + span);
    }
    return [a, b];
  };

  /** Local alignment of copy [c0, c1) against source [s0, s1); pushes accepted ops. Returns copy range aligned. */
  const local = (c0: number, c1: number, s0: number, s1: number): [number, number] | undefined => {
    const n = s1 - s0, m = c1 - c0;
    const W = m + 1;
    const H = new Float64Array((n + 1) * W);
    const B = new Int16Array((n + 1) * W);
    let best = 0, bi = 0, bj = 0;
    for (let i = 1; i <= n; i++) {
      const si = s0 + i - 1;
      const sf = sFlags[si], sn = sNorm[si], sk = sKey[si], sl = sLemma[si];
      const sGap = sf & 1 ? SCORE.gapStop : SCORE.gapContent;
      const row = i * W, prow = row - W;
      for (let j = 1; j <= m; j++) {
        const cj = c0 + j - 1;
        let h = 0, b = STOP;
        // Inlined rel() + relScore().
        let r: number;
        const cf = cFlags[cj];
        if (sn === cNorm[cj]) r = sf & 1 ? SCORE.sameStop : SCORE.sameContent;
        else if ((sf & 2) && (cf & 2)) r = SCORE.mismatchContent;
        else if (sk === cKey[cj]) r = SCORE.key;
        else if (singles[cj] !== undefined && singles[cj]!.has(sn)) r = SCORE.lex;
        else if (sl === cLemma[cj]) r = SCORE.key;
        else r = (sf & 1) || (cf & 1) ? SCORE.mismatchStop : SCORE.mismatchContent;
        const d = H[prow + j - 1] + r;
        if (d > h) { h = d; b = DIAG; }
        const up = H[prow + j] + sGap;
        if (up > h) { h = up; b = DEL; }
        const left = H[row + j - 1] + (cf & 1 ? SCORE.gapStop : SCORE.gapContent);
        if (left > h) { h = left; b = INS; }
        const byLast = phrasesByLast[cj];
        const ph = byLast !== undefined ? byLast.get(sn) : undefined;
        if (ph !== undefined) {
          for (let p = 0; p < ph.length; p++) {
            const { length: L, ids: pw } = ph[p];
            const k = pw.length;
            if (L > j || k > i) continue;
            let ok = true;
            for (let t = 0; t < k - 1; t++) if (sNorm[si - k + 1 + t] !== pw[t]) { ok = false; break; }
            if (!ok) continue;
            const v = H[(i - k) * W + j - L] + SCORE.phraseBase + 0.5 * (Math.min(L, k) - 1);
            if (v > h) { h = v; b = PHRASE + phraseCode(cj, ph[p]); }
          }
        }
        H[row + j] = h;
        B[row + j] = b;
        if (h > best) { best = h; bi = i; bj = j; }
      }
    }
    if (best < minScore) return undefined;
    // Traceback.
    const seg: Op[] = [];
    let i = bi, j = bj;
    while (i > 0 && j > 0 && H[i * W + j] > 0) {
      const b = B[i * W + j];
      const si = s0 + i - 1, cj = c0 + j - 1;
      if (b === DIAG) {
        seg.push({ rel: relation(si, cj), s0: si, s1: si + 1, c0: cj, c1: cj + 1 });
        i--; j--;
      } else if (b === DEL) {
        seg.push({ rel: "del", s0: si, s1: si + 1, c0: cj + 1, c1: cj + 1 });
        i--;
      } else if (b === INS) {
        seg.push({ rel: "ins", s0: si + 1, s1: si + 1, c0: cj, c1: cj + 1 });
        j--;
      } else if (b >= PHRASE) {
        const p = phrasesEnding[cj]![b - PHRASE];
        seg.push({ rel: "phrase", s0: si - p.words.length + 1, s1: si + 1, c0: cj - p.length + 1, c1: cj + 1 });
        i -= p.words.length; j -= p.length;
      } else break;
    }
    seg.reverse();
    // Trim gaps at the ends (a local alignment never starts or ends with one, but be safe).
    while (seg.length && (seg[0].rel === "ins" || seg[0].rel === "del")) seg.shift();
    while (seg.length && (seg[seg.length - 1].rel === "ins" || seg[seg.length - 1].rel === "del")) seg.pop();
    if (seg.length === 0) return undefined;
    const identicalContent = seg.filter((o) => o.rel === "same" && !source[o.s0].stop).length;
    if (identicalContent < 2) return undefined;
    // A local alignment stops short of changed words at its edges ("…, he stated."):
    // extend it to the ends of the copy range and of the source sentence when both sides
    // have a few words left.
    {
      const first = seg[0], last = seg[seg.length - 1];
      const sEnd = sentStart[sentOf[last.s1 - 1] + 1];
      const k1 = c1 - last.c1, k2 = Math.min(sEnd, s1) - last.s1;
      if (k1 > 0 && k2 > 0 && k1 <= EDGE_MAX && k2 <= EDGE_MAX) seg.push(...fill(last.s1, last.s1 + k2, last.c1, last.c1 + k1));
      const sStart = sentStart[sentOf[first.s0]];
      const h1 = first.c0 - c0, h2 = first.s0 - Math.max(sStart, s0);
      if (h1 > 0 && h2 > 0 && h1 <= EDGE_MAX && h2 <= EDGE_MAX) seg.unshift(...fill(first.s0 - h2, first.s0, first.c0 - h1, first.c0));
    }
    const a = { s0: seg[0].s0, s1: seg[seg.length - 1].s1, c0: seg[0].c0, c1: seg[seg.length - 1].c1, ops: seg };
    accepted.push(a);
    return [a.c0, a.c1];
  };

  const alignRange = (c0: number, c1: number, depth: number): void => {
    if (c1 - c0 < 3) return;
    const v = vote(c0, c1);
    if (!v) return;
    // Narrow window first (cheap); the wide one when the alignment runs into its edge
    // (a merged or split sentence continues into the neighbouring source sentence).
    const [a, b] = windowRange(v[0], c0, c1, false);
    let got = local(c0, c1, a, b);
    if (got) {
      const last = accepted[accepted.length - 1];
      const [wa, wb] = windowRange(v[0], c0, c1, true);
      const edge = (last.s0 <= a + 1 && wa < a) || (last.s1 >= b - 1 && wb > b);
      const short = last.c1 - last.c0 < c1 - c0 - 3;
      if (edge && short) {
        accepted.pop();
        got = local(c0, c1, Math.min(a, wa), Math.max(b, wb));
      }
    }
    if (!got || depth >= 2) return;
    if (got[0] - c0 >= 4) alignRange(c0, got[0], depth + 1);
    if (c1 - got[1] >= 4) alignRange(got[1], c1, depth + 1);
  };

  // Copy segments: sentences, long ones cut into pieces.
  let segStart = 0;
  for (let j = 1; j <= copy.length; j++) {
    if (j === copy.length || copy[j].sentence !== copy[j - 1].sentence || j - segStart >= MAX_SEGMENT) {
      alignRange(segStart, j, 0);
      segStart = j;
    }
  }

  // Bridge small gaps between consecutive alignments that continue each other in the
  // source ("joining" → "becoming a member of" splits a local alignment in two).
  accepted.sort((x, y) => x.c0 - y.c0);
  for (let k = accepted.length - 1; k > 0; k--) {
    const a = accepted[k - 1], b = accepted[k];
    const gc = b.c0 - a.c1, gs = b.s0 - a.s1;
    if (gc < 0 || gs < 0 || gc > BRIDGE_MAX || gs > BRIDGE_MAX || gc + gs === 0) continue;
    if (gc > 0 && copy[a.c1].sentence !== copy[b.c0 - 1].sentence) continue;
    a.ops = [...a.ops, ...fill(a.s1, b.s0, a.c1, b.c0), ...b.ops];
    a.s1 = b.s1;
    a.c1 = b.c1;
    accepted.splice(k, 1);
  }
  // Statistics and coverage.
  stats.segments = accepted.length;
  for (let k = 1; k < accepted.length; k++) if (accepted[k].s0 < accepted[k - 1].s1 - 2) stats.outOfOrder++;
  for (const a of accepted) {
    for (let i = a.s0; i < a.s1; i++) sourceCovered[i] = 1;
    for (let j = a.c0; j < a.c1; j++) copyCovered[j] = 1;
  }
  for (const v of sourceCovered) stats.sourceCovered += v;
  for (const v of copyCovered) stats.copyCovered += v;
  const ops: Op[] = [];
  for (const a of accepted) for (const o of a.ops) ops.push(o);
  for (const o of ops) {
    switch (o.rel) {
      case "same":
        stats.identical++;
        copyToSource[o.c0] = o.s0;
        break;
      case "key": case "lex": case "phrase":
        stats.explained++;
        for (let j = o.c0; j < o.c1; j++) copyToSource[j] = o.s0;
        break;
      case "mismatch":
        stats.unexplained++;
        copyToSource[o.c0] = o.s0;
        break;
      case "ins": stats.inserted++; break;
      case "del": stats.deleted++; break;
    }
  }
  for (let j = 0; j < copy.length; j++) {
    const c = copy[j];
    if (c.immutable && (!c.number || c.norm.length >= 2)) {
      stats.immutablesCopy++;
      const s = copyToSource[j];
      if (s >= 0 && source[s].norm === c.norm) stats.immutablesMatched++;
    }
    if (!c.stop) {
      stats.contentCopy++;
      const s = copyToSource[j];
      if (s >= 0 && relationIsMatch(source[s], c, lemma)) stats.contentMatched++;
    }
  }
  const segments = accepted.map((a) => ({
    sourceStart: source[a.s0].start, sourceEnd: source[a.s1 - 1].end, copyStart: copy[a.c0].start, copyEnd: copy[a.c1 - 1].end,
  }));
  return { substitutions: groupSubstitutions(ops, source, copy, sourceText, copyText), stats, copyToSource, segments };
}

function relationIsMatch(s: Word, c: Word, lemma: (n: string) => string): boolean {
  return s.norm === c.norm || s.key === c.key || lemma(s.norm) === lemma(c.norm);
}

/**
 * Changed runs as substitutions. A run starts at every changed word step unless the
 * run so far holds only gaps, so "were" → "have been" (a gap and a mismatch) is one
 * substitution and two neighbouring swapped words are two.
 */
function groupSubstitutions(ops: Op[], source: Word[], copy: Word[], sourceText: string, copyText: string): AlignedSubstitution[] {
  const out: { s0: number; s1: number; c0: number; c1: number }[] = [];
  let cur: { s0: number; s1: number; c0: number; c1: number; hasWord: boolean } | undefined;
  const flush = () => {
    if (cur) out.push(cur);
    cur = undefined;
  };
  for (const o of ops) {
    if (o.rel === "same") { flush(); continue; }
    const isGap = o.rel === "ins" || o.rel === "del";
    const contiguous = cur !== undefined && o.c0 === cur.c1 && o.s0 === cur.s1;
    if (cur && contiguous && (isGap || !cur.hasWord)) {
      cur.s0 = Math.min(cur.s0, o.s0); cur.s1 = Math.max(cur.s1, o.s1);
      cur.c0 = Math.min(cur.c0, o.c0); cur.c1 = Math.max(cur.c1, o.c1);
      cur.hasWord ||= !isGap;
    } else {
      flush();
      cur = { s0: o.s0, s1: o.s1, c0: o.c0, c1: o.c1, hasWord: !isGap };
    }
  }
  flush();
  return out.map((g) => {
    const sourceStart = g.s1 > g.s0 ? source[g.s0].start : (g.s0 < source.length ? source[g.s0].start : source[source.length - 1].end);
    const sourceEnd = g.s1 > g.s0 ? source[g.s1 - 1].end : sourceStart;
    const copyStart = g.c1 > g.c0 ? copy[g.c0].start : (g.c0 < copy.length ? copy[g.c0].start : copy[copy.length - 1].end);
    const copyEnd = g.c1 > g.c0 ? copy[g.c1 - 1].end : copyStart;
    return {
      sourceStart, sourceEnd, copyStart, copyEnd,
      source: sourceText.slice(sourceStart, sourceEnd), copy: copyText.slice(copyStart, copyEnd),
    };
  });
}
