import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memberships } from "../../src/db/schema/index.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findItemByIri } from "../../src/domain/items.ts";
import { mayStartThread } from "../../src/domain/moderation/announcement.ts";
import { updateCommunitySettings } from "../../src/domain/moderation/settings.ts";
import { publishGroupUpdate } from "../../src/federation/group-update.ts";
import { fetchAndStoreActor } from "../../src/federation/lookup.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { groupProblems } from "../helpers/lemmy-shapes.ts";
import { queuedMessages } from "../helpers/queue-rows.ts";

// An announcement-only community (Lemmy's postingRestrictedToMods) takes new threads from its
// facilitators only, wherever their account is; members on other servers may still reply.

// biome-ignore lint/suspicious/noExplicitAny: activities are arbitrary JSON-LD.
type Json = any;

describe("an announcement-only community and other servers", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let member: FakeActor;
  let facilitator: FakeActor;
  let garden: Community;
  let aliceId: number;

  /** A Create of a Page (a new thread) or a Note answering `inReplyTo`, to the community. */
  function create(by: FakeActor, inReplyTo?: string): Json {
    const id = peer.url(`/objects/${randomUUID()}`);
    return {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${id}/create`,
      type: "Create",
      actor: by.id,
      to: ["https://www.w3.org/ns/activitystreams#Public"],
      cc: [garden.actor.iri],
      object: {
        id,
        type: inReplyTo ? "Note" : "Page",
        attributedTo: by.id,
        ...(inReplyTo ? { inReplyTo } : { name: "News from the peer" }),
        content: "<p>Hello</p>",
        to: ["https://www.w3.org/ns/activitystreams#Public"],
        cc: [garden.actor.iri],
        audience: garden.actor.iri,
      },
    };
  }

  async function groupJson(): Promise<Json> {
    const response = await fetch(garden.actor.iri, {
      headers: { accept: "application/activity+json" },
    });
    return response.json();
  }

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Announceshire"), startFakePeer()]);
    const alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    aliceId = alice.actor.id;
    for (const name of ["pat", "fay"]) {
      const person = await peer.addActor({
        path: `/users/${name}`,
        type: "Person",
        preferredUsername: name,
      });
      const follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: peer.url(`/follows/${name}`),
        type: "Follow",
        actor: person.id,
        object: garden.actor.iri,
      };
      const response = await peer.deliver(garden.actor.inboxUrl!, follow, { as: person.path });
      expect(response.status).toBe(202);
      if (name === "pat") member = person;
      else facilitator = person;
    }
    await eventually(() => peer.activities("Accept").length === 2);
    // The community lists the peer's second person as a facilitator.
    const fay = findActorByIri(copse.db, facilitator.id)!;
    copse.db
      .update(memberships)
      .set({ role: "facilitator" })
      .where(and(eq(memberships.groupId, garden.actor.id), eq(memberships.memberId, fay.id)))
      .run();
    const changed = updateCommunitySettings(copse.db, {
      groupId: garden.actor.id,
      byActorId: aliceId,
      name: "Garden",
      description: "",
      rules: "",
      announcementOnly: true,
    });
    await publishGroupUpdate(copse.ctx(), changed.actor);
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("publishes postingRestrictedToMods in the Group, in a shape Lemmy reads", async () => {
    const json = await groupJson();
    expect(json.postingRestrictedToMods).toBe(true);
    expect(JSON.stringify(json["@context"])).toContain("lemmy:postingRestrictedToMods");
    expect(groupProblems(json)).toEqual([]);
    // Followers' servers hear of the change in an Update{Group}.
    await eventually(() => peer.activities("Update").length > 0);
    expect(peer.activities("Update")[0]!.body.object.postingRestrictedToMods).toBe(true);
  });

  it("refuses a member's new thread, takes a facilitator's and a member's reply to it", async () => {
    const refused = create(member);
    expect((await peer.deliver(garden.actor.inboxUrl!, refused, { as: member.path })).status).toBe(
      202,
    );
    const news = create(facilitator);
    await peer.deliver(garden.actor.inboxUrl!, news, { as: facilitator.path });
    await eventually(() => findItemByIri(copse.db, news.object.id) !== undefined);
    const reply = create(member, news.object.id);
    await peer.deliver(garden.actor.inboxUrl!, reply, { as: member.path });
    await eventually(() => findItemByIri(copse.db, reply.object.id) !== undefined);
    await eventually(() => queuedMessages(copse.db).length === 0);
    expect(findItemByIri(copse.db, refused.object.id)).toBeUndefined();
    expect(findItemByIri(copse.db, news.object.id)?.kind).toBe("topic");
  });

  it("reads postingRestrictedToMods from a remote Group, and its Update{Group}", async () => {
    const context = [
      "https://www.w3.org/ns/activitystreams",
      "https://w3id.org/security/v1",
      {
        lemmy: "https://join-lemmy.org/ns#",
        postingRestrictedToMods: "lemmy:postingRestrictedToMods",
      },
    ];
    const news = await peer.addActor({
      path: "/c/news",
      type: "Group",
      preferredUsername: "news",
      extra: { "@context": context, postingRestrictedToMods: true },
    });
    const row = await fetchAndStoreActor(copse.ctx(), news.id);
    expect(findActorByIri(copse.db, news.id)?.postingRestrictedToMods).toBe(true);
    expect(mayStartThread(copse.db, row.id, aliceId)).toBe(false);
    // Both ways, so that the embedded Group is really read (false is also the default).
    for (const restricted of [false, true]) {
      const update = {
        "@context": context,
        id: peer.url(`/activities/update/${randomUUID()}`),
        type: "Update",
        actor: news.id,
        to: ["https://www.w3.org/ns/activitystreams#Public"],
        object: { ...news.document, "@context": undefined, postingRestrictedToMods: restricted },
      };
      const response = await peer.deliver(garden.actor.inboxUrl!, update, { as: news.path });
      expect(response.status).toBe(202);
      await eventually(
        () => findActorByIri(copse.db, news.id)?.postingRestrictedToMods === restricted,
      );
      expect(mayStartThread(copse.db, row.id, aliceId)).toBe(!restricted);
    }
  });

  it("writes false when the community is open to everyone's topics", async () => {
    updateCommunitySettings(copse.db, {
      groupId: garden.actor.id,
      byActorId: aliceId,
      name: "Garden",
      description: "",
      rules: "",
      announcementOnly: false,
    });
    const json = await groupJson();
    expect(json.postingRestrictedToMods).toBe(false);
  });
});
