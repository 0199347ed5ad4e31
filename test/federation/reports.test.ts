import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { FLAGS_PER_ACTOR_PER_HOUR } from "../../src/domain/moderation/report-limits.ts";
import { listReports } from "../../src/domain/moderation/reports.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { reportToCommunity } from "../../src/federation/reports.ts";
import { type FakePeer, rewrite, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { queueIdle } from "../helpers/poll-world.ts";
import { LEMMY_CONTEXT } from "./fixtures-sweep/documents.ts";
import { fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";

// Somerset (A) hosts the garden, run by Alice; Carol takes part from Cardiff (B). A report
// Carol makes on B must reach A's queue; Flags from a Lemmy-shaped server land there too, and
// a flood of them is cut off.

if (!haveFixtures) {
  console.warn("Skipping the Lemmy Flag tests: ../shared/fixtures/fediverse is absent (CI only)");
}

describe("reports across instances", () => {
  let somerset: TestInstance;
  let cardiff: TestInstance;
  let peer: FakePeer;
  let alice: AccountWithActor;
  let carol: AccountWithActor;
  let gardenOnA: ActorRow;
  let topic: ItemRow;

  const openOnA = () =>
    listReports(somerset.db, { groupId: gardenOnA.id, state: "open", page: 1, pageSize: 100 });

  beforeAll(async () => {
    [somerset, cardiff, peer] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Cardiff"),
      startFakePeer(),
    ]);
    alice = await somerset.createUser("alice");
    carol = await cardiff.createUser("carol");
    gardenOnA = somerset.createCommunity("garden", alice, "public").actor;
    const gardenOnB = await resolveActor(cardiff.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(cardiff.ctx(), carol.actor, gardenOnB);
    await eventually(
      () => findMembership(cardiff.db, gardenOnB.id, carol.actor.id)?.state === "active",
    );
    topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [gardenOnA],
      title: "Hedge cutting",
      body: "Something objectionable",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), cardiff?.close(), peer?.close()]);
  });

  it("carries a report made on B to the facilitators' queue on A", async () => {
    const copy = await eventually(() => findItemByIri(cardiff.db, topic.iri));
    const gardenOnB = findActorByIri(cardiff.db, gardenOnA.iri)!;
    const sent = await reportToCommunity(cardiff.ctx(), {
      reporter: carol.actor,
      group: gardenOnB,
      itemId: copy.id,
      reason: "Please look at this",
    });
    expect(sent.activityIri).toBeNull(); // the row as filed; the Flag's id is recorded after
    const report = await eventually(() => openOnA()[0]);
    expect(report.itemId).toBe(topic.id);
    expect(report.reason).toBe("Please look at this");
    expect(findActorByIri(somerset.db, carol.actor.iri)?.id).toBe(report.reporterId);
  });

  it.skipIf(!haveFixtures)("takes Lemmy's Flag into the queue and refuses a flood", async () => {
    const lemmy = await peer.addActor({
      path: "/u/lemmy_alpha",
      type: "Person",
      preferredUsername: "lemmy_alpha",
    });
    const before = openOnA().length;
    const flag = (n: number) => ({
      "@context": LEMMY_CONTEXT,
      ...rewrite(fixture("lemmy/activities/community/report_page.json"), {
        "http://ds9.lemmy.ml/u/lemmy_alpha": lemmy.id,
        "http://enterprise.lemmy.ml/c/main": gardenOnA.iri,
        "http://enterprise.lemmy.ml/u/main": gardenOnA.iri,
        "http://enterprise.lemmy.ml/post/7": topic.iri,
        "http://ds9.lemmy.ml/activities/flag/98b0933f-5e45-4a95-a15f-e0dc86361ba4": peer.url(
          `/activities/flag/${n}`,
        ),
      }),
    });
    const first = await peer.deliver(gardenOnA.inboxUrl!, flag(0), { as: lemmy.path });
    expect(first.status).toBe(202);
    const report = await eventually(() => openOnA().find((r) => r.reason === "report this post"));
    expect(report.itemId).toBe(topic.id);

    for (let n = 1; n <= FLAGS_PER_ACTOR_PER_HOUR + 2; n++) {
      const response = await peer.deliver(gardenOnA.inboxUrl!, flag(n), { as: lemmy.path });
      expect(response.status).toBe(202);
      await queueIdle(somerset, "inbox");
    }
    expect(openOnA().length - before).toBe(FLAGS_PER_ACTOR_PER_HOUR);
  });
});
