/**
 * Main-article extraction from HTML with @mozilla/readability over linkedom.
 * Paragraph structure is kept: block elements become paragraphs separated by blank lines.
 * A page too large, too deep or with too many elements for a DOM in bounded time and memory
 * is read by the linear extractor instead (html-text.ts).
 */
import { Readability } from "@mozilla/readability";
import { parseHTML } from "linkedom";
import { domRefusal, linearArticle } from "./html-text.js";

export interface Article {
  title: string | null;
  text: string;
  /** How the text was found: readability over a DOM, or the linear extractor (and why). */
  extractor?: "readability" | `linear: ${string}`;
}

/** Fewer words than this is a menu or a stub, not an article. */
export const MIN_ARTICLE_WORDS = 15;

const BLOCKS = "p, h1, h2, h3, h4, h5, h6, li, blockquote, pre, td, dd, dt, figcaption";

/** The article of an HTML page, or null when the page has none. */
export function extractArticle(html: string): Article | null {
  const refusal = domRefusal(html);
  if (refusal !== null) {
    const a = linearArticle(html);
    if (a.text.split(/\s+/).filter(Boolean).length < MIN_ARTICLE_WORDS) return null;
    return { title: a.title, text: a.text, extractor: `linear: ${refusal}` };
  }
  const { document } = parseHTML(html);
  const pageTitle = document.querySelector("title")?.textContent?.trim() || null;
  let article: ReturnType<Readability["parse"]> = null;
  try {
    // Readability mutates the document; it is ours to throw away.
    article = new Readability(document as unknown as Document, { charThreshold: 200 }).parse();
  } catch {
    article = null;
  }
  if (!article || !article.content) return null;
  const text = blockText(article.content) || clean(article.textContent ?? "");
  // Navigation-only pages yield a few words of menu: not an article.
  if (text.split(/\s+/).filter(Boolean).length < MIN_ARTICLE_WORDS) return null;
  return { title: clean(article.title ?? "") || pageTitle, text, extractor: "readability" };
}

function blockText(content: string): string {
  const { document } = parseHTML(`<!doctype html><html><body>${content}</body></html>`);
  const parts: string[] = [];
  for (const el of document.querySelectorAll(BLOCKS)) {
    // Skip blocks nested in another collected block (li > p) to avoid doubles.
    if (el.parentElement?.closest(BLOCKS)) continue;
    const t = clean(el.textContent ?? "");
    if (t) parts.push(t);
  }
  return parts.join("\n\n");
}

function clean(s: string): string {
  return s.replace(/[ \t\r\n\u00a0]+/g, " ").trim();
}
