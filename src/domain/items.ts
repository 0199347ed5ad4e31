import { randomUUID } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { frozen, keptByIdUntilChange } from "../db/generation.ts";
import { inIdList, preparedQuery } from "../db/prepared.ts";
import { actors, itemGroups, items } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { findCommunityByActorId } from "./communities.ts";
import { acceptsContributions } from "./community-state.ts";
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from "./errors.ts";
import { linkUploadedImages, missingAltText } from "./images/uploads.ts";
import { groupsOfItem } from "./item-groups.ts";
import { isActiveMember, isFacilitator } from "./membership.ts";
import { recordMentions, renderWithMentions } from "./mentions.ts";

// Where an item is published lives in item-groups.ts; most callers have always found it here.
export { groupsOfItem, readGroupsOfItemsAhead } from "./item-groups.ts";

import { isAdministrator } from "./administrators.ts";
import { assertMayStartThread } from "./moderation/announcement.ts";

/** A row of the items table. */
export type ItemRow = typeof items.$inferSelect;
/** What an item is: forum topic or reply, blog entry, wiki page, event or document. */
export type ItemKind = ItemRow["kind"];

/** The ActivityStreams type each kind is published as, which also names its id's path. */
export const ITEM_OBJECT_TYPE: Record<
  ItemKind,
  "Page" | "Note" | "Article" | "Event" | "Question"
> = {
  topic: "Page",
  reply: "Note",
  entry: "Article",
  wiki: "Article",
  event: "Event",
  document: "Article",
  poll: "Question",
};

/** A fresh id for a local item of a kind, e.g. `https://copse.example/ap/pages/<uuid>`. */
export function newItemIri(origin: string, kind: ItemKind): string {
  return `${origin}/ap/${ITEM_OBJECT_TYPE[kind]!.toLowerCase()}s/${randomUUID()}`;
}

/** Everything needed to store an item, local or remote. */
export interface ItemInput {
  kind: ItemKind;
  iri: string;
  authorId: number;
  groupIds: number[];
  parentId?: number | null;
  title?: string;
  summary?: string;
  bodySource?: string | null;
  bodyHtml: string;
  url?: string | null;
  visibility: "public" | "members";
  isLocal: boolean;
  status?: "published" | "draft";
  publishedAt?: Date;
  updatedAt?: Date;
}

const TITLED: ItemKind[] = ["topic", "entry", "wiki", "event", "document", "poll"];
const MAX_TITLE = 200;
const MAX_BODY = 100_000;

/** Checks the fields a person typed for a new or edited item. */
export function validateItemFields(kind: ItemKind, fields: { title?: string; body: string }): void {
  const errors: FieldError[] = [];
  const title = fields.title?.trim() ?? "";
  if (TITLED.includes(kind) && title.length === 0)
    errors.push({ field: "title", message: "Enter a title" });
  if (title.length > MAX_TITLE)
    errors.push({ field: "title", message: `Title must be ${MAX_TITLE} characters or fewer` });
  // Events, documents and polls say what they are in their own fields; a description is optional.
  if (!["event", "document", "poll"].includes(kind) && fields.body.trim().length === 0) {
    errors.push({
      field: "body",
      message: kind === "reply" ? "Write your reply" : "Write something in the body",
    });
  }
  if (fields.body.length > MAX_BODY)
    errors.push({ field: "body", message: "The text is too long (100,000 characters at most)" });
  const noAlt = missingAltText(fields.body);
  if (noAlt) errors.push({ field: "body", message: noAlt });
  if (errors.length > 0) throw new ValidationError(errors);
}

/** Stores an item and links it to its groups; replies join their parent's thread. */
export function insertItem(db: Db, input: ItemInput): ItemRow {
  const now = new Date();
  return db.transaction((tx) => {
    const parent = input.parentId
      ? tx.select().from(items).where(eq(items.id, input.parentId)).get()
      : undefined;
    const published = input.publishedAt ?? now;
    let row = tx
      .insert(items)
      .values({
        kind: input.kind,
        iri: input.iri,
        authorId: input.authorId,
        parentId: parent?.id ?? null,
        rootId: parent ? (parent.rootId ?? parent.id) : null,
        title: input.title?.trim() ?? "",
        summary: input.summary?.trim() ?? "",
        bodySource: input.bodySource ?? null,
        bodyHtml: input.bodyHtml,
        url: input.url ?? null,
        visibility: input.visibility,
        status: input.status ?? "published",
        isLocal: input.isLocal,
        publishedAt: published,
        updatedAt: input.updatedAt ?? published,
        activityAt: published,
      })
      .returning()
      .get();
    if (!parent) {
      row = tx.update(items).set({ rootId: row.id }).where(eq(items.id, row.id)).returning().get();
    } else {
      // A reply makes its whole thread current again.
      tx.update(items).set({ activityAt: published }).where(eq(items.id, row.rootId!)).run();
    }
    for (const groupId of new Set(input.groupIds))
      tx.insert(itemGroups).values({ itemId: row.id, groupId }).run();
    return row;
  });
}

