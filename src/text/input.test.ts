import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readText, readTextPieces, InputError, cutPoint, firstInvalidUtf8, splitPieces } from "./input.js";

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

test("invalid UTF-8: the message gives the offset of the first bad byte, in any chunk", async () => {
  const cases: Array<[string, Buffer, RegExp]> = [
    ["start.txt", Buffer.from([0x48, 0x69, 0xff, 0xfe, 0x20, 0x41]), /first bad byte at offset 2\)$/],
    // Past the first 64 KiB chunk the stream reads.
    ["later.txt", Buffer.concat([Buffer.alloc(100_000, 0x61), Buffer.from([0xc3, 0x28])]), /first bad byte at offset 100000\)$/],
    // A character begun at the end of one chunk and broken in the next.
    ["split.txt", Buffer.concat([Buffer.alloc(65_535, 0x61), Buffer.from([0xe2, 0x82, 0x28])]), /first bad byte at offset 65535\)$/],
    ["cut.txt", Buffer.concat([Buffer.from("abc"), Buffer.from([0xe2, 0x82])]), /ends inside a character, at byte offset 3\)$/],
  ];
  for (const [name, bytes, message] of cases) {
    const f = join(dir, name);
    writeFileSync(f, bytes);
    await assert.rejects(readText(f), (e) => e instanceof InputError && message.test(e.message), name);
  }
  assert.equal(firstInvalidUtf8(Buffer.from("Grüße € 😀")), -1);
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1, "overlong");
  assert.equal(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, "surrogate");
  assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xf0, 0x9f])), -1, "cut short: the next chunk may finish it");
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

test("splitPieces cuts a text in memory where readTextPieces cuts the same text read from a file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "unspin-pieces-"));
  const paragraph = (k: number) => `Paragraph ${k}. ${"Some words of text, and then a sentence end. ".repeat(1 + (k % 7))}\n${k % 3 === 0 ? "\n" : ""}`;
  const text = Array.from({ length: 400 }, (_, k) => paragraph(k)).join("");
  const file = join(dir, "t.txt");
  writeFileSync(file, text);
  for (const size of [1000, 4096, 20_000, text.length]) {
    const read: string[] = [];
    for await (const p of readTextPieces(file, size)) read.push(p);
    const split = splitPieces(text, size);
    assert.deepEqual(split, read, `piece size ${size}`);
    assert.equal(split.join(""), text);
  }
  assert.deepEqual(splitPieces(""), [""]);
});
