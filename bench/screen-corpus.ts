/**
 * A generated crawl for benchmarking and checking `unspin screen`: ~500-word news pages as
 * realistic HTML (head, navigation, article, related links, footer) over 50 sites with URLs and
 * dates, a share of them spun by the simulator (rate 0.2–0.4), most of those on ten content-farm
 * sites that spin news pages of the same crawl. A WARC also carries what real crawls carry
 * besides pages (warcinfo, requests, metadata, images, redirects) and a few damaged records.
 * A sidecar JSONL file labels every page (url, site, spun, rate, source, damage).
 *
 *   node --import tsx bench/screen-corpus.ts --pages 10000 --spun 0.2 --out crawl.warc.gz
 *       [--format warc|jsonl|html-dir] [--seed 1] [--workers 2] [--labels crawl.labels.jsonl]
 *
 * Text is a bigram Markov chain over the Brown press sections; nothing third-party is copied
 * whole. Everything is seeded by page index, so a crawl is the same whatever the worker count.
 * Spinning dominates the cost (the simulator takes ~40–60 ms a page), so pages are made on
 * worker threads.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import zlib from "node:zlib";
import { brownDocuments, PRESS_CATEGORIES } from "../src/corpus/brown.js";
import { siteOf } from "../src/screen/site.js";
import { mixSeed, mulberry32, spin } from "../src/spin/simulate.js";
import { MarkovGenerator } from "./trace-corpus.js";

export type CorpusFormat = "warc" | "jsonl" | "html-dir";

export interface ScreenCorpusOptions {
  pages: number;
  /** Share of pages spun (default 0.2). */
  spun?: number;
  seed?: number;
  format?: CorpusFormat;
  /** A file (.warc, .warc.gz, .jsonl) or, for html-dir, a folder. WARC output is gzipped per record when it ends in .gz. */
  out: string;
  /** Labels file (default: next to `out`, "<name>.labels.jsonl"). */
  labels?: string;
  /** Threads making pages (default: min(2, cores) from 3000 pages, else 0: on this thread). */
  workers?: number;
  /** Non-page records and damaged records (default true). */
  noise?: boolean;
  onProgress?(done: number, total: number): void;
}

export interface PageLabel {
  url: string;
  /** Registrable domain (siteOf). */
  site: string;
  farm: boolean;
  spun: boolean;
  /** Spinning rate, for spun pages. */
  rate: number | null;
  /** URL of the page of this crawl it was spun from, if any. */
  source: string | null;
  /** Published date (YYYY-MM-DD); a spun copy is published after its source. */
  date: string;
  /** html-dir: the page's file. */
  file?: string;
  /** How the record was damaged, if it was: a screen reports it as a problem (except "junk-before", a problem of its own). */
  damage?: Damage;
}

export interface CorpusReport {
  out: string;
  labels: string;
  pages: number;
  spun: number;
  farmPages: number;
  /** WARC records, JSONL lines or files written. */
  records: number;
  damaged: number;
  bytes: number;
  seconds: number;
}

type Damage = "junk-before" | "corrupt-gzip" | "bad-length" | "invalid-utf8" | "bad-json";

interface Site {
  host: string;
  name: string;
  farm: boolean;
  sections: string[];
}

interface PagePlan {
  i: number;
  site: Site;
  url: string;
  published: string;
  crawled: string;
  spun: boolean;
  rate: number;
  /** Index of the page it is spun from (an earlier unspun news page), or null. */
  source: number | null;
  words: number;
  damage: Damage | null;
  /** Extra records around it (WARC). */
  request: boolean;
  metadata: boolean;
  image: boolean;
  redirect: boolean;
}

const FARM_SPUN = 0.85;
const FARMS = 10;
const NEWS_SITES = 40;
/** One page in this many is damaged (evenly spread, so that small crawls have some). */
const DAMAGE_EVERY = 500;

// ---------------------------------------------------------------------------------------------
// Plan: sites, and per page everything but the text (cheap, on the main thread).

