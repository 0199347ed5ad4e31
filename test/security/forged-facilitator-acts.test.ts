import { count, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { fedifyQueue } from "../../src/db/schema/index.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { isFacilitator } from "../../src/domain/membership.ts";
import { listModerationLog } from "../../src/domain/moderation/log.ts";
import { isBanned } from "../../src/domain/moderation/members.ts";
import { changeFacilitator } from "../../src/federation/moderation.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack class: moderating a community one does not facilitate. A member of a community who
// is no facilitator sends what a facilitator would (Delete with a reason, Block, Lock, Add to
// the moderators or featured collection); a facilitator of one community aims the same at a
// neighbouring community (naming their own as `audience`); someone undoes another person's
// Lock; a newer facilitator dismisses the creator. None of it may change anything.

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const AS_CONTEXT = "https://www.w3.org/ns/activitystreams";

/** Waits until the instance has handled every inbox delivery it accepted. */
async function inboxSettled(db: Db): Promise<void> {
  await eventually(
    () =>
      (db
        .select({ n: count() })
        .from(fedifyQueue)
        .where(like(fedifyQueue.message, '%"type":"inbox"%'))
        .get()?.n ?? 1) === 0,
  );
}

describe("a remote facilitator's acts are honoured only from a facilitator, in their community", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let mod: FakeActor;
  let mallory: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let orchard: Community;
  let gardenTopic: ItemRow;
  let orchardTopic: ItemRow;
  let serial = 0;

  /** Delivers an activity signed by `by` to a community's inbox. */
  async function deliver(by: FakeActor, to: Community, activity: Record<string, unknown>) {
    serial += 1;
    const response = await peer.deliver(
      to.actor.inboxUrl!,
      {
        "@context": AS_CONTEXT,
        id: peer.url(`/activities/${serial}`),
        actor: by.id,
        to: [PUBLIC],
        cc: [to.actor.iri],
        ...activity,
      },
      { as: by.path },
    );
    expect(response.status).toBe(202);
  }

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Guarded"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    orchard = copse.createCommunity("orchard", alice, "public");
    const person = (name: string) =>
      peer.addActor({ path: `/u/${name}`, type: "Person", preferredUsername: name });
    mod = await person("mod");
    mallory = await person("mallory");
    for (const person of [mod, mallory]) {
      for (const community of [garden, orchard]) {
        await deliver(person, community, { type: "Follow", object: community.actor.iri });
      }
    }
    await eventually(() => peer.activities("Accept").length >= 4);
    await changeFacilitator(copse.ctx(), {
      group: garden.actor,
      target: findActorByIri(copse.db, mod.id)!,
      byActorId: alice.actor.id,
      reason: "Helps with the garden",
      appoint: true,
    });
    const topic = (community: Community, title: string) =>
      composeItem(copse.db, copse.origin, {
        kind: "topic",
        author: alice.actor,
        groups: [community.actor],
        title,
        body: `${title}.`,
      });
    gardenTopic = topic(garden, "Compost");
    orchardTopic = topic(orchard, "Pruning");
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("refuses a member who is not a facilitator", async () => {
    const moderators = `${garden.actor.iri}/moderators`;
    const featured = `${garden.actor.iri}/featured`;
    await deliver(mallory, garden, { type: "Delete", object: gardenTopic.iri, summary: "Gone" });
    await deliver(mallory, garden, { type: "Block", object: mod.id, target: garden.actor.iri });
    await deliver(mallory, garden, { type: "Lock", object: gardenTopic.iri });
    await deliver(mallory, garden, { type: "Add", object: mallory.id, target: moderators });
    await deliver(mallory, garden, { type: "Add", object: gardenTopic.iri, target: featured });
    await inboxSettled(copse.db);
    const topic = findItemByIri(copse.db, gardenTopic.iri)!;
    expect([topic.removedAt, topic.deletedAt, topic.lockedAt, topic.pinnedAt]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect(isBanned(copse.db, garden.actor.id, findActorByIri(copse.db, mod.id)!.id)).toBe(false);
    expect(isFacilitator(copse.db, garden.actor.id, findActorByIri(copse.db, mallory.id)!.id)).toBe(
      false,
    );
  });

  it("refuses a facilitator acting on a community they do not facilitate", async () => {
    const spoofed = { audience: garden.actor.iri };
    await deliver(mod, garden, { type: "Lock", object: orchardTopic.iri, ...spoofed });
    await deliver(mod, orchard, {
      type: "Delete",
      object: orchardTopic.iri,
      summary: "Mine",
      ...spoofed,
    });
    await deliver(mod, orchard, {
      type: "Add",
      object: orchardTopic.iri,
      target: `${orchard.actor.iri}/featured`,
    });
    await deliver(mod, orchard, { type: "Block", object: mallory.id, target: orchard.actor.iri });
    await inboxSettled(copse.db);
    const topic = findItemByIri(copse.db, orchardTopic.iri)!;
    expect([topic.removedAt, topic.lockedAt, topic.pinnedAt]).toEqual([null, null, null]);
    const mallorysRow = findActorByIri(copse.db, mallory.id)!;
    expect(isBanned(copse.db, orchard.actor.id, mallorysRow.id)).toBe(false);
    expect(listModerationLog(copse.db, orchard.actor.id, { page: 1, pageSize: 10 }).total).toBe(0);
  });

  it("refuses an Undo of someone else's Lock, and a newer facilitator dismissing the creator", async () => {
    const lockId = peer.url("/activities/the-lock");
    await deliver(mod, garden, { id: lockId, type: "Lock", object: gardenTopic.iri });
    await eventually(() => findItemByIri(copse.db, gardenTopic.iri)?.lockedAt);
    await deliver(mallory, garden, {
      type: "Undo",
      object: { id: lockId, type: "Lock", actor: mod.id, object: gardenTopic.iri },
    });
    await deliver(mod, garden, {
      type: "Remove",
      object: alice.actor.iri,
      target: `${garden.actor.iri}/moderators`,
    });
    await inboxSettled(copse.db);
    expect(findItemByIri(copse.db, gardenTopic.iri)?.lockedAt).not.toBeNull();
    expect(isFacilitator(copse.db, garden.actor.id, alice.actor.id)).toBe(true);
  });
});
