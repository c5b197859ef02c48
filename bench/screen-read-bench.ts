/**
 * Input-side throughput of `unspin screen`: planning batches (framing only) and reading records
 * (decoding and readability included) over a generated crawl, with wall and CPU time (the CPU
 * figure is the one to trust on a shared machine) and peak RSS.
 *
 *   node --import tsx bench/screen-read-bench.ts [crawl.warc.gz]   # default: 10k pages, generated once
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { listScreenInputs } from "../src/screen/inputs.js";
import { planBatches, readRecords } from "../src/screen/records.js";

let file = process.argv[2];
if (!file) {
  file = path.join(os.tmpdir(), "unspin-screen-bench-10000.warc.gz");
  if (!fs.existsSync(file)) {
    // In a child process, so that the peak RSS below is the reading's alone.
    const gen = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./screen-corpus.ts", import.meta.url)), "--pages", "10000", "--out", file], { stdio: ["ignore", "inherit", "ignore"] });
    if (gen.status !== 0) throw new Error("generating the crawl failed");
  }
}
const [input] = await listScreenInputs([file]);
const mb = input.size / 1048576;

function timed<T>(f: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return f().then((value) => {
    const c = process.cpuUsage(c0);
    return { value, wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
  });
}

const line = (what: string, n: number, r: { wall: number; cpu: number }) =>
  `${what}: ${n} records, ${r.wall.toFixed(2)} s wall (${(n / r.wall).toFixed(0)} records/s, ${(mb / r.wall).toFixed(1)} MB/s), ${r.cpu.toFixed(2)} s CPU (${(n / r.cpu).toFixed(0)} records/s, ${(mb / r.cpu).toFixed(1)} MB/s of ${input.gzip ? "compressed " : ""}input)`;

const plan = await timed(async () => {
  let records = 0;
  let batches = 0;
  for await (const b of planBatches(input, 500)) {
    records += b.records;
    batches++;
  }
  return { records, batches };
});
console.log(`${file}: ${mb.toFixed(1)} MB`);
console.log(line(`planBatches (${plan.value.batches} batches of 500)`, plan.value.records, plan));
console.log(`  peak RSS after planning: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

const read = await timed(async () => {
  let pages = 0;
  let problems = 0;
  let words = 0;
  for await (const it of readRecords(input)) {
    if (it.page) {
      pages++;
      words += it.page.text.split(/\s+/).length;
    } else problems++;
  }
  return { pages, problems, words };
});
console.log(line("readRecords (readability included)", read.value.pages + read.value.problems, read));
console.log(`  ${read.value.pages} pages (${(read.value.words / read.value.pages).toFixed(0)} words each), ${read.value.problems} problems; ${((read.cpu / (read.value.pages + read.value.problems)) * 1000).toFixed(2)} ms CPU a record`);
console.log(`  peak RSS: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
