import { Delete } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { closeCommunity, communityNoticesFor } from "../../src/domain/admin/communities.ts";
import { findCommunityByActorId } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, getItem } from "../../src/domain/items.ts";
import { findMembership, requestMembership } from "../../src/domain/membership.ts";
import { deleteCommunityEverywhere } from "../../src/federation/community-deletion.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { ACTIVITY_JSON } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { queueIdle } from "../helpers/poll-world.ts";

// An administrator on Ashford deletes a community with members on Ashford and on Bexley. Its
// members are told first; its Group then answers 410 with a Tombstone, and Delete{Group} reaches
// Bexley, which forgets its people's memberships and tells them. A Delete naming a group sent by
// anyone but the group itself changes nothing.

describe("deleting a community across instances", () => {
  let ashford: TestInstance;
  let bexley: TestInstance;
  let alice: AccountWithActor;
  let ann: AccountWithActor;
  let bob: AccountWithActor;
  let garden: ActorRow;
  let gardenOnBexley: ActorRow;
  let orchard: ActorRow;
  let orchardOnBexley: ActorRow;

  beforeAll(async () => {
    [ashford, bexley] = await Promise.all([
      startTestInstance("Ashford"),
      startTestInstance("Bexley"),
    ]);
    alice = await ashford.createUser("alice");
    ann = await ashford.createUser("ann");
    bob = await bexley.createUser("bob");
    garden = ashford.createCommunity("garden", alice, "public").actor;
    orchard = ashford.createCommunity("orchard", alice, "public").actor;
    gardenOnBexley = await resolveActor(bexley.ctx(), `@garden@${ashford.host}`);
    orchardOnBexley = await resolveActor(bexley.ctx(), `@orchard@${ashford.host}`);
    await joinCommunity(ashford.ctx(), ann.actor, garden);
    for (const group of [gardenOnBexley, orchardOnBexley]) {
      await joinCommunity(bexley.ctx(), bob.actor, group);
    }
    await eventually(() =>
      [gardenOnBexley, orchardOnBexley].every(
        (g) => findMembership(bexley.db, g.id, bob.actor.id)?.state === "active",
      ),
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([ashford?.close(), bexley?.close()]);
  });

  it("tells members, answers 410, and makes the members' servers forget it", async () => {
    // A topic from Ashford reaches Bexley as a copy; Bob's own topic lives on Bexley.
    const fromAlice = composeItem(ashford.db, ashford.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Compost",
      body: "Hot or cold?",
    });
    await publishItemChange(ashford.ctx(), fromAlice, "create");
    const copy = await eventually(() => findItemByIri(bexley.db, fromAlice.iri));
    const fromBob = composeItem(bexley.db, bexley.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [gardenOnBexley],
      title: "Mulch",
      body: "Bark or straw?",
    });

    await deleteCommunityEverywhere(ashford.ctx(), garden.id, "Merged into Orchard");
    expect(findCommunityByActorId(ashford.db, garden.id)?.state).toBe("deleted");
    // Members here were told, with the reason, before the memberships were forgotten.
    for (const person of [alice, ann]) {
      expect(communityNoticesFor(ashford.db, person.actor.id)).toMatchObject([
        { groupId: garden.id, kind: "deleted", reason: "Merged into Orchard" },
      ]);
      expect(findMembership(ashford.db, garden.id, person.actor.id)).toBeUndefined();
    }
    const actor = await fetch(garden.iri, { headers: { accept: ACTIVITY_JSON } });
    expect(actor.status).toBe(410);
    expect((await actor.json()).type).toBe("Tombstone");
    expect((await fetch(`${ashford.origin}/c/garden`)).status).toBe(404);

    await eventually(
      () => findMembership(bexley.db, gardenOnBexley.id, bob.actor.id) === undefined,
    );
    expect(communityNoticesFor(bexley.db, bob.actor.id)).toMatchObject([
      { groupId: gardenOnBexley.id, kind: "deleted" },
    ]);
    // Bexley's copy of the community's content goes; what Bob wrote on Bexley stays his.
    expect(getItem(bexley.db, copy.id)?.deletedAt).toBeInstanceOf(Date);
    expect(getItem(bexley.db, fromBob.id)?.deletedAt).toBeNull();
    expect(getItem(ashford.db, fromAlice.id)?.deletedAt).toBeInstanceOf(Date);
    // The other community is untouched.
    expect(findMembership(bexley.db, orchardOnBexley.id, bob.actor.id)?.state).toBe("active");
  });

  it("refuses a Delete of a group sent by someone other than the group", async () => {
    // Alice (a person on the group's own server) claims the orchard is deleted.
    const ctx = ashford.ctx();
    await ctx.sendActivity(
      { identifier: "alice" },
      { id: new URL(bob.actor.iri), inboxId: new URL(`${bexley.origin}/ap/inbox`) },
      new Delete({
        id: new URL(`${ashford.origin}/ap/activities/delete/forged`),
        actor: new URL(alice.actor.iri),
        object: new URL(orchard.iri),
      }),
      { immediate: true },
    );
    await queueIdle(bexley, "inbox");
    expect(findMembership(bexley.db, orchardOnBexley.id, bob.actor.id)?.state).toBe("active");
    expect(communityNoticesFor(bexley.db, bob.actor.id)).toHaveLength(1);
  });

  it("a closed community refuses a remote member's new post", async () => {
    closeCommunity(ashford.db, orchard.id, "Read-only for the winter");
    const topic = composeItem(bexley.db, bexley.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [orchardOnBexley],
      title: "Pruning",
      body: "When?",
    });
    await publishItemChange(bexley.ctx(), topic, "create");
    await queueIdle(bexley);
    await queueIdle(ashford, "inbox");
    expect(findItemByIri(ashford.db, topic.iri)).toBeUndefined();
    // Nor may anyone join it now.
    expect(() =>
      requestMembership(ashford.db, { groupId: orchard.id, memberId: ann.actor.id }),
    ).toThrow(/not taking new members/);
  });
});
