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
  let article: ReturnType<Readability<Element>["parse"]> = null;
  try {
    // Readability mutates the document; it is ours to throw away. Its article is kept as the
    // element it built (no serializer): serialising it and parsing it again cost a third of the page's time.
    article = new Readability<Element>(document as unknown as Document, { charThreshold: 200, serializer: (el) => el as Element }).parse();
  } catch {
    article = null;
  }
  if (!article || !article.content) return null;
  const text = blockText(article.content) || clean(article.textContent ?? "");
  // Navigation-only pages yield a few words of menu: not an article.
  if (text.split(/\s+/).filter(Boolean).length < MIN_ARTICLE_WORDS) return null;
  return { title: clean(article.title ?? "") || pageTitle, text, extractor: "readability" };
}

function blockText(content: Element): string {
  const parts: string[] = [];
  for (const el of content.querySelectorAll(BLOCKS)) {
    // Skip blocks nested in another collected block (li > p) to avoid doubles; blocks around the article do not count.
    const outer = el.parentElement?.closest(BLOCKS);
    if (outer && content.contains(outer)) continue;
    const t = clean(el.textContent ?? "");
    if (t) parts.push(t);
  }
  return parts.join("\n\n");
}

function clean(s: string): string {
  return s.replace(/[ \t\r\n\u00a0]+/g, " ").trim();
}
