import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeItem, deleteItem } from "../../src/domain/items.ts";
import { askOrigin } from "../../src/federation/origin-fetch.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Attack class: foreign deletes (issue 9, point 2). Since "could not fetch" no longer counts as
// "deleted", a server must be able to prove a deletion: Copse answers a deleted object with
// 410 Gone and a Tombstone, and reads the same from other servers as the only proof.

describe("deleted objects", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;

  beforeAll(async () => {
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset"),
      startTestInstance("Sunderland"),
    ]);
  });
  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close()]);
  });

  it("answer 410 Gone with a Tombstone, which another instance reads as proof", async () => {
    const ann = await somerset.createUser("ann");
    const garden = somerset.createCommunity("garden", ann, "public").actor;
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: ann.actor,
      groups: [garden],
      title: "Compost",
      body: "Turn it weekly.",
    });
    const before = await askOrigin(sunderland.ctx(), new URL(topic.iri));
    expect(before.kind).toBe("found");

    deleteItem(somerset.db, topic, ann.actor.id);
    const response = await fetch(topic.iri, { headers: { Accept: "application/activity+json" } });
    expect(response.status).toBe(410);
    const body = await response.json();
    expect(body).toMatchObject({ id: topic.iri, type: "Tombstone" });
    expect(await askOrigin(sunderland.ctx(), new URL(topic.iri))).toEqual({ kind: "gone" });
  });

  it("leave a missing object a plain 404, which proves nothing", async () => {
    const missing = new URL("/ap/pages/no-such-page", somerset.origin);
    const response = await fetch(missing, { headers: { Accept: "application/activity+json" } });
    expect(response.status).toBe(404);
    expect((await askOrigin(sunderland.ctx(), missing)).kind).toBe("unavailable");
  });
});
