import { and, eq, lt, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { memberships, messages, wikiRevisions } from "../../db/schema/index.ts";
import { itemPlacePath } from "../item-links.ts";
import type { ItemRow } from "../items.ts";
import { communityPagePath } from "../paths.ts";
import { DIGEST_EXCERPT, excerptOf, IMMEDIATE_EXCERPT } from "./excerpt.ts";
import { type AlertEntry, type AlertLine, nameOf } from "./line-parts.ts";
import { AlertLookups } from "./lookups.ts";
import { moderationLine } from "./moderation-lines.ts";
import { parseTopic, sectionLabel } from "./topics.ts";

export type { AlertEntry, AlertLine } from "./line-parts.ts";

/** Whether a line goes into a mail of its own or into a digest with many others. */
export type LineMode = "immediate" | "digest";

/** What a line says happened, e.g. "Compost bins" or "Alice edited the page “Potholes”". */
export function headlineOf(line: AlertLine): string {
  return line.edit ? `${line.by} edited the page “${line.title}”` : line.title;
}

/** An item's title, or for a reply the title of what it belongs to. */
function titleOf(look: AlertLookups, item: ItemRow): string {
  if (item.title) return item.title;
  const root = item.rootId && item.rootId !== item.id ? look.item(item.rootId) : undefined;
  return root?.title ? `Reply to “${root.title}”` : "A reply";
}

/** Where an item is read: within a community when it is in one, else on its author's blog. */
function itemUrl(
  look: AlertLookups,
  origin: string,
  item: ItemRow,
  groupId: number | null,
): string {
  const rootId = item.rootId ?? item.id;
  const groups = look.groupsOf(rootId);
  const group = groups.find((g) => g.id === groupId) ?? groups[0] ?? null;
  const root = rootId === item.id ? item : look.item(rootId);
  const rootKind = look.rootKind(item);
  const author = root && rootKind === "entry" ? look.actor(root.authorId) : undefined;
  // The mail is about the community it names, so a local entry is linked there too (the
  // community's address redirects to the blog, anchor kept).
  const path = itemPlacePath({ item, rootKind, group, rootAuthor: group ? null : author });
  return path ? origin + path : (item.url ?? item.iri);
}

/** Where to read an edit: its comparison with the revision before it, when shown here. */
function editUrl(
  db: Db,
  look: AlertLookups,
  origin: string,
  page: ItemRow,
  revision: typeof wikiRevisions.$inferSelect,
  groupId: number | null,
): string {
  const pageUrl = itemUrl(look, origin, page, groupId);
  const before = look.derive(
    `before:${revision.id}`,
    () =>
      db
        .select({ n: max(wikiRevisions.number) })
        .from(wikiRevisions)
        .where(and(eq(wikiRevisions.itemId, page.id), lt(wikiRevisions.number, revision.number)))
        .get()?.n,
  );
  if (!before || !pageUrl.startsWith(`${origin}/`)) return pageUrl;
  return `${pageUrl}/diff?from=${before}&to=${revision.number}`;
}

/**
 * Turns a pending entry into a mail line, re-checking that the person may still see what it
 * names: an item deleted, unpublished or no longer visible to them (they left its private
 * community), a request already decided, or a community they left gives undefined. A run that
 * makes many lines passes one `look` to all of them, so shared rows are read once.
 */
export function lineForEntry(
  db: Db,
  origin: string,
  entry: AlertEntry,
  mode: LineMode,
  look = new AlertLookups(db),
): AlertLine | undefined {
  const [kind, idText, requestedAt] = entry.subject.split(":");
  const id = Number(idText);
  const topic = parseTopic(entry.topic);
  if (!topic || !Number.isInteger(id)) return undefined;
  const group = entry.groupId ? look.actor(entry.groupId) : undefined;
  const community = group ? group.name || group.handle : null;
  const excerptLength = mode === "immediate" ? IMMEDIATE_EXCERPT : DIGEST_EXCERPT;
  const excerpt = (key: string, html: string) =>
    look.derive(`excerpt:${key}:${excerptLength}`, () => excerptOf(html, excerptLength));

  if (kind === "item") {
    const item = look.item(id);
    if (!item || item.deletedAt || item.status !== "published") return undefined;
    if (!look.canView(item, entry.personId)) return undefined;
    if (topic.kind === "community" && !look.isActiveMember(topic.groupId, entry.personId)) {
      return undefined;
    }
    return {
      entryId: entry.id,
      community,
      heading:
        topic.kind === "community"
          ? sectionLabel(topic.section)
          : topic.kind === "replies"
            ? "Replies and mentions"
            : "News",
      title: titleOf(look, item),
      by: nameOf(look.actor(item.authorId)),
      url: itemUrl(look, origin, item, entry.groupId),
      excerpt: excerpt(`item:${item.id}`, item.bodyHtml),
    };
  }
  if (kind === "revision") {
    const revision = look.revision(id);
    const page = revision ? look.item(revision.itemId) : undefined;
    if (!revision || !page || page.deletedAt || page.status !== "published") return undefined;
    if (!look.canView(page, entry.personId)) return undefined;
    if (topic.kind !== "community" || !look.isActiveMember(topic.groupId, entry.personId)) {
      return undefined;
    }
    return {
      entryId: entry.id,
      community,
      heading: sectionLabel(topic.section),
      title: revision.title,
      by: nameOf(look.actor(revision.authorId)),
      url: editUrl(db, look, origin, page, revision, entry.groupId),
      // The text as this edit left it, which is what the editor's reason refers to.
      excerpt: excerpt(`revision:${revision.id}`, revision.bodyHtml),
      edit: { reason: revision.reason },
    };
  }
  if (kind === "message") {
    const message = db.select().from(messages).where(eq(messages.id, id)).get();
    if (!message || message.recipientId !== entry.personId) return undefined;
    const sender = look.actor(message.senderId);
    if (!sender) return undefined;
    const path = sender.isLocal ? sender.handle : `@${sender.handle}@${sender.host}`;
    return {
      entryId: entry.id,
      community: null,
      heading: "Direct messages",
      title: `A message from ${nameOf(sender)}`,
      by: nameOf(sender),
      url: `${origin}/messages/${path}`,
      // Digests leave a direct message's words out. A digest gathers a day or a week of
      // community news, the kind of mail people skim, forward or share with colleagues, and a
      // private conversation should not travel with it; the line still says who wrote and
      // links to the conversation. A mail about the one message quotes it, as people expect.
      excerpt: mode === "immediate" ? excerptOf(message.bodyHtml, excerptLength) : undefined,
    };
  }
  if (kind === "membership") {
    const request = db.select().from(memberships).where(eq(memberships.id, id)).get();
    if (request?.state !== "pending" || !group) return undefined;
    // An entry for an earlier request on the same row is spent: the new request has its own.
    if (requestedAt !== undefined && String(request.requestedAt?.getTime()) !== requestedAt) {
      return undefined;
    }
    if (!look.isFacilitator(request.groupId, entry.personId)) return undefined;
    const who = nameOf(look.actor(request.memberId));
    return {
      entryId: entry.id,
      community,
      heading: "Membership requests",
      title: `${who} asked to join`,
      by: who,
      url: `${origin}${communityPagePath(group.handle)}/requests`,
    };
  }
  return moderationLine(db, origin, entry, look);
}
