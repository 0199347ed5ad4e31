import { and, eq, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { actors, contacts, memberships } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { ConflictError, NotFoundError, ValidationError } from "./errors.ts";
import type { ContactVisibility } from "./person-details.ts";
import { getPersonProfile } from "./person-details.ts";

/** A row of the contacts table: follower marked followee as a contact. */
export type ContactRow = typeof contacts.$inferSelect;

/** One contact relation with the other person, as the contacts page lists it. */
export interface ContactEntry {
  contact: ContactRow;
  person: ActorRow;
}

/** Finds the contact relation from one person to another. */
export function findContact(
  db: Db,
  followerId: number,
  followeeId: number,
): ContactRow | undefined {
  return db
    .select()
    .from(contacts)
    .where(and(eq(contacts.followerId, followerId), eq(contacts.followeeId, followeeId)))
    .get();
}

/** Finds the contact relation a Follow activity created. */
export function findContactByRequest(db: Db, requestIri: string): ContactRow | undefined {
  return db.select().from(contacts).where(eq(contacts.requestIri, requestIri)).get();
}

/**
 * Records that `follower` marks `followee` as a contact. A local followee's own setting decides
 * whether it is accepted at once; a remote followee's server answers later, so it starts pending.
 */
export function requestContact(
  db: Db,
  follower: ActorRow,
  followee: ActorRow,
  requestIri: string,
): ContactRow {
  if (follower.id === followee.id)
    throw new ValidationError([{ field: "handle", message: "You cannot add yourself" }]);
  if (followee.type !== "Person" || follower.type !== "Person")
    throw new ValidationError([{ field: "handle", message: "Only people can be contacts" }]);
  const existing = findContact(db, follower.id, followee.id);
  if (existing) {
    if (existing.state === "accepted") throw new ConflictError("Already a contact");
    return existing;
  }
  const autoAccept = followee.isLocal && !getPersonProfile(db, followee.id).approveContacts;
  return db
    .insert(contacts)
    .values({
      followerId: follower.id,
      followeeId: followee.id,
      state: autoAccept ? "accepted" : "pending",
      requestIri,
    })
    .returning()
    .get();
}

/** Accepts a pending request; the caller checks that the followee is the one deciding. */
export function acceptContact(db: Db, contactId: number): ContactRow {
  const row = db
    .update(contacts)
    .set({ state: "accepted" })
    .where(eq(contacts.id, contactId))
    .returning()
    .get();
  if (!row) throw new NotFoundError("No such contact request");
  return row;
}

/** Removes a contact relation (rejected, withdrawn or undone). */
export function removeContact(db: Db, contactId: number): ContactRow | undefined {
  return db.delete(contacts).where(eq(contacts.id, contactId)).returning().get();
}

/** Gets a contact relation by id. */
export function getContact(db: Db, contactId: number): ContactRow | undefined {
  return db.select().from(contacts).where(eq(contacts.id, contactId)).get();
}

/** Contacts a page of the contacts list shows. */
export const CONTACTS_PER_PAGE = 50;

/** The other person of a relation with `actorId`, joined as `other`. */
function otherOf(actorId: number, other: ReturnType<typeof alias<typeof actors, "other">>) {
  return sql`${other.id} = case when ${contacts.followerId} = ${actorId} then ${contacts.followeeId} else ${contacts.followerId} end`;
}

/** How many contacts a person has (accepted either way), a mutual pair counted once. */
export function countContacts(db: Db, actorId: number): number {
  const other = alias(actors, "other");
  const n = db
    .select({ n: sql<number>`count(DISTINCT ${other.id})` })
    .from(contacts)
    .innerJoin(other, otherOf(actorId, other))
    .where(
      and(
        or(eq(contacts.followerId, actorId), eq(contacts.followeeId, actorId)),
        ne(contacts.state, "pending"),
      ),
    )
    .get()?.n;
  return Number(n ?? 0);
}

/**
 * The relations a person is part of, split the way the contacts page shows them: requests
 * waiting either way, and one page (by name) of their contacts, a mutual pair counted once.
 * Without a range every contact is listed.
 */
export function listContactsOf(
  db: Db,
  actorId: number,
  range?: { limit: number; offset: number },
): {
  contacts: ContactEntry[];
  incoming: ContactEntry[];
  outgoing: ContactEntry[];
} {
  const other = alias(actors, "other");
  const involved = or(eq(contacts.followerId, actorId), eq(contacts.followeeId, actorId));
  const pending = db
    .select({ contact: contacts, person: other })
    .from(contacts)
    .innerJoin(other, otherOf(actorId, other))
    .where(and(involved, eq(contacts.state, "pending")))
    .orderBy(other.name)
    .all();
  const accepted = and(involved, ne(contacts.state, "pending"));
  // A mutual pair is one contact, not two lines: one row per other person, the first contact
  // made with them (said outright: grouping by the person and reading the other columns is
  // SQLite's licence, which PostgreSQL refuses).
  const firstWithEach = sql`${contacts.id} IN (
    SELECT min(c.id) FROM contacts c
    WHERE (c.follower_id = ${actorId} OR c.followee_id = ${actorId}) AND c.state <> 'pending'
    GROUP BY CASE WHEN c.follower_id = ${actorId} THEN c.followee_id ELSE c.follower_id END)`;
  const query = db
    .select({ contact: contacts, person: other })
    .from(contacts)
    .innerJoin(other, otherOf(actorId, other))
    .where(and(accepted, firstWithEach))
    .orderBy(other.name, other.id);
  const contactRows = range ? query.limit(range.limit).offset(range.offset).all() : query.all();
  return {
    contacts: contactRows,
    incoming: pending.filter((e) => e.contact.followeeId === actorId),
    outgoing: pending.filter((e) => e.contact.followerId === actorId),
  };
}

/** The people following a person as an accepted contact (their followers collection). */
export function listContactFollowers(db: Db, actorId: number): ActorRow[] {
  return db
    .select({ person: actors })
    .from(contacts)
    .innerJoin(actors, eq(actors.id, contacts.followerId))
    .where(and(eq(contacts.followeeId, actorId), eq(contacts.state, "accepted")))
    .all()
    .map((r) => r.person);
}

/**
 * True when `viewerId` is one of `ownerId`'s contacts: the owner marked the viewer as a contact
 * and the viewer's side accepted. A request the other way does not count, because requests are
 * accepted automatically by default and would otherwise let anyone read contacts-only details.
 */
export function isContactOf(db: Db, ownerId: number, viewerId: number): boolean {
  return findContact(db, ownerId, viewerId)?.state === "accepted";
}

/** True when two people are both active members of at least one community. */
export function shareACommunity(db: Db, a: number, b: number): boolean {
  const other = alias(memberships, "other");
  const row = db
    .select({ id: memberships.id })
    .from(memberships)
    .innerJoin(other, eq(other.groupId, memberships.groupId))
    .where(
      and(
        eq(memberships.memberId, a),
        eq(memberships.state, "active"),
        eq(other.memberId, b),
        eq(other.state, "active"),
      ),
    )
    .get();
  return row !== undefined;
}

/**
 * Whether a viewer (null when signed out) may see one of the owner's contact details. Each
 * level includes the ones above it: public, then members of the owner's communities, then
 * the owner's contacts (who see what co-members see, too).
 */
export function canSeeContactField(
  db: Db,
  viewerActorId: number | null,
  ownerActorId: number,
  visibility: ContactVisibility,
): boolean {
  if (visibility === "public") return true;
  if (viewerActorId === null) return false;
  if (viewerActorId === ownerActorId) return true;
  if (isContactOf(db, ownerActorId, viewerActorId)) return true;
  if (visibility === "members") return shareACommunity(db, ownerActorId, viewerActorId);
  return false;
}
