import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { memberships } from "../../db/schema/index.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { findMembership, type Membership } from "../membership.ts";
import { recordModeration } from "./log.ts";
import type { MemberAction } from "./members.ts";
import {
  assertMayModerateGroup,
  checkedReason,
  facilitatorsBySeniority,
  outranks,
  refuse,
} from "./ranks.ts";

/**
 * A facilitator makes an active member (local, or with their account on another instance) a
 * co-facilitator. Their appointment time sets their seniority.
 */
export function appointFacilitator(db: Db, input: MemberAction): Membership {
  const reason = checkedReason(input.reason);
  assertMayModerateGroup(db, input.groupId, input.byActorId, "appoint");
  const target = findMembership(db, input.groupId, input.targetId);
  if (target?.state !== "active") {
    throw new NotFoundError("Only an active member can be made a facilitator");
  }
  if (target.role === "facilitator") throw new ConflictError("They are already a facilitator");
  return db.transaction((tx) => {
    const row = tx
      .update(memberships)
      .set({ role: "facilitator", appointedAt: new Date() })
      .where(eq(memberships.id, target.id))
      .returning()
      .get();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "appoint",
      targetActorId: input.targetId,
      reason,
    });
    return row;
  });
}

/**
 * A facilitator stops being one (they stay a member). Others may dismiss only facilitators
 * who have served less long than they have; anyone may step down unless they are the last.
 */
export function dismissFacilitator(db: Db, input: MemberAction): Membership {
  const reason = checkedReason(input.reason);
  assertMayModerateGroup(db, input.groupId, input.byActorId, "dismiss");
  const target = findMembership(db, input.groupId, input.targetId);
  if (target?.state !== "active" || target.role !== "facilitator") {
    throw new NotFoundError("That person is not a facilitator here");
  }
  if (input.byActorId !== input.targetId && !outranks(db, input.groupId, input.byActorId, target)) {
    refuse(
      "dismiss",
      input.groupId,
      input.byActorId,
      "a facilitator who has served longer than you",
    );
  }
  if (facilitatorsBySeniority(db, input.groupId).length <= 1) {
    throw new ConflictError("A community needs at least one facilitator. Appoint another first.");
  }
  return db.transaction((tx) => {
    const row = tx
      .update(memberships)
      .set({ role: "member", appointedAt: null })
      .where(eq(memberships.id, target.id))
      .returning()
      .get();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "dismiss",
      targetActorId: input.targetId,
      reason,
    });
    return row;
  });
}
