/** The human-readable `check` report: score line, then the text with suspicious spans marked. */
import type { AnalysisResult } from "../analyze.js";

export interface Style {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

/** ANSI colours only on a TTY and when NO_COLOR is unset (https://no-color.org). */
export function styleFor(stream: NodeJS.WriteStream): Style {
  const on = stream.isTTY === true && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "") && process.env.TERM !== "dumb";
  const wrap = (open: number, close: number) => (s: string) => (on ? `\x1b[${open}m${s}\x1b[${close}m` : s);
  return { red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22) };
}

export function verdict(score: number): string {
  if (score >= 0.8) return "very likely machine-spun";
  if (score >= 0.5) return "probably machine-spun";
  if (score >= 0.2) return "possibly spun";
  return "no sign of spinning";
}

/** Marks every edit inline: the spun words, then what they probably were. */
export function renderCheck(text: string, result: AnalysisResult, style: Style, label: string): string {
  const { score, edits, stats } = result;
  const color = score >= 0.5 ? style.red : score >= 0.2 ? style.yellow : style.green;
  const head =
    `${style.bold(label)}: spin score ${color(score.toFixed(2))} (${verdict(score)}); ` +
    `${edits.length} suspicious span${edits.length === 1 ? "" : "s"} in ${stats.words} words, ` +
    `estimated spin rate ${(stats.spinRate * 100).toFixed(1)}% of eligible words\n`;
  if (edits.length === 0) return head;
  let out = "";
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.start);
    out += style.red(`[${e.text}`) + style.dim(" → ") + style.green(`${e.replacement}`) + style.dim(` ${Math.round(e.confidence * 100)}%`) + style.red("]");
    pos = e.end;
  }
  out += text.slice(pos);
  return `${head}\n${out}${out.endsWith("\n") ? "" : "\n"}`;
}