const PLACE = ["northern", "harbor", "valley", "river", "lake", "county", "metro", "coast", "prairie", "summit", "bay", "capital", "mill", "forest", "canyon", "island", "delta", "ridge", "plains", "highland"];
const PAPER = ["ledger", "tribune", "gazette", "herald", "courier", "chronicle", "sentinel", "observer", "dispatch", "journal", "times", "post", "record", "examiner", "bulletin"];
const TLDS = ["com", "com", "com", "net", "org", "co.uk", "com.au", "ca", "co.nz", "ie"];
const FARM_A = ["top", "viral", "daily", "best", "trending", "hot", "smart", "quick", "mega", "super"];
const FARM_B = ["news", "buzz", "stories", "digest", "feed", "hub", "reads", "info", "wire", "report"];
const SECTIONS = ["world", "politics", "business", "sport", "science", "health", "culture", "local", "opinion", "travel"];

function makeSites(seed: number): Site[] {
  const rnd = mulberry32(mixSeed(seed, 0x5175));
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const sites: Site[] = [];
  const used = new Set<string>();
  while (sites.length < NEWS_SITES + FARMS) {
    const farm = sites.length >= NEWS_SITES;
    const base = farm ? `${pick(FARM_A)}${pick(FARM_B)}${Math.floor(rnd() * 90 + 10)}` : `${pick(PLACE)}${pick(PAPER)}`;
    const host = `${farm ? "" : "www."}${base}.${farm ? pick(["info", "net", "online", "site", "xyz"]) : pick(TLDS)}`;
    if (used.has(base)) continue;
    used.add(base);
    const name = farm ? base.replace(/\d+$/, "").replace(/^./, (c) => c.toUpperCase()) : base.replace(new RegExp(`(${PAPER.join("|")})$`), " $1").replace(/\b./g, (c) => c.toUpperCase());
    const sections = SECTIONS.filter(() => rnd() < 0.6);
    sites.push({ host, name, farm, sections: sections.length ? sections : ["news"] });
  }
  return sites;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 0, 1);

function planPages(n: number, spunShare: number, seed: number, noise: boolean, format: CorpusFormat): { sites: Site[]; plans: PagePlan[] } {
  const sites = makeSites(seed);
  const news = sites.filter((s) => !s.farm);
  const farms = sites.filter((s) => s.farm);
  // Four fifths of the spun pages on farms (which are FARM_SPUN spun): farm share of pages follows.
  const pFarm = Math.min(0.9, Math.max(0.05, (0.8 * spunShare) / FARM_SPUN));
  // Farms spin FARM_SPUN of their pages; more only when the share asked for leaves no choice.
  const pSpunFarm = Math.min(1, spunShare / pFarm, Math.max(FARM_SPUN, (spunShare - (1 - pFarm)) / pFarm));
  const pSpunNews = Math.max(0, Math.min(1, (spunShare - pFarm * pSpunFarm) / (1 - pFarm)));
  const rnd = mulberry32(mixSeed(seed, 0x9a9e));
  const plans: PagePlan[] = [];
  const unspunNews: number[] = [];
  const damages: Damage[] = format === "warc" ? ["junk-before", "corrupt-gzip", "bad-length", "invalid-utf8"] : format === "jsonl" ? ["bad-json", "invalid-utf8"] : ["invalid-utf8"];
  let damaged = 0;
  for (let i = 0; i < n; i++) {
    const farm = rnd() < pFarm;
    const site = farm ? farms[Math.floor(rnd() * farms.length)] : news[Math.floor(rnd() * news.length)];
    const spun = rnd() < (farm ? pSpunFarm : pSpunNews);
    const rate = 0.2 + 0.2 * rnd();
    // Farms spin pages of this crawl (so a tracer can find them) two times in three.
    const source = spun && unspunNews.length > 0 && rnd() < 0.67 ? unspunNews[Math.floor(rnd() * unspunNews.length)] : null;
    // A copy comes after its source.
    const pub = source === null ? T0 + Math.floor(rnd() * 730) * DAY : Date.parse(plans[source].published) + (1 + Math.floor(rnd() * 30)) * DAY;
    const crawled = pub + Math.floor(rnd() * 20 * DAY) + Math.floor(rnd() * DAY);
    const words = 400 + Math.floor(rnd() * 200);
    const section = site.sections[Math.floor(rnd() * site.sections.length)];
    const d = new Date(pub);
    const url = `https://${site.host}/${section}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/story-${i.toString(36)}-${Math.floor(rnd() * 1e6).toString(36)}.html`;
    let damage: Damage | null = null;
    if (noise && i % DAMAGE_EVERY === DAMAGE_EVERY / 2) damage = damages[damaged++ % damages.length];
    plans.push({
      i, site, url, spun, rate, source, words, damage,
      published: new Date(pub).toISOString().slice(0, 10),
      crawled: new Date(crawled).toISOString().replace(/\.\d{3}Z$/, "Z"),
      request: noise && rnd() < 0.1,
      metadata: noise && rnd() < 0.04,
      image: noise && rnd() < 0.02,
      redirect: noise && rnd() < 0.01,
    });
    if (!farm && !spun && !damage) unspunNews.push(i);
  }
  return { sites, plans };
}

