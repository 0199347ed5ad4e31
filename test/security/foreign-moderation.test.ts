import { count, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { fedifyQueue } from "../../src/db/schema/index.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findItemByIri } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack class: moderation of a community by someone else. A hostile community that one of
// our people has joined tries to ban her from, remove posts of, lock topics of, and appoint
// moderators in another community she belongs to, on a third server. A group's moderation is
// honoured only for the group itself. Copse is a real instance; both others are fake peers.

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

describe("a remote community moderates only itself", () => {
  let copse: TestInstance;
  let hostile: FakePeer;
  let third: FakePeer;
  let alice: Awaited<ReturnType<TestInstance["createUser"]>>;
  let otherGroup: ActorRow;
  let serial = 0;
  const postId = () => third.url("/posts/topic");

  /** Delivers an activity signed by an actor on `peer` to Alice's shared inbox. */
  async function deliver(peer: FakePeer, as: string, activity: Record<string, unknown>) {
    serial += 1;
    const response = await peer.deliver(
      alice.actor.sharedInboxUrl!,
      { "@context": AS_CONTEXT, id: peer.url(`/activities/${serial}`), ...activity },
      { as },
    );
    expect(response.status).toBe(202);
  }

  /** The hostile group announces an activity to its members. */
  function hostileAnnounces(object: Record<string, unknown>) {
    return deliver(hostile, "/c/hostile", {
      type: "Announce",
      actor: hostile.url("/c/hostile"),
      object: { id: hostile.url(`/activities/inner-${serial}`), ...object },
      to: [PUBLIC],
    });
  }

  async function joinRemote(peer: FakePeer, groupPath: string): Promise<ActorRow> {
    const group = await resolveActor(
      copse.ctx(),
      `@${peer.actor(groupPath).document.preferredUsername}@${peer.host}`,
    );
    await joinCommunity(copse.ctx(), alice.actor, group);
    const follow = await eventually(() =>
      peer.activities("Follow").find((f) => f.body.object === group.iri),
    );
    await deliver(peer, groupPath, { type: "Accept", actor: group.iri, object: follow.body });
    await eventually(() => findMembership(copse.db, group.id, alice.actor.id)?.state === "active");
    return group;
  }

  beforeAll(async () => {
    [copse, hostile, third] = await Promise.all([
      startTestInstance("Moderated"),
      startFakePeer(),
      startFakePeer(),
    ]);
    alice = await copse.createUser("alice");
    await Promise.all([
      hostile.addActor({ path: "/c/hostile", type: "Group", preferredUsername: "hostile" }),
      third.addActor({ path: "/c/other", type: "Group", preferredUsername: "other" }),
      third.addActor({ path: "/u/bob", type: "Person", preferredUsername: "bob" }),
    ]);
    await joinRemote(hostile, "/c/hostile");
    otherGroup = await joinRemote(third, "/c/other");
    const topic = {
      "@context": AS_CONTEXT,
      id: postId(),
      type: "Page",
      attributedTo: third.url("/u/bob"),
      name: "Bins",
      content: "<p>Collection days</p>",
      to: [PUBLIC, otherGroup.iri],
      cc: [],
      audience: otherGroup.iri,
      published: new Date().toISOString(),
    };
    third.serve("/posts/topic", topic);
    await deliver(third, "/c/other", {
      type: "Announce",
      actor: otherGroup.iri,
      object: topic,
      to: [PUBLIC],
    });
    await eventually(() => findItemByIri(copse.db, postId()));
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), hostile?.close(), third?.close()]);
  });

  it("ignores a Block of our member from another group than the sender", async () => {
    await deliver(hostile, "/c/hostile", {
      type: "Block",
      actor: hostile.url("/c/hostile"),
      object: alice.actor.iri,
      target: otherGroup.iri,
    });
    await inboxSettled(copse.db);
    expect(findMembership(copse.db, otherGroup.id, alice.actor.id)?.state).toBe("active");
  });

  it("ignores removal, lock and pin of a post in another community", async () => {
    await hostileAnnounces({
      type: "Delete",
      actor: hostile.url("/c/hostile"),
      object: postId(),
      summary: "Because we can",
    });
    await hostileAnnounces({
      type: "Update",
      actor: hostile.url("/c/hostile"),
      object: {
        id: postId(),
        type: "Page",
        interactionPolicy: { canReply: { automaticApproval: third.url("/u/bob") } },
      },
    });
    await hostileAnnounces({
      type: "Add",
      actor: hostile.url("/c/hostile"),
      object: postId(),
      target: hostile.url("/c/hostile/featured"),
    });
    await inboxSettled(copse.db);
    const item = findItemByIri(copse.db, postId())!;
    expect([item.removedAt, item.lockedAt, item.pinnedAt, item.deletedAt]).toEqual([
      null,
      null,
      null,
      null,
    ]);
  });

  it("ignores an appointment to another community's moderators", async () => {
    await hostileAnnounces({
      type: "Add",
      actor: hostile.url("/c/hostile"),
      object: alice.actor.iri,
      target: `${otherGroup.iri}/moderators`,
    });
    await inboxSettled(copse.db);
    expect(findMembership(copse.db, otherGroup.id, alice.actor.id)?.role).toBe("member");
  });

  it("ignores an announced Block whose target is another community", async () => {
    await hostileAnnounces({
      type: "Block",
      actor: hostile.url("/c/hostile"),
      object: alice.actor.iri,
      target: otherGroup.iri,
    });
    await inboxSettled(copse.db);
    expect(findMembership(copse.db, otherGroup.id, alice.actor.id)?.state).toBe("active");
  });

  it("applies a ban the community announces from one of its moderators, as Lemmy sends it", async () => {
    const block = {
      id: third.url("/activities/block-alice"),
      type: "Block",
      actor: third.url("/u/bob"),
      object: alice.actor.iri,
      target: otherGroup.iri,
      summary: "Spam",
    };
    await deliver(third, "/c/other", { type: "Announce", actor: otherGroup.iri, object: block });
    await eventually(
      () => findMembership(copse.db, otherGroup.id, alice.actor.id)?.state === "banned",
    );
    await deliver(third, "/c/other", {
      type: "Announce",
      actor: otherGroup.iri,
      object: {
        id: third.url("/activities/undo-block"),
        type: "Undo",
        actor: block.actor,
        object: block,
      },
    });
    await eventually(() => findMembership(copse.db, otherGroup.id, alice.actor.id) === undefined);
  });

  it("applies the same removal when the community itself announces it (the control case)", async () => {
    await deliver(third, "/c/other", {
      type: "Announce",
      actor: otherGroup.iri,
      object: {
        id: third.url("/activities/remove-topic"),
        type: "Delete",
        actor: otherGroup.iri,
        object: postId(),
        summary: "Off topic",
      },
      to: [PUBLIC],
    });
    const removed = await eventually(() => findItemByIri(copse.db, postId())?.removedAt);
    expect(removed).toBeInstanceOf(Date);
    expect(findItemByIri(copse.db, postId())?.removedReason).toBe("Off topic");
  });
});
