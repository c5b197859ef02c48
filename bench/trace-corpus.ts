/**
 * Evaluation material for the tracer, built from what the project may ship: the Brown
 * corpus (sources), hard same-event distractors (other Brown documents with a source's
 * names and numbers transplanted into them), generated distractors (a bigram Markov
 * chain over Brown text) to reach any index size, and copies made by the spinner
 * simulator. Everything is seeded and built in memory.
 */
import { brownDocuments, type BrownDocument } from "../src/corpus/brown.js";
import { mulberry32, spin, type SpinResult } from "../src/spin/simulate.js";
import { scan } from "../src/trace/scan.js";

export interface EvalDoc {
  id: string;
  text: string;
}

/** Spin with the project lexicon (the simulator's default). */
export function makeSpinner(): { spin: (text: string, rate: number, seed: number) => SpinResult; lexicon: string } {
  return { spin: (text, rate, seed) => spin(text, { rate, seed }), lexicon: "project lexicon" };
}

/**
 * Brown split: sources (indexed and queried), hosts (never indexed as themselves: the
 * hard distractors are made from them), unrelated (never indexed: negative queries).
 */
export function split(seed = 1, heldOut = 100, hostCount = 100): { sources: BrownDocument[]; hosts: BrownDocument[]; unrelated: BrownDocument[] } {
  const all = brownDocuments();
  const rnd = mulberry32(seed);
  const order = all.map((d) => ({ d, r: rnd() })).sort((a, b) => a.r - b.r).map((x) => x.d);
  return { unrelated: order.slice(0, heldOut), hosts: order.slice(heldOut, heldOut + hostCount), sources: order.slice(heldOut + hostCount) };
}

/** Names and numbers of a text, in order. */
export function immutables(text: string): string[] {
  const out: string[] = [];
  for (const t of scan(text)) {
    if (t.number || t.allCaps || (t.capitalised && !t.sentenceStart && !t.headline)) out.push(text.slice(t.start, t.end));
  }
  return out;
}

/**
 * Hard same-event distractors: for each source, `k` host documents (same category when
 * possible) with their names and numbers replaced, in order, by the source's. Hosts are
 * never indexed or queried themselves, so a distractor is nobody's copy.
 */
export function hardDistractors(sources: BrownDocument[], hosts: BrownDocument[], k = 3): (EvalDoc & { of: string })[] {
  const out: (EvalDoc & { of: string })[] = [];
  sources.forEach((s, si) => {
    const names = immutables(s.text);
    if (names.length === 0) return;
    const same = hosts.filter((h) => h.category === s.category);
    const pool = same.length >= k ? same : hosts;
    for (let j = 0; j < k; j++) {
      const host = pool[(si * 7 + j * 13) % pool.length];
      let n = 0;
      let text = "";
      let pos = 0;
      for (const t of scan(host.text)) {
        if (t.number || t.allCaps || (t.capitalised && !t.sentenceStart && !t.headline)) {
          text += host.text.slice(pos, t.start) + names[n++ % names.length];
          pos = t.end;
        }
      }
      text += host.text.slice(pos);
      out.push({ id: `hard-${s.id}-${j}`, text, of: s.id });
    }
  });
  return out;
}

