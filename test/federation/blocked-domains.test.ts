import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { domainBlocks } from "../../src/db/schema/index.ts";
import type { Community } from "../../src/domain/communities.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { publishTopic } from "../helpers/publish.ts";
import { queuedMessages } from "../helpers/queue-rows.ts";

// Nothing is delivered to a blocked domain, whichever part of Copse sends it: deliveries are
// dropped at the queue (src/federation/blocked-delivery.ts). Here the block row is written
// straight into the database, leaving the blocked server's member in place, so that the only
// thing between the community and that member is the queue's check.

/** A plain ActivityStreams Follow of a group by a fake peer's actor. */
function follow(peer: FakePeer, actor: FakeActor, group: string) {
  return {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: peer.url(`/follows/${actor.path.split("/").pop()}`),
    type: "Follow",
    actor: actor.id,
    object: group,
  };
}

describe("deliveries to a blocked domain", () => {
  let copse: TestInstance;
  let blocked: FakePeer;
  let control: FakePeer;
  let garden: Community;

  beforeAll(async () => {
    [copse, blocked, control] = await Promise.all([
      startTestInstance("Blockshire"),
      startFakePeer(),
      startFakePeer(),
    ]);
    const alice = await copse.createUser("alice");
    garden = copse.createCommunity("garden", alice, "public");
    for (const peer of [blocked, control]) {
      const person = await peer.addActor({
        path: "/users/pat",
        type: "Person",
        preferredUsername: "pat",
      });
      const response = await peer.deliver(
        garden.actor.inboxUrl!,
        follow(peer, person, garden.actor.iri),
        { as: person.path },
      );
      expect(response.status).toBe(202);
      await eventually(() => peer.activities("Accept").length > 0);
    }
  });

  afterAll(async () => {
    await Promise.all([copse?.close(), blocked?.close(), control?.close()]);
  });

  const announced = (peer: FakePeer, iri: string) =>
    peer.activities("Announce").some((a) => JSON.stringify(a.body).includes(iri));

  it("are dropped, while other servers still get them, and resume when the block is lifted", async () => {
    copse.db
      .insert(domainBlocks)
      .values({ domain: blocked.host, severity: "block", reason: "Test", createdAt: new Date() })
      .run();
    const first = await publishTopic(copse, garden, "Gritting routes");
    await eventually(() => announced(control, first.iri));
    // Every delivery has been handled (sent or dropped) once the queue is empty.
    await eventually(() => queuedMessages(copse.db).length === 0);
    expect(announced(blocked, first.iri)).toBe(false);

    copse.db.delete(domainBlocks).where(eq(domainBlocks.domain, blocked.host)).run();
    const second = await publishTopic(copse, garden, "Salt supplies");
    await eventually(() => announced(blocked, second.iri));
  });
});
