import { Add, Block, Delete, PUBLIC_COLLECTION } from "@fedify/vocab";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import {
  composeItem,
  findItemByIri,
  type ItemRow,
  insertItem,
  newItemIri,
} from "../../src/domain/items.ts";
import { findMembership, isFacilitator } from "../../src/domain/membership.ts";
import { listModerationLog } from "../../src/domain/moderation/log.ts";
import { isBanned } from "../../src/domain/moderation/members.ts";
import { listReports } from "../../src/domain/moderation/reports.ts";
import { lemmyLock, moderationAddressing } from "../../src/federation/facilitator-sends.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity, newActivityIri } from "../../src/federation/membership.ts";
import {
  banFromCommunity,
  changeFacilitator,
  lockTopic,
  moderateItem,
  pinTopic,
  unbanFromCommunity,
} from "../../src/federation/moderation.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { recipientOf } from "../../src/federation/recipients.ts";
import { reportToCommunity } from "../../src/federation/reports.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Somerset (A) hosts the community and its creator Alice; Bob facilitates it from Bristol (B);
// Carol takes part from Cardiff (C). Bob acts from Bristol's pages: Bristol sends each act to
// the community, Somerset checks and applies it (its log names Bob) and announces it, and
// Cardiff's copy follows. Acts from people who do not facilitate it change nothing.
describe("a facilitator on another instance", () => {
  let somerset: TestInstance;
  let bristol: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let gardenOnA: ActorRow;
  let gardenOnB: ActorRow;
  let gardenOnC: ActorRow;
  let topic: ItemRow;

  /** Joins a remote person to the community and waits until their instance knows. */
  async function join(instance: TestInstance, person: AccountWithActor): Promise<ActorRow> {
    const group = await resolveActor(instance.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(instance.ctx(), person.actor, group);
    await eventually(
      () => findMembership(instance.db, group.id, person.actor.id)?.state === "active",
    );
    return group;
  }

  /** The Somerset row of someone from another instance. */
  const onA = (person: AccountWithActor) => findActorByIri(somerset.db, person.actor.iri)!;
  const itemOn = (instance: TestInstance) => findItemByIri(instance.db, topic.iri)!;
  const modlog = () =>
    listModerationLog(somerset.db, gardenOnA.id, { page: 1, pageSize: 100 }).entries;
  const byBob = () => ({ group: gardenOnB, byActorId: bob.actor.id });

  /** Something Carol posts, seen on Somerset: deliveries sent before it have been handled. */
  async function settled(): Promise<void> {
    const marker = composeItem(cardiff.db, cardiff.origin, {
      kind: "topic",
      author: carol.actor,
      groups: [gardenOnC],
      title: "Marker",
      body: "After the others",
    });
    await publishItemChange(cardiff.ctx(), marker, "create");
    await eventually(() => findItemByIri(somerset.db, marker.iri));
  }

  beforeAll(async () => {
    [somerset, bristol, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Bristol"),
      startTestInstance("Cardiff"),
    ]);
    [alice, bob, carol] = await Promise.all([
      somerset.createUser("alice"),
      bristol.createUser("bob"),
      cardiff.createUser("carol"),
    ]);
    gardenOnA = somerset.createCommunity("garden", alice, "public").actor;
    gardenOnB = await join(bristol, bob);
    gardenOnC = await join(cardiff, carol);
    await changeFacilitator(somerset.ctx(), {
      group: gardenOnA,
      target: onA(bob),
      byActorId: alice.actor.id,
      reason: "Runs the Bristol side",
      appoint: true,
    });
    await eventually(() => isFacilitator(bristol.db, gardenOnB.id, bob.actor.id));
    topic = composeItem(cardiff.db, cardiff.origin, {
      kind: "topic",
      author: carol.actor,
      groups: [gardenOnC],
      title: "Bulb planting",
      body: "When do we plant?",
    });
    await publishItemChange(cardiff.ctx(), topic, "create");
    await eventually(() => findItemByIri(somerset.db, topic.iri));
    await eventually(() => findItemByIri(bristol.db, topic.iri));
  }, 90_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), bristol?.close(), cardiff?.close()]);
  });

  it("removes and restores a post: Somerset applies it under Bob's name, Cardiff follows", async () => {
    await moderateItem(bristol.ctx(), {
      ...byBob(),
      item: itemOn(bristol),
      reason: "Off topic",
      remove: true,
    });
    // Nothing changes on Bristol until the community says so; then it does.
    await eventually(() => itemOn(somerset).removedAt);
    expect(itemOn(somerset).removedReason).toBe("Off topic");
    const entry = modlog().find((e) => e.entry.action === "remove-item");
    expect(entry?.actor?.iri).toBe(bob.actor.iri);
    await eventually(() => itemOn(cardiff).removedAt);
    await eventually(() => itemOn(bristol).removedAt);

    await moderateItem(bristol.ctx(), {
      ...byBob(),
      item: itemOn(bristol),
      reason: "Back on topic",
      remove: false,
    });
    await eventually(() => itemOn(somerset).removedAt === null);
    await eventually(() => itemOn(cardiff).removedAt === null);
  });

  it("locks and unlocks a topic with Lemmy's Lock", async () => {
    await lockTopic(bristol.ctx(), {
      ...byBob(),
      item: itemOn(bristol),
      reason: "Decided",
      locked: true,
    });
    await eventually(() => itemOn(somerset).lockedAt);
    expect(modlog().find((e) => e.entry.action === "lock")?.entry.reason).toBe("Decided");
    await eventually(() => itemOn(cardiff).lockedAt);
    await eventually(() => itemOn(bristol).lockedAt);
    await lockTopic(bristol.ctx(), {
      ...byBob(),
      item: itemOn(bristol),
      reason: "Reopened",
      locked: false,
    });
    await eventually(() => itemOn(somerset).lockedAt === null);
    await eventually(() => itemOn(cardiff).lockedAt === null);
  });

  it("pins and unpins a topic in the community's featured collection", async () => {
    await pinTopic(bristol.ctx(), { ...byBob(), item: itemOn(bristol), reason: "", pinned: true });
    await eventually(() => itemOn(somerset).pinnedAt);
    await eventually(() => itemOn(cardiff).pinnedAt);
    // Bob unpins from his own instance's copy, which hears of the pin from the community too.
    await eventually(() => itemOn(bristol).pinnedAt);
    await pinTopic(bristol.ctx(), { ...byBob(), item: itemOn(bristol), reason: "", pinned: false });
    await eventually(() => itemOn(somerset).pinnedAt === null);
    await eventually(() => itemOn(cardiff).pinnedAt === null);
    expect(modlog().filter((e) => e.entry.action === "pin")[0]?.actor?.iri).toBe(bob.actor.iri);
  });

  it("bans and unbans a member from a third instance", async () => {
    const carolOnB = findActorByIri(bristol.db, carol.actor.iri)!;
    await banFromCommunity(bristol.ctx(), {
      ...byBob(),
      target: carolOnB,
      reason: "Spam",
      until: null,
      removeContent: false,
    });
    await eventually(() => isBanned(somerset.db, gardenOnA.id, onA(carol).id));
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "banned",
    );
    // Bristol lists the ban too, so Bob can lift it from there.
    await eventually(
      () => findMembership(bristol.db, gardenOnB.id, carolOnB.id)?.state === "banned",
    );
    // A post of hers that gets past her own instance is refused by the community's home;
    // her request to join again, sent after it, is refused too and shows it was handled.
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
    await joinCommunity(cardiff.ctx(), carol.actor, gardenOnC);
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state === "rejected",
    );
    expect(findItemByIri(somerset.db, sneaky.iri)).toBeUndefined();

    await unbanFromCommunity(bristol.ctx(), { ...byBob(), target: carolOnB, reason: "Appealed" });
    await eventually(() => !isBanned(somerset.db, gardenOnA.id, onA(carol).id));
    await eventually(
      () => findMembership(cardiff.db, gardenOnC.id, carol.actor.id)?.state !== "banned",
    );
    await join(cardiff, carol);
  });

  it("appoints and dismisses a co-facilitator on a third instance", async () => {
    const carolOnB = findActorByIri(bristol.db, carol.actor.iri)!;
    await changeFacilitator(bristol.ctx(), {
      ...byBob(),
      target: carolOnB,
      reason: "Knows the Cardiff side",
      appoint: true,
    });
    await eventually(() => isFacilitator(somerset.db, gardenOnA.id, onA(carol).id));
    await eventually(() => isFacilitator(cardiff.db, gardenOnC.id, carol.actor.id));
    await changeFacilitator(bristol.ctx(), {
      ...byBob(),
      target: carolOnB,
      reason: "Stepping back",
      appoint: false,
    });
    await eventually(() => !isFacilitator(somerset.db, gardenOnA.id, onA(carol).id));
    await eventually(() => !isFacilitator(cardiff.db, gardenOnC.id, carol.actor.id));
    expect(modlog().find((e) => e.entry.action === "appoint")?.actor?.iri).toBe(bob.actor.iri);
  });

  it("forwards a report about a member from a third instance to the community", async () => {
    const carolOnB = findActorByIri(bristol.db, carol.actor.iri)!;
    await reportToCommunity(bristol.ctx(), {
      reporter: bob.actor,
      group: gardenOnB,
      target: carolOnB,
      reason: "Rude to newcomers",
    });
    const report = await eventually(() =>
      listReports(somerset.db, {
        groupId: gardenOnA.id,
        state: "open",
        page: 1,
        pageSize: 50,
      }).find((r) => r.reason === "Rude to newcomers"),
    );
    expect(report.targetActorId).toBe(onA(carol).id);
  });

  it("refuses a junior facilitator dismissing a senior one", async () => {
    const aliceOnB = await resolveActor(bristol.ctx(), `@alice@${somerset.host}`);
    // Bristol does not know ranks; Somerset does, and refuses.
    await changeFacilitator(bristol.ctx(), {
      ...byBob(),
      target: aliceOnB,
      reason: "Coup",
      appoint: false,
    });
    await settled();
    expect(isFacilitator(somerset.db, gardenOnA.id, alice.actor.id)).toBe(true);
    expect(
      modlog().some((e) => e.entry.action === "dismiss" && e.target?.id === alice.actor.id),
    ).toBe(false);
  });

  it("refuses Remove, Block, Lock and Add from someone who does not facilitate", async () => {
    const ctx = cardiff.ctx();
    const carolIri = new URL(carol.actor.iri);
    const group = new URL(gardenOnA.iri);
    const addressed = { tos: [PUBLIC_COLLECTION], ccs: [group], audience: group };
    const bobOnC = await resolveActor(ctx, bob.actor.iri);
    // Alice's topic: Carol is neither its author nor a facilitator.
    const alices = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [gardenOnA],
      title: "Rota",
      body: "Who waters on Sundays?",
    });
    await publishItemChange(somerset.ctx(), alices, "create");
    const copy = await eventually(() => findItemByIri(cardiff.db, alices.iri));
    const acts = [
      new Delete({
        id: newActivityIri(ctx, "delete"),
        actor: carolIri,
        object: new URL(alices.iri),
        summary: "Mine now",
        ...addressed,
      }),
      new Block({
        id: newActivityIri(ctx, "block"),
        actor: carolIri,
        object: new URL(bobOnC.iri),
        target: group,
        summary: "Revenge",
        ...addressed,
      }),
      lemmyLock(ctx, {
        addressing: moderationAddressing(gardenOnC, false),
        actor: carolIri,
        item: copy,
        reason: "Mine",
        locked: true,
      }),
      new Add({
        id: newActivityIri(ctx, "add"),
        actor: carolIri,
        object: carolIri,
        target: new URL(`${gardenOnA.iri}/moderators`),
        ...addressed,
      }),
      new Add({
        id: newActivityIri(ctx, "add"),
        actor: carolIri,
        object: new URL(alices.iri),
        target: new URL(`${gardenOnA.iri}/featured`),
        ...addressed,
      }),
    ];
    for (const activity of acts) {
      await ctx.sendActivity({ identifier: "carol" }, recipientOf(gardenOnC), activity);
    }
    await settled();
    const now = findItemByIri(somerset.db, alices.iri)!;
    expect(now.removedAt).toBeNull();
    expect(now.deletedAt).toBeNull();
    expect(now.lockedAt).toBeNull();
    expect(now.pinnedAt).toBeNull();
    expect(isBanned(somerset.db, gardenOnA.id, onA(bob).id)).toBe(false);
    expect(isFacilitator(somerset.db, gardenOnA.id, onA(carol).id)).toBe(false);
    // Her own post is hers to delete, with a summary or not: that is no removal.
    const own = new Delete({
      id: newActivityIri(ctx, "delete"),
      actor: carolIri,
      object: new URL(topic.iri),
      summary: "Moving it elsewhere",
      ...addressed,
    });
    await ctx.sendActivity({ identifier: "carol" }, recipientOf(gardenOnC), own);
    await eventually(() => itemOn(somerset).deletedAt);
    expect(itemOn(somerset).removedAt).toBeNull();
  });
});
