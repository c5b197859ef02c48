import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readText, readTextPieces, InputError, cutPoint } from "./input.js";

const dir = mkdtempSync(join(tmpdir(), "unspin-input-"));

test("reads UTF-8 text whole", async () => {
  const f = join(dir, "ok.txt");
  writeFileSync(f, "Grüße, “world” — ok\n");
  assert.equal(await readText(f), "Grüße, “world” — ok\n");
});

test("rejects invalid UTF-8, binary data, missing files and directories with InputError", async () => {
  const bad = join(dir, "bad.txt");
  writeFileSync(bad, Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x20, 0x41]));
  await assert.rejects(readText(bad), (e) => e instanceof InputError && /not valid UTF-8/.test(e.message));
  const bin = join(dir, "bin.dat");
  writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]));
  await assert.rejects(readText(bin), (e) => e instanceof InputError && /binary/.test(e.message));
  await assert.rejects(readText(join(dir, "nope.txt")), (e) => e instanceof InputError && /no such file/.test(e.message));
  await assert.rejects(readText(dir), (e) => e instanceof InputError && /directory/.test(e.message));
});

test("large inputs come in pieces cut at boundaries, and the pieces rebuild the input", async () => {
  const f = join(dir, "big.txt");
  const para = "This is a sentence of a long text. ".repeat(40) + "\n\n";
  const text = para.repeat(500);
  writeFileSync(f, text);
  const pieces: string[] = [];
  for await (const p of readTextPieces(f, 16 * 1024)) pieces.push(p);
  assert.ok(pieces.length > 10);
  assert.equal(pieces.join(""), text);
  for (const p of pieces.slice(0, -1)) assert.ok(p.endsWith("\n\n"), "cut after a blank line");
});

test("a single line with no boundary is still cut, never inside a surrogate pair", () => {
  const text = "😀".repeat(50_000);
  const cut = cutPoint(text, 1001);
  assert.ok(cut % 2 === 0);
});
