import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { type alertEntries, memberships, messages } from "../../db/schema/index.ts";
import { type ActorRow, getActor } from "../actors.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../items.ts";
import { isActiveMember, isFacilitator } from "../membership.ts";
import { communityPagePath, entryPagePath, itemPagePath } from "../paths.ts";
import { rootKindOf } from "./item-section.ts";
import { parseTopic, sectionLabel } from "./topics.ts";

/** A row of the alert_entries table. */
export type AlertEntry = typeof alertEntries.$inferSelect;

/** One line of an alert mail: what happened, who did it, and where to read it. */
export interface AlertLine {
  entryId: number;
  /** The community it happened in; null for messages and replies. */
  community: string | null;
  /** The heading it is listed under: a section name, "Direct messages" or "Replies to you". */
  heading: string;
  title: string;
  by: string;
  /** Absolute link to the page (the mail is read outside the site). */
  url: string;
}

/** How an actor is named in a mail. */
function nameOf(actor: ActorRow | undefined): string {
  if (!actor) return "someone";
  return actor.name || `@${actor.handle}@${actor.host}`;
}

/** An item's title, or for a reply the title of what it belongs to. */
function titleOf(db: Db, item: ItemRow): string {
  if (item.title) return item.title;
  const root = item.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : undefined;
  return root?.title ? `Reply to “${root.title}”` : "A reply";
}

/** Where an item is read: within a community when it is in one, else on its author's blog. */
function itemUrl(db: Db, origin: string, item: ItemRow, groupId: number | null): string {
  const rootId = item.rootId ?? item.id;
  const groups = groupsOfItem(db, rootId);
  const group = groups.find((g) => g.id === groupId) ?? groups[0];
  if (group) return origin + itemPagePath(item, group, rootKindOf(db, item));
  const root = rootId === item.id ? item : getItem(db, rootId);
  const author = root ? getActor(db, root.authorId) : undefined;
  if (root?.kind === "entry" && author?.isLocal) {
    return `${origin}${entryPagePath(author.handle, root.id)}${root.id === item.id ? "" : `#item-${item.id}`}`;
  }
  return item.url ?? item.iri;
}

/**
 * Turns a pending entry into a mail line, re-checking that the person may still see what it
 * names: an item deleted, unpublished or no longer visible to them (they left its private
 * community), a request already decided, or a community they left gives undefined.
 */
export function lineForEntry(db: Db, origin: string, entry: AlertEntry): AlertLine | undefined {
  const [kind, idText] = entry.subject.split(":");
  const id = Number(idText);
  const topic = parseTopic(entry.topic);
  if (!topic || !Number.isInteger(id)) return undefined;
  const group = entry.groupId ? getActor(db, entry.groupId) : undefined;
  const community = group ? group.name || group.handle : null;

  if (kind === "item") {
    const item = getItem(db, id);
    if (!item || item.deletedAt || item.status !== "published") return undefined;
    if (!canView(db, item, entry.personId)) return undefined;
    if (topic.kind === "community" && !isActiveMember(db, topic.groupId, entry.personId)) {
      return undefined;
    }
    return {
      entryId: entry.id,
      community,
      heading:
        topic.kind === "community"
          ? sectionLabel(topic.section)
          : topic.kind === "replies"
            ? "Replies to you"
            : "News",
      title: titleOf(db, item),
      by: nameOf(getActor(db, item.authorId)),
      url: itemUrl(db, origin, item, entry.groupId),
    };
  }
  if (kind === "message") {
    const message = db.select().from(messages).where(eq(messages.id, id)).get();
    if (!message || message.recipientId !== entry.personId) return undefined;
    const sender = getActor(db, message.senderId);
    if (!sender) return undefined;
    const path = sender.isLocal ? sender.handle : `@${sender.handle}@${sender.host}`;
    return {
      entryId: entry.id,
      community: null,
      heading: "Direct messages",
      title: `A message from ${nameOf(sender)}`,
      by: nameOf(sender),
      url: `${origin}/messages/${path}`,
    };
  }
  if (kind === "membership") {
    const request = db.select().from(memberships).where(eq(memberships.id, id)).get();
    if (request?.state !== "pending" || !group) return undefined;
    if (!isFacilitator(db, request.groupId, entry.personId)) return undefined;
    const who = nameOf(getActor(db, request.memberId));
    return {
      entryId: entry.id,
      community,
      heading: "Membership requests",
      title: `${who} asked to join`,
      by: who,
      url: `${origin}${communityPagePath(group.handle)}/requests`,
    };
  }
  return undefined;
}
