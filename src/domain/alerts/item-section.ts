import type { Db } from "../../db/client.ts";
import { getItem, type ItemKind, type ItemRow } from "../items.ts";
import type { ContentSection } from "./topics.ts";

/** The section each kind of thread root belongs to. */
const SECTION_OF_KIND: Record<Exclude<ItemKind, "reply">, ContentSection> = {
  topic: "forum",
  entry: "blog",
  wiki: "wiki",
  event: "events",
  document: "documents",
  poll: "polls",
};

/**
 * The community section an item is news for. Replies are stored as "reply" items in the thread
 * of what they answer (forum topics, blog entries, documents...), so they belong to the section
 * of their thread's first item: a comment on a blog entry is blog news.
 */
export function sectionOfItem(db: Db, item: ItemRow): ContentSection {
  if (item.kind !== "reply") return SECTION_OF_KIND[item.kind];
  const root = item.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : undefined;
  if (!root || root.kind === "reply") return "forum";
  return SECTION_OF_KIND[root.kind];
}

/** The kind of an item's thread root (itself when it starts the thread). */
export function rootKindOf(db: Db, item: ItemRow): ItemKind {
  if (!item.rootId || item.rootId === item.id) return item.kind;
  return getItem(db, item.rootId)?.kind ?? "topic";
}
