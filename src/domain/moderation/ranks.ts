import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { communities, memberships } from "../../db/schema/index.ts";
import { logger } from "../../logging.ts";
import { isAdministrator } from "../administrators.ts";
import { type FieldError, ForbiddenError, ValidationError } from "../errors.ts";
import { findMembership, type Membership } from "../membership.ts";

const log = logger("domain", "moderation");

/**
 * Who acts: an actor id (a facilitator here or on another instance, or an instance admin), or
 * null for the instance administrator acting from the command line.
 */
export type ActingActor = number | null;

const MAX_REASON = 1000;

/** Whether an actor may moderate a local community: an active facilitator, or an admin. */
export function mayModerateGroup(db: Db, groupId: number, actorId: ActingActor): boolean {
  if (actorId === null) return true;
  const m = findMembership(db, groupId, actorId);
  if (m?.state === "active" && m.role === "facilitator") return true;
  return isAdministrator(db, actorId);
}

/** Throws ForbiddenError (and logs why) unless the actor may moderate the community. */
export function assertMayModerateGroup(
  db: Db,
  groupId: number,
  actorId: ActingActor,
  action: string,
): void {
  if (!db.select().from(communities).where(eq(communities.actorId, groupId)).get()) {
    refuse(action, groupId, actorId, "the community is not hosted here");
  }
  if (!mayModerateGroup(db, groupId, actorId)) {
    refuse(action, groupId, actorId, "not a facilitator of the community");
  }
}

/**
 * Throws ForbiddenError (and logs why) unless the actor is an active facilitator, on our copy,
 * of a community hosted on another server; that server checks again, with ranks.
 */
export function assertFacilitatesRemoteGroup(
  db: Db,
  groupId: number,
  actorId: ActingActor,
  action: string,
): void {
  const m = actorId === null ? undefined : findMembership(db, groupId, actorId);
  if (m?.state !== "active" || m.role !== "facilitator") {
    refuse(action, groupId, actorId, "not a facilitator of the community");
  }
}

/** Logs a refused moderation action and throws the ForbiddenError the caller shows. */
export function refuse(action: string, groupId: number, actorId: ActingActor, why: string): never {
  log.warn("Refused {action} in {group} by {actor}: {reason}", {
    action,
    group: groupId,
    actor: actorId,
    reason: why,
  });
  throw new ForbiddenError(
    why === "not a facilitator of the community"
      ? "Only the community's facilitators can do this."
      : `You cannot do this: ${why}.`,
  );
}

/**
 * When a facilitator began to serve, for seniority: the community's creator ranks first
 * whatever the dates say; others by appointment (older rows, from before appointment times
 * were kept, by when they joined).
 */
function seniority(db: Db, groupId: number, membership: Membership): number {
  const community = db.select().from(communities).where(eq(communities.actorId, groupId)).get();
  if (community?.createdById === membership.memberId) return Number.NEGATIVE_INFINITY;
  return (membership.appointedAt ?? membership.decidedAt ?? membership.createdAt).getTime();
}

/**
 * Whether `actorId` may act against the facilitator `target`: an admin always may; otherwise
 * only a facilitator who has served longer (so a newer one cannot remove the creator or
 * an older colleague).
 */
export function outranks(
  db: Db,
  groupId: number,
  actorId: ActingActor,
  target: Membership,
): boolean {
  if (target.role !== "facilitator" || target.state !== "active") return true;
  if (actorId === null) return true;
  const own = findMembership(db, groupId, actorId);
  if (own?.state !== "active" || own.role !== "facilitator") {
    // An instance admin who is not a facilitator here acts for the instance.
    return isAdministrator(db, actorId);
  }
  return seniority(db, groupId, own) < seniority(db, groupId, target);
}

/** The active facilitators of a community, longest-serving first. */
export function facilitatorsBySeniority(db: Db, groupId: number): Membership[] {
  return db
    .select()
    .from(memberships)
    .where(
      and(
        eq(memberships.groupId, groupId),
        eq(memberships.state, "active"),
        eq(memberships.role, "facilitator"),
      ),
    )
    .all()
    .sort((a, b) => seniority(db, groupId, a) - seniority(db, groupId, b));
}

/** Checks a typed reason: required unless `optional`, and not too long; returns it trimmed. */
export function checkedReason(raw: string | undefined, optional = false): string {
  const reason = (raw ?? "").replace(/\r\n/g, "\n").trim();
  const errors: FieldError[] = [];
  if (!optional && reason.length === 0) {
    errors.push({ field: "reason", message: "Enter a reason; the person concerned may see it" });
  }
  if (reason.length > MAX_REASON) {
    errors.push({ field: "reason", message: "The reason must be 1,000 characters or fewer" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return reason;
}
