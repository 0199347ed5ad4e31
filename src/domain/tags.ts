import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { taggings, tags } from "../db/schema/index.ts";
import { isAdministrator } from "./administrators.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import { canView, groupsOfItem, type ItemRow } from "./items.ts";
import { isActiveMember, isFacilitator } from "./membership.ts";
import { viewerParam, visibleItemSql } from "./visible-items.ts";

/** A row of the tags table. */
export type TagRow = typeof tags.$inferSelect;

const MAX_TAG = 50;

/**
 * A tag as typed, with a leading # dropped and every run of spaces or punctuation made one
 * hyphen, so that a phrase such as "gov.uk forms" becomes "gov-uk-forms": a Hashtag's name
 * can carry only letters, digits, hyphens and underscores.
 */
function tagForm(raw: string): string {
  return raw
    .trim()
    .replace(/^#+/, "")
    .replace(/[^\p{L}\p{N}_]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

/** The key form of a tag: punctuation and spaces as hyphens, lower-case. */
export function normaliseTag(raw: string): string {
  return tagForm(raw).toLowerCase();
}

/** Checks a tag someone typed and returns its key and display forms. */
export function parseTag(raw: string): { name: string; display: string } {
  const display = tagForm(raw);
  const name = display.toLowerCase();
  if (name.length === 0)
    throw new ValidationError([{ field: "tag", message: "Enter a tag using letters or numbers" }]);
  if (name.length > MAX_TAG)
    throw new ValidationError([
      { field: "tag", message: `A tag must be ${MAX_TAG} characters or fewer` },
    ]);
  return { name, display };
}

/**
 * Several tags typed at once, separated by commas, each checked; duplicates are dropped. A
 * refusal names the tag it is about, so the person knows which to change.
 */
export function parseTags(raw: string): { name: string; display: string }[] {
  const parts = raw.split(",").filter((part) => part.trim() !== "");
  if (parts.length === 0) return [parseTag("")];
  const seen = new Map<string, { name: string; display: string }>();
  for (const part of parts) {
    try {
      const tag = parseTag(part);
      if (!seen.has(tag.name)) seen.set(tag.name, tag);
    } catch (error) {
      if (!(error instanceof ValidationError) || parts.length === 1) throw error;
      throw new ValidationError([
        { field: "tag", message: `"${part.trim()}": ${error.errors[0]?.message ?? "not a tag"}` },
      ]);
    }
  }
  return [...seen.values()];
}

/** Finds a tag by its key name. */
export function findTag(db: Db, name: string): TagRow | undefined {
  return db
    .select()
    .from(tags)
    .where(eq(tags.name, normaliseTag(name)))
    .get();
}

function ensureTag(db: Db, raw: string): TagRow {
  const { name, display } = parseTag(raw);
  return (
    db.select().from(tags).where(eq(tags.name, name)).get() ??
    db.insert(tags).values({ name, display }).returning().get()
  );
}

/** Whether someone may tag an item: they must see it and be an active member of one of its groups. */
export function canTag(db: Db, item: ItemRow, actorId: number | null | undefined): boolean {
  if (!actorId || item.deletedAt || !canView(db, item, actorId)) return false;
  if (item.authorId === actorId) return true;
  return groupsOfItem(db, item.id).some((g) => isActiveMember(db, g.id, actorId));
}

/** A member puts a tag on an item; tagging twice with the same tag changes nothing. */
export function addTag(db: Db, item: ItemRow, taggerId: number, raw: string): TagRow {
  if (!canTag(db, item, taggerId))
    throw new ForbiddenError("Only members of this community can tag its items");
  const tag = ensureTag(db, raw);
  db.insert(taggings)
    .values({ itemId: item.id, tagId: tag.id, taggerId })
    .onConflictDoNothing()
    .run();
  return tag;
}

/** Whether someone may remove anybody's tags on an item: a facilitator of its group or an admin. */
export function canRemoveAnyTag(db: Db, item: ItemRow, actorId: number): boolean {
  if (groupsOfItem(db, item.id).some((g) => g.isLocal && isFacilitator(db, g.id, actorId)))
    return true;
  return isAdministrator(db, actorId);
}

/**
 * Removes a tag from an item: people remove their own tagging; facilitators and admins remove
 * the tag altogether (everyone's taggings of it). Returns how many taggings went.
 */
export function removeTag(db: Db, item: ItemRow, byActorId: number, name: string): number {
  const tag = findTag(db, name);
  if (!tag) throw new NotFoundError("That tag is not on this item");
  const own = and(
    eq(taggings.itemId, item.id),
    eq(taggings.tagId, tag.id),
    eq(taggings.taggerId, byActorId),
  );
  const mine = db.select().from(taggings).where(own).get();
  if (canRemoveAnyTag(db, item, byActorId)) {
    return db
      .delete(taggings)
      .where(and(eq(taggings.itemId, item.id), eq(taggings.tagId, tag.id)))
      .run().changes;
  }
  if (!mine) throw new ForbiddenError("You can only remove tags you added");
  return db.delete(taggings).where(own).run().changes;
}

/** A tag on an item with the people who added it. */
export interface ItemTag {
  name: string;
  display: string;
  taggers: { id: number; name: string; handle: string; host: string }[];
}

/** The tags on an item, alphabetically, each with who added it. */
export function tagsOfItem(db: Db, itemId: number): ItemTag[] {
  const rows = db.$client
    .prepare(
      `SELECT t.name, t.display, a.id, a.name AS actorName, a.handle, a.host
       FROM taggings tg JOIN tags t ON t.id = tg.tag_id JOIN actors a ON a.id = tg.tagger_id
       WHERE tg.item_id = ? ORDER BY t.name, tg.id`,
    )
    .all(itemId) as {
    name: string;
    display: string;
    id: number;
    actorName: string;
    handle: string;
    host: string;
  }[];
  const byName = new Map<string, ItemTag>();
  for (const r of rows) {
    const tag = byName.get(r.name) ?? { name: r.name, display: r.display, taggers: [] };
    tag.taggers.push({ id: r.id, name: r.actorName, handle: r.handle, host: r.host });
    byName.set(r.name, tag);
  }
  return [...byName.values()];
}

/** An item carrying a tag, as listed on a tag page. */
export interface TaggedItem {
  id: number;
  kind: ItemRow["kind"];
  title: string;
  publishedAt: Date;
  authorName: string;
  groupHandle: string | null;
  groupName: string | null;
}

/** Items with a tag that the viewer may see, newest first, a page at a time. */
export function itemsWithTag(
  db: Db,
  viewerId: number | null | undefined,
  name: string,
  page = 1,
  perPage = 20,
): { items: TaggedItem[]; total: number } {
  const params = { viewer: viewerParam(viewerId), name: normaliseTag(name) };
  const from = `FROM items i WHERE ${visibleItemSql("i")} AND i.id IN (
      SELECT tg.item_id FROM taggings tg JOIN tags t ON t.id = tg.tag_id WHERE t.name = @name)`;
  const total = (
    db.$client.prepare(`SELECT COUNT(*) AS n ${from}`).get(params) as {
      n: number;
    }
  ).n;
  const rows = db.$client
    .prepare(
      `SELECT i.id, i.kind, i.title, i.published_at AS publishedAt, a.name AS authorName,
         (SELECT g.handle FROM item_groups ig JOIN actors g ON g.id = ig.group_id
          WHERE ig.item_id = i.id LIMIT 1) AS groupHandle,
         (SELECT g.name FROM item_groups ig JOIN actors g ON g.id = ig.group_id
          WHERE ig.item_id = i.id LIMIT 1) AS groupName
       FROM items i JOIN actors a ON a.id = i.author_id
       WHERE i.id IN (SELECT i.id ${from})
       ORDER BY i.published_at DESC LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: perPage, offset: (Math.max(1, page) - 1) * perPage }) as (Omit<
    TaggedItem,
    "publishedAt"
  > & { publishedAt: number })[];
  return { items: rows.map((r) => ({ ...r, publishedAt: new Date(r.publishedAt) })), total };
}

/**
 * Mirrors the hashtags of a remote item's object: names new to the item become taggings by
 * `actorId` (the author, who is the only one the remote object speaks for), and that actor's
 * taggings whose names left the object go. Invalid names are skipped, not fatal.
 */
export function saveRemoteHashtags(db: Db, item: ItemRow, names: string[], actorId: number): void {
  const wanted = new Map<string, string>();
  for (const raw of names) {
    try {
      const parsed = parseTag(raw);
      wanted.set(parsed.name, raw);
    } catch {
      // A hashtag we cannot store as a tag (too long, odd characters) is simply not mirrored.
    }
  }
  db.transaction((tx) => {
    const current = tx
      .select({ id: taggings.id, name: tags.name, taggerId: taggings.taggerId })
      .from(taggings)
      .innerJoin(tags, eq(tags.id, taggings.tagId))
      .where(eq(taggings.itemId, item.id))
      .all();
    const present = new Set(current.map((c) => c.name));
    for (const c of current) {
      if (c.taggerId === actorId && !wanted.has(c.name))
        tx.delete(taggings).where(eq(taggings.id, c.id)).run();
    }
    for (const [name, raw] of wanted) {
      if (present.has(name)) continue;
      const tag = ensureTag(tx as unknown as Db, raw);
      tx.insert(taggings)
        .values({ itemId: item.id, tagId: tag.id, taggerId: actorId })
        .onConflictDoNothing()
        .run();
    }
  });
}
