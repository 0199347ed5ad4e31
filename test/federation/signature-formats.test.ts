import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem } from "../../src/domain/items.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Which HTTP signature format Copse signs a delivery with. Most of the fediverse reads only
// draft-cavage HTTP Signatures, so a first delivery to a server is signed that way; a server
// that refuses it (401) is tried with RFC 9421, and whichever format it took is remembered, so
// later deliveries are signed once, in that format.
describe("signature formats of deliveries", () => {
  let copse: TestInstance;
  let cavageOnly: FakePeer;
  let rfc9421Only: FakePeer;
  let alice: AccountWithActor;
  let garden: Community;

  /** A person on the peer follows the community and waits for the Accept to arrive. */
  async function follow(peer: FakePeer, actor: FakeActor): Promise<void> {
    const activity = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url(`/follows/${actor.path.split("/").pop()}`),
      type: "Follow",
      actor: actor.id,
      object: garden.actor.iri,
    };
    const response = await peer.deliver(garden.actor.inboxUrl!, activity, { as: actor.path });
    expect(response.status).toBe(202);
    await eventually(() => peer.activities("Accept").length > 0);
  }

  beforeAll(async () => {
    [copse, cavageOnly, rfc9421Only] = await Promise.all([
      startTestInstance("Knocks"),
      startFakePeer(),
      startFakePeer(),
    ]);
    cavageOnly.acceptOnly = "draft-cavage";
    rfc9421Only.acceptOnly = "rfc9421";
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    const mona = await cavageOnly.addActor({
      path: "/users/mona",
      type: "Person",
      preferredUsername: "mona",
    });
    const rafe = await rfc9421Only.addActor({
      path: "/users/rafe",
      type: "Person",
      preferredUsername: "rafe",
    });
    await follow(cavageOnly, mona);
    await follow(rfc9421Only, rafe);
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), cavageOnly?.close(), rfc9421Only?.close()]);
  });

  it("signs a first delivery to a server with draft-cavage, and signs it once", () => {
    const [accept] = cavageOnly.activities("Accept");
    expect(accept?.signer).toBe(`${garden.actor.iri}#main-key`);
    expect(accept?.headers.signature).toContain('algorithm="rsa-sha256"');
    expect(accept?.headers["signature-input"]).toBeUndefined();
    expect(cavageOnly.refused).toEqual([]);
  });

  it("tries RFC 9421 when a server refuses draft-cavage, then signs only with RFC 9421", async () => {
    // The Accept was the first delivery: refused in draft-cavage, taken in RFC 9421.
    expect(rfc9421Only.refused.map((r) => r.body.type)).toEqual(["Accept"]);
    expect(rfc9421Only.activities("Accept")[0]?.headers["signature-input"]).toBeDefined();

    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Street lighting",
      body: "Who has switched to LED?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
    // A new post goes out in two forms to each server (src/federation/announces.ts).
    const announces = await eventually(() => {
      const got = rfc9421Only.activities("Announce");
      return got.length === 2 ? got : null;
    });
    for (const announce of announces) {
      expect(announce.signer).toBe(`${garden.actor.iri}#main-key`);
      expect(announce.headers["signature-input"]).toBeDefined();
    }
    // Remembered: no further draft-cavage knock was refused.
    expect(rfc9421Only.refused).toHaveLength(1);
    const cavageAnnounces = await eventually(() => {
      const got = cavageOnly.activities("Announce");
      return got.length === 2 ? got : null;
    });
    expect(cavageAnnounces.every((a) => a.headers["signature-input"] === undefined)).toBe(true);
    expect(cavageOnly.refused).toEqual([]);
  });
});
