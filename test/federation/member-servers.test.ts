import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { setMemberServers } from "../../src/domain/member-servers.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { forgetPeerSoftware } from "../../src/federation/peer-software.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// A private community may accept members only from Copse instances (and servers it lists),
// because Lemmy and NodeBB show the members-only posts they receive to their guests. The
// software is read from the requester's NodeInfo.

describe("a private community that accepts members only from Copse instances", () => {
  let copse: TestInstance;
  let nodebb: FakePeer;
  let other: FakePeer;
  let listed: FakePeer;
  let alice: AccountWithActor;
  let vault: Community;
  let follows = 0;

  /** A signed Follow of the vault from a new person on a peer; returns that person's id. */
  async function follow(peer: FakePeer, name: string): Promise<string> {
    const person = await peer.addActor({
      path: `/users/${name}`,
      type: "Person",
      preferredUsername: name,
    });
    const activity = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url(`/follows/${++follows}`),
      type: "Follow",
      actor: person.id,
      object: vault.actor.iri,
    };
    const response = await peer.deliver(vault.actor.inboxUrl!, activity, { as: person.path });
    expect(response.status).toBe(202);
    return person.id;
  }

  function stateOf(personId: string): string | undefined {
    const person = findActorByIri(copse.db, personId);
    return person ? findMembership(copse.db, vault.actor.id, person.id)?.state : undefined;
  }

  beforeAll(async () => {
    [copse, nodebb, other, listed] = await Promise.all([
      startTestInstance("Somerset"),
      startFakePeer(),
      startFakePeer(),
      startFakePeer(),
    ]);
    nodebb.serveNodeInfo("nodebb");
    other.serveNodeInfo("copse");
    // `listed` serves no NodeInfo at all: only the community's own list lets it in.
    alice = await copse.createUser("alice");
    vault = copse.createCommunity("vault", alice, "private");
    forgetPeerSoftware();
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), nodebb?.close(), other?.close(), listed?.close()]);
  });

  it("refuses a NodeBB server's person with a Reject when the setting is on", async () => {
    setMemberServers(copse.db, vault.actor.id, alice.actor.id, { mode: "copse", allowed: "" });
    const nina = await follow(nodebb, "nina");
    const reject = await eventually(() => nodebb.activities("Reject")[0]);
    expect(reject.body.actor).toBe(vault.actor.iri);
    expect(stateOf(nina)).toBeUndefined();
  });

  it("takes requests from Copse instances and from servers on the community's list", async () => {
    setMemberServers(copse.db, vault.actor.id, alice.actor.id, {
      mode: "copse",
      allowed: listed.host,
    });
    const carl = await follow(other, "carl");
    const lena = await follow(listed, "lena");
    await eventually(() => stateOf(carl) === "pending" && stateOf(lena) === "pending");
    expect(other.activities("Reject")).toHaveLength(0);
    expect(listed.activities("Reject")).toHaveLength(0);
  });

  it("takes a NodeBB server's request when the setting is off", async () => {
    setMemberServers(copse.db, vault.actor.id, alice.actor.id, { mode: "anywhere", allowed: "" });
    const rejectsBefore = nodebb.activities("Reject").length;
    const omar = await follow(nodebb, "omar");
    await eventually(() => stateOf(omar) === "pending");
    expect(nodebb.activities("Reject")).toHaveLength(rejectsBefore);
  });
});
