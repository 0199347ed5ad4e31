import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import type { Community } from "../../src/domain/communities.ts";
import { composeItem } from "../../src/domain/items.ts";
import { findMembership, requestMembership } from "../../src/domain/membership.ts";
import { OUTBOX_CONCURRENCY } from "../../src/federation/instance.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Incoming activities and outgoing deliveries are queued on separate channels, each with its
// own workers (src/instance.ts). Here a community's members live on a server that takes
// connections and never answers, so a new post's deliveries hold every delivery worker; a
// Follow from another server must still be handled meanwhile.
describe("incoming work while every delivery worker is busy", () => {
  let copse: TestInstance;
  let silent: Server;
  let peer: FakePeer;
  let alice: AccountWithActor;
  let garden: Community;

  /** Deliveries to the silent server that are claimed (in a worker) right now. */
  const deliveriesInFlight = () =>
    (
      copse.db.$client
        .prepare(
          `SELECT COUNT(*) AS n FROM fedify_queue
           WHERE channel = 'outbox' AND claimed_by IS NOT NULL AND claimed_by <> '(waiting)'`,
        )
        .get() as { n: number }
    ).n;

  beforeAll(async () => {
    silent = createServer(() => {
      // Never answers: each delivery waits until the test ends the connection.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentOrigin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    [copse, peer] = await Promise.all([startTestInstance("Fairness"), startFakePeer()]);
    alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    // More members, each with an inbox of their own, than deliveries can be in flight.
    for (let i = 0; i < OUTBOX_CONCURRENCY + 10; i++) {
      const iri = `${silentOrigin}/users/u${i}`;
      const member = upsertRemoteActor(copse.db, {
        iri,
        type: "Person",
        handle: `u${i}`,
        host: new URL(silentOrigin).host,
        name: `Person ${i}`,
        summary: "",
        url: null,
        inboxUrl: `${iri}/inbox`,
        sharedInboxUrl: null,
        followersUrl: null,
        manuallyApprovesFollowers: false,
      });
      requestMembership(copse.db, { groupId: garden.actor.id, memberId: member.id });
    }
  });

  afterAll(async () => {
    // Ending the silent server's connections fails the waiting deliveries (they are retried
    // later), so the instance can stop.
    silent?.closeAllConnections();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    await Promise.all([copse?.close(), peer?.close()]);
  });

  it("handles a Follow while a post's deliveries hold every delivery worker", async () => {
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden.actor],
      title: "Street lighting",
      body: "Who has switched to LED?",
    });
    await publishItemChange(copse.ctx(), topic, "create");
    await eventually(() => deliveriesInFlight() === OUTBOX_CONCURRENCY);

    const mona = await peer.addActor({
      path: "/users/mona",
      type: "Person",
      preferredUsername: "mona",
    });
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
    const monaRow = await eventually(() =>
      copse.db.$client.prepare("SELECT id FROM actors WHERE iri = ?").get(mona.id),
    );
    await eventually(
      () =>
        findMembership(copse.db, garden.actor.id, (monaRow as { id: number }).id)?.state ===
        "active",
    );
    // The deliveries are all still waiting on the silent server: the Follow went past them.
    expect(deliveriesInFlight()).toBe(OUTBOX_CONCURRENCY);
  });
});
