import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findAccount } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { suspendAccount } from "../../src/domain/admin/accounts.ts";
import { saveDomainBlocks } from "../../src/domain/admin/servers.ts";
import type { Community } from "../../src/domain/communities.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Attack class: a server an administrator blocked keeps talking. Its correctly signed
// deliveries must change nothing: they are refused before Fedify looks at them, its people
// are taken out of local communities when the block is made, and asking to join again fails.
// And a suspended person, whose password still works, must not get a session.

describe("a blocked domain and a suspended person", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let garden: Community;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Wallford"), startFakePeer()]);
    const alice = await copse.createUser("alice", { admin: true });
    garden = copse.createCommunity("garden", alice, "public");
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("refuses a blocked server's signed deliveries and removes its members", async () => {
    const mallory = await peer.addActor({
      path: "/users/mallory",
      type: "Person",
      preferredUsername: "mallory",
    });
    const followActivity = (n: number) => ({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url(`/follows/${n}`),
      type: "Follow",
      actor: mallory.id,
      object: garden.actor.iri,
    });
    const before = await peer.deliver(garden.actor.inboxUrl!, followActivity(1), {
      as: mallory.path,
    });
    expect(before.status).toBe(202);
    const member = await eventually(() => {
      const row = findActorByIri(copse.db, mallory.id);
      return row && findMembership(copse.db, garden.actor.id, row.id)?.state === "active"
        ? row
        : undefined;
    });

    expect(
      saveDomainBlocks(copse.db, [{ domain: peer.host, severity: "block", reason: "Spam" }]),
    ).toBe(1);
    expect(findMembership(copse.db, garden.actor.id, member.id)).toBeUndefined();

    const after = await peer.deliver(garden.actor.inboxUrl!, followActivity(2), {
      as: mallory.path,
    });
    expect(after.status).toBe(403);
    const shared = await peer.deliver(`${copse.origin}/ap/inbox`, followActivity(3), {
      as: mallory.path,
    });
    expect(shared.status).toBe(403);
    expect(findMembership(copse.db, garden.actor.id, member.id)).toBeUndefined();
  });

  it("gives a suspended person no session, even with the right password", async () => {
    const admin = findAccount(copse.db, "alice")!;
    const bob = await copse.createUser("bob");
    suspendAccount(copse.db, { by: admin.id, accountId: bob.id, reason: "Compromised" });
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: "bob", password: TEST_PASSWORD });
    expect(response.status).toBe(403);
    expect(web.cookie("copse_session")).toBeUndefined();
  });
});
