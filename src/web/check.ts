/**
 * The Check view: paste or drop a text (or an HTML page), see its score and every suspicious
 * span with its likely original; switch to the restored text; copy or download it.
 */
import { verdict } from "../detect/verdict.js";
import type { AnalysisResult, Edit } from "../analyze.js";
import { check as checkOnServer, type CheckResult, type Input } from "./api.js";
import { acceptDrop, byId, el, percent, readTextFile, showError } from "./dom.js";
import { installTips, renderMarked, type Marked } from "./marks.js";

/** Where each edit's replacement sits in the restored text. */
export function restoredSpans(edits: readonly Edit[]): { start: number; end: number; edit: Edit }[] {
  let shift = 0;
  return edits.map((e) => {
    const start = e.start + shift;
    shift += e.replacement.length - (e.end - e.start);
    return { start, end: start + e.replacement.length, edit: e };
  });
}

function alternatives(e: Edit): string {
  const others = e.alternatives.filter((a) => a.replacement !== e.replacement && a.probability >= 0.005).slice(0, 4);
  return others.map((a) => `${a.replacement === e.text ? `${a.replacement} (as written)` : a.replacement} ${percent(a.probability)}`).join(", ");
}

function spunDetails(e: Edit): Node[] {
  const alt = alternatives(e);
  return [
    el("span", { class: "tip-line" }, "Probably: ", el("strong", {}, e.replacement)),
    el("span", { class: "tip-line" }, `Confidence ${percent(e.confidence)}`),
    alt ? el("span", { class: "tip-line" }, `Also: ${alt}`) : null,
  ].filter((n): n is HTMLSpanElement => n !== null);
}

function restoredDetails(e: Edit): Node[] {
  return [
    el("span", { class: "tip-line" }, "Written: ", el("strong", {}, e.text)),
    el("span", { class: "tip-line" }, `Confidence ${percent(e.confidence)}`),
  ];
}

/** Runs the engine in this browser (when the page has that build): the input, and a progress callback. */
export type LocalCheck = (input: Input, progress: (message: string) => void) => Promise<CheckResult>;

export function setupCheck(localCheck?: LocalCheck): void {
  const form = byId<HTMLFormElement>("check-form");
  const textarea = byId<HTMLTextAreaElement>("check-text");
  const fileInput = byId<HTMLInputElement>("check-file");
  const source = byId("check-source");
  const errorBox = byId("check-error");
  const resultBox = byId("check-result");
  const view = byId("check-view");
  const viewHeading = byId("check-view-heading");
  const toggle = byId<HTMLButtonElement>("check-toggle");
  const copied = byId("check-copied");
  const runButton = byId<HTMLButtonElement>("check-run");
  const local = byId<HTMLInputElement>("check-local");
  const localStatus = byId("check-local-status");
  installTips(view);
  byId("check-local-label").hidden = !localCheck;

  /** An HTML page waiting to be checked (its article is extracted by the server). */
  let pendingHtml: { name: string; html: string } | null = null;
  let current: { text: string; result: AnalysisResult } | null = null;
  let restoredShown = false;

  const render = () => {
    if (!current) return;
    const { text, result } = current;
    toggle.setAttribute("aria-pressed", String(restoredShown));
    toggle.textContent = restoredShown ? "Show the text as written" : "Show the restored text";
    view.classList.toggle("restored", restoredShown);
    if (restoredShown) {
      viewHeading.textContent = "The restored text, changes marked";
      const spans: Marked[] = restoredSpans(result.edits).map((s) => ({ start: s.start, end: s.end, tag: "ins", details: () => restoredDetails(s.edit) }));
      renderMarked(view, result.restored, spans);
    } else {
      viewHeading.textContent = "The text as written, suspicious spans marked";
      const spans: Marked[] = result.edits.map((e) => ({ start: e.start, end: e.end, tag: "mark", className: e.confidence >= 0.5 ? "sure" : "unsure", details: () => spunDetails(e) }));
      renderMarked(view, text, spans);
    }
  };

  const show = (result: CheckResult, text: string) => {
    current = { text, result };
    restoredShown = false;
    byId<HTMLMeterElement>("check-gauge").value = result.score;
    byId("check-score").textContent = result.score.toFixed(2);
    byId("check-verdict").textContent = verdict(result.score);
    const n = result.edits.length;
    byId("check-summary").textContent =
      `${n} suspicious span${n === 1 ? "" : "s"} in ${result.stats.words} words; estimated spin rate ${percent(result.stats.spinRate)} of the words a spinner would change; analysed in ${Math.round(result.stats.milliseconds)} ms.`;
    resultBox.hidden = false;
    copied.textContent = "";
    render();
  };

  const setSource = (message: string) => {
    source.textContent = message;
  };

  const run = async () => {
    const input: Input | null = pendingHtml ? { html: pendingHtml.html } : textarea.value.trim() ? { text: textarea.value } : null;
    if (!input) {
      showError(errorBox, "There is no text to check: paste some, or drop a file.");
      textarea.focus();
      return;
    }
    showError(errorBox, null);
    runButton.disabled = true;
    form.setAttribute("aria-busy", "true");
    try {
      const result = local.checked && localCheck ? await localCheck(input, (m) => (localStatus.textContent = m)) : await checkOnServer(input);
      if (pendingHtml) {
        // From here on the article text is what is checked (and what the text area shows).
        setSource(`${pendingHtml.name}: the article text extracted from the page is below, and was checked.`);
        pendingHtml = null;
      }
      // For an HTML page the offsets are into its article's text (which the text area now shows).
      const text = result.article?.text ?? ("text" in input ? input.text : "");
      if (textarea.value !== text) textarea.value = text;
      show(result, text);
      byId("check-result-heading").focus();
    } catch (err) {
      showError(errorBox, (err as Error).message);
    } finally {
      runButton.disabled = false;
      form.removeAttribute("aria-busy");
    }
  };

  const takeFile = async (file: File) => {
    try {
      const { text, html } = await readTextFile(file);
      if (html) {
        pendingHtml = { name: file.name, html: text };
        textarea.value = "";
        setSource(`${file.name}: an HTML page; its article text is extracted and checked.`);
      } else {
        pendingHtml = null;
        textarea.value = text;
        setSource(`${file.name}: ${text.length.toLocaleString("en-US")} characters.`);
      }
      showError(errorBox, null);
      await run();
    } catch (err) {
      showError(errorBox, (err as Error).message);
    }
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  textarea.addEventListener("input", () => {
    if (pendingHtml) {
      pendingHtml = null;
      setSource("");
    }
  });
  fileInput.addEventListener("change", () => {
    const file = fileInput.files?.[0];
    if (file) void takeFile(file);
    fileInput.value = "";
  });
  acceptDrop(textarea, (file) => void takeFile(file));

  toggle.addEventListener("click", () => {
    restoredShown = !restoredShown;
    render();
  });
  byId("check-copy").addEventListener("click", async () => {
    if (!current) return;
    try {
      await navigator.clipboard.writeText(current.result.restored);
      copied.textContent = "Copied.";
    } catch {
      copied.textContent = "The browser did not allow copying; use Download instead.";
    }
  });
  byId("check-download").addEventListener("click", () => {
    if (!current) return;
    const url = URL.createObjectURL(new Blob([current.result.restored], { type: "text/plain;charset=utf-8" }));
    const a = el("a", { href: url, download: "restored.txt" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
}
