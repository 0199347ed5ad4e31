import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { isFacilitator } from "../../src/domain/membership.ts";
import { listModerationLog } from "../../src/domain/moderation/log.ts";
import { isBanned } from "../../src/domain/moderation/members.ts";
import { changeFacilitator } from "../../src/federation/moderation.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import {
  type FakeActor,
  type FakePeer,
  type ReceivedActivity,
  rewrite,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { activityProblems, announceProblems } from "../helpers/lemmy-shapes.ts";
import { LEMMY_CONTEXT } from "./fixtures-sweep/documents.ts";
import { fixture, haveFixtures } from "./fixtures-sweep/fixtures.ts";

// A Lemmy-shaped server whose person moderates a Copse community: it sends each of Lemmy's
// moderator activities, in Lemmy's own payloads (../shared/fixtures/fediverse/lemmy), to the
// community, which must apply them in that person's name, announce them back in shapes Lemmy
// reads (the Lock as Lemmy's own `Lock`), and refuse them from someone who does not moderate.

if (!haveFixtures) {
  console.warn(
    "Skipping the Lemmy moderator tests: ../shared/fixtures/fediverse is absent (CI only)",
  );
}

// biome-ignore lint/suspicious/noExplicitAny: activities are arbitrary JSON-LD.
type Json = any;

