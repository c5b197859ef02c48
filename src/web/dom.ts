/** Small DOM helpers. Untrusted text only ever enters the page through textContent. */

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(typeof c === "string" ? document.createTextNode(c) : c);
  return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from the page`);
  return e as T;
}

export function showError(box: HTMLElement, message: string | null): void {
  box.textContent = message ?? "";
  box.hidden = message === null;
}

export const percent = (x: number) => `${Math.round(x * 100)}%`;

/** Reads a dropped or chosen file as text; refuses what is plainly not text. */
export async function readTextFile(file: File): Promise<{ text: string; html: boolean }> {
  const html = /\.html?$/i.test(file.name) || file.type === "text/html";
  const plain = /\.(txt|text)$/i.test(file.name) || file.type === "text/plain";
  if (!html && !plain) throw new Error(`${file.name}: not a .txt or .html file`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file.name} is not valid UTF-8 text`);
  }
  return { text, html };
}

/** Lets a text area (or any element) take a dropped file. */
export function acceptDrop(target: HTMLElement, onFile: (file: File) => void): void {
  target.addEventListener("dragover", (e) => {
    if (!e.dataTransfer?.types.includes("Files")) return;
    e.preventDefault();
    target.classList.add("dropping");
  });
  target.addEventListener("dragleave", () => target.classList.remove("dropping"));
  target.addEventListener("drop", (e) => {
    const file = e.dataTransfer?.files[0];
    target.classList.remove("dropping");
    if (!file) return;
    e.preventDefault();
    onFile(file);
  });
}