/** Whether every group is one the author may post in (an active member of each). */
function assertMayPost(db: Db, authorId: number, groups: ActorRow[]): void {
  for (const group of groups) {
    if (!isActiveMember(db, group.id, authorId)) {
      throw new ForbiddenError(`Only members of ${group.name} can post there`);
    }
    if (!acceptsContributions(db, group.id)) {
      throw new ForbiddenError(`${group.name} is closed: nothing new can be posted there`);
    }
  }
}

/** Members-only when any of the groups is private (local setting, or the remote group's flag). */
export function visibilityFor(db: Db, groups: ActorRow[]): "public" | "members" {
  const isPrivate = groups.some((g) => {
    const community = findCommunityByActorId(db, g.id);
    return community ? community.visibility === "private" : g.manuallyApprovesFollowers;
  });
  return isPrivate ? "members" : "public";
}

/** A local person writes a new item (or a reply) in Markdown into some groups. */
export function composeItem(
  db: Db,
  origin: string,
  input: {
    kind: ItemKind;
    author: ActorRow;
    groups: ActorRow[];
    parent?: ItemRow;
    title?: string;
    summary?: string;
    body: string;
    status?: "published" | "draft";
  },
): ItemRow {
  validateItemFields(input.kind, { title: input.title, body: input.body });
  assertMayPost(db, input.author.id, input.groups);
  // Replies stay open to members; a new thread may need a facilitator.
  if (!input.parent) assertMayStartThread(db, input.groups, input.author.id);
  if (
    input.parent &&
    (input.parent.deletedAt ||
      input.parent.removedAt ||
      !canView(db, input.parent, input.author.id))
  ) {
    throw new NotFoundError("That item no longer exists");
  }
  if (input.parent && threadIsLocked(db, input.parent)) {
    throw new ForbiddenError("This topic is locked: a facilitator has closed it to new replies");
  }
  const body = renderWithMentions(db, origin, input.body);
  const row = insertItem(db, {
    kind: input.kind,
    iri: newItemIri(origin, input.kind),
    authorId: input.author.id,
    groupIds: input.groups.map((g) => g.id),
    parentId: input.parent?.id ?? null,
    title: input.title,
    summary: input.summary,
    bodySource: input.body,
    bodyHtml: body.html,
    url: null,
    visibility: input.parent ? input.parent.visibility : visibilityFor(db, input.groups),
    isLocal: true,
    status: input.status,
  });
  recordMentions(
    db,
    row.id,
    body.mentioned.map((p) => p.id),
  );
  linkUploadedImages(db, row.id, input.author.id, input.body);
  return row;
}

/** Finds an item by database id. */
export function getItem(db: Db, id: number): ItemRow | undefined {
  return itemById(db).get({ id });
}

const itemById = preparedQuery((db) =>
  db
    .select()
    .from(items)
    .where(eq(items.id, sql.placeholder("id")))
    .prepare(),
);

/** Finds an item by ActivityPub id. */
export function findItemByIri(db: Db, iri: string): ItemRow | undefined {
  return itemByIri(db).get({ iri });
}

// Every incoming post, reply and vote looks up what it names by id, often more than once.
const itemByIri = preparedQuery((db) =>
  db
    .select()
    .from(items)
    .where(eq(items.iri, sql.placeholder("iri")))
    .prepare(),
);

/**
 * Whether someone may see an item: drafts only by their author, members-only items only by
 * active members of one of its groups, everything else by anyone.
 */
export function canView(db: Db, item: ItemRow, viewerId: number | null | undefined): boolean {
  if (item.removedAt) return maySeeRemoved(db, item, viewerId);
  return mayView(item, viewerId, (id) =>
    groupsOfItem(db, item.id).some((g) => isActiveMember(db, g.id, id)),
  );
}

/**
 * Whether a viewer may see an item a facilitator removed: its author (to see why) and the
 * facilitators of its communities (to restore it), including people here who facilitate a
 * community hosted elsewhere (as that community announced); nobody else.
 */
export function maySeeRemoved(db: Db, item: ItemRow, viewerId: number | null | undefined): boolean {
  if (!viewerId) return false;
  if (viewerId === item.authorId) return true;
  return groupsOfItem(db, item.id).some((g) => isFacilitator(db, g.id, viewerId));
}

/** Whether the thread an item is in takes no new replies (a facilitator locked its topic). */
export function threadIsLocked(db: Db, item: ItemRow): boolean {
  if (item.lockedAt) return true;
  if (!item.rootId || item.rootId === item.id) return false;
  return Boolean(db.select().from(items).where(eq(items.id, item.rootId)).get()?.lockedAt);
}

/**
 * The rule behind {@link canView}, with "is the viewer an active member of one of the item's
 * groups?" asked only when needed, so callers that check many items can answer it from memory.
 */
