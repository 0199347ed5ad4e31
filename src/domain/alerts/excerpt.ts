import { htmlToPlainText } from "../html.ts";

// Alert mails quote the start of what they announce, so a reader can tell whether to follow
// the link. The quote is plain text cut from the stored (already sanitized) HTML; the mail's
// HTML part escapes it like every other text.

/** How many characters of a post an immediate mail quotes. */
export const IMMEDIATE_EXCERPT = 280;
/** How many characters a digest quotes for each line, as a digest lists many. */
export const DIGEST_EXCERPT = 140;

/** Block elements, whose edges separate words even where the HTML has no space between them. */
const BLOCK_TAG =
  /<\/?(?:p|div|br|hr|li|ul|ol|dl|dt|dd|h[1-6]|blockquote|pre|table|caption|tr|th|td)\b[^>]*>/gi;

/**
 * The start of some HTML as one line of plain text of at most `max` characters, cut at a word
 * boundary and ending in an ellipsis when shortened; undefined when there is no text.
 */
export function excerptOf(html: string, max: number): string | undefined {
  const text = htmlToPlainText(html.replace(BLOCK_TAG, " ")).replace(/\s+/g, " ").trim();
  if (text.length === 0) return undefined;
  // Count characters, not UTF-16 units, so a cut never splits an emoji in two.
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  // One character is kept for the ellipsis.
  const cut = chars.slice(0, max - 1).join("");
  const endsAtWord = chars[max - 1] === " ";
  const space = cut.lastIndexOf(" ");
  // A very long word (a link, say) is cut where it must be rather than dropped with its text.
  const head = endsAtWord || space < cut.length / 2 ? cut : cut.slice(0, space);
  return `${head.replace(/[\s,.;:!?\-–—]+$/u, "")}…`;
}
