import sanitizeHtml from "sanitize-html";
import { type MarkdownLinks, parseWithLinks } from "./markdown-links.ts";

export type { MarkdownLinks } from "./markdown-links.ts";

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
  // Pictures are never loaded from their own server: every page sends a picture from
  // elsewhere through this server's image proxy (src/web/images/), which also fetches plain
  // http ones, so they need not be refused here.
  allowedSchemesByTag: { img: ["http", "https"] },
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

// Text Copse itself rendered may carry the classes of its own links (mentions, wiki links) and
// a visually hidden note for screen readers; HTML from elsewhere never keeps a class.
const LOCAL_OPTIONS: sanitizeHtml.IOptions = {
  ...SANITIZE_OPTIONS,
  allowedAttributes: {
    ...(SANITIZE_OPTIONS.allowedAttributes as Record<string, string[]>),
    a: ["href", "title", "rel", "class"],
    span: ["class"],
  },
  allowedClasses: {
    a: ["mention", "wiki-link", "wiki-link--missing"],
    span: ["govuk-visually-hidden"],
  },
};

/**
 * Cleans HTML from a remote server (or anywhere) down to Copse's allow-list. With `baseUrl`
 * (the object's id), relative links and images are resolved against the server they came
 * from; otherwise `/logout` in a remote post would point at this instance.
 */
export function cleanHtml(html: string, baseUrl?: string): string {
  if (!baseUrl) return sanitizeHtml(html, SANITIZE_OPTIONS);
  const absolute = (value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    try {
      const url = new URL(value, baseUrl);
      return ["http:", "https:", "mailto:"].includes(url.protocol) ? url.href : undefined;
    } catch {
      return undefined;
    }
  };
  const transformTags = SANITIZE_OPTIONS.transformTags as Record<string, sanitizeHtml.Transformer>;
  return sanitizeHtml(html, {
    ...SANITIZE_OPTIONS,
    transformTags: {
      ...transformTags,
      a: (tagName, attribs) =>
        transformTags.a!(tagName, withAttr(attribs, "href", absolute(attribs.href))),
      img: (tagName, attribs) =>
        transformTags.img!(tagName, withAttr(attribs, "src", absolute(attribs.src))),
    },
  });
}

function withAttr(
  attribs: sanitizeHtml.Attributes,
  name: string,
  value: string | undefined,
): sanitizeHtml.Attributes {
  const { [name]: _dropped, ...rest } = attribs;
  return value === undefined ? rest : { ...rest, [name]: value };
}

/** Renders a user's Markdown to safe HTML, with mentions and wiki links when `links` knows them. */
export function renderMarkdown(markdown: string, links?: MarkdownLinks): string {
  return sanitizeHtml(parseWithLinks(markdown, links), LOCAL_OPTIONS);
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
