import { Marked, type TokenizerAndRendererExtension, type Tokens } from "marked";

// Two kinds of link are written in Copse's own shorthand rather than in Markdown: `@handle`
// (or `@handle@host`) names a person, and `[[Page name]]` names a page of the community's
// wiki. Both are Marked extensions, so they never fire inside code, and only become links
// when the caller knows what they point to: an unknown handle stays plain text.

/** What the shorthand links of one text point to. */
export interface MarkdownLinks {
  /** The page of a person written as `name` or `name@host` (lower case), if known. */
  mention?: (written: string) => string | undefined;
  /** Where a `[[Page name]]` leads, and whether that page exists yet. */
  wikiPage?: (title: string) => { href: string; exists: boolean } | undefined;
}

/** `@name` or `@name@host[:port]`; a trailing full stop belongs to the sentence, not the host. */
export const MENTION_PATTERN =
  /@([a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)(?:@([a-z0-9-]+(?:\.[a-z0-9-]+)*(?::\d{1,5})?))?/i;
const MENTION_AT_START = new RegExp(`^${MENTION_PATTERN.source}`, "i");
/** An `@` that starts a mention: not part of an e-mail address, a path or another mention. */
const MENTION_START = /(^|[^\w@/.:-])@[a-z0-9_]/i;
const WIKI_LINK = /^\[\[([^[\]\n|]{1,200})\]\]/;

/** The text being rendered: Marked is synchronous, so one render's links are never mixed up. */
let current: MarkdownLinks | undefined;

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const mention: TokenizerAndRendererExtension = {
  name: "mention",
  level: "inline",
  start(src) {
    const match = MENTION_START.exec(src);
    return match ? match.index + match[1]!.length : undefined;
  },
  tokenizer(src, tokens) {
    // A mention inside a link's text would put a link inside a link.
    if (this.lexer.state.inLink) return undefined;
    // Marked may stop a run of text just before an `@` that follows a letter ("x@y").
    if (/[\w@/.:-]$/.test(tokens.at(-1)?.raw ?? "")) return undefined;
    const match = MENTION_AT_START.exec(src);
    if (!match) return undefined;
    const written = (match[2] ? `${match[1]}@${match[2]}` : match[1]!).toLowerCase();
    const href = current?.mention?.(written);
    if (!href) return undefined;
    return { type: "mention", raw: match[0], text: match[0], href };
  },
  renderer(token) {
    const { href, text } = token as Tokens.Generic;
    return `<a href="${escapeHtml(href)}" class="mention">${escapeHtml(text)}</a>`;
  },
};

const wikiLink: TokenizerAndRendererExtension = {
  name: "wikiLink",
  level: "inline",
  start(src) {
    const index = src.indexOf("[[");
    return index >= 0 ? index : undefined;
  },
  tokenizer(src) {
    if (this.lexer.state.inLink) return undefined;
    const match = WIKI_LINK.exec(src);
    const title = match?.[1]?.trim();
    const target = title ? current?.wikiPage?.(title) : undefined;
    if (!match || !title || !target) return undefined;
    return { type: "wikiLink", raw: match[0], text: title, ...target };
  },
  renderer(token) {
    const { href, text, exists } = token as Tokens.Generic;
    if (exists) return `<a href="${escapeHtml(href)}" class="wiki-link">${escapeHtml(text)}</a>`;
    // A link to a page nobody wrote yet looks different and says so to screen readers.
    return `<a href="${escapeHtml(href)}" class="wiki-link wiki-link--missing">${escapeHtml(text)}<span class="govuk-visually-hidden"> (page not yet written)</span></a>`;
  },
};

const marked = new Marked({ gfm: true, breaks: false, async: false });
const linking = new Marked(
  { gfm: true, breaks: false, async: false },
  { extensions: [mention, wikiLink] },
);

/** Markdown to (unsanitized) HTML, turning known mentions and wiki links into links. */
export function parseWithLinks(markdown: string, links?: MarkdownLinks): string {
  if (!links) return marked.parse(markdown) as string;
  current = links;
  try {
    return linking.parse(markdown) as string;
  } finally {
    current = undefined;
  }
}

/** The handles a text mentions (`name` or `name@host`, lower case), outside code. */
export function writtenMentions(markdown: string): string[] {
  const found = new Set<string>();
  parseWithLinks(markdown, {
    mention: (written) => {
      found.add(written);
      return undefined;
    },
  });
  return [...found];
}
