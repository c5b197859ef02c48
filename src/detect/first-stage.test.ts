import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { brownDocuments } from "../corpus/brown.js";
import { InputError } from "../errors.js";
import { loadModel } from "../model/index.js";
import { spin } from "../spin/simulate.js";
import { tokenize } from "../text/tokenize.js";
import { decodeFirstStage, encodeFirstStage, FEATURE_NAMES, FirstStage, loadFirstStage, wordPool } from "./first-stage.js";

const first = loadFirstStage();
// Held-out press documents (the tables are fitted on sections d–j).
const press = brownDocuments({ categories: ["a"] }).slice(0, 12);

test("first stage: the shipped tables list the model's lower-case vocabulary", () => {
  const model = loadModel();
  assert.ok(first.size > 70_000, `${first.size} words`);
  for (const w of ["the", "said", "military", "exercises", "workouts", "don't", "large-scale"]) {
    if (model.id(w) >= 0) assert.ok(first.lookup(w) >= 0, w);
  }
  assert.equal(first.lookup("qzxv"), -1);
  assert.ok(first.model.threshold > 0 && first.model.threshold < 0.5);
});

test("first stage: a page spun at 30 % scores above its original and is passed on; most clean pages are cleared", () => {
  let cleared = 0;
  for (const [i, d] of press.entries()) {
    const clean = first.score(d.text);
    const spun = first.score(spin(d.text, { rate: 0.3, seed: 100 + i }).text);
    assert.ok(spun.score > clean.score, `${d.id}: spun ${spun.score} vs clean ${clean.score}`);
    assert.equal(spun.pass, true, `${d.id} spun at 30 % is passed on (score ${spun.score})`);
    if (!clean.pass) cleared++;
  }
  assert.ok(cleared >= press.length / 2, `${cleared} of ${press.length} clean press documents cleared`);
});

test("first stage: words counted as the tokenizer counts them; typographic apostrophes and case folded", () => {
  const text = "The army’s “large-scale” exercises—announced Monday—were, they said, routine. Don't panic; 42 tanks rolled in.";
  const tokens = tokenize(text).filter((t) => t.kind === "word");
  assert.equal(first.features(text).words, tokens.length);
  const curly = first.features("the army’s exercises were said to be routine");
  const straight = first.features("the army's exercises were said to be routine");
  assert.deepEqual(curly.features, straight.features);
  assert.equal(curly.known, curly.lower);
  // Capitalised words are not looked up: a name never counts as evidence.
  assert.equal(first.features("Routine Exercises Were Said").lower, 0);
});

test("first stage: pages it cannot judge go to the full engine (short, not English, unknown words)", () => {
  assert.equal(first.score("The talks were said to be productive.").pass, true, "too short");
  const french = "Le gouvernement a annoncé mardi une série de mesures pour soutenir les entreprises touchées par la crise, et le ministre a déclaré que les aides seraient versées dans les prochaines semaines aux petites et moyennes entreprises de la région.".repeat(3);
  assert.equal(first.score(french).pass, true, "French");
  const noise = Array.from({ length: 60 }, (_, i) => `zq${i.toString(36)}xv`).join(" ");
  assert.equal(first.score(noise).pass, true, "unknown words");
});

test("first stage: the artifact round-trips; a damaged or foreign file is a clear InputError", () => {
  const table = { pool: wordPool(["alpha", "beta", "gamma"]), spin: new Int8Array([16, -128, 40]), eligible: new Uint8Array([1, 0, 1]), gain: new Uint8Array([64, 0, 0]) };
  const model = { weights: FEATURE_NAMES.map((_, k) => k / 10), intercept: -1, threshold: 0.2 };
  const buf = encodeFirstStage(table, model);
  const back = decodeFirstStage(buf);
  assert.deepEqual(back.model, model);
  assert.equal(back.lookup("gamma"), 2);
  const text = "alpha beta gamma ".repeat(10);
  assert.deepEqual(back.features(text), new FirstStage(table, model).features(text));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-first-stage-"));
  try {
    const bad = path.join(dir, "bad.bin");
    fs.writeFileSync(bad, buf.subarray(0, buf.length - 2));
    assert.throws(() => loadFirstStage(bad), (e: Error) => e instanceof InputError && /bad\.bin: not an unspin first-stage file \(truncated\)/.test(e.message));
    fs.writeFileSync(bad, "Trie Language Model and more bytes");
    assert.throws(() => loadFirstStage(bad), (e: Error) => e instanceof InputError && /bad magic/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
