/**
 * CLI commands of the tracer: `index add`, `index stats`, `trace`, `learn`.
 * Registered on the main program by `registerTraceCommands(program)`.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { EXIT, InputError, UnspinError } from "../errors.js";
import type { IngestIssue } from "../ingest/index.js";
import { readText } from "../text/input.js";
import type { PageTally } from "../screen/pages.js";
import type { DetailedMatch, TraceIndex } from "../trace/index.js";
import { KIND_TEXT } from "../trace/kinds.js";

// The modules behind the commands (stores, HTML and WARC readers, the engine) are loaded by the
// command that needs them, so that `unspin check` does not pay for them at start-up.
const traceModule = () => import("../trace/index.js");

export const DEFAULT_DB = "./unspin.db";

interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  strike(s: string): string;
}

function styleFor(stream: NodeJS.WriteStream): Style {
  const on = stream.isTTY === true && !(process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), strike: wrap(9, 29) };
}

function positiveInt(name: string, max: number) {
  return (v: string) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1 || x > max) throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}`);
    return x;
  };
}

function write(s: string, stream: NodeJS.WritableStream = process.stdout): Promise<void> {
  return new Promise((resolve, reject) => stream.write(s, (e) => (e ? reject(e) : resolve())));
}

async function withIndex<T>(db: string, mode: "write" | "read", f: (index: TraceIndex) => Promise<T>): Promise<T> {
  const { openIndex } = await traceModule();
  const index = await openIndex(db, mode === "write" ? { create: true } : { create: false });
  for (const w of index.warnings) process.stderr.write(`unspin: warning: ${w}\n`);
  try {
    return await f(index);
  } finally {
    await index.close();
  }
}

export function registerTraceCommands(program: Command): void {
  const index = program.command("index").description("the index of source documents that `trace` searches");

  index
    .command("add")
    .description("add text files, folders (recursively), JSON Lines and HTML pages to the index")
    .argument("<paths...>", "files or folders")
    .option("--db <path>", "index file", DEFAULT_DB)
    .option("--batch <n>", "documents per transaction", positiveInt("--batch", 100_000), 1000)
    .option("--no-progress", "no progress bar")
    .option("--json", "print the summary as JSON")
    .action(async (paths: string[], flags: { db: string; batch: number; progress: boolean; json?: boolean }) => {
      await indexAdd(paths, flags);
    });

  index
    .command("stats")
    .description("what the index holds")
    .option("--db <path>", "index file", DEFAULT_DB)
    .option("--json", "print as JSON")
    .action(async (flags: { db: string; json?: boolean }) => {
      await withIndex(flags.db, "read", async (ix) => {
        const s = await ix.stats();
        if (flags.json) return write(JSON.stringify(s, null, 2) + "\n");
        const per = s.documents ? (s.storeBytes - s.textBytes) / s.documents : 0;
        await write([
          `index ${s.location} (${s.backend}, schema v${s.schemaVersion})`,
          `  documents   ${s.documents.toLocaleString("en-US")}`,
          `  words       ${s.words.toLocaleString("en-US")}`,
          `  postings    ${s.postings.toLocaleString("en-US")}`,
          `  size        ${mb(s.storeBytes)} (text ${mb(s.textBytes)}; ${Math.round(per)} bytes per document beyond its text)`,
          `  learned     ${s.channelPairs} substitution pairs; ${s.tracesPending} confirmed traces waiting for "unspin learn", ${s.tracesLearned} learned`,
          `  lexicon     ${s.meta.lexicon_source ?? "?"}`,
          "",
        ].join("\n"));
      });
    });

  program
    .command("trace")
    .description("find the indexed documents a text was copied, spun, translated or paraphrased from")
    .argument("<file>", "text file, or - for standard input")
    .option("--db <path>", "index file", DEFAULT_DB)
    .option("--top <n>", "number of matches", positiveInt("--top", 1000), 5)
    .option("--json", "print the result object as JSON")
    .option("--no-record", "do not log a confident match for `unspin learn`")
    .action(async (file: string, flags: { db: string; top: number; json?: boolean; record: boolean }) => {
      const text = await readQuery(file);
      await withIndex(flags.db, "read", async (ix) => {
        const matches = await ix.traceDetailed(text, { top: flags.top, record: flags.record });
        const { publicMatch } = await traceModule();
        if (flags.json) return write(JSON.stringify({ matches: matches.map(publicMatch) }, null, 2) + "\n");
        const style = styleFor(process.stdout);
        await write(renderTrace(text, matches, style, file === "-" ? "standard input" : file, process.stdout.columns ?? 100));
      });
    });

  program
    .command("learn")
    .description("learn a spinner's channel table: from confirmed traces of your documents (--db), or from a site's own pages (--unsupervised)")
    .argument("[inputs...]", "traced mode: spun copies to trace and learn from first (optional); --unsupervised: the site's pages (text files, folders, JSONL, WARC)")
    .option("--db <path>", "trace index (traced mode; with --unsupervised, its learned pairs seed the table)", DEFAULT_DB)
    .option("--unsupervised", "learn from the pages alone, with no source documents")
    .option("--results <db>", "with --unsupervised: take the pages of --site from this screening run")
    .option("--site <domain>", "with --results: the site whose pages to learn from")
    .option("-o, --output <table>", "write the channel table here (for check/restore/screen --channel)")
    .option("--min-score <p>", "minimum trace score to learn from", (v) => {
      const x = Number(v);
      if (!(x >= 0 && x <= 1)) throw new InvalidArgumentError("--min-score must be from 0 to 1");
      return x;
    }, 0.9)
    .option("--json", "print the summary as JSON")
    .action(async (inputs: string[], flags: LearnFlags, cmd: Command) => {
      if (flags.unsupervised) return learnUnsupervised(inputs, flags, cmd.getOptionValueSource("db") === "cli");
      if (flags.results !== undefined || flags.site !== undefined) throw new InputError("--results and --site go with --unsupervised");
      await withIndex(flags.db, "read", async (ix) => {
        let traced = 0;
        for (const f of inputs) {
          const text = await readQuery(f);
          const m = await ix.traceDetailed(text, { top: 1, record: true, recordMinScore: flags.minScore });
          if (m[0] && m[0].score >= flags.minScore) traced++;
          else process.stderr.write(`unspin: ${f}: no confident source found, not learned\n`);
        }
        const r = await ix.learn();
        if (flags.output !== undefined) {
          const pairs = (await ix.learnedSubstitutions()).map((p) => ({ ...p, source: "traced" as const }));
          const { writeChannelTable } = await import("../decode/table.js");
          writeChannelTable(flags.output, { meta: { source: "traced", index: flags.db, created: new Date().toISOString() }, pairs });
        }
        const summary = { copiesTraced: traced, tracesLearned: r.traces, pairsUpdated: r.pairs, channelPairs: r.channelPairs, ...(flags.output ? { table: flags.output } : {}) };
        if (flags.json) return write(JSON.stringify(summary) + "\n");
        await write(`learned from ${r.traces} confirmed trace(s): ${r.pairs} substitution pair(s) updated; the channel table holds ${r.channelPairs} pair(s)${flags.output ? `; written to ${flags.output}` : ""}\n`);
      });
    });
}

interface LearnFlags {
  db: string;
  unsupervised?: boolean;
  results?: string;
  site?: string;
  output?: string;
  minScore: number;
  json?: boolean;
}

async function learnUnsupervised(inputs: string[], flags: LearnFlags, seedFromIndex: boolean): Promise<void> {
  if (flags.output === undefined) throw new InputError("learn --unsupervised needs -o TABLE: where to write the learned channel table");
  if ((flags.results === undefined) !== (flags.site === undefined)) throw new InputError("--results and --site go together: the screening run and the site to take from it");
  if (flags.results !== undefined && inputs.length > 0) throw new InputError("give either page inputs or --results with --site, not both");
  if (flags.results === undefined && inputs.length === 0) throw new InputError("learn --unsupervised needs the site's pages (files, folders, JSONL, WARC) or --results DB --site DOMAIN");
  const [{ learnedPairsFrom }, { openResultStore }, { inputPages, sitePages }, { learnSite }, { loadModel }, { loadLexicon }, { writeChannelTable }] = await Promise.all([
    import("./learned.js"), import("../screen/results/index.js"), import("../screen/pages.js"), import("../decode/site-learn.js"),
    import("../model/index.js"), import("../lexicon/files.js"), import("../decode/table.js"),
  ]);
  const seed = seedFromIndex ? await learnedPairsFrom(flags.db) : [];
  const tally: PageTally = { pages: 0, problems: 0 };
  const texts: string[] = [];
  if (flags.results !== undefined) {
    const store = await openResultStore(flags.results, { create: false });
    try {
      for await (const t of sitePages(store, flags.site!, tally)) texts.push(t);
    } finally {
      await store.close();
    }
  } else {
    for await (const t of inputPages(inputs, tally)) texts.push(t);
  }
  const progress = process.stderr.isTTY === true && !flags.json;
  const r = learnSite(texts, {
    model: loadModel(),
    lexicon: loadLexicon(),
    seed,
    onProgress: progress ? (p) => process.stderr.write(`\runspin: learning: ${p.stage}, ${p.pairs} pairs (${(p.milliseconds / 1000).toFixed(1)} s)   `) : undefined,
  });
  if (progress) process.stderr.write("\n");
  const meta: Record<string, string> = {
    source: "site",
    ...(flags.site ? { site: flags.site } : {}),
    pages: String(r.usedPages),
    words: String(r.words),
    apply: String(r.apply),
    created: new Date().toISOString(),
    ...(r.reason ? { empty: r.reason } : {}),
  };
  writeChannelTable(flags.output, { meta, pairs: r.pairs });
  const top = [...r.pairs].sort((a, b) => b.count - a.count).slice(0, 12);
  const summary = {
    pagesRead: tally.pages, unreadable: tally.problems, pagesUsed: r.usedPages, words: r.words, pairs: r.pairs.length,
    apply: r.apply, tableShare: r.tableShare, table: flags.output, ...(r.reason ? { reason: r.reason } : {}),
    top: top.map((p) => ({ original: p.original, spun: p.spun, probability: p.probability, count: p.count, pages: p.pages })),
    overused: r.overused.slice(0, 10), underused: r.underused.slice(0, 10),
  };
  if (flags.json) return write(JSON.stringify(summary) + "\n");
  if (r.reason) process.stderr.write(`unspin: ${r.reason}\n`);
  let out = `read ${tally.pages} page(s)${tally.problems ? ` (${tally.problems} unreadable)` : ""}, learned from ${r.usedPages} (${r.words} words): ${r.pairs.length} substitution pair(s) written to ${flags.output}\n`;
  if (top.length > 0) {
    out += `the site's spinner replaces about ${Math.round(r.apply * 100)}% of the places of a word in its table; most frequent:\n`;
    for (const p of top) out += `  ${p.original} → ${p.spun}   ${Math.round(p.count)} place(s) on ${p.pages} page(s), P = ${p.probability?.toFixed(2)}\n`;
  }
  await write(out);
}

async function readQuery(file: string): Promise<string> {
  if (file !== "-") {
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      /* readText reports it */
    }
    const { MAX_QUERY_BYTES } = await traceModule();
    if (size > MAX_QUERY_BYTES) throw new InputError(`${file} is longer than ${MAX_QUERY_BYTES / 1024 / 1024} MB; trace a smaller part of it`);
  }
  const text = await readText(file);
  if (text.trim() === "") throw new InputError(`${file === "-" ? "standard input" : file} is empty: nothing to trace`);
  return text;
}

