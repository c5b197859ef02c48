/**
 * HTML without a DOM, in time and memory linear in the input: the shape check that decides
 * whether a page may go through readability, and the plain-text extraction used when it may not.
 *
 * Readability over linkedom is the better extractor, but its cost grows with nesting depth
 * (roughly the cube: 1,000 nested <div> took 3.8 s, 4,000 over 100 s), with the number of
 * elements, and its memory with the page's size (a 9 MB page peaked at 1.35 GB). A crawl is
 * hostile input, so a page is measured first, in one pass over its tags, and pages beyond the
 * limits below are read by `linearArticle` instead.
 */

/** Pages larger than this are not parsed into a DOM. */
export const MAX_DOM_HTML_BYTES = 1_500_000;
/** Deeper nesting than this is not parsed into a DOM. */
export const MAX_DOM_DEPTH = 200;
/** More elements than this are not parsed into a DOM. */
export const MAX_DOM_ELEMENTS = 15_000;

export interface HtmlShape {
  /** Deepest nesting of elements (tags whose end tag may be left out do not count). */
  depth: number;
  /** Start tags. */
  elements: number;
}

/** Elements that never have content. */
const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]);
/** Elements whose end tag may be left out: counting them would read a list of <p> as deep nesting. */
const OPTIONAL_END = new Set(["p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rp", "colgroup", "caption", "html", "head", "body"]);
/** Elements whose content is not markup (read to their end tag as text). */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"]);
/** Elements whose text is not article text. */
const SKIPPED = new Set(["script", "style", "noscript", "template", "svg", "math", "head", "nav", "footer", "aside", "select", "button", "iframe", "object", "textarea", "xmp", "noembed", "noframes"]);
/** Elements that end a paragraph. */
const BLOCK = new Set([
  "address", "article", "aside", "blockquote", "br", "dd", "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
  "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table",
  "td", "th", "tr", "ul", "body", "html", "title",
]);

interface Tag {
  name: string;
  end: boolean;
  selfClosing: boolean;
  /** Index just past the tag's ">". */
  next: number;
}

/**
 * The tag at `lt` (a "<"), or null when it is not a tag (text) — comments and declarations are
 * returned with an empty name. Never looks further than the tag's own ">".
 */
function tagAt(html: string, lt: number): Tag | null {
  const c = html.charCodeAt(lt + 1);
  if (c === 0x21 /* ! */ || c === 0x3f /* ? */) {
    const endMark = html.startsWith("<!--", lt) ? html.indexOf("-->", lt + 4) : html.indexOf(">", lt + 2);
    const next = endMark < 0 ? html.length : endMark + (html.startsWith("<!--", lt) ? 3 : 1);
    return { name: "", end: false, selfClosing: true, next };
  }
  const end = c === 0x2f; /* / */
  let i = lt + (end ? 2 : 1);
  const nameStart = i;
  while (i < html.length) {
    const ch = html.charCodeAt(i);
    const alnum = (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2d;
    if (!alnum) break;
    i++;
  }
  if (i === nameStart) return null;
  const gt = html.indexOf(">", i);
  const next = gt < 0 ? html.length : gt + 1;
  return { name: html.slice(nameStart, i).toLowerCase(), end, selfClosing: gt > 0 && html.charCodeAt(gt - 1) === 0x2f, next };
}

/** End of a raw-text element's content: the index of its end tag (or the end of the input). */
function rawTextEnd(lower: string, name: string, from: number): number {
  const i = lower.indexOf(`</${name}`, from);
  return i < 0 ? lower.length : i;
}

/** Depth and element count, in one pass; stops counting once both limits are passed. */
export function htmlShape(html: string, stopAt = { depth: MAX_DOM_DEPTH, elements: MAX_DOM_ELEMENTS }): HtmlShape {
  const lower = html.toLowerCase();
  let depth = 0, maxDepth = 0, elements = 0;
  for (let lt = html.indexOf("<"); lt >= 0 && lt < html.length; lt = html.indexOf("<", lt)) {
    const tag = tagAt(html, lt);
    if (tag === null) {
      lt++;
      continue;
    }
    lt = tag.next;
    if (tag.name === "") continue;
    if (tag.end) {
      if (!VOID.has(tag.name) && !OPTIONAL_END.has(tag.name) && depth > 0) depth--;
      continue;
    }
    elements++;
    if (RAW_TEXT.has(tag.name)) {
      lt = rawTextEnd(lower, tag.name, lt);
      continue;
    }
    if (!tag.selfClosing && !VOID.has(tag.name) && !OPTIONAL_END.has(tag.name)) maxDepth = Math.max(maxDepth, ++depth);
    if (maxDepth > stopAt.depth && elements > stopAt.elements) break;
  }
  return { depth: maxDepth, elements };
}

/** Whether a page may be parsed into a DOM for readability, and if not, why. */
export function domRefusal(html: string): string | null {
  if (html.length > MAX_DOM_HTML_BYTES) return `over ${MAX_DOM_HTML_BYTES / 1e6} MB of HTML`;
  const shape = htmlShape(html);
  if (shape.depth > MAX_DOM_DEPTH) return `nested over ${MAX_DOM_DEPTH} elements deep`;
  if (shape.elements > MAX_DOM_ELEMENTS) return `over ${MAX_DOM_ELEMENTS.toLocaleString("en-US")} elements`;
  return null;
}

const NAMED: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "\u2013", mdash: "\u2014", lsquo: "\u2018", rsquo: "\u2019",
  ldquo: "\u201c", rdquo: "\u201d", hellip: "\u2026", eacute: "\u00e9", copy: "\u00a9", reg: "\u00ae", middot: "\u00b7", laquo: "\u00ab", raquo: "\u00bb",
};

