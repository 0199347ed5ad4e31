import type { KvKey, KvStore } from "@fedify/fedify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { publishTopic } from "../helpers/publish.ts";
import { instanceKv, queuedMessages } from "../helpers/queue-rows.ts";

// Copse sends the plain case of a delivery itself (src/federation/direct-delivery.ts): a server
// with no failures on record that reads draft-cavage signatures. Everything else goes to
// Fedify's sender. Copse's sender is told apart here by its User-Agent, which Fedify's does
// not send. Its connections go through the outbound address policy, which Fedify's do not, so
// a delivery to a private address is dropped rather than handed on.

const SPEC = (origin: string): KvKey => ["_fedify", "httpMessageSignaturesSpec", origin];
const CIRCUIT = (host: string): KvKey => ["_fedify", "circuit", host];

/** Makes the peer's person a member of the community, straight in the database. */
function addMember(copse: TestInstance, community: Community, peer: FakePeer, person: FakeActor) {
  const row = upsertRemoteActor(copse.db, {
    iri: person.id,
    type: "Person",
    handle: "pat",
    host: peer.host,
    name: "Pat",
    summary: "",
    url: null,
    inboxUrl: peer.url(`${person.path}/inbox`),
    sharedInboxUrl: peer.url("/inbox"),
    followersUrl: null,
    manuallyApprovesFollowers: false,
  });
  requestMembership(copse.db, { groupId: community.actor.id, memberId: row.id });
}

describe("deliveries sent by Copse's own sender", () => {
  let copse: TestInstance;
  let strict: TestInstance;
  let peer: FakePeer;
  let garden: Community;
  let strictGarden: Community;
  let kv: KvStore;
  let closeKv: () => Promise<void>;

  const announcesOf = (iri: string) =>
    peer.activities("Announce").filter((a) => JSON.stringify(a.body).includes(iri));

  beforeAll(async () => {
    [copse, strict, peer] = await Promise.all([
      startTestInstance("Direct"),
      // Private addresses refused, as in production: the loopback peer is out of bounds.
      startTestInstance("Strict", { COPSE_ALLOW_PRIVATE_ADDRESS: "false" }),
      startFakePeer(),
    ]);
    const pat = await peer.addActor({
      path: "/users/pat",
      type: "Person",
      preferredUsername: "pat",
    });
    garden = copse.createCommunity("garden", await copse.createUser("alice"), "public");
    strictGarden = strict.createCommunity("garden", await strict.createUser("alice"), "public");
    addMember(copse, garden, peer, pat);
    addMember(strict, strictGarden, peer, pat);
    ({ kv, close: closeKv } = instanceKv(copse));
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), strict?.close(), peer?.close(), closeKv?.()]);
  });

  it("signs a plain delivery in draft-cavage, sends it itself and remembers the format", async () => {
    expect(await kv.get(SPEC(peer.origin))).toBeUndefined();
    const topic = await publishTopic(copse, garden, "Gritting routes");
    const announces = await eventually(() => {
      const got = announcesOf(topic.iri);
      return got.length === 2 ? got : null;
    });
    for (const announce of announces) {
      expect(announce.signer).toBe(`${garden.actor.iri}#main-key`);
      expect(announce.headers["signature-input"]).toBeUndefined();
      expect(announce.headers.signature).toContain(
        'headers="(request-target) content-type date digest host"',
      );
      expect(announce.headers["user-agent"]).toMatch(/^Copse\//);
    }
    expect(await kv.get(SPEC(peer.origin))).toBe("draft-cavage-http-signatures-12");
  });

  it("leaves a server with failures on record to Fedify's sender, whose success clears them", async () => {
    const failure = new Date(Date.now() - 60_000).toISOString();
    await kv.set(CIRCUIT(peer.host), {
      state: "closed",
      failures: [failure],
      __fedifyCircuitBreakerStateVersion: 1,
    });
    const topic = await publishTopic(copse, garden, "Salt supplies");
    const announces = await eventually(() => {
      const got = announcesOf(topic.iri);
      return got.length === 2 ? got : null;
    });
    expect(announces[0]?.signer).toBe(`${garden.actor.iri}#main-key`);
    expect(announces[0]?.headers["user-agent"]).not.toMatch(/^Copse\//);
    // Fedify's circuit breaker forgot the failures after the delivery it sent went through.
    await eventually(async () => (await kv.get(CIRCUIT(peer.host))) === undefined);
    const next = await publishTopic(copse, garden, "Snow ploughs");
    const direct = await eventually(() => announcesOf(next.iri)[0]);
    expect(direct.headers["user-agent"]).toMatch(/^Copse\//);
  });

  it("drops a delivery to a private address instead of handing it to Fedify's sender", async () => {
    const topic = await publishTopic(strict, strictGarden, "Bin collections");
    await eventually(() => queuedMessages(strict.db).length === 0);
    // The same member of the permissive instance's community did get that instance's posts.
    expect(announcesOf(strictGarden.actor.iri)).toEqual([]);
    expect(announcesOf(topic.iri)).toEqual([]);
    expect(peer.activities("Announce").length).toBeGreaterThan(0);
  });
});
