import { eq } from "drizzle-orm";
import type { Db } from "../../src/db/client.ts";
import { memberships } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { composeItem } from "../../src/domain/items.ts";
import type { LiveEntry } from "../../src/domain/live/stream.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { freshDb } from "./db.ts";

// A small world for the live stream's domain tests: Alice runs the public "garden" and the
// private "vault"; Carol belongs to the garden only.

/** The origin of the instance the live stream's tests pretend to be. */
export const LIVE_ORIGIN = "https://copse.test";
/** An hour in milliseconds. */
export const HOUR = 3_600_000;

/** Sets when a membership became active, so a test can place joins at known times. */
export function backdate(db: Db, membershipId: number, at: number): void {
  db.update(memberships)
    .set({ decidedAt: new Date(at) })
    .where(eq(memberships.id, membershipId))
    .run();
}

/** A fresh database with the world above, and a helper for Alice to post in it. */
export async function liveWorld() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, LIVE_ORIGIN, { handle, email: `${handle}@e.org`, password: "correct horse" });
  const alice = await person("alice");
  const carol = await person("carol");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, LIVE_ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden", "public");
  const vault = community("vault", "private");
  // Carol's joining is activity too; it is dated an hour ago, before anything a test looks at.
  const joined = requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
  backdate(db, joined.id, Date.now() - HOUR);
  const post = (kind: "topic" | "entry", title: string, groups = [garden]) =>
    composeItem(db, LIVE_ORIGIN, { kind, author: alice.actor, groups, title, body: `${title}.` });
  return { db, alice, carol, garden, vault, post };
}

/** An entry in words, for comparing lists: "created topic Compost rota", "joined Garden carol". */
export function said(entry: LiveEntry): string {
  return entry.action === "joined"
    ? `joined ${entry.group.name} ${entry.author.handle}`
    : `${entry.action} ${entry.kind} ${entry.title}`;
}