function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (m, e: string) => {
    if (e[0] === "#") {
      const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : m;
    }
    return NAMED[e.toLowerCase()] ?? m;
  });
}

/** A paragraph this short, without a sentence's end, is a menu item or a caption, not article text. */
const MIN_PARAGRAPH_WORDS = 8;

/**
 * The page's text without a DOM: markup dropped, scripts, styles, navigation and forms left out,
 * block elements as paragraph breaks, entities decoded; short fragments that do not end a
 * sentence are left out as page furniture. Linear in the input.
 */
export function linearArticle(html: string): { title: string | null; text: string } {
  const lower = html.toLowerCase();
  const paragraphs: string[] = [];
  let current: string[] = [];
  let title: string | null = null;
  // Open skipped elements by name; text inside any of them is not article text.
  const skipping = new Map<string, number>();
  let skipped = 0;
  const flush = () => {
    const p = decodeEntities(current.join("")).replace(/[\s\u00a0]+/g, " ").trim();
    current = [];
    if (p === "") return;
    const words = p.split(" ").length;
    if (words >= MIN_PARAGRAPH_WORDS || (words >= 3 && /[.!?]["'\u201d\u2019)]?$/.test(p))) paragraphs.push(p);
  };
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    const textEnd = lt < 0 ? html.length : lt;
    if (skipped === 0 && textEnd > i) current.push(html.slice(i, textEnd));
    if (lt < 0) break;
    const tag = tagAt(html, lt);
    if (tag === null) {
      if (skipped === 0) current.push("<");
      i = lt + 1;
      continue;
    }
    i = tag.next;
    if (tag.name === "") continue;
    if (!tag.end && RAW_TEXT.has(tag.name)) {
      const close = rawTextEnd(lower, tag.name, i);
      if (tag.name === "title" && title === null) title = decodeEntities(html.slice(i, close)).replace(/\s+/g, " ").trim() || null;
      const gt = html.indexOf(">", close);
      i = gt < 0 ? html.length : gt + 1;
      if (BLOCK.has(tag.name)) flush();
      continue;
    }
    if (SKIPPED.has(tag.name) && !tag.selfClosing && !VOID.has(tag.name)) {
      const open = skipping.get(tag.name) ?? 0;
      if (tag.end) {
        if (open > 0) {
          skipping.set(tag.name, open - 1);
          skipped--;
        }
      } else {
        skipping.set(tag.name, open + 1);
        skipped++;
      }
      flush();
      continue;
    }
    // Inline tags join their text as a browser does ("wo<b>rd</b>" is one word).
    if (BLOCK.has(tag.name)) flush();
  }
  flush();
  return { title, text: paragraphs.join("\n\n") };
}
