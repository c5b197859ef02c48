/** The Trace view: the ranked sources of a copy, and the copy beside its best source, substitution by substitution. */
import { trace as traceOnServer, type Segment, type TraceMatch } from "./api.js";
import { acceptDrop, byId, el, percent, readTextFile, showError } from "./dom.js";
import { installTips, renderMarked, type Marked } from "./marks.js";
import { KIND_TEXT } from "../trace/kinds.js";


/** A link only for http(s) URLs; anything else is shown as text. */
function sourceName(m: TraceMatch): Node {
  const name = m.title && m.title !== m.id ? `${m.title} (${m.id})` : m.id;
  let href: string | null = null;
  try {
    const u = new URL(m.url ?? "");
    if (u.protocol === "http:" || u.protocol === "https:") href = u.href;
  } catch {
    /* not a URL */
  }
  return href ? el("a", { href, rel: "noopener noreferrer" }, name) : el("span", {}, name);
}

function matchItem(m: TraceMatch): HTMLLIElement {
  const a = m.alignment;
  return el("li", { class: `match ${m.score >= 0.8 ? "strong" : m.score >= 0.5 ? "likely" : "weak"}` },
    el("span", { class: "match-name" }, sourceName(m)),
    el("span", { class: "match-score" }, `score ${m.score.toFixed(3)}, ${KIND_TEXT[m.kind] ?? m.kind}`),
    el("span", { class: "match-cover" },
      `covers ${percent(a.sourceCoverage)} of the source and ${percent(a.copyCoverage)} of the copy; ${percent(a.changedShare)} of the copied words changed; ${a.substitutions.length} substitution${a.substitutions.length === 1 ? "" : "s"}`));
}

/** Row by row, the aligned ranges of the source and the copy (the segments `unspin trace` draws side by side), substitutions marked on both sides. */
function renderPair(box: HTMLElement, source: string, copy: string, m: TraceMatch, segments: readonly Segment[]): void {
  const subs = [...m.alignment.substitutions].sort((a, b) => a.copyStart - b.copyStart);
  const rows = segments.map((g) => ({ source: [g.sourceStart, g.sourceEnd], copy: [g.copyStart, g.copyEnd] }));
  const head = el("div", { class: "pair-row pair-head", role: "row" }, el("span", { role: "columnheader" }, "Source"), el("span", { role: "columnheader" }, "Copy"));
  const body = rows.map((r) => {
    const inRow = subs.filter((s) => s.copyStart >= r.copy[0] && s.copyEnd <= r.copy[1] && s.sourceStart >= r.source[0] && s.sourceEnd <= r.source[1]);
    const srcCell = el("div", { class: "text cell source", role: "cell" });
    const copyCell = el("div", { class: "text cell copy", role: "cell" });
    const srcText = source.slice(r.source[0], r.source[1]);
    const copyText = copy.slice(r.copy[0], r.copy[1]);
    const srcMarks: Marked[] = inRow
      .filter((s) => s.sourceEnd > s.sourceStart)
      .map((s) => ({ start: s.sourceStart - r.source[0], end: s.sourceEnd - r.source[0], tag: "mark" as const, className: "was", details: () => [el("span", { class: "tip-line" }, "The copy has: ", el("strong", {}, s.copy))] }))
      .sort((a, b) => a.start - b.start);
    const copyMarks: Marked[] = inRow.filter((s) => s.copyEnd > s.copyStart).map((s) => ({ start: s.copyStart - r.copy[0], end: s.copyEnd - r.copy[0], tag: "mark" as const, className: "now", details: () => [el("span", { class: "tip-line" }, "The source has: ", el("strong", {}, s.source || "(nothing)"))] }));
    renderMarked(srcCell, srcText, srcMarks, false);
    renderMarked(copyCell, copyText, copyMarks);
    if (!srcText.trim()) srcCell.append(el("span", { class: "absent" }, "(not in the source)"));
    if (!copyText.trim()) copyCell.append(el("span", { class: "absent" }, "(not in the copy)"));
    return el("div", { class: "pair-row", role: "row" }, srcCell, copyCell);
  });
  box.setAttribute("role", "table");
  box.replaceChildren(head, ...body);
}

export function setupTrace(): void {
  const form = byId<HTMLFormElement>("trace-form");
  const textarea = byId<HTMLTextAreaElement>("trace-text");
  const errorBox = byId("trace-error");
  const resultBox = byId("trace-result");
  const pair = byId("trace-pair");
  const note = byId("trace-pair-note");
  installTips(pair);

  const run = async () => {
    const text = textarea.value;
    if (!text.trim()) {
      showError(errorBox, "There is no text to trace: paste some, or drop a .txt file.");
      textarea.focus();
      return;
    }
    showError(errorBox, null);
    form.setAttribute("aria-busy", "true");
    try {
      const { matches, source } = await traceOnServer(text);
      byId("trace-matches").replaceChildren(...matches.map(matchItem));
      const best = matches[0];
      if (matches.length === 0) {
        byId("trace-matches").replaceChildren(el("li", { class: "match weak" }, "No source found in the index."));
      }
      if (!best || best.score < 0.5) {
        note.textContent = best ? "No match scores as a source (0.5 or more), so there is nothing to lay side by side." : "";
        pair.replaceChildren();
      } else if (source) {
        const n = best.alignment.substitutions.length;
        note.textContent = `${n} substitution${n === 1 ? "" : "s"}, marked on both sides, row by row. Tab to a marked span in the copy to see what the source had.`;
        renderPair(pair, source.text, text, best, source.segments);
      }
      resultBox.hidden = false;
    } catch (err) {
      showError(errorBox, (err as Error).message);
    } finally {
      form.removeAttribute("aria-busy");
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  acceptDrop(textarea, async (file) => {
    try {
      const { text, html } = await readTextFile(file);
      if (html) throw new Error(`${file.name}: tracing takes plain text; paste the article's text`);
      textarea.value = text;
      await run();
    } catch (err) {
      showError(errorBox, (err as Error).message);
    }
  });
}
