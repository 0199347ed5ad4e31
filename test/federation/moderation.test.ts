import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import { ForbiddenError } from "../../src/domain/errors.ts";
import { composeItem, findItemByIri, insertItem, newItemIri } from "../../src/domain/items.ts";
import { findMembership, isFacilitator } from "../../src/domain/membership.ts";
import { isBanned } from "../../src/domain/moderation/members.ts";
import { updateCommunitySettings } from "../../src/domain/moderation/settings.ts";
import { publishGroupUpdate } from "../../src/federation/group-update.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import {
  banFromCommunity,
  changeFacilitator,
  lockTopic,
  moderateItem,
  pinTopic,
  removeFromCommunity,
  unbanFromCommunity,
} from "../../src/federation/moderation.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Somerset (A) hosts the community and its facilitator Alice; Carol takes part from Cardiff
// (C). What Alice does on A must reach C's copy, and a ban must hold whichever way Carol tries.
describe("moderation across instances", () => {
  let somerset: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let carol: AccountWithActor;
  let gardenOnA: ActorRow;
  let gardenOnC: ActorRow;
  let carolOnA: ActorRow;

  beforeAll(async () => {
    [somerset, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Cardiff"),
    ]);
    alice = await somerset.createUser("alice");
    carol = await cardiff.createUser("carol");
    gardenOnA = somerset.createCommunity("garden", alice, "public").actor;
    gardenOnC = await resolveActor(cardiff.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(cardiff.ctx(), carol.actor, gardenOnC);
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "active",
    );
    carolOnA = findActorByIri(somerset.db, carol.actor.iri)!;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), cardiff?.close()]);
  });

  it("removes, restores, pins and locks a topic on the member instance's copy", async () => {
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [gardenOnA],
      title: "Bulb planting",
      body: "When do we plant?",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    const copy = await eventually(() => findItemByIri(cardiff.db, topic.iri));
    expect(copy.removedAt).toBeNull();

    const moderation = { group: gardenOnA, byActorId: alice.actor.id };
    await moderateItem(somerset.ctx(), {
      ...moderation,
      item: topic,
      reason: "Duplicate",
      remove: true,
    });
    const removed = await eventually(() => {
      const row = findItemByIri(cardiff.db, topic.iri);
      return row?.removedAt ? row : undefined;
    });
    expect(removed.removedReason).toBe("Duplicate");
    expect(removed.bodyHtml).toContain("When do we plant?");

    const onA = findItemByIri(somerset.db, topic.iri)!;
    await moderateItem(somerset.ctx(), {
      ...moderation,
      item: onA,
      reason: "Not a duplicate",
      remove: false,
    });
    await eventually(() => findItemByIri(cardiff.db, topic.iri)?.removedAt === null);

    await pinTopic(somerset.ctx(), {
      ...moderation,
      item: findItemByIri(somerset.db, topic.iri)!,
      reason: "",
      pinned: true,
    });
    await eventually(() => findItemByIri(cardiff.db, topic.iri)?.pinnedAt);

    await lockTopic(somerset.ctx(), {
      ...moderation,
      item: findItemByIri(somerset.db, topic.iri)!,
      reason: "Decided",
      locked: true,
    });
    const locked = await eventually(() => {
      const row = findItemByIri(cardiff.db, topic.iri);
      return row?.lockedAt ? row : undefined;
    });
    // Cardiff's own pages refuse a reply to the locked copy too.
    expect(() =>
      composeItem(cardiff.db, cardiff.origin, {
        kind: "reply",
        author: carol.actor,
        groups: [gardenOnC],
        parent: locked,
        body: "Late thought",
      }),
    ).toThrow(ForbiddenError);
    // A reply that gets past Cardiff's check is refused by the topic's home. Carol's next topic,
    // sent after it, shows that Somerset has had the reply by the time it is checked.
    const lateReply = insertItem(cardiff.db, {
      kind: "reply",
      iri: newItemIri(cardiff.origin, "reply"),
      authorId: carol.actor.id,
      groupIds: [gardenOnC.id],
      parentId: locked.id,
      bodyHtml: "<p>Late thought</p>",
      visibility: "public",
      isLocal: true,
    });
    await publishItemChange(cardiff.ctx(), lateReply, "create");
    const marker = composeItem(cardiff.db, cardiff.origin, {
      kind: "topic",
      author: carol.actor,
      groups: [gardenOnC],
      title: "Marker",
      body: "After the reply",
    });
    await publishItemChange(cardiff.ctx(), marker, "create");
    await eventually(() => findItemByIri(somerset.db, marker.iri));
    expect(findItemByIri(somerset.db, lateReply.iri)).toBeUndefined();
  });

  it("appoints a co-facilitator on another instance and lists them as a moderator", async () => {
    await changeFacilitator(somerset.ctx(), {
      group: gardenOnA,
      target: carolOnA,
      byActorId: alice.actor.id,
      reason: "Runs the Cardiff side",
      appoint: true,
    });
    expect(isFacilitator(somerset.db, gardenOnA.id, carolOnA.id)).toBe(true);
    await eventually(() => isFacilitator(cardiff.db, gardenOnC.id, carol.actor.id));
    const response = await fetch(`${somerset.origin}/ap/actors/garden/moderators`, {
      headers: { accept: "application/activity+json" },
    });
    const body = (await response.json()) as { type: string; orderedItems: unknown[] };
    expect(body.type).toBe("OrderedCollection");
    expect(JSON.stringify(body.orderedItems)).toContain(carol.actor.iri);
    await changeFacilitator(somerset.ctx(), {
      group: gardenOnA,
      target: carolOnA,
      byActorId: alice.actor.id,
      reason: "Handing back",
      appoint: false,
    });
    await eventually(() => !isFacilitator(cardiff.db, gardenOnC.id, carol.actor.id));
  });

  it("sends changed rules to member instances", async () => {
    const community = updateCommunitySettings(somerset.db, {
      groupId: gardenOnA.id,
      byActorId: alice.actor.id,
      name: "Garden Club",
      description: "Growing things.",
      rules: "No selling.",
    });
    await publishGroupUpdate(somerset.ctx(), community.actor);
    const copy = await eventually(() => {
      const row = findActorByIri(cardiff.db, gardenOnA.iri);
      return row?.name === "Garden Club" ? row : undefined;
    });
    expect(copy.summary).toContain("No selling.");
  });

  it("bans a remote member: their instance learns of it and nothing they send gets in", async () => {
    await banFromCommunity(somerset.ctx(), {
      group: gardenOnA,
      target: carolOnA,
      byActorId: alice.actor.id,
      reason: "Repeated spam",
      until: null,
      removeContent: false,
    });
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "banned",
    );
    // Cardiff's own pages refuse her now.
    expect(() =>
      composeItem(cardiff.db, cardiff.origin, {
        kind: "topic",
        author: carol.actor,
        groups: [gardenOnC],
        title: "Still here",
        body: "Buy now",
      }),
    ).toThrow(ForbiddenError);
    // Even a post that gets past her own instance is refused by the community's home.
    const sneaky = insertItem(cardiff.db, {
      kind: "topic",
      iri: newItemIri(cardiff.origin, "topic"),
      authorId: carol.actor.id,
      groupIds: [gardenOnC.id],
      title: "Sneaky",
      bodyHtml: "<p>Buy now</p>",
      visibility: "public",
      isLocal: true,
    });
    await publishItemChange(cardiff.ctx(), sneaky, "create");
    // Asking to join again is refused too, and Cardiff hears no.
    await joinCommunity(cardiff.ctx(), carol.actor, gardenOnC);
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "rejected",
    );
    expect(findItemByIri(somerset.db, sneaky.iri)).toBeUndefined();
    expect(isBanned(somerset.db, gardenOnA.id, carolOnA.id)).toBe(true);

    await unbanFromCommunity(somerset.ctx(), {
      group: gardenOnA,
      target: carolOnA,
      byActorId: alice.actor.id,
      reason: "Appealed",
    });
    expect(findMembership(somerset.db, gardenOnA.id, carolOnA.id)).toBeUndefined();
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state !== "banned",
    );

    // Once she has joined again, removing her ends her membership on Cardiff too.
    await joinCommunity(cardiff.ctx(), carol.actor, gardenOnC);
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "active",
    );
    await removeFromCommunity(somerset.ctx(), {
      group: gardenOnA,
      target: carolOnA,
      byActorId: alice.actor.id,
      reason: "Left the council",
    });
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "rejected",
    );
  });
});
