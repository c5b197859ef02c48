import assert from "node:assert/strict";
import { test } from "node:test";
import { BROWN_CATEGORIES, brownDocuments, detokenize, detokenizeLine, parseBrown } from "./brown.js";

// Speed is a benchmark's business, not a test's (a busy runner would fail a time limit).
test("loads all 500 Brown documents", () => {
  const docs = brownDocuments();
  assert.equal(docs.length, 500);
  const ids = new Set(docs.map((d) => d.id));
  assert.equal(ids.size, 500);
  for (const d of docs) {
    assert.match(d.id, /^c[a-r]\d\d$/);
    assert.equal(d.category, d.id.charAt(1));
    assert.ok(d.category in BROWN_CATEGORIES);
    assert.equal(d.text, d.paragraphs.join("\n\n"));
    assert.ok(d.paragraphs.length > 0);
    assert.ok(d.paragraphs.every((p) => p.length > 0 && !p.includes("\n")));
  }
  const words = docs.reduce((n, d) => n + d.text.split(/\s+/).length, 0);
  assert.ok(words > 950_000 && words < 1_100_000, `${words} words`);
});

test("press categories: 44 reportage + 27 editorial + 17 reviews = 88", () => {
  const press = brownDocuments({ categories: ["a", "b", "c"] });
  assert.equal(press.length, 88);
  const count = (c: string) => press.filter((d) => d.category === c).length;
  assert.deepEqual([count("a"), count("b"), count("c")], [44, 27, 17]);
  assert.ok(press.every((d) => /^c[abc]/.test(d.id)));
  assert.deepEqual(brownDocuments({ ids: ["ca01", "cr09"] }).map((d) => d.id), ["ca01", "cr09"]);
});

test("ca01 reads as natural text", () => {
  const [ca01] = brownDocuments({ ids: ["ca01"] });
  assert.ok(ca01.text.startsWith(
    "The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced “no evidence” that any irregularities took place.",
  ), ca01.text.slice(0, 200));
  assert.equal(ca01.paragraphs[1],
    "The jury further said in term-end presentments that the City Executive Committee, which had over-all charge of the election, “deserves the praise and thanks of the City of Atlanta” for the manner in which the election was conducted.");
  // "Jr. ." in the corpus prints as one full stop.
  assert.ok(ca01.paragraphs[2].endsWith("Mayor-nominate Ivan Allen Jr."));
  // Comma and full stop go inside the closing quote (American style).
  assert.ok(ca01.paragraphs[3].startsWith("“Only a relative handful of such reports was received,” the jury said, “considering"));
  // A headline line is kept as its own paragraph.
  assert.ok(ca01.paragraphs.includes("Merger proposed"));
});

test("no tag remnants, no stray spacing, balanced double quotes", () => {
  const docs = brownDocuments();
  const TAG = /[A-Za-z]\/(?:at|nn|nns|np|nps|vb|vbd|vbn|vbz|vbg|jj|rb|cc|cs|in|pps|ppss|ppo|md|cd|dt|to|wdt)\b|-(?:hl|tl|nc)\b|``|''/;
  let singleBad = 0;
  let paragraphs = 0;
  for (const d of docs) {
    assert.doesNotMatch(d.text, TAG, d.id);
    assert.doesNotMatch(d.text, / [,.;:!?)\]”](?!\d)/, d.id); // ":35.3" (seconds) is legitimate
    assert.doesNotMatch(d.text, /[(\[“] /, d.id);
    assert.doesNotMatch(d.text, / {2}/, d.id);
    for (let p = 0; p < d.paragraphs.length; p++) {
      const para = d.paragraphs[p];
      paragraphs++;
      // Double quotes alternate “ ” within a paragraph; one may stay open only when the next
      // paragraph reopens (a quotation running over several paragraphs).
      let open = false;
      for (const ch of para) {
        if (ch === "“") {
          assert.ok(!open, `${d.id}: nested “ in ${para.slice(0, 120)}`);
          open = true;
        } else if (ch === "”") {
          assert.ok(open, `${d.id}: stray ” in ${para.slice(0, 120)}`);
          open = false;
        }
      }
      if (open) assert.ok((d.paragraphs[p + 1] ?? "").startsWith("“"), `${d.id}: unclosed quote in ${para.slice(0, 120)}`);
      let single = false;
      let ok = true;
      for (const ch of para) {
        if (ch === "‘") { ok &&= !single; single = true; }
        else if (ch === "’") { ok &&= single; single = false; }
      }
      if (!ok || single) singleBad++;
    }
  }
  // Single quotes share their mark with apostrophes and the corpus loses some; nearly all pair up.
  assert.ok(singleBad / paragraphs < 0.001, `${singleBad} of ${paragraphs} paragraphs with unpaired single quotes`);
});

test("detokenize handles the corpus oddities", () => {
  assert.equal(detokenize(["He", "said", ",", "``", "go", "--", "now", "''", "."]), "He said, “go—now.”");
  assert.equal(detokenize(["a", "(", "b", ")", "c", ";", ";", "d", "?", "?"]), "a (b) c; d?");
  assert.equal(detokenize(["They", "are", "'", "worry", "warts'", "today", "."]), "They are ‘worry warts’ today.");
  assert.equal(detokenize(["known", "as", "a", "'", "research", "scientist", "."]), "known as a research scientist.");
  assert.equal(detokenize(["give", "'em", "and/or", "1/2", "$", "5", "."]), "give 'em and/or 1/2 $5.");
  const paras = parseBrown("\n\n\tThe/at man/nn ./.\nHe/pps left/vbd ./.\nA/at-hl headline/nn-hl \nNext/ap line/nn ./.\n\n\n\tNew/jj one/pn ./.\n");
  assert.deepEqual(paras, ["The man. He left.", "A headline", "Next line.", "New one."]);
  // Stray closing quote dropped, nested double quotes become single, open quotation closed at the paragraph end.
  assert.deepEqual(parseBrown("\tA/at b/nn ''/'' c/nn ./.\n\n\t``/`` X/nn ``/`` y/nn ''/'' z/nn ./.\n"), ["A b c.", "“X ‘y’ z.”"]);
});

test("the fast string detokenizer agrees with the token walk", () => {
  const cases = [
    "He said , `` go -- now '' .",
    "a ( ( b ) c ) ; ; d ? ? e ! !",
    "`` -- second building . ''",
    "the name `` Lizzy '' -- ; a modulation",
    "procedure `` 3 ( '' ( at 160 )",
    "`` May I -- may I -- '' ? )",
    "Mr. Allen Jr. . Then $ 5 , 6 % of it : `` x '' , y",
    "he wrote `` : We are all",
    "it was 1/8'' thick and 4' 10'' tall",
    "`` `` nested '' '' and [ brackets ] { braces }",
  ];
  for (const c of cases) assert.equal(detokenizeLine(c), detokenize(c.split(" ")), c);
});
