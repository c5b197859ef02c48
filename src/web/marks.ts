/**
 * A text with spans marked, each span focusable and described by a small details box
 * (`aria-describedby`) shown on hover and on keyboard focus, hidden again with Escape.
 * The text goes in as text nodes: nothing of it is ever parsed as markup.
 */
import { el } from "./dom.js";

export interface Marked {
  start: number;
  end: number;
  /** Element for the span: mark (suspicious), ins (restored), or span. */
  tag: "mark" | "ins" | "span";
  className?: string;
  /** The details box's content. */
  details: () => Node[];
}

let nextId = 0;

/** Renders `text` into `container` with `spans` (sorted, non-overlapping) marked. */
export function renderMarked(container: HTMLElement, text: string, spans: readonly Marked[], focusable = true): HTMLElement[] {
  const frag = document.createDocumentFragment();
  const marks: HTMLElement[] = [];
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos || s.end < s.start || s.end > text.length) continue;
    if (s.start > pos) frag.append(text.slice(pos, s.start));
    const id = `d${++nextId}`;
    const mark = el(s.tag, { class: s.className ?? "", "aria-describedby": id }, text.slice(s.start, s.end));
    if (focusable) mark.tabIndex = 0;
    const tip = el("span", { class: "tip", role: "tooltip", id }, ...s.details());
    frag.append(el("span", { class: "marked" }, mark, tip));
    marks.push(mark);
    pos = s.end;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  container.replaceChildren(frag);
  return marks;
}

/** Keeps a shown details box inside the viewport (at 360 px a box can stick out) and lets Escape hide it. */
export function installTips(container: HTMLElement): void {
  const place = (target: EventTarget | null) => {
    const wrap = (target as HTMLElement | null)?.closest?.(".marked");
    const tip = wrap?.querySelector<HTMLElement>(".tip");
    if (!wrap || !tip) return;
    wrap.classList.remove("dismissed");
    tip.style.setProperty("--shift", "0px");
    const box = tip.getBoundingClientRect();
    const room = document.documentElement.clientWidth - 8;
    const shift = box.right > room ? room - box.right : box.left < 8 ? 8 - box.left : 0;
    tip.style.setProperty("--shift", `${Math.round(shift)}px`);
  };
  container.addEventListener("focusin", (e) => place(e.target));
  container.addEventListener("mouseover", (e) => place(e.target));
  container.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    (e.target as HTMLElement).closest(".marked")?.classList.add("dismissed");
  });
}
