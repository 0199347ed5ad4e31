import type { Db } from "../db/client.ts";
import { getActor } from "./actors.ts";
import { groupsOfItems } from "./item-groups.ts";
import { getItem, groupsOfItem, type ItemKind, type ItemRow } from "./items.ts";
import { entryPagePath, itemPagePath } from "./paths.ts";

// Every list that links to content (search, "What's new", the live stream, alerts, feeds,
// object ids opened in a browser) must send people to the place the item is shown. Replies and
// comments have no page of their own: they are shown under the first item of their thread, so
// their link is that item's page plus an anchor. Keeping the rule in one function stops each
// list from inventing its own (search once sent replies to `/forum/{reply id}`, a 404).

/** The community an item is shown in, as far as a link needs it. */
export interface LinkGroup {
  handle: string;
  host: string;
  isLocal: boolean;
}

/** What {@link itemPlacePath} needs to know about an item and its thread. */
export interface ItemPlace {
  item: { id: number; kind: ItemKind; rootId: number | null };
  /** The kind of the thread's first item (the item's own kind when it starts the thread). */
  rootKind: ItemKind;
  /** The community the link should stay in; null when the item is in none shown here. */
  group: LinkGroup | null;
  /** The author of the thread's first item; a local author's blog entry lives on their blog. */
  rootAuthor?: { handle: string; isLocal: boolean } | null | undefined;
}

/** The path of the page showing an item, with `?reply={id}#item-{id}` for replies and comments; null when none here. */
export function itemPlacePath(place: ItemPlace): string | null {
  const { item, group, rootAuthor } = place;
  const rootId = item.rootId ?? item.id;
  // Comment threads are paged: the link names the comment so its page opens.
  const anchor = rootId === item.id ? "" : `?reply=${item.id}#item-${item.id}`;
  if (place.rootKind === "entry" && rootAuthor?.isLocal) {
    return `${entryPagePath(rootAuthor.handle, rootId)}${anchor}`;
  }
  if (!group) return null;
  // A reply whose thread start is itself a reply (its ancestors never arrived) is shown as a topic.
  const kind = place.rootKind === "reply" ? "topic" : place.rootKind;
  if (rootId === item.id) return itemPagePath({ id: rootId, kind, rootId }, group);
  // Replies and comments are placed by the rule every link to them follows (paged threads).
  return itemPagePath({ id: item.id, kind: "reply", rootId }, group, kind);
}

/**
 * Where an item stored here is shown: its place under its thread's first item, in the
 * community `preferGroupId` names when the item is in it, else in its first community. Null
 * when it is shown nowhere here (a remote author's blog entry in no community).
 */
export function itemPathOf(db: Db, item: ItemRow, preferGroupId?: number | null): string | null {
  const root = item.rootId && item.rootId !== item.id ? getItem(db, item.rootId) : item;
  const rootKind = root?.kind ?? "topic";
  let groups = groupsOfItem(db, item.id);
  if (groups.length === 0 && root && root.id !== item.id) groups = groupsOfItem(db, root.id);
  const group = groups.find((g) => g.id === preferGroupId) ?? groups[0] ?? null;
  const author = rootKind === "entry" && root ? getActor(db, root.authorId) : undefined;
  return itemPlacePath({ item, rootKind, group, rootAuthor: author });
}

/** An item's link for lists: its page here, or else its own http(s) address on its server. */
export function itemHrefOf(db: Db, item: ItemRow, preferGroupId?: number | null): string | null {
  return itemPathOf(db, item, preferGroupId) ?? httpUrlOrNull(item.url) ?? httpUrlOrNull(item.iri);
}

/** The fields of an item a link needs. */
type LinkedItem = Pick<ItemRow, "id" | "kind" | "rootId" | "authorId" | "url" | "iri">;

/**
 * The links of many items at once, as {@link itemHrefOf} gives each (no preferred community):
 * the items, their threads' first items, their communities and the blog authors come in one
 * query each, where a list of twenty search hits asked some eighty times, reading each wide
 * item row in full.
 */
export function itemHrefsOf(db: Db, ids: number[]): Map<number, string | null> {
  const load = (wanted: number[]) =>
    db.$client
      .prepare(
        `SELECT id, kind, root_id AS rootId, author_id AS authorId, url, iri FROM items
         WHERE id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(wanted)) as LinkedItem[];
  const byId = new Map(load(ids).map((r) => [r.id, r]));
  const rootIds = [...byId.values()].flatMap((r) =>
    r.rootId && r.rootId !== r.id && !byId.has(r.rootId) ? [r.rootId] : [],
  );
  for (const r of load([...new Set(rootIds)])) byId.set(r.id, r);
  const groups = groupsOfItems(db, [...byId.keys()]);
  const links = new Map<number, string | null>();
  for (const id of ids) {
    const item = byId.get(id);
    if (!item) {
      links.set(id, null);
      continue;
    }
    const root = item.rootId && item.rootId !== item.id ? byId.get(item.rootId) : item;
    const rootKind = root?.kind ?? "topic";
    let shown = groups.get(item.id) ?? [];
    if (shown.length === 0 && root && root.id !== item.id) shown = groups.get(root.id) ?? [];
    const author = rootKind === "entry" && root ? getActor(db, root.authorId) : undefined;
    const path = itemPlacePath({ item, rootKind, group: shown[0] ?? null, rootAuthor: author });
    links.set(id, path ?? httpUrlOrNull(item.url) ?? httpUrlOrNull(item.iri));
  }
  return links;
}

/** An http(s) address, or null: a list must never link to another scheme a server sent. */
function httpUrlOrNull(value: string | null | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
