import type { OutgoingMail } from "../mail/outbox.ts";
import { type AlertLine, headlineOf } from "./entry-lines.ts";

// Alert mails in plain text and HTML. Both carry the same lines, grouped by community and then
// by section, each with its title, author, a short excerpt and an absolute link (a wiki edit
// says who edited which page and why instead of title and author), and both end with the
// one-click unsubscribe link that the List-Unsubscribe header also carries (RFC 8058).

/** What an alert mail says, before it is laid out. */
export interface AlertMailContent {
  to: string;
  subject: string;
  /** The opening sentence, e.g. "Here is what happened in your communities today." */
  intro: string;
  lines: AlertLine[];
  instanceName: string;
  /** The one-click unsubscribe link; also sent in List-Unsubscribe. */
  unsubscribeUrl: string;
  /** What the unsubscribe link stops, e.g. "Forum news from Garden". */
  unsubscribeLabel: string;
  settingsUrl: string;
}

/** A group of lines under one community (or none, for messages and replies) and heading. */
interface Block {
  community: string | null;
  sections: { heading: string; lines: AlertLine[] }[];
}

/** Groups lines by community (personal news first, then communities by name), then heading. */
export function groupLines(lines: AlertLine[]): Block[] {
  const blocks = new Map<string, Block>();
  for (const line of lines) {
    const key = line.community ?? "";
    let block = blocks.get(key);
    if (!block) {
      block = { community: line.community, sections: [] };
      blocks.set(key, block);
    }
    let section = block.sections.find((s) => s.heading === line.heading);
    if (!section) {
      section = { heading: line.heading, lines: [] };
      block.sections.push(section);
    }
    section.lines.push(line);
  }
  return [...blocks.values()].sort((a, b) =>
    (a.community ?? "").localeCompare(b.community ?? "", "en-GB"),
  );
}

/** Escapes text for HTML element content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function plainText(content: AlertMailContent, blocks: Block[]): string {
  const out = [content.intro, ""];
  for (const block of blocks) {
    if (block.community) out.push(block.community, "=".repeat(block.community.length), "");
    for (const section of block.sections) {
      out.push(section.heading, "-".repeat(section.heading.length));
      for (const line of section.lines) {
        out.push(
          line.summary
            ? `* ${line.title}`
            : line.edit
              ? `* ${headlineOf(line)}: ${line.edit.reason}`
              : `* ${line.title}, by ${line.by}`,
        );
        if (line.excerpt) out.push(`  ${line.excerpt}`);
        out.push(`  ${line.url}`);
      }
      out.push("");
    }
  }
  out.push(
    "-- ",
    `You get these emails from ${content.instanceName}.`,
    `Stop “${content.unsubscribeLabel}” with one click: ${content.unsubscribeUrl}`,
    `Choose what you hear about and how often: ${content.settingsUrl}`,
    "",
  );
  return out.join("\n");
}

/** One line as a list item: the linked title and who wrote it, or for an edit who changed it. */
function htmlLine(line: AlertLine): string {
  const link = `<a href="${escapeHtml(line.url)}">${escapeHtml(line.title)}</a>`;
  const what = line.summary
    ? link
    : line.edit
      ? `${escapeHtml(line.by)} edited the page ${link}: ${escapeHtml(line.edit.reason)}`
      : `${link}, by ${escapeHtml(line.by)}`;
  const excerpt = line.excerpt
    ? `<p style="margin: 0.25em 0 0.75em 0;">${escapeHtml(line.excerpt)}</p>`
    : "";
  return `<li>${what}${excerpt}</li>`;
}

function html(content: AlertMailContent, blocks: Block[]): string {
  const parts = [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(content.subject)}</title></head>`,
    `<body style="font-family: Arial, sans-serif; color: #0b0c0c;">`,
    `<p>${escapeHtml(content.intro)}</p>`,
  ];
  for (const block of blocks) {
    if (block.community) parts.push(`<h2>${escapeHtml(block.community)}</h2>`);
    const level = block.community ? "h3" : "h2";
    for (const section of block.sections) {
      parts.push(`<${level}>${escapeHtml(section.heading)}</${level}>`, "<ul>");
      for (const line of section.lines) parts.push(htmlLine(line));
      parts.push("</ul>");
    }
  }
  parts.push(
    "<hr>",
    `<p>You get these emails from ${escapeHtml(content.instanceName)}.</p>`,
    `<p><a href="${escapeHtml(content.unsubscribeUrl)}">Unsubscribe from “${escapeHtml(content.unsubscribeLabel)}”</a> (one click) or <a href="${escapeHtml(content.settingsUrl)}">choose what you hear about and how often</a>.</p>`,
    "</body></html>",
  );
  return parts.join("\n");
}

/** Lays out an alert mail in text and HTML, with the RFC 8058 one-click unsubscribe headers. */
export function alertMail(content: AlertMailContent): OutgoingMail {
  const blocks = groupLines(content.lines);
  return {
    to: content.to,
    subject: content.subject,
    text: plainText(content, blocks),
    html: html(content, blocks),
    headers: {
      "List-Unsubscribe": `<${content.unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}
