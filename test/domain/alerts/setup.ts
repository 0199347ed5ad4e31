import { createAccount } from "../../../src/domain/accounts.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { decideMembership, requestMembership } from "../../../src/domain/membership.ts";
import { freshDb } from "../../helpers/db.ts";

export { alertsOf } from "../../helpers/alerts.ts";

/** The origin the alert domain tests run under. */
export const ORIGIN = "https://copse.test";
/** What alert mails need to know about the instance. */
export const SITE = { origin: ORIGIN, instanceName: "Copse Test" };

/**
 * A database with Alice (facilitator of public "garden" and private "secret"), Bob (member of
 * both), Carol (member of garden only) and Eve (no communities).
 */
export async function alertWorld() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@example.org`,
      password: "correct horse battery",
      name: handle[0]!.toUpperCase() + handle.slice(1),
    });
  const [alice, bob, carol, eve] = [
    await person("alice"),
    await person("bob"),
    await person("carol"),
    await person("eve"),
  ];
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden", "public");
  const secret = community("secret", "private");
  for (const member of [bob, carol]) {
    requestMembership(db, { groupId: garden.id, memberId: member.actor.id });
  }
  requestMembership(db, { groupId: secret.id, memberId: bob.actor.id });
  decideMembership(db, {
    groupId: secret.id,
    memberId: bob.actor.id,
    byActorId: alice.actor.id,
    approve: true,
  });
  return { db, alice, bob, carol, eve, garden, secret };
}