async function indexAdd(paths: string[], flags: { db: string; batch: number; progress: boolean; json?: boolean }): Promise<void> {
  const [{ listInputs, readDocuments }, { default: cliProgress }] = await Promise.all([import("../ingest/index.js"), import("cli-progress")]);
  const files = await listInputs(paths);
  if (files.length === 0) throw new InputError("no input files found");
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  const issues: IngestIssue[] = [];
  const MAX_SHOWN = 20;
  const showBar = flags.progress && (totalBytes > 8 * 1024 * 1024 || files.length > 200);
  const bar = showBar
    ? new cliProgress.SingleBar({
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
      format: "indexing [{bar}] {percentage}% | {docs} docs | {rate} docs/s | ETA {eta_formatted}",
      hideCursor: true,
    }, cliProgress.Presets.shades_classic)
    : undefined;
  const onIssue = (i: IngestIssue) => {
    issues.push(i);
    if (issues.length <= MAX_SHOWN) {
      const where = i.line !== undefined ? `${i.file}:${i.line}` : i.file;
      if (bar) bar.stop();
      process.stderr.write(`unspin: ${where}: ${i.message}\n`);
      if (bar) bar.start(totalBytes, lastBytes, { docs: lastDocs, rate: 0 });
    }
  };
  let lastBytes = 0, lastDocs = 0;
  const t0 = performance.now();
  // The store's own name for itself: a PostgreSQL URL without its password.
  let where = flags.db;
  const result = await withIndex(flags.db, "write", async (ix) => {
    where = ix.store.location;
    bar?.start(totalBytes, 0, { docs: 0, rate: 0 });
    const docs = readDocuments(files, {
      onIssue,
      onBytes: (b) => {
        lastBytes = b;
        bar?.update(b);
      },
    });
    const r = await ix.add(docs, {
      batchSize: flags.batch,
      onProgress: (p) => {
        lastDocs = p.seen;
        bar?.update(lastBytes, { docs: p.seen, rate: Math.round(p.seen / ((performance.now() - t0) / 1000)) });
      },
      onEmpty: (d) => onIssue({ file: d.id ?? "?", message: "empty document, skipped" }),
    });
    bar?.update(totalBytes, { docs: r.seen });
    bar?.stop();
    return r;
  });
  const secs = (performance.now() - t0) / 1000;
  const summary = {
    files: files.length, documents: result.seen, added: result.added, duplicates: result.duplicates,
    skipped: issues.length, seconds: Math.round(secs * 100) / 100,
  };
  if (flags.json) await write(JSON.stringify(summary) + "\n");
  else {
    const more = issues.length > MAX_SHOWN ? ` (${issues.length - MAX_SHOWN} not shown)` : "";
    process.stderr.write(
      `unspin: indexed ${result.added} new document(s) from ${files.length} file(s) into ${where}; ` +
      `${result.duplicates} already there; ${issues.length} skipped${more}; ${secs.toFixed(1)} s\n`);
  }
  if (result.seen === 0 && issues.length > 0) throw new InputError("no document could be read from the inputs");
}