describe.skipIf(!haveFixtures)("a Lemmy moderator of a Copse community", () => {
  let copse: TestInstance;
  let lemmy: FakePeer;
  let mod: FakeActor;
  let member: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let topic: ItemRow;

  /** A Lemmy person on the peer, its document in Lemmy's shape. */
  async function lemmyPerson(name: string): Promise<FakeActor> {
    return lemmy.addActor({
      path: `/u/${name}`,
      type: "Person",
      preferredUsername: name,
      extra: {
        ...rewrite(fixture("lemmy/objects/person.json"), {
          "https://enterprise.lemmy.ml/u/picard": lemmy.url(`/u/${name}`),
          "https://enterprise.lemmy.ml": lemmy.origin,
        }),
        // Two people on one server: each needs a name of their own.
        preferredUsername: name,
        "@context": LEMMY_CONTEXT,
      },
    });
  }

  /**
   * One of Lemmy's captured activities, sent by `by` about this community: the fixture's own
   * fields and shape, with its ids, actor, addressing and the given fields pointed here.
   */
  function lemmyActivity(path: string, fields: Json, inner?: Json, by = mod): Json {
    const captured = fixture(`lemmy/activities/${path}`);
    const ours = (kind: string) => ({
      id: lemmy.url(`/activities/${kind}/${randomUUID()}`),
      actor: by.id,
      cc: [garden.actor.iri],
      audience: garden.actor.iri,
    });
    return {
      "@context": LEMMY_CONTEXT,
      ...captured,
      ...ours(captured.type.toLowerCase()),
      ...fields,
      ...(inner ? { object: { ...captured.object, ...ours(captured.object.type), ...inner } } : {}),
    };
  }

  /** Delivers an activity to the community as the peer's person and expects it accepted. */
  async function send(activity: Json, by = mod): Promise<void> {
    const response = await lemmy.deliver(garden.actor.inboxUrl!, activity, { as: by.path });
    expect(response.status).toBe(202);
  }

  /** The Announce whose announced activity is of this type (and, inside an Undo, wraps it). */
  function announced(type: string, about: string, undone?: string): ReceivedActivity | undefined {
    return lemmy.activities("Announce").find((a) => {
      const inner = undone ? a.body.object?.object : a.body.object;
      if (undone && a.body.object?.type !== "Undo") return false;
      const target = typeof inner?.object === "string" ? inner.object : inner?.object?.id;
      return inner?.type === (undone ?? type) && target === about;
    });
  }

  const onCopse = (actor: FakeActor): ActorRow => findActorByIri(copse.db, actor.id)!;
  const now = () => findItemByIri(copse.db, topic.iri)!;
  const logged = (action: string) =>
    listModerationLog(copse.db, garden.actor.id, { page: 1, pageSize: 100 }).entries.find(
      (e) => e.entry.action === action,
    );

  beforeAll(async () => {
    [copse, lemmy] = await Promise.all([startTestInstance("Threads"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    [mod, member] = await Promise.all([lemmyPerson("lemmy_beta"), lemmyPerson("lemmy_alpha")]);
    for (const person of [mod, member]) {
      const follow = {
        "@context": LEMMY_CONTEXT,
        ...rewrite(fixture("lemmy/activities/following/follow.json"), {
          "http://ds9.lemmy.ml/u/lemmy_alpha": person.id,
          "http://enterprise.lemmy.ml/c/main": garden.actor.iri,
          "http://ds9.lemmy.ml": lemmy.origin,
        }),
        id: lemmy.url(`/activities/follow/${randomUUID()}`),
      };
      await send(follow, person);
    }
    await eventually(() => lemmy.activities("Accept").length >= 2);
    await changeFacilitator(copse.ctx(), {
      group: garden.actor,
      target: onCopse(mod),
      byActorId: alice.actor.id,
      reason: "Runs the Lemmy side",
      appoint: true,
    });
    topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Winter gritting routes",
      body: "Which roads first?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
  }, 60_000);

  afterAll(async () => {
    await Promise.all([copse?.close(), lemmy?.close()]);
  });

  it("announces the appointment as Add to the moderators collection, in Lemmy's shape", async () => {
    const add = await eventually(() => announced("Add", mod.id));
    expect(announceProblems(add.body)).toEqual([]);
    expect(add.body.object.target).toBe(`${garden.actor.iri}/moderators`);
    const collection = await (
      await lemmy.get(`${garden.actor.iri}/moderators`, { as: mod.path })
    ).json();
    // Lemmy's struct (group_moderators.json): an OrderedCollection of actor ids.
    expect(collection.type).toBe("OrderedCollection");
    expect(collection.orderedItems).toEqual([alice.actor.iri, mod.id]);
  });

  it("removes and restores with Lemmy's Delete and Undo{Delete}, announced back", async () => {
    await send(lemmyActivity("deletion/remove_note.json", { object: topic.iri }));
    await eventually(() => now().removedAt);
    expect(now().removedReason).toBe("bad comment");
    expect(logged("remove-item")?.actor?.iri).toBe(mod.id);
    const removal = await eventually(() => announced("Delete", topic.iri));
    expect(announceProblems(removal.body)).toEqual([]);
    expect(removal.body.object.actor).toBe(mod.id);
    expect(removal.body.object.summary).toBe("bad comment");

    await send(lemmyActivity("deletion/undo_remove_note.json", {}, { object: topic.iri }));
    await eventually(() => now().removedAt === null);
    await eventually(() => announced("Undo", topic.iri, "Delete"));
  });

  it("locks and unlocks with Lemmy's Lock and Undo{Lock}, and announces both in that shape", async () => {
    await send(lemmyActivity("community/lock_page.json", { object: topic.iri }));
    await eventually(() => now().lockedAt);
    expect(logged("lock")?.entry.reason).toBe("A reason for the lock");
    const lock = await eventually(() => announced("Lock", topic.iri));
    expect(announceProblems(lock.body)).toEqual([]);
    expect(activityProblems(lock.body.object)).toEqual([]);
    expect(lock.body.object.actor).toBe(mod.id);
    expect(lock.body.object.audience).toBe(garden.actor.iri);

    await send(lemmyActivity("community/undo_lock_page.json", {}, { object: topic.iri }));
    await eventually(() => now().lockedAt === null);
    const unlock = await eventually(() => announced("Undo", topic.iri, "Lock"));
    expect(announceProblems(unlock.body)).toEqual([]);
  });

  it("pins and unpins with Add and Remove to the featured collection", async () => {
    const featured = `${garden.actor.iri}/featured`;
    await send(
      lemmyActivity("community/add_featured_post.json", { object: topic.iri, target: featured }),
    );
    await eventually(() => now().pinnedAt);
    const pin = await eventually(() => announced("Add", topic.iri));
    expect(pin.body.object.target).toBe(featured);
    // The collection lists the pinned topic.
    const pinned = await (await lemmy.get(featured, { as: mod.path })).json();
    expect(pinned.type).toBe("OrderedCollection");
    expect(JSON.stringify(pinned.orderedItems)).toContain(topic.iri);
    await send(
      lemmyActivity("community/remove_featured_post.json", {
        object: topic.iri,
        target: featured,
      }),
    );
    await eventually(() => now().pinnedAt === null);
  });

  it("bans with Block (removing the person's posts) and lifts it with Undo{Block}", async () => {
    const post = {
      "@context": LEMMY_CONTEXT,
      ...rewrite(fixture("lemmy/activities/create_or_update/create_page.json"), {
        "http://ds9.lemmy.ml/u/lemmy_alpha": member.id,
        "http://enterprise.lemmy.ml/c/main": garden.actor.iri,
        "https://enterprise.lemmy.ml/c/main": garden.actor.iri,
        "http://ds9.lemmy.ml": lemmy.origin,
      }),
    };
    await send(post, member);
    await eventually(() => findItemByIri(copse.db, post.object.id));
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const ban = { object: member.id, target: garden.actor.iri, endTime: until };
    await send(lemmyActivity("block/block_user.json", { ...ban, removeData: true }));
    await eventually(() => isBanned(copse.db, garden.actor.id, onCopse(member).id));
    expect(findItemByIri(copse.db, post.object.id)?.removedAt).not.toBeNull();
    expect(logged("ban")?.entry.reason).toBe("spam post");
    expect(logged("ban")?.entry.expiresAt?.toISOString()).toBe(until);
    // Announced back as Lemmy's BlockUser: by the moderator, the community as target.
    const block = await eventually(() => announced("Block", member.id));
    expect(announceProblems(block.body)).toEqual([]);
    expect(block.body.object.actor).toBe(mod.id);
    expect(block.body.object.target).toBe(garden.actor.iri);

    await send(lemmyActivity("block/undo_block_user.json", {}, ban));
    await eventually(() => !isBanned(copse.db, garden.actor.id, onCopse(member).id));
  });

  it("appoints and dismisses a moderator with Add and Remove to the moderators collection", async () => {
    const moderators = `${garden.actor.iri}/moderators`;
    // The member left when banned; they follow again first.
    const follow = {
      "@context": LEMMY_CONTEXT,
      type: "Follow",
      id: lemmy.url(`/activities/follow/${randomUUID()}`),
      actor: member.id,
      object: garden.actor.iri,
    };
    await send(follow, member);
    await eventually(() => lemmy.activities("Accept").length >= 3);
    await send(lemmyActivity("community/add_mod.json", { object: member.id, target: moderators }));
    await eventually(() => isFacilitator(copse.db, garden.actor.id, onCopse(member).id));
    await send(
      lemmyActivity("community/remove_mod.json", { object: member.id, target: moderators }),
    );
    await eventually(() => !isFacilitator(copse.db, garden.actor.id, onCopse(member).id));
  });

  it("refuses a Lock from a Lemmy person who is not a moderator, and a junior dismissing the creator", async () => {
    await send(
      lemmyActivity("community/lock_page.json", { object: topic.iri }, undefined, member),
      member,
    );
    const moderators = `${garden.actor.iri}/moderators`;
    await send(
      lemmyActivity("community/remove_mod.json", { object: alice.actor.iri, target: moderators }),
    );
    // A pin sent after both shows they have been handled.
    await send(
      lemmyActivity("community/add_featured_post.json", {
        object: topic.iri,
        target: `${garden.actor.iri}/featured`,
      }),
    );
    await eventually(() => now().pinnedAt);
    expect(now().lockedAt).toBeNull();
    expect(isFacilitator(copse.db, garden.actor.id, alice.actor.id)).toBe(true);
  });
});
