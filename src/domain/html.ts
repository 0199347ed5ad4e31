import { Marked } from "marked";
import sanitizeHtml from "sanitize-html";

// Everything users or remote servers write goes through one allow-list before it is stored,
// so what the database holds is always safe to put on a page. Nothing that runs survives:
// no scripts, event handlers, styles, SVG, iframes or forms, and only http(s) and mailto links.
const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "sub",
    "sup",
    "mark",
    "blockquote",
    "code",
    "pre",
    "kbd",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "span",
    "abbr",
  ],
  allowedAttributes: {
    // rel and loading are set by transformTags below, whatever the input said.
    a: ["href", "title", "rel"],
    img: ["src", "alt", "title", "width", "height", "loading"],
    th: ["scope", "colspan", "rowspan"],
    td: ["colspan", "rowspan"],
    abbr: ["title"],
    ol: ["start"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["https"] },
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  // Headings inside content must not compete with the page's own h1 and h2.
  transformTags: {
    h1: "h3",
    h2: "h3",
    a: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, rel: "nofollow ugc noopener" },
    }),
    // An image with no text alternative is announced as its file name; an empty alt at
    // least lets screen readers skip it.
    img: (tagName, attribs) => ({
      tagName,
      attribs: { ...attribs, alt: attribs.alt ?? "", loading: "lazy" },
    }),
  },
  exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
  nonTextTags: [
    "style",
    "script",
    "textarea",
    "option",
    "noscript",
    "svg",
    "math",
    "iframe",
    "object",
  ],
};

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** Cleans HTML from a remote server (or anywhere) down to Copse's allow-list. */
export function cleanHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS);
}

/** Renders a user's Markdown to safe HTML. */
export function renderMarkdown(markdown: string): string {
  return cleanHtml(marked.parse(markdown) as string);
}

/** Plain text of some (already safe) HTML, for titles, excerpts and search. */
export function htmlToPlainText(html: string): string {
  return sanitizeHtml(
    html.replace(/<br\s*\/?>/gi, "\n").replace(/<\/(p|li|h\d|blockquote|pre)>/gi, "\n"),
    {
      allowedTags: [],
      allowedAttributes: {},
    },
  )
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
