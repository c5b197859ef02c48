/** The human-readable `check` report: score line, then the text with suspicious spans marked. */
import type { AnalysisResult, Edit } from "../analyze.js";
import { verdict } from "../detect/verdict.js";

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

export { verdict };

/** The score line: verdict, spans and words counted over the whole input. */
export function renderHeader(result: Pick<AnalysisResult, "score" | "stats">, spans: number, style: Style, label: string): string {
  const { score, stats } = result;
  const color = score >= 0.5 ? style.red : score >= 0.2 ? style.yellow : style.green;
  return (
    `${style.bold(label)}: spin score ${color(score.toFixed(2))} (${verdict(score)}); ` +
    `${spans} suspicious span${spans === 1 ? "" : "s"} in ${stats.words} words, ` +
    `estimated spin rate ${(stats.spinRate * 100).toFixed(1)}% of eligible words\n`
  );
}

/**
 * A text with every edit marked inline (the spun words, then what they probably were). All of
 * the text is kept, with or without edits: a long input is printed piece by piece with it.
 */
export function renderBody(text: string, edits: readonly Edit[], style: Style): string {
  let out = "";
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.start);
    out += style.red(`[${e.text}`) + style.dim(" → ") + style.green(`${e.replacement}`) + style.dim(` ${Math.round(e.confidence * 100)}%`) + style.red("]");
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** The report of a text read in one piece: the score line, then the marked text if anything is marked. */
export function renderCheck(text: string, result: AnalysisResult, style: Style, label: string): string {
  const head = renderHeader(result, result.edits.length, style, label);
  if (result.edits.length === 0) return head;
  const body = renderBody(text, result.edits, style);
  return `${head}\n${body}${body.endsWith("\n") ? "" : "\n"}`;
}