export function mayView(
  item: ItemRow,
  viewerId: number | null | undefined,
  memberOfAGroup: (viewerId: number) => boolean,
): boolean {
  if (item.status === "draft") return viewerId === item.authorId;
  // Lists and alerts ask with memberships from memory; a removed item stays out of them.
  if (item.removedAt) return false;
  if (item.visibility === "public") return true;
  if (!viewerId) return false;
  if (viewerId === item.authorId) return true;
  return memberOfAGroup(viewerId);
}

/** Whether someone may edit or delete an item: its author, a facilitator of its group, or an admin. */
export function canModerate(db: Db, item: ItemRow, actorId: number): boolean {
  if (item.authorId === actorId) return true;
  if (groupsOfItem(db, item.id).some((g) => g.isLocal && isFacilitator(db, g.id, actorId)))
    return true;
  return isAdministrator(db, actorId);
}

/** A local person edits an item's title and body (author or facilitator only). */
export function editItem(
  db: Db,
  item: ItemRow,
  byActorId: number,
  fields: { title?: string; summary?: string; body: string; status?: "published" | "draft" },
): ItemRow {
  if (item.deletedAt) throw new NotFoundError("That item has been deleted");
  // A copy of a post from another server is changed only by its author, over there.
  if (!item.isLocal || !canModerate(db, item, byActorId))
    throw new ForbiddenError("You can only change your own posts");
  validateItemFields(item.kind, { title: fields.title ?? item.title, body: fields.body });
  // A local item's id is on this server, so its origin is this server's.
  const body = renderWithMentions(db, new URL(item.iri).origin, fields.body);
  recordMentions(
    db,
    item.id,
    body.mentioned.map((p) => p.id),
  );
  linkUploadedImages(db, item.id, byActorId, fields.body);
  return db
    .update(items)
    .set({
      title: fields.title?.trim() ?? item.title,
      summary: fields.summary?.trim() ?? item.summary,
      bodySource: fields.body,
      bodyHtml: body.html,
      status: fields.status ?? item.status,
      updatedAt: new Date(),
    })
    .where(eq(items.id, item.id))
    .returning()
    .get();
}

/** Turns an item into a tombstone: content gone, id kept so links and threads still resolve. */
export function tombstoneItem(db: Db, item: ItemRow): ItemRow {
  return db
    .update(items)
    .set({ title: "", summary: "", bodySource: null, bodyHtml: "", deletedAt: new Date() })
    .where(eq(items.id, item.id))
    .returning()
    .get();
}

/** Takes an item out of one community and nothing more; returns how many it is still in. */
export function unlinkItemFromGroup(db: Db, item: ItemRow, groupId: number): number {
  db.delete(itemGroups)
    .where(and(eq(itemGroups.itemId, item.id), eq(itemGroups.groupId, groupId)))
    .run();
  return db.select().from(itemGroups).where(eq(itemGroups.itemId, item.id)).all().length;
}

/**
 * Takes an item out of one community (a remote community's moderators removed it there) and
 * returns the communities it is still in; an item in none is a tombstone.
 */
export function removeItemFromGroup(db: Db, item: ItemRow, groupId: number): ActorRow[] {
  unlinkItemFromGroup(db, item, groupId);
  const remaining = groupsOfItem(db, item.id);
  if (remaining.length === 0) tombstoneItem(db, item);
  return remaining;
}

/** A local person deletes an item (author, facilitator or admin only). */
export function deleteItem(db: Db, item: ItemRow, byActorId: number): ItemRow {
  if (item.deletedAt) return item;
  if (!item.isLocal || !canModerate(db, item, byActorId))
    throw new ForbiddenError("You can only delete your own posts");
  return tombstoneItem(db, item);
}

/** Applies a remote author's new version of an item (already checked and sanitized). */
export function applyRemoteEdit(
  db: Db,
  item: ItemRow,
  fields: { title: string; summary: string; bodyHtml: string; url: string | null; updatedAt: Date },
): ItemRow {
  return db.update(items).set(fields).where(eq(items.id, item.id)).returning().get();
}

/** Every non-deleted item of a thread below its root, oldest first. */
export function threadItems(db: Db, rootId: number): ItemRow[] {
  return db
    .select()
    .from(items)
    .where(and(eq(items.rootId, rootId), isNull(items.deletedAt)))
    .orderBy(items.publishedAt)
    .all()
    .filter((i) => i.id !== rootId);
}

/** The authors of some items, by id, in one query. */
export function authorsOf(db: Db, rows: ItemRow[]): Map<number, ActorRow> {
  const ids = [...new Set(rows.map((r) => r.authorId))];
  if (ids.length === 0) return new Map();
  // Every page of posts names their authors, mostly the same people: kept until a change,
  // frozen as requests share them.
  return keptAuthors(
    db,
    ids,
    (missing) =>
      new Map(
        actorsById(db)
          .all({ ids: JSON.stringify(missing) })
          .map((a) => [a.id, frozen(a)]),
      ),
  );
}

const keptAuthors = keptByIdUntilChange<ActorRow>(5_000);

// Prepared once per database: every list and thread page names its posts' authors.
const actorsById = preparedQuery((db) =>
  db.select().from(actors).where(inIdList(actors.id)).prepare(),
);
