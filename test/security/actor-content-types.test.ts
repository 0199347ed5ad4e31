import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { guardedDocumentLoader } from "../../src/federation/outbound/document-loader.ts";
import { outboundPolicy } from "../../src/federation/outbound/policy.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// CVE-2024-25623: a server that lets users upload files, or renders user text as a page, could
// serve an "actor document" as text/html or text/plain, and a fetcher that accepted any JSON
// would take it for an actor. Copse took such actors as members. Only the two ActivityPub
// media types are accepted now; plain application/json is refused too, since no server in the
// captured fixtures serves ActivityPub documents that way.

const AS = "https://www.w3.org/ns/activitystreams";
const loader = guardedDocumentLoader(
  outboundPolicy(loadConfig({ COPSE_ALLOW_PRIVATE_ADDRESS: "true" })),
);

describe("actor documents served with the wrong content type", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let alice: AccountWithActor;
  let garden: Community;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Types"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  /** A Follow of the community from a fresh actor served as `servedAs`; returns the status. */
  async function followAs(name: string, servedAs: string): Promise<number> {
    const actor = await peer.addActor({
      path: `/users/${name}`,
      type: "Person",
      preferredUsername: name,
      servedAs,
    });
    const follow = { "@context": AS, id: peer.url(`/follows/${name}`), type: "Follow" };
    const response = await peer.deliver(
      garden.actor.inboxUrl!,
      { ...follow, actor: actor.id, object: garden.actor.iri },
      { as: actor.path },
    );
    return response.status;
  }

  const isMember = (name: string) => {
    const actor = findActorByIri(copse.db, peer.url(`/users/${name}`));
    return actor ? findMembership(copse.db, garden.actor.id, actor.id)?.state === "active" : false;
  };

  it("refuses an actor document served as text/html", async () => {
    await expect(loader(await servedActor(peer, "html", "text/html"))).rejects.toThrow(
      /served as text\/html, not as an ActivityPub document/,
    );
  });

  it("refuses an actor document served as text/plain", async () => {
    await expect(
      loader(await servedActor(peer, "plain", "text/plain; charset=utf-8")),
    ).rejects.toThrow(/served as text\/plain/);
  });

  it("refuses an actor document served as plain application/json or bare application/ld+json", async () => {
    await expect(loader(await servedActor(peer, "json", "application/json"))).rejects.toThrow(
      /served as application\/json/,
    );
    await expect(loader(await servedActor(peer, "ld", "application/ld+json"))).rejects.toThrow(
      /served as application\/ld\+json/,
    );
  });

  it("accepts actor documents served with either ActivityPub media type", async () => {
    const activity = await servedActor(
      peer,
      "activity",
      "application/activity+json; charset=utf-8",
    );
    expect((await loader(activity)).documentUrl).toBe(activity);
    const profiled = await servedActor(
      peer,
      "profiled",
      'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    );
    expect((await loader(profiled)).documentUrl).toBe(profiled);
  });

  it("does not let an actor served as text/html join a community", async () => {
    expect(await followAs("mallory", "text/html")).toBe(401);
    expect(isMember("mallory")).toBe(false);
    // The same Follow from an actor served properly is accepted: the refusal was the type.
    expect(await followAs("mona", "application/activity+json")).toBe(202);
    await eventually(() => isMember("mona"));
  });
});

/** Serves a fresh actor as `servedAs` and returns its id. */
async function servedActor(peer: FakePeer, name: string, servedAs: string): Promise<string> {
  const actor = await peer.addActor({
    path: `/served/${name}`,
    type: "Person",
    preferredUsername: `served_${name}`,
    servedAs,
  });
  return actor.id;
}
