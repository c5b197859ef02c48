/**
 * Channel table files: a spinner's (original → spun) pairs as `check`, `restore` and `screen`
 * take them (`--channel FILE`). Both learners write this one format: `unspin learn -o` from
 * confirmed traces (source `traced`) and `unspin learn --unsupervised` from a site's own pages
 * (source `site`), so the two kinds of evidence combine. Layout: src/model/CHANNEL-FORMAT.md.
 */
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { EXIT, UnspinError } from "../errors.js";
import type { LearnedPair } from "./learned.js";

export const TABLE_MAGIC = "unspin-channel";
export const TABLE_VERSION = 1;
const COLUMNS = ["original", "spun", "probability", "count", "pages", "source"] as const;

export class ChannelTableError extends UnspinError {
  constructor(message: string) {
    super(message, EXIT.input);
    this.name = "ChannelTableError";
  }
}

export interface ChannelTable {
  /** Provenance lines (`# key: value`), kept in order. */
  meta: Record<string, string>;
  pairs: LearnedPair[];
}

/** The table as text: magic and version, provenance, column header, one pair a line (best evidence first). */
export function formatChannelTable(table: ChannelTable): string {
  const lines = [`${TABLE_MAGIC}\t${TABLE_VERSION}`];
  for (const [k, v] of Object.entries(table.meta)) lines.push(`# ${k}: ${String(v).replace(/[\r\n]+/g, " ")}`);
  lines.push(COLUMNS.join("\t"));
  const sorted = [...table.pairs].sort((a, b) => b.count - a.count || (a.original < b.original ? -1 : a.original > b.original ? 1 : a.spun < b.spun ? -1 : 1));
  for (const p of sorted) {
    lines.push([
      clean(p.original), clean(p.spun),
      p.probability === undefined ? "-" : p.probability.toFixed(4),
      round(p.count), p.pages ?? "-", p.source ?? "traced",
    ].join("\t"));
  }
  return lines.join("\n") + "\n";
}

function clean(s: string): string {
  return s.toLowerCase().replace(/\s+/g, " ").trim();
}

function round(x: number): string {
  return String(Math.round(x * 100) / 100);
}

/** Writes atomically (a crash never leaves half a table where a good one was). */
export function writeChannelTable(path: string, table: ChannelTable): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, formatChannelTable(table));
  renameSync(tmp, path);
}

export function parseChannelTable(text: string, label = "channel table"): ChannelTable {
  const lines = text.split(/\r?\n/);
  const [magic, version] = (lines[0] ?? "").split("\t");
  if (magic !== TABLE_MAGIC) throw new ChannelTableError(`${label} is not an unspin channel table (its first line should be "${TABLE_MAGIC}\\t${TABLE_VERSION}")`);
  if (version !== String(TABLE_VERSION)) throw new ChannelTableError(`${label} is a version ${version || "?"} channel table; this unspin reads version ${TABLE_VERSION} (relearn it with this version)`);
  const meta: Record<string, string> = {};
  let k = 1;
  for (; k < lines.length && lines[k].startsWith("#"); k++) {
    const m = /^#\s*([^:]+):\s?(.*)$/.exec(lines[k]);
    if (m) meta[m[1].trim()] = m[2];
  }
  if (lines[k] !== COLUMNS.join("\t")) throw new ChannelTableError(`${label}, line ${k + 1}: expected the column header "${COLUMNS.join(" ")}"`);
  const pairs: LearnedPair[] = [];
  for (k++; k < lines.length; k++) {
    const line = lines[k];
    if (line === "") continue;
    const f = line.split("\t");
    const bad = (why: string) => new ChannelTableError(`${label}, line ${k + 1}: ${why}`);
    if (f.length !== COLUMNS.length) throw bad(`expected ${COLUMNS.length} tab-separated fields, found ${f.length}`);
    const [original, spun, probability, count, pages, source] = f;
    if (original.trim() === "" || spun.trim() === "") throw bad("empty original or spun phrase");
    const p = probability === "-" ? undefined : Number(probability);
    if (p !== undefined && !(p >= 0 && p <= 1)) throw bad(`probability "${probability}" is not a number from 0 to 1`);
    const c = Number(count);
    if (!(c >= 0) || !Number.isFinite(c)) throw bad(`count "${count}" is not a non-negative number`);
    const pg = pages === "-" ? undefined : Number(pages);
    if (pg !== undefined && !(Number.isInteger(pg) && pg >= 0)) throw bad(`pages "${pages}" is not a whole number`);
    if (source !== "site" && source !== "traced") throw bad(`source "${source}" is neither "site" nor "traced"`);
    pairs.push({ original: clean(original), spun: clean(spun), count: c, probability: p, pages: pg, source });
  }
  return { meta, pairs };
}

export function readChannelTable(path: string): ChannelTable {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ChannelTableError(code === "ENOENT" ? `no channel table at ${path}` : `cannot read channel table ${path}: ${code ?? String(err)}`);
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ChannelTableError(`${path} is not an unspin channel table (not UTF-8 text)`);
  }
  return parseChannelTable(text, path);
}

/**
 * Several tables as one list of pairs: counts add up; a pair's probability is the largest any
 * site table gives it (each site's spinner is its own evidence).
 */
export function combineTables(tables: readonly ChannelTable[]): LearnedPair[] {
  const byKey = new Map<string, LearnedPair>();
  for (const t of tables) {
    for (const p of t.pairs) {
      const key = `${p.original}\u0000${p.spun}`;
      const old = byKey.get(key);
      if (old === undefined) byKey.set(key, { ...p });
      else {
        old.count += p.count;
        if (p.probability !== undefined) old.probability = Math.max(old.probability ?? 0, p.probability);
        if (p.pages !== undefined) old.pages = (old.pages ?? 0) + p.pages;
        if (p.source === "site") old.source = "site";
      }
    }
  }
  return [...byKey.values()];
}
