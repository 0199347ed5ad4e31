import type { Db } from "../db/client.ts";
import type { ActorRow } from "./actors.ts";
import { ForbiddenError, NotFoundError } from "./errors.ts";
import { linkUploadedImages } from "./images/uploads.ts";
import {
  canModerate,
  canView,
  getItem,
  groupsOfItem,
  type ItemRow,
  insertItem,
  newItemIri,
  tombstoneItem,
  validateItemFields,
} from "./items.ts";
import { recordMentions, renderWithMentions } from "./mentions.ts";

// Comments on blog entries are "reply" items in the entry's thread, threaded like forum replies.
// Unlike forum posts they do not require membership of the entry's communities: anyone signed
// in may comment on a public entry, and a members-only entry is readable (and so open to
// comments) only by members anyway.

/** Whether someone may comment on an entry: signed in, and allowed to read it once published. */
export function mayComment(db: Db, entry: ItemRow, viewerId: number | null | undefined): boolean {
  return (
    !!viewerId && entry.status === "published" && !entry.deletedAt && canView(db, entry, viewerId)
  );
}

/** A live item of the entry's thread (the entry itself or one of its comments). */
export function findInThread(db: Db, entry: ItemRow, id: number): ItemRow | undefined {
  const item = getItem(db, id);
  return item && !item.deletedAt && (item.rootId ?? item.id) === entry.id ? item : undefined;
}

/** A local person comments on an entry, or answers one of its comments. */
export function composeComment(
  db: Db,
  origin: string,
  input: { author: ActorRow; entry: ItemRow; parent?: ItemRow | undefined; body: string },
): ItemRow {
  const { entry, author } = input;
  if (!mayComment(db, entry, author.id)) {
    throw new ForbiddenError("You cannot comment on this entry");
  }
  const parent = input.parent ?? entry;
  if (parent.deletedAt || (parent.rootId ?? parent.id) !== entry.id) {
    throw new NotFoundError("The comment you answered no longer exists");
  }
  validateItemFields("reply", { body: input.body });
  // The comment joins the entry's communities so it is listed, delivered and protected with it.
  const body = renderWithMentions(db, origin, input.body);
  const comment = insertItem(db, {
    kind: "reply",
    iri: newItemIri(origin, "reply"),
    authorId: author.id,
    groupIds: groupsOfItem(db, entry.id).map((g) => g.id),
    parentId: parent.id,
    bodySource: input.body,
    bodyHtml: body.html,
    visibility: entry.visibility,
    isLocal: true,
  });
  recordMentions(
    db,
    comment.id,
    body.mentioned.map((p) => p.id),
  );
  linkUploadedImages(db, comment.id, author.id, input.body);
  return comment;
}

/** Whether someone may edit a comment: only its author, and only a comment written here. */
export function mayEditComment(comment: ItemRow, actorId: number | null | undefined): boolean {
  return comment.isLocal && comment.authorId === actorId;
}

/**
 * Whether someone may delete a comment: its author, the author of the entry (it is their blog),
 * a facilitator of one of its local communities, or an admin.
 */
export function mayDeleteComment(
  db: Db,
  entry: ItemRow,
  comment: ItemRow,
  actorId: number | null | undefined,
): boolean {
  if (!actorId) return false;
  if (entry.isLocal && entry.authorId === actorId) return true;
  return comment.isLocal && canModerate(db, comment, actorId);
}

/** Deletes a comment, leaving a tombstone so the answers to it keep their place. */
export function deleteComment(
  db: Db,
  entry: ItemRow,
  comment: ItemRow,
  byActorId: number,
): ItemRow {
  if (comment.deletedAt) return comment;
  if (!mayDeleteComment(db, entry, comment, byActorId)) {
    throw new ForbiddenError("You can only delete your own comments");
  }
  return tombstoneItem(db, comment);
}
