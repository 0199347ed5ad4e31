import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findMembership } from "../../src/domain/membership.ts";
import {
  ACTIVITY_JSON,
  type FakeActor,
  type FakePeer,
  startFakePeer,
} from "../helpers/fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Issue 9, point 5: a body nested thousands of levels deep made JSON-LD expansion overflow
// the stack, and the inbox answered 500 before the signature was even checked. Such bodies
// must be refused with 400 before Fedify sees them, and the instance must keep working.

const DEPTH = 10_000;

/** An activity whose `object` is `[[[...]]]` nested DEPTH levels deep. */
function deepArrays(): string {
  return `{"type":"Create","object":${"[".repeat(DEPTH)}${"]".repeat(DEPTH)}}`;
}

/** An activity whose `object` is `{"object":{"object":...}}` nested DEPTH levels deep. */
function deepObjects(): string {
  return `{"type":"Create","object":${'{"object":'.repeat(DEPTH)}{}${"}".repeat(DEPTH)}}`;
}

describe("JSON nested deep or wide, posted to an inbox", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let owner: AccountWithActor;
  let mona: FakeActor;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Depth"), startFakePeer()]);
    owner = await copse.createUser("olive");
    copse.createCommunity("garden", owner, "public");
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  const inboxes = () => ({
    personal: `${copse.origin}/ap/actors/garden/inbox`,
    shared: `${copse.origin}/ap/inbox`,
  });

  it.each([
    ["nested arrays", "personal", deepArrays],
    ["nested objects", "personal", deepObjects],
    ["nested arrays", "shared", deepArrays],
    ["nested objects", "shared", deepObjects],
  ] as const)("refuses %s to the %s inbox with 400, signed or not", async (_shape, which, body) => {
    const url = inboxes()[which];
    const unsigned = await peer.deliver(url, body());
    expect(unsigned.status).toBe(400);
    expect(await unsigned.text()).toMatch(/too deep/i);
    const signed = await peer.deliver(url, body(), { as: mona.path });
    expect(signed.status).toBe(400);
  });

  it("refuses a body with too many values with 400", async () => {
    const wide = JSON.stringify({ type: "Create", object: new Array(50_000).fill(0) });
    const response = await peer.deliver(inboxes().shared, wide, { as: mona.path });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/too many/i);
  });

  it.each([
    ["text that is not JSON", "this is not JSON {"],
    ["JSON that is not an object", '["Create"]'],
    ["an empty body", ""],
  ])("refuses %s with 400", async (_what, body) => {
    const response = await peer.deliver(inboxes().shared, body, { as: mona.path });
    expect(response.status).toBe(400);
  });

  it("refuses a body over the size limit with 413", async () => {
    const huge = JSON.stringify({ type: "Create", content: "x".repeat(2 * 1024 * 1024) });
    const response = await peer.deliver(inboxes().shared, huge, { as: mona.path });
    expect(response.status).toBe(413);
  });

  it("still answers, and accepts a normal signed delivery, afterwards", async () => {
    await peer.deliver(inboxes().personal, deepObjects(), { as: mona.path });
    const health = await fetch(`${copse.origin}/healthz`);
    expect(health.status).toBe(200);
    const actor = await fetch(`${copse.origin}/ap/actors/garden`, {
      headers: { Accept: ACTIVITY_JSON },
    });
    expect(actor.status).toBe(200);

    const garden = findActorByIri(copse.db, `${copse.origin}/ap/actors/garden`)!;
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/mona-1"),
      type: "Follow",
      actor: mona.id,
      object: garden.iri,
    };
    const response = await peer.deliver(garden.inboxUrl!, follow, { as: mona.path });
    expect(response.status).toBe(202);
    await eventually(() => {
      const row = findActorByIri(copse.db, mona.id);
      return row && findMembership(copse.db, garden.id, row.id)?.state === "active";
    });
  });
});
