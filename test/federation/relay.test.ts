import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { voteTallies } from "../../src/domain/votes.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { publishTopic } from "../helpers/publish.ts";
import { queuedMessages } from "../helpers/queue-rows.ts";

const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

// A community passes on what its members on other servers do as its own Announce, signed by
// the group over HTTP and with no Linked Data signature or integrity proof
// (src/federation/relay.ts), and answers their Follows the same way. Somerset hosts the
// community; its members are Bob on another Copse instance (Sunderland) and Mona on a
// Mastodon-shaped peer, which verifies each delivery's HTTP signature itself. Mona's reply
// and vote reach Bob only through the group.
describe("a community relaying its members' activities", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let peer: FakePeer;
  let mona: FakeActor;
  let alice: AccountWithActor;
  let garden: Community;
  let topic: ItemRow;

  /** The Announces the peer received from the community whose object mentions `iri`. */
  const announcesOf = (iri: string) =>
    peer
      .activities("Announce")
      .filter((a) => a.body.actor === garden.actor.iri && JSON.stringify(a.body).includes(iri));

  beforeAll(async () => {
    [somerset, sunderland, peer] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
      startFakePeer(),
    ]);
    alice = await somerset.createUser("alice");
    garden = somerset.createCommunity("garden", alice, "public");
    const bob = await sunderland.createUser("bob");
    const gardenThere = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), bob.actor, gardenThere);
    await eventually(
      () => findMembership(sunderland.db, gardenThere.id, bob.actor.id)?.state === "active",
    );
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.actor.iri,
    };
    expect((await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path })).status).toBe(
      202,
    );
    await eventually(() => peer.activities("Accept").length > 0);
    topic = await publishTopic(somerset, garden, "Street lighting");
    await eventually(() => findItemByIri(sunderland.db, topic.iri));
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), peer?.close()]);
  });

  it("answers a Follow from another server the same way: HTTP-signed by the group, no proof", async () => {
    // Bob's instance (above) took its Accept by this path too: his membership became active.
    const [accept] = peer.activities("Accept");
    expect(accept!.path).toBe("/users/mona/inbox");
    expect(accept!.signer).toBe(`${garden.actor.iri}#main-key`);
    expect(accept!.body).toMatchObject({
      type: "Accept",
      actor: garden.actor.iri,
      object: { type: "Follow", id: peer.url("/follows/1"), actor: mona.id },
    });
    expect(accept!.body.signature).toBeUndefined();
    expect(accept!.body.proof).toBeUndefined();
  });

  it("passes on a reply from another server, which the other member's Copse accepts", async () => {
    const noteId = peer.url("/users/mona/statuses/1");
    const note = {
      id: noteId,
      type: "Note",
      attributedTo: mona.id,
      inReplyTo: topic.iri,
      content: "<p>We switched last spring.</p>",
      published: new Date().toISOString(),
      to: [AS_PUBLIC],
      cc: [garden.actor.iri],
    };
    peer.serve(new URL(noteId).pathname, {
      "@context": "https://www.w3.org/ns/activitystreams",
      ...note,
    });
    const create = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${noteId}/activity`,
      type: "Create",
      actor: mona.id,
      to: note.to,
      cc: note.cc,
      object: note,
    };
    const answer = await peer.deliver(`${somerset.origin}/ap/inbox`, create, { as: mona.path });
    expect(answer.status).toBe(202);
    // Bob's instance hears of Mona's reply only from the group, and takes it.
    const copy = await eventually(() => findItemByIri(sunderland.db, noteId));
    expect(copy.bodyHtml).toContain("We switched last spring.");
    // The Mastodon-shaped member got both forms, each verified against the group's key.
    const announces = await eventually(() => {
      const got = announcesOf(noteId);
      return got.length === 2 ? got : null;
    });
    for (const announce of announces) {
      expect(announce.signer).toBe(`${garden.actor.iri}#main-key`);
      expect(announce.body.signature).toBeUndefined();
      expect(announce.body.proof).toBeUndefined();
      expect(announce.body.to).toEqual([AS_PUBLIC]);
    }
    const wrapped = announces.find((a) => a.body.object.type === "Create")!;
    expect(wrapped.body.object).toMatchObject({ id: create.id, actor: mona.id });
    expect(wrapped.body.object.object).toMatchObject({ id: noteId, attributedTo: mona.id });
    expect(announces.some((a) => a.body.object === noteId)).toBe(true);
  });

  it("passes on a vote from another server, which the other member's Copse counts", async () => {
    const copy = findItemByIri(sunderland.db, topic.iri)!;
    const likeId = peer.url("/users/mona/likes/1");
    const like = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: likeId,
      type: "Like",
      actor: mona.id,
      object: topic.iri,
    };
    expect(
      (await peer.deliver(`${somerset.origin}/ap/inbox`, like, { as: mona.path })).status,
    ).toBe(202);
    await eventually(() => voteTallies(sunderland.db, [copy.id]).get(copy.id)!.up === 1);
    const announce = await eventually(() => announcesOf(likeId)[0]);
    expect(announce.signer).toBe(`${garden.actor.iri}#main-key`);
    expect(announce.body.signature).toBeUndefined();
    expect(announce.body.proof).toBeUndefined();
    expect(announce.body.object).toMatchObject({ id: likeId, type: "Like", actor: mona.id });
  });

  it("still refuses a reply whose author is not its sender, and relays nothing of it", async () => {
    const noteId = peer.url("/users/mona/statuses/2");
    const forged = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${noteId}/activity`,
      type: "Create",
      actor: mona.id,
      object: {
        id: noteId,
        type: "Note",
        attributedTo: alice.actor.iri,
        inReplyTo: topic.iri,
        content: "<p>Not written by Alice.</p>",
        to: [AS_PUBLIC],
      },
    };
    expect(
      (await peer.deliver(`${somerset.origin}/ap/inbox`, forged, { as: mona.path })).status,
    ).toBe(202);
    // The queue has handled it once nothing of it waits; then it is in neither database.
    await eventually(() => queuedMessages(somerset.db).length === 0);
    expect(findItemByIri(somerset.db, noteId)).toBeUndefined();
    expect(findItemByIri(sunderland.db, noteId)).toBeUndefined();
    expect(announcesOf(noteId)).toEqual([]);
  });
});
