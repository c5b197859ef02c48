/** The CLI as users run it: the compiled bin (npm test builds it first), real files, real exit codes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = join(root, "dist", "cli", "main.js");
const dir = mkdtempSync(join(tmpdir(), "unspin-cli-"));
const example = join(root, "examples", "harbour-bridge.spun.txt");

function unspin(args: string[], input?: string, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], { input, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertCleanError(r: { code: number | null; stderr: string }, pattern: RegExp) {
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.ok(r.stderr.trim().split("\n").length <= 2, `short message: ${r.stderr}`);
}

test("`npx unspin` runs the built bin, as the quick start and outside checks call it", () => {
  const r = spawnSync("npx", ["--no-install", "unspin", "check", "--json", example], { cwd: root, encoding: "utf8", timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(JSON.parse(r.stdout).score > 0.5);
});

test("check --json and restore --json print the same object; edits rebuild restored", () => {
  const a = unspin(["check", "--json", example]);
  const b = unspin(["restore", "--json", example]);
  assert.equal(a.code, 0, a.stderr);
  const ra = JSON.parse(a.stdout), rb = JSON.parse(b.stdout);
  delete ra.stats.milliseconds;
  delete rb.stats.milliseconds;
  assert.deepEqual(ra, rb);
  const text = readFileSync(example, "utf8");
  let out = "", pos = 0;
  for (const e of ra.edits) {
    out += text.slice(pos, e.start) + e.replacement;
    pos = e.end;
  }
  assert.equal(out + text.slice(pos), ra.restored);
  assert.ok(ra.score > 0.5 && ra.edits.length > 5);
});

test("restore prints the restored text; standard input works", () => {
  const text = readFileSync(example, "utf8");
  const r = unspin(["restore", "-"], text);
  assert.equal(r.code, 0, r.stderr);
  const json = JSON.parse(unspin(["restore", "--json", example]).stdout);
  assert.equal(r.stdout, json.restored);
});

test("check report: no colour when not a TTY; marks spans", () => {
  const r = unspin(["check", example]);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /spin score \d\.\d\d/);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  assert.match(r.stdout, /\[[^\]]+ → [^\]]+\]/);
});

test("check report of a long input (several pieces): every character of the text is printed", () => {
  // 200 clean stories then a spun one: pieces without a suspicious span and a piece with some.
  const clean = readFileSync(join(root, "examples", "clean", "river-study.txt"), "utf8");
  const input = `${clean}\n`.repeat(200) + readFileSync(example, "utf8");
  assert.ok(input.length > 3 * 64 * 1024, "at least three pieces");
  const f = join(dir, "long.txt");
  writeFileSync(f, input);
  const r = unspin(["check", f]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\x1b\[/);
  const marks = /\[([^[\]]*?) → [^[\]]*? \d+%\]/g;
  assert.ok((r.stdout.match(marks) ?? []).length > 0, "the spun piece is marked");
  const unmarked = r.stdout.replace(marks, "$1");
  assert.equal(unmarked.slice(0, input.length), input);
  assert.match(unmarked.slice(input.length), /^\n[^\n]*: spin score \d\.\d\d .* in \d+ words/);
});

test("spin is seeded and labelled", () => {
  const clean = join(root, "examples", "harbour-bridge.txt");
  const a = unspin(["spin", "--rate", "0.3", "--seed", "7", clean]);
  const b = unspin(["spin", "--rate", "0.3", "--seed", "7", clean]);
  assert.equal(a.stdout, b.stdout);
  assert.equal(a.stdout, readFileSync(example, "utf8"), "the bundled example is reproducible");
  const j = JSON.parse(unspin(["spin", "--json", "--rate", "0.3", "--seed", "7", clean]).stdout);
  assert.ok(j.substitutions.length > 5);
});

test("an empty or whitespace-only input is refused as empty: one line, exit 2", () => {
  for (const [name, text] of [["empty.txt", ""], ["blank.txt", "  \n\n\t \n"]]) {
    const f = join(dir, name);
    writeFileSync(f, text);
    for (const args of [["check", f], ["check", "--json", f], ["restore", f]]) {
      const r = unspin(args);
      assertCleanError(r, new RegExp(`^unspin: ${f} is empty: nothing to (check|restore)\n$`));
      assert.equal(r.code, 2);
      assert.equal(r.stdout, "");
    }
  }
  const r = unspin(["check", "-"], "");
  assert.match(r.stderr, /standard input is empty/);
  assert.equal(r.code, 2);
});

test("exit codes follow the README's table: the same kind of error, the same code", () => {
  const missing = join(dir, "missing.db");
  const cases: Array<[string[], number, RegExp]> = [
    [["check", join(dir, "missing.txt")], 2, /no such file/],
    [["report", "--out", missing, "-o", join(dir, "r.html")], 2, /no screening results at/],
    [["trace", "--db", missing, example], 2, /no index at/],
    [["check", "--db", missing, example], 2, /no index at/],
    [["check", "--lm", join(dir, "missing.lm"), example], 2, /model file not found/],
    [["screen", "--out", join(dir, "s.db"), join(dir, "no-such-crawl")], 2, /no such/],
    [["check", "--frobnicate", example], 2, /unknown option/],
    [["spin", "--rate", "7", example], 2, /--rate/],
    [["report"], 2, /required option '-o, --output <file>'/],
  ];
  for (const [args, code, message] of cases) {
    const r = unspin(args);
    assertCleanError(r, message);
    assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
  }
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const table = /## Exit codes\n[\s\S]*?\n\n((?:\|.*\n)+)/.exec(readme)?.[1] ?? "";
  for (const code of [0, 1, 2, 3, 70, 130]) assert.match(table, new RegExp(`^\\| ${code} \\|`, "m"), `README lists exit code ${code}`);
});

test("bad input: one-line errors, non-zero exit, no stack trace", () => {
  const bin1 = join(dir, "a.bin");
  writeFileSync(bin1, Buffer.from([0, 1, 2, 3, 0x89, 0x50, 0x4e, 0x47, 0, 0]));
  assertCleanError(unspin(["check", bin1]), /binary/);
  const bad = join(dir, "bad.txt");
  writeFileSync(bad, Buffer.concat([Buffer.from("Some text "), Buffer.from([0xc3, 0x28]), Buffer.from(" more")]));
  assertCleanError(unspin(["check", bad]), /UTF-8/);
  assertCleanError(unspin(["check", join(dir, "missing.txt")]), /no such file/);
  assertCleanError(unspin(["check", "--frobnicate", example]), /unknown option/);
  assertCleanError(unspin(["check", "--lm", join(dir, "missing.lm"), example]), /model file not found/);
  const corrupt = join(dir, "corrupt.lm");
  writeFileSync(corrupt, "Trie Language Model but not really");
  assertCleanError(unspin(["check", "--lm", corrupt, example]), /language model/);
  assertCleanError(unspin(["spin", "--rate", "7", example]), /--rate/);
});

test("non-English text gets a clear message", () => {
  const f = join(dir, "de.txt");
  writeFileSync(f, "Die Regierung hat am Mittwoch beschlossen, die Steuern für kleine Unternehmen zu senken. Die Opposition kritisierte den Plan scharf und sprach von einem Wahlgeschenk.");
  assertCleanError(unspin(["check", f]), /English/);
  assert.equal(unspin(["check", f]).code, 3);
});

test("the language check applies to every script; a very short English text still works", () => {
  const texts = {
    zh: "北大西洋公约组织周四表示，已向俄罗斯提交书面答复。秘书长说，联盟愿意倾听俄罗斯的关切，但不会在基本原则上让步。",
    ja: "北大西洋条約機構は木曜日、ロシアに書面で回答したと発表した。",
    ru: "НАТО в четверг передало России письменный ответ. Генеральный секретарь сказал, что альянс готов выслушать озабоченность России.",
    short: "你好",
  };
  for (const [lang, text] of Object.entries(texts)) {
    const f = join(dir, `${lang}.txt`);
    writeFileSync(f, text);
    const r = unspin(["check", f]);
    assertCleanError(r, /does not look like English/);
    assert.equal(r.code, 3, lang);
  }
  for (const text of ["The cat sat on the mat.", "Hello.", "Prices rose."]) {
    const r = unspin(["check", "--json", "-"], text);
    assert.equal(r.code, 0, `${text}: ${r.stderr}`);
  }
});

test("a long single line and a large file are processed in pieces", () => {
  const line = join(dir, "line.txt");
  const sentence = "The council said on Monday that the new bridge would open next year after long delays. ";
  writeFileSync(line, sentence.repeat(Math.ceil(5_000_000 / sentence.length)));
  const r = unspin(["restore", "--json", line]);
  assert.equal(r.code, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(typeof j.score, "number");
  assert.ok(j.restored.length >= 5_000_000 - 100);
});