function mb(b: number): string {
  return b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : `${(b / 1024).toFixed(1)} KB`;
}


/** Ranked sources, then the best match side by side: source left, copy right, changes coloured. */
export function renderTrace(copy: string, matches: DetailedMatch[], st: Style, label: string, columns: number): string {
  const lines: string[] = [];
  if (matches.length === 0 || matches[0].score < 0.5) {
    lines.push(`${label}: ${st.green("no source found")} in the index`);
  } else {
    lines.push(`${label}: ${st.bold("source found")} — ${KIND_TEXT[matches[0].kind]}`);
  }
  lines.push("");
  matches.forEach((m, k) => {
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    const colour = m.score >= 0.8 ? st.red : m.score >= 0.5 ? st.yellow : st.dim;
    const name = m.title && m.title !== m.id ? `${m.id} — ${m.title}` : m.id;
    lines.push(`${String(k + 1).padStart(2)}. ${colour(m.score.toFixed(3))}  ${m.kind.padEnd(11)} ${name}${m.url ? "  " + st.dim(m.url) : ""}`);
    lines.push(`    covers ${pct(m.alignment.sourceCoverage)} of the source, ${pct(m.alignment.copyCoverage)} of the copy; ` +
      `${pct(m.alignment.changedShare)} of the copied words changed; ${m.alignment.substitutions.length} substitutions`);
  });
  const best = matches[0];
  if (best && best.score >= 0.5) {
    lines.push("", st.bold(`Best match, side by side (source | copy); changes in ${st.green("green")} / ${st.red("red")}:`), "");
    const width = Math.max(30, Math.floor((Math.min(columns, 200) - 3) / 2));
    const subs = best.alignment.substitutions;
    for (const seg of best.raw.segments) {
      const left = wrapRanges(best.sourceText, seg.sourceStart, seg.sourceEnd, width);
      const right = wrapRanges(copy, seg.copyStart, seg.copyEnd, width);
      const n = Math.max(left.length, right.length);
      for (let i = 0; i < n; i++) {
        const l = left[i], r = right[i];
        const ls = l ? paint(best.sourceText, l[0], l[1], subs.map((s) => [s.sourceStart, s.sourceEnd]), st.green) : "";
        const rs = r ? paint(copy, r[0], r[1], subs.map((s) => [s.copyStart, s.copyEnd]), st.red) : "";
        const pad = " ".repeat(Math.max(0, width - (l ? l[1] - l[0] : 0)));
        lines.push(`${ls}${pad} ${st.dim("|")} ${rs}`);
      }
      lines.push("");
    }
  }
  return lines.join("\n") + "\n";
}

