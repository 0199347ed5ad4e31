import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Discourse serves its actors with only the ActivityStreams context, so under JSON-LD rules
// their `publicKey` is an unknown term: no key was found and every signed delivery from a
// Discourse site got 401. Copse now adds the security vocabulary such a document uses, and
// still accepts the key only for the actor its `owner` names. (The real Discourse actor
// documents are swept in test/federation/fixtures-sweep.test.ts, when the fixtures are there.)

const AS = "https://www.w3.org/ns/activitystreams";

describe("keys of actors that publish no security context (Discourse)", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let alice: AccountWithActor;
  let garden: Community;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Discourse"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  /** A Discourse-shaped actor (ActivityStreams context only) follows the community. */
  async function follow(name: string, keyOwner?: (id: string) => string) {
    const path = `/ap/actor/${name}`;
    const actor = await peer.addActor({
      path,
      type: "Person",
      preferredUsername: name,
      extra: { "@context": AS, url: peer.url(`/u/${name}`) },
      keyOwner: keyOwner?.(peer.url(path)),
    });
    expect(actor.document["@context"]).toBe(AS);
    const activity = {
      "@context": AS,
      id: peer.url(`/follows/${name}`),
      type: "Follow",
      actor: actor.id,
      object: garden.actor.iri,
    };
    const response = await peer.deliver(garden.actor.inboxUrl!, activity, { as: actor.path });
    return { status: response.status, actor };
  }

  const membershipOf = (iri: string) => {
    const actor = findActorByIri(copse.db, iri);
    return actor ? findMembership(copse.db, garden.actor.id, actor.id)?.state : undefined;
  };

  it("accepts a Follow signed by a Discourse actor whose document has no security context", async () => {
    const { status, actor } = await follow("angus");
    expect(status).toBe(202);
    expect(await eventually(() => membershipOf(actor.id))).toBe("active");
  });

  it("still refuses a Discourse actor whose key names another actor as its owner", async () => {
    const other = await peer.addActor({
      path: "/ap/actor/owner",
      type: "Person",
      preferredUsername: "owner",
    });
    const { status, actor } = await follow("thief", () => other.id);
    expect(status).toBe(401);
    expect(membershipOf(actor.id)).toBeUndefined();
  });
});