/** A bigram Markov chain over Brown text, generating ~`words`-word documents. */
export class MarkovGenerator {
  private next = new Map<string, string[]>();
  private starts: string[] = [];
  constructor(docs: BrownDocument[]) {
    for (const d of docs) {
      for (const p of d.paragraphs) {
        const toks = p.split(/\s+/).filter(Boolean);
        if (toks.length === 0) continue;
        this.starts.push(toks[0]);
        for (let i = 0; i + 1 < toks.length; i++) {
          let l = this.next.get(toks[i]);
          if (!l) this.next.set(toks[i], (l = []));
          l.push(toks[i + 1]);
          if (/[.!?]["”]?$/.test(toks[i])) this.starts.push(toks[i + 1]);
        }
      }
    }
  }

  *documents(n: number, words: number, seed: number, prefix = "gen"): Generator<EvalDoc> {
    const rnd = mulberry32(seed);
    for (let k = 0; k < n; k++) {
      const paras: string[] = [];
      let cur: string[] = [];
      let w = this.starts[Math.floor(rnd() * this.starts.length)];
      for (let i = 0; i < words; i++) {
        cur.push(w);
        const ends = /[.!?]["”]?$/.test(w);
        if (ends && cur.length > 40 + rnd() * 60) {
          paras.push(cur.join(" "));
          cur = [];
        }
        const l = this.next.get(w);
        w = l && !(ends && rnd() < 0.1) ? l[Math.floor(rnd() * l.length)] : this.starts[Math.floor(rnd() * this.starts.length)];
      }
      if (cur.length) paras.push(cur.join(" "));
      yield { id: `${prefix}-${k}`, text: paras.join("\n\n") };
    }
  }
}

/** Contiguous paragraphs covering at least `share` of the source's words. */
export function partial(d: BrownDocument, share: number, rnd: () => number): string {
  const paras = d.paragraphs;
  const total = paras.reduce((n, p) => n + p.split(/\s+/).length, 0);
  const from = Math.floor(rnd() * paras.length * (1 - share));
  let n = 0;
  const out: string[] = [];
  for (let i = from; i < paras.length && n < total * share; i++) {
    out.push(paras[i]);
    n += paras[i].split(/\s+/).length;
  }
  for (let i = from - 1; i >= 0 && n < total * share; i--) {
    out.unshift(paras[i]);
    n += paras[i].split(/\s+/).length;
  }
  return out.join("\n\n");
}

export const BOILERPLATE_HEAD = "Home | World | Business | Sport\n\nFor the latest headlines, subscribe to our newsletter or follow us on social media.";
export const BOILERPLATE_TAIL = "Related Stories\n\nStocks Rally As Investors Cheer Earnings\n\nTen Gardening Tips For A Dry Summer\n\nLocal Team Wins Championship In Overtime";

/**
 * Sentence-level rewrites standing in for paraphrase: in each paragraph, split sentences
 * at ", and" / ";", merge neighbours, and move a leading clause to the end.
 */
export function rewrite(text: string, rnd: () => number): string {
  return text.split("\n\n").map((p) => {
    let sents = p.split(/(?<=[.!?]["”]?)\s+(?=["“]?[A-Z])/);
    sents = sents.flatMap((s) => {
      const m = /^(.{30,}?)(?:, and |; )(.{30,})$/.exec(s);
      if (m && rnd() < 0.5) return [m[1] + ".", m[2].charAt(0).toUpperCase() + m[2].slice(1)];
      return [s];
    });
    const out: string[] = [];
    for (let i = 0; i < sents.length; i++) {
      let s = sents[i];
      const clause = /^([A-Z][^,]{10,60}), ([a-z].{20,})([.!?])$/.exec(s);
      if (clause && rnd() < 0.5) s = clause[2].charAt(0).toUpperCase() + clause[2].slice(1) + ", " + clause[1].charAt(0).toLowerCase() + clause[1].slice(1) + clause[3];
      if (i + 1 < sents.length && rnd() < 0.25 && /[.]$/.test(s)) {
        const nx = sents[i + 1];
        s = s.replace(/[.]$/, "") + ", and " + nx.charAt(0).toLowerCase() + nx.slice(1);
        i++;
      }
      out.push(s);
    }
    return out.join(" ");
  }).join("\n\n");
}

/**
 * A stand-in for a machine-translation round trip: names respelled as a transliteration
 * would ("Kennedy" → "Kenedy", "Phillips" → "Filips"), neighbouring words swapped in some
 * sentences, and content words replaced by words no thesaurus relates to them (`vocabulary`:
 * a pool of other words), at `rate` of the content words.
 */
export function roundTrip(text: string, rate: number, vocabulary: readonly string[], rnd: () => number): string {
  const respell = (w: string) => w.replace(/([a-z])\1/, "$1").replace(/ph/g, "f").replace(/^Ph/, "F").replace(/ck/g, "k");
  return text.split("\n\n").map((p) =>
    p.split(/(?<=[.!?])\s+/).map((sentence) => {
      const words = sentence.split(" ");
      for (let i = 0; i < words.length; i++) {
        const w = words[i];
        if (/^[A-Z][a-z]{3,}/.test(w) && i > 0 && rnd() < 0.5) words[i] = respell(w);
        else if (/^[a-z]{4,}$/.test(w) && rnd() < rate) words[i] = vocabulary[Math.floor(rnd() * vocabulary.length)];
      }
      if (words.length > 6 && rnd() < 0.4) {
        const i = 1 + Math.floor(rnd() * (words.length - 3));
        if (/^[a-z]+$/.test(words[i]) && /^[a-z]+$/.test(words[i + 1])) [words[i], words[i + 1]] = [words[i + 1], words[i]];
      }
      return words.join(" ");
    }).join(" ")).join("\n\n");
}
