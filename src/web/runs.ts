/**
 * The Runs view: the results store's screening run(s), each with the report `unspin report`
 * draws (the server renders it; the page frames it), and its pages filtered by site and
 * score, a page's spans on click.
 */
import { pages as fetchPages, reportUrl, runs as fetchRuns, type PageFilter, type PageResult, type RunEntry } from "./api.js";
import { byId, el, percent, showError } from "./dom.js";

const PAGE_SIZE = 25;

function number(input: HTMLInputElement): number | undefined {
  if (input.value.trim() === "") return undefined;
  const x = Number(input.value);
  return Number.isFinite(x) ? x : undefined;
}

function pageItem(p: PageResult, index: number): HTMLLIElement {
  const id = `page-spans-${index}`;
  const name = p.title || p.url || p.input;
  const button = el("button", { type: "button", class: "page-button", "aria-expanded": "false", "aria-controls": id },
    el("span", { class: "page-score" }, p.score === null ? "—" : p.score.toFixed(2)),
    el("span", { class: "page-name" }, name),
  );
  const meta = el("p", { class: "page-meta" }, [p.site, p.url && p.url !== name ? p.url : null, `${p.words} words`, p.status === "problem" ? `not analysed: ${p.reason ?? "?"}` : null,
    p.trace ? `traced to ${p.trace.title ?? p.trace.url ?? p.trace.extId ?? "a source"} (${p.trace.kind})` : null].filter(Boolean).join(" · "));
  const spans = el("div", { class: "page-spans", id });
  spans.hidden = true;
  button.addEventListener("click", () => {
    const open = spans.hidden;
    spans.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    if (open && spans.childElementCount === 0) {
      spans.append(p.spans.length === 0
        ? el("p", { class: "note" }, "No suspicious spans.")
        : el("ol", { class: "spans" }, ...p.spans.map((s) => el("li", {},
          el("span", { class: "context" }, s.before),
          el("mark", {}, s.text),
          el("span", { class: "context" }, s.after),
          el("span", { class: "span-original" }, ` → probably “${s.replacement}” (${percent(s.confidence)})`)))));
    }
  });
  return el("li", { class: "page" }, button, meta, spans);
}

export function setupRuns(): { load(): Promise<void> } {
  const list = byId("runs-list");
  const errorBox = byId("runs-error");
  const detail = byId("run-detail");
  const form = byId<HTMLFormElement>("pages-form");
  const site = byId<HTMLInputElement>("pages-site");
  const min = byId<HTMLInputElement>("pages-min");
  const max = byId<HTMLInputElement>("pages-max");
  const pageList = byId("pages-list");
  const summary = byId("pages-summary");
  const more = byId<HTMLButtonElement>("pages-more");
  const frame = byId<HTMLIFrameElement>("run-report");
  let run: RunEntry | null = null;
  let filter: PageFilter = { limit: PAGE_SIZE, offset: 0 };
  let shown = 0;
  const sites = new Set<string>();

  const loadPages = async (append: boolean) => {
    if (!run) return;
    showError(errorBox, null);
    try {
      const { pages, total } = await fetchPages(run.id, filter);
      const items = pages.map((p, i) => pageItem(p, filter.offset + i));
      if (append) pageList.append(...items);
      else pageList.replaceChildren(...items);
      shown = filter.offset + pages.length;
      // The site field suggests the sites seen so far.
      for (const p of pages) if (p.site) sites.add(p.site);
      byId("pages-sites").replaceChildren(...[...sites].sort().map((s) => el("option", { value: s })));
      more.hidden = pages.length < filter.limit;
      const what = [filter.site ? `on ${filter.site}` : null, filter.minScore !== undefined ? `scoring at least ${filter.minScore}` : null, filter.maxScore !== undefined ? `at most ${filter.maxScore}` : null].filter(Boolean).join(", ");
      summary.textContent = shown === 0 ? `No pages${what ? " " + what : ""}.` : `${shown}${total !== undefined ? ` of ${total}` : ""} page${shown === 1 ? "" : "s"}${what ? " " + what : ""}, highest score first. Choose a page to see its spans.`;
      if (append) items[0]?.querySelector("button")?.focus();
    } catch (err) {
      showError(errorBox, (err as Error).message);
    }
  };

  const open = (r: RunEntry, button: HTMLButtonElement) => {
    run = r;
    for (const b of list.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", String(b === button));
    detail.hidden = false;
    const url = reportUrl(r.id);
    frame.src = url;
    byId<HTMLAnchorElement>("run-report-link").href = url;
    filter = { limit: PAGE_SIZE, offset: 0 };
    sites.clear();
    site.value = min.value = max.value = "";
    void loadPages(false);
  };

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const lo = number(min), hi = number(max);
    if ((lo !== undefined && (lo < 0 || lo > 1)) || (hi !== undefined && (hi < 0 || hi > 1))) {
      showError(errorBox, "Scores go from 0 to 1.");
      return;
    }
    filter = { site: site.value.trim() || undefined, minScore: lo, maxScore: hi, limit: PAGE_SIZE, offset: 0 };
    void loadPages(false);
  });
  more.addEventListener("click", () => {
    filter = { ...filter, offset: shown };
    void loadPages(true);
  });

  return {
    async load() {
      showError(errorBox, null);
      try {
        const entries = await fetchRuns();
        if (entries.length === 0) {
          list.replaceChildren(el("p", { class: "note" }, "The results store holds no run yet."));
          return;
        }
        list.replaceChildren(el("ul", { class: "runs" }, ...entries.map((r) => {
          const c = r.counts;
          const button = el("button", { type: "button", "aria-pressed": "false" }, `Run ${r.id}`);
          button.addEventListener("click", () => open(r, button));
          const partial = c.batchesTotal > 0 && c.batchesDone < c.batchesTotal ? `; ${c.batchesDone} of ${c.batchesTotal} batches done` : "";
          return el("li", { class: "run" }, button,
            el("span", { class: "run-counts" }, `${c.pages.toLocaleString("en-US")} pages analysed, ${c.spun.toLocaleString("en-US")} spun, ${c.traced.toLocaleString("en-US")} traced, ${c.problems.toLocaleString("en-US")} not analysed${partial}`),
            r.inputs.length ? el("span", { class: "run-inputs" }, `from ${r.inputs.join(", ")}`) : null);
        })));
        if (entries.length === 1) list.querySelector<HTMLButtonElement>("button")?.click();
      } catch (err) {
        showError(errorBox, (err as Error).message);
      }
    },
  };
}