// ---------------------------------------------------------------------------------------------
// Text (on workers): a page's article from its index alone.

interface TextJob {
  i: number;
  words: number;
  /** Spin the text of page `from` (itself, or its source) at this rate. */
  from: number;
  fromWords: number;
  rate: number | null;
}

interface PageText {
  i: number;
  title: string;
  paragraphs: string[];
  related: string[];
}

class TextMaker {
  private gen: MarkovGenerator;
  constructor(private seed: number) {
    this.gen = new MarkovGenerator(brownDocuments({ categories: [...PRESS_CATEGORIES] }));
  }
  private doc(i: number, words: number, salt: number): string {
    for (const d of this.gen.documents(1, words, mixSeed(this.seed, i * 4 + salt))) return d.text;
    return "";
  }
  headline(i: number): string {
    const w = this.doc(i, 14, 1).replace(/[“”"()]/g, "").split(/\s+/).filter(Boolean);
    const n = Math.min(w.length, 6 + (i % 5));
    return w.slice(0, n).map((x) => x.replace(/[.,;:!?]+$/, "")).filter(Boolean).map((x) => x[0].toUpperCase() + x.slice(1)).join(" ");
  }
  make(job: TextJob): PageText {
    const original = this.doc(job.from, job.fromWords, 0).split("\n\n");
    // Spun paragraph by paragraph (the simulator's cost grows faster than the text).
    const paragraphs = job.rate === null ? original : original.map((p, k) => spin(p, { rate: job.rate!, seed: mixSeed(this.seed ^ 0x51, job.i * 64 + k) }).text);
    const related = [1, 2, 3, 4, 5].map((k) => this.headline(job.i * 7 + k + 1_000_000));
    return { i: job.i, title: this.headline(job.from), paragraphs, related };
  }
}

function textJob(p: PagePlan, plans: PagePlan[]): TextJob {
  const from = p.source ?? p.i;
  return { i: p.i, words: p.words, from, fromWords: plans[from].words, rate: p.spun ? p.rate : null };
}

/** Page texts in page order, made by `workers` threads (0: on this one), a bounded window ahead. */
async function* pageTexts(jobs: TextJob[], seed: number, workers: number): AsyncGenerator<PageText> {
  if (workers <= 0) {
    const maker = new TextMaker(seed);
    for (const j of jobs) yield maker.make(j);
    return;
  }
  const pool = Array.from({ length: workers }, () => new Worker(workerEntry(), { workerData: { seed } }));
  const CHUNK = 16;
  const WINDOW = workers * 4;
  const results = new Map<number, PageText[]>();
  const waiting = new Map<number, () => void>();
  let failed: Error | null = null;
  const idle: Worker[] = [];
  for (const w of pool) {
    w.on("message", (m: { chunk: number; pages: PageText[] }) => {
      results.set(m.chunk, m.pages);
      idle.push(w);
      waiting.get(m.chunk)?.();
      pump();
    });
    w.on("error", (e) => {
      failed = e;
      for (const f of waiting.values()) f();
    });
    idle.push(w);
  }
  const chunks = Math.ceil(jobs.length / CHUNK);
  let sent = 0;
  let next = 0;
  const pump = () => {
    while (idle.length && sent < chunks && sent < next + WINDOW) {
      idle.pop()!.postMessage({ chunk: sent, jobs: jobs.slice(sent * CHUNK, (sent + 1) * CHUNK) });
      sent++;
    }
  };
  try {
    pump();
    for (; next < chunks; next++) {
      if (!results.has(next)) await new Promise<void>((res) => waiting.set(next, res));
      if (failed) throw failed;
      const pages = results.get(next)!;
      results.delete(next);
      waiting.delete(next);
      pump();
      yield* pages;
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** This module as a worker; under tsx, the worker registers tsx first (workers do not inherit loader hooks). */
function workerEntry(): URL {
  const self = JSON.stringify(import.meta.url);
  const code = import.meta.url.endsWith(".ts") ? `const { register } = await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}); register(); await import(${self});` : `await import(${self});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

if (!isMainThread && parentPort && (workerData as { seed?: number } | null)?.seed !== undefined) {
  const maker = new TextMaker((workerData as { seed: number }).seed);
  parentPort.on("message", (m: { chunk: number; jobs: TextJob[] }) => {
    parentPort!.postMessage({ chunk: m.chunk, pages: m.jobs.map((j) => maker.make(j)) });
  });
}

// ---------------------------------------------------------------------------------------------
// HTML

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function renderPage(p: PagePlan, t: PageText): string {
  const s = p.site;
  const nav = s.sections.map((x) => `<li><a href="/${x}/">${x[0].toUpperCase() + x.slice(1)}</a></li>`).join("");
  const body = t.paragraphs.map((x) => `<p>${esc(x)}</p>`).join("\n");
  const related = t.related.map((h, k) => `<li><a href="/${s.sections[k % s.sections.length]}/more-${p.i}-${k}.html">${esc(h)}</a></li>`).join("");
  const desc = esc(t.paragraphs[0]?.split(/(?<=[.!?])\s/)[0] ?? "");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)} | ${esc(s.name)}</title>
<meta name="description" content="${desc}">
<meta property="og:title" content="${esc(t.title)}">
<meta property="article:published_time" content="${p.published}T08:00:00Z">
<link rel="canonical" href="${p.url}">
<link rel="stylesheet" href="/static/site.css">
<script async src="/static/analytics.js"></script>
</head>
<body class="${s.farm ? "farm" : "news"}">
<header class="masthead"><a class="logo" href="/">${esc(s.name)}</a>
<nav class="main-nav"><ul><li><a href="/">Home</a></li>${nav}<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main>
<article class="story">
<h1>${esc(t.title)}</h1>
<p class="byline">By Staff Reporter · <time datetime="${p.published}">${p.published}</time></p>
${body}
</article>
<aside class="related"><h2>Most read</h2><ul>${related}</ul></aside>
</main>
<footer><p>© ${p.published.slice(0, 4)} ${esc(s.name)}. All rights reserved.</p>
<nav><a href="/about">About us</a> · <a href="/contact">Contact</a> · <a href="/privacy">Privacy</a> · <a href="/terms">Terms</a></nav></footer>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------------------------
// Writers

class Out {
  private fd: number;
  private parts: Buffer[] = [];
  private pending = 0;
  bytes = 0;
  constructor(file: string) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, "w");
  }
  write(b: Buffer | string): void {
    const buf = typeof b === "string" ? Buffer.from(b) : b;
    this.parts.push(buf);
    this.pending += buf.length;
    this.bytes += buf.length;
    if (this.pending >= 1 << 20) this.flush();
  }
  flush(): void {
    if (this.parts.length) fs.writeSync(this.fd, Buffer.concat(this.parts));
    this.parts = [];
    this.pending = 0;
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

let recordNo = 0;
function warcRecord(type: string, url: string | null, date: string, block: Buffer, contentType: string, extra: Record<string, string> = {}, lengthDelta = 0): Buffer {
  const id = `<urn:uuid:00000000-0000-4000-8000-${(++recordNo).toString(16).padStart(12, "0")}>`;
  const h: Record<string, string> = { "WARC-Type": type, "WARC-Record-ID": id, "WARC-Date": date };
  if (url) h["WARC-Target-URI"] = url;
  Object.assign(h, extra, { "Content-Type": contentType, "Content-Length": String(block.length + lengthDelta) });
  const head = Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.concat([Buffer.from(`WARC/1.0\r\n${head}\r\n`), block, Buffer.from("\r\n\r\n")]);
}

function http(status: string, headers: Record<string, string>, body: Buffer): Buffer {
  const head = Object.entries({ ...headers, "Content-Length": String(body.length) }).map(([k, v]) => `${k}: ${v}\r\n`).join("");
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${head}\r\n`), body]);
}

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6364f8ffbf1e000502027f3b5a1d8a0000000049454e44ae426082", "hex");

function pageBytes(p: PagePlan, html: string): Buffer {
  const b = Buffer.from(html);
  if (p.damage === "invalid-utf8") {
    // A byte that is never valid UTF-8, inside the article.
    const at = b.indexOf("<p>", b.indexOf("<article")) + 3;
    b[at + 2] = 0xff;
  }
  return b;
}

// ---------------------------------------------------------------------------------------------

function defaultLabels(out: string): string {
  const base = out.replace(/[/\\]+$/, "").replace(/(\.warc)?(\.gz)?$|\.jsonl$/, "");
  return `${base}.labels.jsonl`;
}

/** Write a generated crawl and its labels. */
export async function writeScreenCorpus(o: ScreenCorpusOptions): Promise<CorpusReport> {
  const t0 = performance.now();
  const format = o.format ?? "warc";
  const seed = o.seed ?? 1;
  const spunShare = o.spun ?? 0.2;
  const noise = o.noise ?? true;
  // Each worker loads the corpus and the lexicon (~5 s): worth it from a few thousand pages.
  const workers = o.workers ?? (o.pages >= 3000 ? Math.min(2, os.availableParallelism?.() ?? os.cpus().length) : 0);
  const labelsFile = o.labels ?? defaultLabels(o.out);
  const gzip = format === "warc" && o.out.endsWith(".gz");
  const { plans } = planPages(o.pages, spunShare, seed, noise, format);
  const jobs = plans.map((p) => textJob(p, plans));
  const labels = new Out(labelsFile);
  const out = format === "html-dir" ? null : new Out(o.out);
  if (format === "html-dir") fs.mkdirSync(o.out, { recursive: true });
  let records = 0;
  let damaged = 0;
  let fileBytes = 0;
  const rec = (b: Buffer) => {
    out!.write(gzip ? zlib.gzipSync(b) : b);
    records++;
  };
  if (format === "warc") {
    const info = Buffer.from(`software: unspin bench/screen-corpus.ts\r\nformat: WARC File Format 1.0\r\nseed: ${seed}\r\npages: ${o.pages}\r\n`);
    rec(warcRecord("warcinfo", null, "2025-01-01T00:00:00Z", info, "application/warc-fields", { "WARC-Filename": path.basename(o.out) }));
  }
  let done = 0;
  for await (const t of pageTexts(jobs, seed, workers)) {
    const p = plans[t.i];
    const html = renderPage(p, t);
    const label: PageLabel = { url: p.url, site: siteOf(p.url)!, farm: p.site.farm, spun: p.spun, rate: p.spun ? Math.round(p.rate * 1000) / 1000 : null, source: p.source === null ? null : plans[p.source].url, date: p.published };
    let damage = p.damage;
    // Gzip damage needs gzip: a plain WARC gets a wrong Content-Length instead.
    if (damage === "corrupt-gzip" && !gzip) damage = "bad-length";
    if (damage) {
      label.damage = damage;
      damaged++;
    }
    if (format === "warc") {
      if (damage === "junk-before") {
        out!.write(Buffer.from("\r\n<html>stray bytes from a broken writer</html>\r\n\r\n"));
        records++;
      }
      if (p.request) rec(warcRecord("request", p.url, p.crawled, Buffer.from(`GET ${new URL(p.url).pathname} HTTP/1.1\r\nHost: ${p.site.host}\r\nUser-Agent: unspin-bench\r\n\r\n`), "application/http; msgtype=request"));
      if (p.redirect) rec(warcRecord("response", p.url.replace(/^https/, "http"), p.crawled, http("301 Moved Permanently", { Location: p.url }, Buffer.alloc(0)), "application/http; msgtype=response"));
      const block = http("200 OK", { "Content-Type": "text/html; charset=utf-8", Server: "nginx" }, pageBytes(p, html));
      const record = warcRecord("response", p.url, p.crawled, block, "application/http; msgtype=response", {}, damage === "bad-length" ? -40 : 0);
      if (damage === "corrupt-gzip") {
        const g = zlib.gzipSync(record);
        for (let k = 30; k < Math.min(g.length - 8, 90); k++) g[k] ^= 0xa5;
        out!.write(g);
        records++;
      } else rec(record);
      if (p.metadata) rec(warcRecord("metadata", p.url, p.crawled, Buffer.from(`fetchTimeMs: ${100 + (p.i % 900)}\r\noutlink: https://${p.site.host}/\r\n`), "application/warc-fields"));
      if (p.image) rec(warcRecord("response", `https://${p.site.host}/img/${p.i}.png`, p.crawled, http("200 OK", { "Content-Type": "image/png" }, PNG), "application/http; msgtype=response"));
    } else if (format === "jsonl") {
      let line = Buffer.from(JSON.stringify({ url: p.url, title: t.title, date: p.published, html }));
      if (damage === "bad-json") line = line.subarray(0, Math.floor(line.length / 2));
      if (damage === "invalid-utf8") line = Buffer.concat([Buffer.from(`{"url": ${JSON.stringify(p.url)}, "html": "`), pageBytes(p, html.replace(/["\\\n]/g, " ")), Buffer.from('"}')]);
      out!.write(Buffer.concat([line, Buffer.from("\n")]));
      records++;
    } else {
      const u = new URL(p.url);
      const rel = path.join(u.hostname, ...u.pathname.split("/").filter(Boolean));
      const file = path.join(o.out, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const b = pageBytes(p, html);
      fs.writeFileSync(file, b);
      fileBytes += b.length;
      label.file = file;
      records++;
    }
    labels.write(JSON.stringify(label) + "\n");
    done++;
    if (o.onProgress && done % 500 === 0) o.onProgress(done, o.pages);
  }
  out?.close();
  labels.close();
  const bytes = out ? out.bytes : fileBytes;
  return {
    out: o.out,
    labels: labelsFile,
    pages: plans.length,
    spun: plans.filter((p) => p.spun).length,
    farmPages: plans.filter((p) => p.site.farm).length,
    records,
    damaged,
    bytes,
    seconds: (performance.now() - t0) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------
// CLI

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (isMainThread && import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const out = arg("out");
  const pages = Number(arg("pages") ?? 1000);
  const format = (arg("format") ?? (out?.endsWith(".jsonl") ? "jsonl" : "warc")) as CorpusFormat;
  if (!out || !Number.isInteger(pages) || pages < 1 || !["warc", "jsonl", "html-dir"].includes(format)) {
    console.error("usage: node --import tsx bench/screen-corpus.ts --pages N --out crawl.warc.gz [--spun 0.2] [--format warc|jsonl|html-dir] [--seed S] [--workers W] [--labels FILE]");
    process.exit(2);
  }
  const r = await writeScreenCorpus({
    pages,
    out,
    format,
    spun: arg("spun") === undefined ? undefined : Number(arg("spun")),
    seed: arg("seed") === undefined ? undefined : Number(arg("seed")),
    workers: arg("workers") === undefined ? undefined : Number(arg("workers")),
    labels: arg("labels"),
    onProgress: (d, n) => process.stderr.write(`\r${d}/${n} pages`),
  });
  process.stderr.write("\n");
  console.log(`${r.pages} pages (${r.spun} spun, ${r.farmPages} on content farms, ${r.damaged} damaged) in ${r.records} records, ${(r.bytes / 1048576).toFixed(1)} MB → ${r.out}; labels → ${r.labels}`);
  console.log(`${r.seconds.toFixed(1)} s: ${(r.pages / r.seconds).toFixed(0)} pages/s`);
}
