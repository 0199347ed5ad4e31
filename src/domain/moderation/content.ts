import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { items } from "../../db/schema/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { groupsOfItem, type ItemRow } from "../items.ts";
import { type ModerationAction, recordModeration } from "./log.ts";
import {
  type ActingActor,
  assertFacilitatesRemoteGroup,
  assertMayModerateGroup,
  checkedReason,
} from "./ranks.ts";
import { resolveReportsAbout } from "./reports.ts";

/** What a facilitator's action on an item needs. */
export interface ItemAction {
  item: ItemRow;
  /** The local community whose facilitator acts; the item must be in it. */
  groupId: number;
  byActorId: ActingActor;
  reason: string;
}

/** Checks the acting facilitator and that the item is in their community and still there. */
function checked(db: Db, input: ItemAction, action: ModerationAction, optional = false): string {
  const reason = checkedReason(input.reason, optional);
  assertMayModerateGroup(db, input.groupId, input.byActorId, action);
  if (
    input.item.deletedAt ||
    !groupsOfItem(db, input.item.id).some((g) => g.id === input.groupId)
  ) {
    throw new NotFoundError("That item is not in this community");
  }
  return reason;
}

/** Changes an item and logs why, in one transaction. */
function change(
  db: Db,
  input: ItemAction,
  action: ModerationAction,
  reason: string,
  values: Partial<ItemRow>,
): ItemRow {
  return db.transaction((tx) => {
    const row = tx.update(items).set(values).where(eq(items.id, input.item.id)).returning().get();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action,
      targetItemId: input.item.id,
      reason,
    });
    // A removal settles the open reports of that post in this community.
    if (action === "remove-item") {
      resolveReportsAbout(tx as unknown as Db, {
        groupId: input.groupId,
        itemIds: [input.item.id],
        byActorId: input.byActorId,
        outcome: "removed",
        note: reason,
      });
    }
    return row;
  });
}

/** Why an action cannot be taken on this item as it stands, or null when it can. */
function conflictOf(item: ItemRow, action: ItemModeration): string | null {
  switch (action) {
    case "remove-item":
      return item.removedAt ? "That item has already been removed" : null;
    case "restore-item":
      return item.removedAt ? null : "That item has not been removed";
    case "lock":
    case "unlock":
      if (item.kind !== "topic") return "Only forum topics can be locked";
      if (Boolean(item.lockedAt) === (action === "lock")) {
        return action === "lock" ? "The topic is already locked" : "The topic is not locked";
      }
      return null;
    default:
      if (item.kind !== "topic") return "Only forum topics can be pinned";
      if (Boolean(item.pinnedAt) === (action === "pin")) {
        return action === "pin" ? "The topic is already pinned" : "The topic is not pinned";
      }
      return null;
  }
}

/** The moderation actions on an item; pinning alone needs no reason. */
export type ItemModeration = "remove-item" | "restore-item" | "lock" | "unlock" | "pin" | "unpin";

/** Runs the checks of an action on an item of a local community and returns the reason. */
function ready(db: Db, input: ItemAction, action: ItemModeration): string {
  const reason = checked(db, input, action, action === "pin" || action === "unpin");
  const conflict = conflictOf(input.item, action);
  if (conflict) throw new ConflictError(conflict);
  return reason;
}

/**
 * Checks what a facilitator of a community hosted on another server asks for here, before
 * it is sent there (that server decides, and ranks are its business): they facilitate it on
 * our copy, the item is in it and the action makes sense for the item. Returns the reason.
 */
export function checkRemoteItemAction(db: Db, input: ItemAction, action: ItemModeration): string {
  const reason = checkedReason(input.reason, action === "pin" || action === "unpin");
  assertFacilitatesRemoteGroup(db, input.groupId, input.byActorId, action);
  if (
    input.item.deletedAt ||
    !groupsOfItem(db, input.item.id).some((g) => g.id === input.groupId)
  ) {
    throw new NotFoundError("That item is not in this community");
  }
  const conflict = conflictOf(input.item, action);
  if (conflict) throw new ConflictError(conflict);
  return reason;
}

/**
 * A facilitator removes an item: it is hidden from everyone but its author and the
 * facilitators (who see why), and from lists, feeds, search and alerts, until restored.
 */
export function removeItem(db: Db, input: ItemAction): ItemRow {
  const reason = ready(db, input, "remove-item");
  return change(db, input, "remove-item", reason, { removedAt: new Date(), removedReason: reason });
}

/** A facilitator restores a removed item, as it was. */
export function restoreItem(db: Db, input: ItemAction): ItemRow {
  const reason = ready(db, input, "restore-item");
  return change(db, input, "restore-item", reason, { removedAt: null, removedReason: null });
}

/** A facilitator locks (no new replies) or unlocks a forum topic. */
export function setTopicLocked(db: Db, input: ItemAction & { locked: boolean }): ItemRow {
  const action = input.locked ? "lock" : "unlock";
  const reason = ready(db, input, action);
  return change(db, input, action, reason, { lockedAt: input.locked ? new Date() : null });
}

/** A facilitator pins a topic to the top of the forum, or unpins it; the reason is optional. */
export function setTopicPinned(db: Db, input: ItemAction & { pinned: boolean }): ItemRow {
  const action = input.pinned ? "pin" : "unpin";
  const reason = ready(db, input, action);
  return change(db, input, action, reason, { pinnedAt: input.pinned ? new Date() : null });
}

/**
 * Mirrors on our copy what a remote community announced: its facilitators removed or restored
 * an item, pinned or unpinned a topic, or locked or unlocked it. The caller has checked the group announced it and
 * that the item is in that group; the group is the authority on what it shows.
 */
export function applyRemoteModeration(
  db: Db,
  item: ItemRow,
  change: { removed: boolean; reason: string } | { pinned: boolean } | { locked: boolean },
): ItemRow {
  const values =
    "removed" in change
      ? {
          removedAt: change.removed ? new Date() : null,
          removedReason: change.removed ? change.reason : null,
        }
      : "pinned" in change
        ? { pinnedAt: change.pinned ? new Date() : null }
        : { lockedAt: change.locked ? (item.lockedAt ?? new Date()) : null };
  return db.update(items).set(values).where(eq(items.id, item.id)).returning().get();
}
