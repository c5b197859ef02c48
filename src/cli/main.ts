#!/usr/bin/env node
/**
 * The `unspin` command: a thin shell over the library. Every user-facing failure is an
 * UnspinError, printed as one line with a non-zero exit; anything else is a bug.
 */
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { readFileSync, statSync } from "node:fs";
import { analyze, PieceResults, type AnalysisResult, type AnalyzeOptions, type Edit } from "../analyze.js";
import { loadModel } from "../model/index.js";
import { readText, readTextPieces } from "../text/input.js";
import { EXIT, InputError, UnspinError } from "../errors.js";
import { renderBody, renderCheck, renderHeader, styleFor } from "./report.js";
import { registerTraceCommands } from "./trace-commands.js";
import { registerScreenCommands } from "./screen-commands.js";
import { registerServeCommand } from "./serve-command.js";
import { learnedPairs, collect } from "./learned.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

function number(name: string, min: number, max: number) {
  return (value: string) => {
    const x = Number(value);
    if (!Number.isFinite(x) || x < min || x > max) throw new InvalidArgumentError(`${name} must be a number from ${min} to ${max}`);
    return x;
  };
}

interface EngineFlags {
  lm?: string;
  db?: string;
  channel?: string[];
  json?: boolean;
}

async function engineOptions(flags: EngineFlags): Promise<AnalyzeOptions> {
  const options: AnalyzeOptions = {};
  if (flags.lm !== undefined) options.model = loadModel(flags.lm);
  const learned = await learnedPairs(flags.db, flags.channel);
  if (learned !== undefined) options.learned = learned;
  return options;
}

/**
 * Analyses a file piece by piece. One piece: the usual single result. Several (large input):
 * results are written as they come so neither the text nor the restored text is held whole.
 */
async function run(mode: "check" | "restore", file: string, flags: EngineFlags): Promise<void> {
  const options = await engineOptions(flags);
  const out = process.stdout;
  const iterator = readTextPieces(file)[Symbol.asyncIterator]();
  const first = await iterator.next();
  const firstText = first.done ? "" : first.value;
  const second = first.done ? { done: true as const, value: undefined } : await iterator.next();
  const label = file === "-" ? "standard input" : file;
  if (second.done) {
    // Nothing to score is the user's mistake (a wrong file), not "no sign of spinning".
    if (firstText.trim() === "") throw new InputError(`${label} is empty: nothing to ${mode}`);
    const result = analyze(firstText, options);
    if (flags.json) await write(out, JSON.stringify(result, null, 2) + "\n");
    else if (mode === "restore") await write(out, result.restored);
    else await write(out, renderCheck(firstText, result, styleFor(out), label));
    return;
  }
  // Large input: stream, with progress on a terminal.
  const style = styleFor(out);
  const total = file === "-" ? 0 : statSync(file).size;
  const progress = (done: number) => {
    if (process.stderr.isTTY !== true) return;
    const mb = (n: number) => (n / 1e6).toFixed(1);
    process.stderr.write(`\runspin: ${mb(done)} MB${total > 0 ? ` of ${mb(total)} MB` : ""} analysed`);
  };
  let bytesDone = 0;
  const pieces = new PieceResults();
  const edits: Edit[] = [];
  if (flags.json) await write(out, '{"restored":"');
  const handle = async (piece: string) => {
    const r: AnalysisResult = analyze(piece, options);
    edits.push(...pieces.add(piece, r));
    if (flags.json) await write(out, JSON.stringify(r.restored).slice(1, -1));
    else if (mode === "restore") await write(out, r.restored);
    else await write(out, renderBody(piece, r.edits, style));
    bytesDone += Buffer.byteLength(piece);
    progress(bytesDone);
  };
  await handle(firstText);
  await handle(second.value as string);
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) await handle(next.value);
  if (process.stderr.isTTY === true) process.stderr.write("\n");
  const { score, stats: combined } = pieces.finish(options.calibration);
  if (flags.json) {
    await write(out, `","score":${score},"edits":${JSON.stringify(edits)},"stats":${JSON.stringify(combined)}}\n`);
  } else if (mode === "check") {
    // The score line comes last: it needs every piece.
    await write(out, `\n${renderHeader({ score, stats: combined }, edits.length, style, label)}`);
  }
}

function write(stream: NodeJS.WritableStream, s: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(s, (err) => (err ? reject(err) : resolve()));
  });
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("unspin")
    .description("Detect machine-spun text, restore the original wording, trace copies to their source.")
    .version(pkg.version)
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  const engine = (cmd: Command) =>
    cmd
      .option("--json", "print the result object as JSON")
      .option("--lm <path>", "language model file (default: the bundled US-English model)")
      .option("--db <path>", "use substitutions learned from traced copies in this index")
      .option("--channel <table>", "use a learned channel table (unspin learn -o); repeat for several", collect, []);

  engine(program.command("check").argument("[file]", "text file, or - for standard input", "-"))
    .description("score a text for machine spinning and mark every suspicious span")
    .action((file: string, flags: EngineFlags) => run("check", file, flags));

  engine(program.command("restore").argument("[file]", "text file, or - for standard input", "-"))
    .description("print the most likely original wording of a text")
    .action((file: string, flags: EngineFlags) => run("restore", file, flags));

  program
    .command("spin")
    .description("simulate an article spinner (for tests and evaluation)")
    .argument("[file]", "text file, or - for standard input", "-")
    .option("--rate <share>", "share of eligible words to change", number("--rate", 0, 1), 0.2)
    .option("--seed <n>", "random seed", number("--seed", 0, 2 ** 32 - 1), 1)
    .option("--spin-quotes", "also spin quoted speech")
    .option("--json", "print the spun text with its substitutions as JSON")
    .action(async (file: string, flags: { rate: number; seed: number; spinQuotes?: boolean; json?: boolean }) => {
      const text = await readText(file);
      const { spin } = await import("../spin/simulate.js");
      const result = spin(text, { rate: flags.rate, seed: flags.seed, protectQuotes: !flags.spinQuotes });
      await write(process.stdout, flags.json ? JSON.stringify(result, null, 2) + "\n" : result.text);
    });

  const lm = program.command("lm").description("language models");
  lm.command("build")
    .description("build a trigram language model (Kneser-Ney) from plain text")
    .argument("<inputs...>", "plain-text files")
    .requiredOption("-o, --output <path>", "where to write the model")
    .option("--order <n>", "n-gram order", number("--order", 2, 3), 3)
    .action(async (inputs: string[], flags: { output: string; order: number }) => {
      const { buildModelFile } = await import("../model/build.js");
      const summary = await buildModelFile(inputs, flags.output, { order: flags.order });
      process.stderr.write(`unspin: wrote ${flags.output} ${JSON.stringify(summary)}\n`);
    });

  registerTraceCommands(program);
  registerScreenCommands(program);
  registerServeCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    // commander already printed its one-line message; a usage error exits like an input error
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.input;
    if (err instanceof UnspinError) {
      process.stderr.write(`unspin: ${err.message}\n`);
      return err.exitCode;
    }
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return 0;
    const e = err as Error;
    process.stderr.write(`unspin: internal error: ${e?.message ?? String(err)} (please report this; set UNSPIN_DEBUG=1 for details)\n`);
    if (process.env.UNSPIN_DEBUG) process.stderr.write(`${e?.stack}\n`);
    return EXIT.internal;
  }
}

process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(0);
});

main(process.argv).then((code) => {
  process.exitCode = code;
});
