import sanitizeHtml from "sanitize-html";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Turns plain text into safe HTML paragraphs for ActivityStreams `summary`/`content`. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${para.replace(/[&<>"']/g, (c) => ESCAPES[c]!).replace(/\n/g, "<br>")}</p>`)
    .join("");
}

/**
 * Reduces remote HTML to plain text (paragraph and line breaks kept), for fields Copse shows
 * as text. Every tag is dropped, so nothing a remote server sends can run in our pages.
 */
export function htmlToText(html: string): string {
  const withBreaks = html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/p>\s*<p[^>]*>/gi, "\n\n");
  const text = sanitizeHtml(withBreaks, { allowedTags: [], allowedAttributes: {} });
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}