/** Wrap text[start, end) into lines of at most `width` characters (as ranges). */
function wrapRanges(text: string, start: number, end: number, width: number): [number, number][] {
  const out: [number, number][] = [];
  let i = start;
  while (i < end) {
    while (i < end && /\s/.test(text[i])) i++;
    if (i >= end) break;
    let j = Math.min(end, i + width);
    if (j < end) {
      const sp = text.lastIndexOf(" ", j);
      if (sp > i) j = sp;
    }
    const nl = text.indexOf("\n", i);
    if (nl >= 0 && nl < j) j = nl;
    out.push([i, j]);
    i = j;
  }
  return out;
}

function paint(text: string, a: number, b: number, spans: number[][], colour: (s: string) => string): string {
  let out = "";
  let pos = a;
  for (const [s, e] of spans) {
    if (e <= a || s >= b || e <= pos) continue;
    const s0 = Math.max(s, pos), e0 = Math.min(e, b);
    out += text.slice(pos, s0) + colour(text.slice(s0, e0));
    pos = e0;
  }
  return out + text.slice(pos, b);
}

/**
 * Stand-alone runner of the trace commands (tests, and use before the main CLI is built):
 * `node --import tsx src/cli/trace-commands.ts trace --json copy.txt`.
 */
export async function runTraceCli(argv: string[]): Promise<number> {
  const program = new Command().name("unspin").exitOverride();
  registerTraceCommands(program);
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.input;
    if (err instanceof UnspinError) {
      process.stderr.write(`unspin: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`unspin: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return EXIT.internal;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTraceCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
