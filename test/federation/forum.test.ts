import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import {
  composeItem,
  deleteItem,
  editItem,
  findItemByIri,
  getItem,
  groupsOfItem,
  threadItems,
} from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Three real instances: Somerset hosts the communities, Bob on Sunderland and Carol on Cardiff
// take part. Posts travel author -> group's home -> every other member's instance, and each
// instance takes content only from the server it came from.
describe("forum across three instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  const groupOn = {} as Record<
    "somerset" | "sunderland" | "cardiff",
    Record<"garden" | "secret", ActorRow>
  >;

  async function joinFrom(
    instance: TestInstance,
    who: AccountWithActor,
    handle: string,
  ): Promise<ActorRow> {
    const group = await resolveActor(instance.ctx(), `@${handle}@${somerset.host}`);
    await joinCommunity(instance.ctx(), who.actor, group);
    return group;
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startTestInstance("Cardiff"),
    ]);
    alice = await somerset.createUser("alice");
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    const garden = somerset.createCommunity("garden", alice, "public");
    const secret = somerset.createCommunity("secret", alice, "private");
    groupOn.somerset = { garden: garden.actor, secret: secret.actor };
    groupOn.sunderland = {
      garden: await joinFrom(sunderland, bob, "garden"),
      secret: await joinFrom(sunderland, bob, "secret"),
    };
    groupOn.cardiff = {
      garden: await joinFrom(cardiff, carol, "garden"),
      secret: await joinFrom(cardiff, carol, "secret"),
    };
    // Approve the private requests as the facilitator would.
    const { decideRequest } = await import("../../src/federation/membership.ts");
    for (const member of [bob, carol]) {
      const remote = await eventually(() => findActorByIri(somerset.db, member.actor.iri));
      await eventually(
        () => findMembership(somerset.db, secret.actor.id, remote.id)?.state === "pending",
      );
      await decideRequest(somerset.ctx(), {
        group: secret.actor,
        member: remote,
        byActorId: alice.actor.id,
        approve: true,
      });
    }
    await eventually(
      () =>
        findMembership(sunderland.db, groupOn.sunderland.garden.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(sunderland.db, groupOn.sunderland.secret.id, bob.actor.id)?.state ===
          "active" &&
        findMembership(cardiff.db, groupOn.cardiff.garden.id, carol.actor.id)?.state === "active" &&
        findMembership(cardiff.db, groupOn.cardiff.secret.id, carol.actor.id)?.state === "active",
    );
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close()]);
  });

  it("shows the same topic, threaded replies, edits and deletions on every instance", async () => {
    // Bob starts a topic from his own instance in Somerset's community.
    const topic = composeItem(sunderland.db, sunderland.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [groupOn.sunderland.garden],
      title: "Recycling contracts",
      body: "Who has **renegotiated** theirs lately?",
    });
    await publishItemChange(sunderland.ctx(), topic, "create");
    const onSomerset = await eventually(() => findItemByIri(somerset.db, topic.iri));
    const onCardiff = await eventually(() => findItemByIri(cardiff.db, topic.iri));
    for (const copy of [onSomerset, onCardiff]) {
      expect(copy.kind).toBe("topic");
      expect(copy.title).toBe("Recycling contracts");
      expect(copy.bodyHtml).toContain("<strong>renegotiated</strong>");
      expect(copy.visibility).toBe("public");
    }
    expect(groupsOfItem(somerset.db, onSomerset.id).map((g) => g.iri)).toEqual([
      groupOn.somerset.garden.iri,
    ]);

    // Carol answers from Cardiff; Alice answers Carol on Somerset itself.
    const carolsReply = composeItem(cardiff.db, cardiff.origin, {
      kind: "reply",
      author: carol.actor,
      groups: groupsOfItem(cardiff.db, onCardiff.id),
      parent: onCardiff,
      body: "We did, in March.",
    });
    await publishItemChange(cardiff.ctx(), carolsReply, "create");
    const carolsOnSomerset = await eventually(() => findItemByIri(somerset.db, carolsReply.iri));
    const alicesReply = composeItem(somerset.db, somerset.origin, {
      kind: "reply",
      author: alice.actor,
      groups: groupsOfItem(somerset.db, onSomerset.id),
      parent: carolsOnSomerset,
      body: "Could you share the tender documents?",
    });
    await publishItemChange(somerset.ctx(), alicesReply, "create");

    // Every instance shows the same thread: Carol answers the topic, Alice answers Carol.
    for (const instance of [somerset, sunderland, cardiff]) {
      const root = await eventually(() => findItemByIri(instance.db, topic.iri));
      const replies = await eventually(() => {
        const rows = threadItems(instance.db, root.id);
        return rows.length === 2 ? rows : undefined;
      });
      const byIri = new Map(replies.map((r) => [r.iri, r]));
      expect(byIri.get(carolsReply.iri)?.parentId).toBe(root.id);
      expect(byIri.get(alicesReply.iri)?.parentId).toBe(byIri.get(carolsReply.iri)?.id);
    }

    // Bob edits his topic; the edit reaches every instance.
    const edited = editItem(sunderland.db, getItem(sunderland.db, topic.id)!, bob.actor.id, {
      title: "Recycling contracts 2026",
      body: "Who has renegotiated theirs this year?",
    });
    await publishItemChange(sunderland.ctx(), edited, "update");
    for (const instance of [somerset, cardiff]) {
      await eventually(
        () => findItemByIri(instance.db, topic.iri)?.title === "Recycling contracts 2026",
      );
    }

    // Carol deletes her reply; it becomes a tombstone everywhere.
    const deleted = deleteItem(cardiff.db, getItem(cardiff.db, carolsReply.id)!, carol.actor.id);
    await publishItemChange(cardiff.ctx(), deleted, "delete");
    for (const instance of [somerset, sunderland]) {
      await eventually(() => findItemByIri(instance.db, carolsReply.iri)?.deletedAt);
    }
    expect(findItemByIri(somerset.db, carolsReply.iri)?.bodyHtml).toBe("");
  });

  it("refuses an edit of someone else's post from another server", async () => {
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [groupOn.somerset.garden],
      title: "Alice's topic",
      body: "Original words.",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    const onSunderland = await eventually(() => findItemByIri(sunderland.db, topic.iri));
    // Bob cannot edit it locally...
    expect(() =>
      editItem(sunderland.db, onSunderland, bob.actor.id, { title: "Hijacked", body: "Mine now" }),
    ).toThrow(/only change your own/);
    await new Promise((r) => setTimeout(r, 200));
    expect(findItemByIri(somerset.db, topic.iri)?.title).toBe("Alice's topic");
  });

  it("keeps a private community's topic among its members on every instance", async () => {
    const topic = composeItem(sunderland.db, sunderland.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [groupOn.sunderland.secret],
      title: "Budget pressures",
      body: "Confidential figures.",
    });
    expect(topic.visibility).toBe("members");
    await publishItemChange(sunderland.ctx(), topic, "create");
    const onSomerset = await eventually(() => findItemByIri(somerset.db, topic.iri));
    expect(onSomerset.visibility).toBe("members");
    // Cardiff fetches the topic from Sunderland, signed, and is let in because Carol is a member.
    const onCardiff = await eventually(() => findItemByIri(cardiff.db, topic.iri));
    expect(onCardiff.title).toBe("Budget pressures");
    // Nobody else can fetch it.
    const anonymous = await fetch(topic.iri, { headers: { accept: "application/activity+json" } });
    expect(anonymous.status).toBe(401);
    const page = await fetch(`${somerset.origin}/c/secret/forum/${onSomerset.id}`);
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain("Confidential figures");
  });
});
