/**
 * `screen` progress on stderr: a bar on a terminal; otherwise (a log, a pipe, CI) a plain line
 * at most every few seconds, since a bar redrawn into a file is noise.
 */
import cliProgress from "cli-progress";
import type { ScreenProgress } from "../screen/run.js";

export interface Progress {
  update(p: ScreenProgress): void;
  stop(): void;
}

/** Seconds between plain progress lines. */
export const PLAIN_EVERY_MS = 5000;

/** Before planning ends, the input size is the best denominator there is. */
function totalBytes(p: ScreenProgress): number {
  return p.planned ? p.bytesTotal : Math.max(p.inputBytes, p.bytesTotal);
}

function pagesPerSecond(p: ScreenProgress): number {
  return Math.round(p.pagesThisRun / Math.max(1e-3, p.elapsedMs / 1000));
}

export function progressLine(p: ScreenProgress): string {
  const total = totalBytes(p);
  const pct = total > 0 ? ((100 * p.bytesDone) / total).toFixed(1) : "0.0";
  return `unspin: screening: ${(p.pages + p.problems).toLocaleString("en-US")} pages, ${pct}% of the input, ${pagesPerSecond(p)} pages/s`;
}

/** One line per `every` ms at most, the first after `every` ms: a short run prints only its summary. */
export function plainProgress(write: (s: string) => void, now: () => number = Date.now, every = PLAIN_EVERY_MS): Progress {
  let last = now();
  return {
    update: (p) => {
      const t = now();
      if (t - last < every) return;
      last = t;
      write(progressLine(p) + "\n");
    },
    stop: () => {},
  };
}

export function progressBar(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY !== true) return plainProgress((s) => stream.write(s));
  const bar = new cliProgress.SingleBar({
    stream,
    format: "screening [{bar}] {percentage}% | {pages} pages | {rate} pages/s | ETA {eta_formatted}",
    hideCursor: true,
    etaBuffer: 50,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update: (p) => {
      const values = { pages: (p.pages + p.problems).toLocaleString("en-US"), rate: pagesPerSecond(p) };
      if (!started) {
        bar.start(totalBytes(p), p.bytesDone, values);
        started = true;
      } else {
        bar.setTotal(totalBytes(p));
        bar.update(p.bytesDone, values);
      }
    },
    stop: () => {
      if (started) bar.stop();
      started = false;
    },
  };
}
