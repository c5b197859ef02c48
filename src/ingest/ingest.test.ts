import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import { UnspinError } from "../errors.js";
import { extractArticle } from "./html.js";
import { jsonlRecord, listInputs, MAX_DOCUMENT_BYTES, readDocuments, type IngestIssue } from "./index.js";
import { byteLines } from "./lines.js";

const ARTICLE_HTML = `<!doctype html><html><head><title>Site | Rain floods valley</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Rain floods valley</h1>
<p>Officials in the northern province reported heavy rain on Tuesday that flooded several villages and damaged crops across the valley, forcing hundreds of families to leave their homes.</p>
<p>The regional governor said emergency teams had been sent to the worst-hit areas and that temporary shelters were being set up in schools and sports halls near the river.</p>
<p>Forecasters expect more rain later in the week, and residents were told to stay away from the river banks until the water level falls.</p>
</article><footer>Copyright 2024 Example News. All rights reserved.</footer></body></html>`;

async function collect(paths: string[]) {
  const issues: IngestIssue[] = [];
  const docs = [];
  for await (const d of readDocuments(await listInputs(paths), { onIssue: (i) => issues.push(i) })) docs.push(d);
  return { docs, issues };
}

test("HTML: the main article is extracted with its paragraphs, navigation and footer dropped", () => {
  const a = extractArticle(ARTICLE_HTML);
  assert.ok(a);
  assert.match(a.text, /^Officials in the northern province/);
  assert.equal(a.text.split("\n\n").length, 3);
  assert.match(a.title ?? "", /Rain floods valley/);
  assert.doesNotMatch(a.text, /Sport|Copyright/);
  assert.equal(extractArticle("<html><body><nav><a href='/'>Home</a></nav></body></html>"), null, "no article → null");
});

test("JSONL: text or html records; malformed lines reported with file and line, skipped, the rest read", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-ingest-"));
  const file = path.join(dir, "archive.jsonl");
  fs.writeFileSync(file, [
    JSON.stringify({ id: "a1", url: "https://e.test/a1", title: "A1", date: "2022-01-27", text: "First story text here." }),
    "{not json",
    "",
    JSON.stringify({ id: "a2", html: ARTICLE_HTML }),
    JSON.stringify(["an", "array"]),
    JSON.stringify({ id: "a3" }),
    JSON.stringify({ id: "a4", text: "   " }),
    JSON.stringify({ id: 5, text: "Numeric id story." }),
  ].join("\n"));
  const { docs, issues } = await collect([file]);
  assert.deepEqual(docs.map((d) => d.id), ["a1", "a2", "5"]);
  assert.equal(docs[0].date, "2022-01-27");
  assert.match(docs[1].title ?? "", /Rain floods valley/);
  assert.deepEqual(issues.map((i) => `${path.basename(i.file)}:${i.line}`), ["archive.jsonl:2", "archive.jsonl:5", "archive.jsonl:6", "archive.jsonl:7"]);
  assert.match(issues[0].message, /not valid JSON/);
  assert.match(issues[2].message, /no "text" or "html"/);
});

test("folders recursively, text and HTML files; binary, empty and article-less files reported", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-ingest-"));
  fs.mkdirSync(path.join(dir, "sub", "deeper"), { recursive: true });
  fs.writeFileSync(path.join(dir, "one.txt"), "A plain text story.\n");
  fs.writeFileSync(path.join(dir, "sub", "page.html"), ARTICLE_HTML);
  fs.writeFileSync(path.join(dir, "sub", "deeper", "two.md"), "Another story, deeper down.");
  fs.writeFileSync(path.join(dir, "sub", "empty.txt"), "  \n");
  fs.writeFileSync(path.join(dir, "sub", "blob.txt"), Buffer.from([0, 1, 2, 3, 0, 0, 5]));
  fs.writeFileSync(path.join(dir, "sub", "nav.html"), "<html><body><nav>Home</nav></body></html>");
  fs.writeFileSync(path.join(dir, ".hidden.txt"), "skip me");
  const { docs, issues } = await collect([dir]);
  assert.deepEqual(docs.map((d) => path.relative(dir, d.id!)).sort(), ["one.txt", "sub/deeper/two.md", "sub/page.html"]);
  assert.deepEqual(issues.map((i) => path.basename(i.file)).sort(), ["blob.txt", "empty.txt", "nav.html"]);
  await assert.rejects(listInputs([path.join(dir, "missing")]), (e: Error) => e instanceof UnspinError && /no such file/.test(e.message));
});

test("jsonlRecord reports without throwing", () => {
  const msgs: string[] = [];
  assert.equal(jsonlRecord("42", (m) => msgs.push(m)), undefined);
  assert.deepEqual(msgs, ["not a JSON object"]);
});

test("byteLines: lines across chunk edges, CRLF, a last line without a break, over-long lines reported unheld", async () => {
  async function* chunks(...parts: string[]) {
    for (const p of parts) yield Buffer.from(p);
  }
  const got = [];
  for await (const l of byteLines(chunks("ab", "c\r\nde\n", "x".repeat(30), "y\nshort\n", "tail"), 20)) {
    got.push([l.line, l.bytes === null ? null : l.bytes.toString()]);
  }
  assert.deepEqual(got, [[1, "abc"], [2, "de"], [3, null], [4, "short"], [5, "tail"]]);
});

test("JSONL: a record over the size limit and a line of invalid UTF-8 are reported and skipped; the rest is read", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-ingest-"));
  const file = path.join(dir, "dump.jsonl");
  const huge = JSON.stringify({ id: "huge", text: "The harbour bridge opened in spring. ".repeat(Math.ceil(MAX_DOCUMENT_BYTES / 36) + 10) });
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from(JSON.stringify({ id: "before", text: "A story before the dump." }) + "\n"),
    Buffer.from(huge + "\n"),
    Buffer.from('{"id": "latin1", "text": "caf'), Buffer.from([0xe9]), Buffer.from('"}\n'),
    Buffer.from(JSON.stringify({ id: "after", text: "A story after the dump." }) + "\n"),
  ]));
  const { docs, issues } = await collect([file]);
  assert.deepEqual(docs.map((d) => d.id), ["before", "after"]);
  assert.deepEqual(issues.map((i) => [i.line, i.message]), [
    [2, `record larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB, skipped`],
    [3, "not valid UTF-8, skipped"],
  ]);
  // A text file over the limit is not read at all.
  const big = path.join(dir, "big.txt");
  fs.writeFileSync(big, "word ".repeat(MAX_DOCUMENT_BYTES / 5 + 1));
  const r = await collect([big]);
  assert.equal(r.docs.length, 0);
  assert.match(r.issues[0].message, /larger than 10 MB, skipped/);
});
