import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem, findItemByIri } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { tagsOfItem } from "../../src/domain/tags.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { WebClient } from "../helpers/client.ts";
import {
  eventually,
  startTestInstance,
  TEST_PASSWORD,
  type TestInstance,
} from "../helpers/instances.ts";

// Somerset hosts the community; Bob on Sunderland and Carol on Cardiff are members. Tags added
// on Somerset reach the others as an Update the group announces, carrying Hashtags.
describe("tags across three instances", () => {
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let cardiff: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let garden: ActorRow;

  async function joinFrom(instance: TestInstance, who: AccountWithActor): Promise<ActorRow> {
    const group = await resolveActor(instance.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(instance.ctx(), who.actor, group);
    await eventually(() => findMembership(instance.db, group.id, who.actor.id)?.state === "active");
    return group;
  }

  beforeAll(async () => {
    [somerset, sunderland, cardiff] = await Promise.all([
      startTestInstance("TagSomerset"),
      startTestInstance("TagSunderland"),
      startTestInstance("TagCardiff"),
    ]);
    alice = await somerset.createUser("alice", { name: "Alice" });
    await somerset.createUser("dan", { name: "Dan" });
    bob = await sunderland.createUser("bob");
    carol = await cardiff.createUser("carol");
    garden = somerset.createCommunity("garden", alice, "public").actor;
    await joinFrom(sunderland, bob);
    await joinFrom(cardiff, carol);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close(), cardiff?.close()]);
  });

  it("sends a tag added by a member on the community's home to every instance", async () => {
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Pothole triage",
      body: "How do you rank potholes?",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    const onSunderland = await eventually(() => findItemByIri(sunderland.db, topic.iri));
    const onCardiff = await eventually(() => findItemByIri(cardiff.db, topic.iri));
    expect(tagsOfItem(sunderland.db, onSunderland.id)).toEqual([]);

    // Dan, a member who did not write the topic, tags it through the web form.
    const dan = new WebClient(somerset.origin);
    await dan.post("/signin", { login: "dan", password: TEST_PASSWORD });
    expect((await dan.post("/c/garden/join", {})).response.status).toBe(303);
    const tagged = await dan.post(`/items/${topic.id}/tags`, { tag: "Highways" });
    expect(tagged.response.status).toBe(303);
    expect(tagsOfItem(somerset.db, topic.id).map((t) => t.name)).toEqual(["highways"]);

    for (const [instance, copy] of [
      [sunderland, onSunderland],
      [cardiff, onCardiff],
    ] as const) {
      const names = await eventually(() => {
        const got = tagsOfItem(instance.db, copy.id).map((t) => t.name);
        return got.length > 0 ? got : undefined;
      });
      expect(names).toEqual(["highways"]);
      // The tag page on the receiving instance lists the federated topic.
      const page = await new WebClient(instance.origin).get("/tags/highways");
      expect(page.body).toContain("Pothole triage");
    }

    // Removing the tag on the home instance removes it everywhere.
    const removed = await dan.post(`/items/${topic.id}/tags/remove`, { tag: "highways" });
    expect(removed.response.status).toBe(303);
    await eventually(() => tagsOfItem(sunderland.db, onSunderland.id).length === 0);
    await eventually(() => tagsOfItem(cardiff.db, onCardiff.id).length === 0);
  });

  it("takes hashtags of content created elsewhere as tags, and refuses tagging remote items", async () => {
    const topic = composeItem(sunderland.db, sunderland.origin, {
      kind: "topic",
      author: bob.actor,
      groups: [await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`)],
      title: "Salt stocks",
      body: "How much salt do you hold?",
    });
    const webBob = new WebClient(sunderland.origin);
    await webBob.post("/signin", { login: "bob", password: TEST_PASSWORD });
    // Tagging an own item on the author's instance is allowed even though its group is remote,
    // but the item here is local to Sunderland; the remote copy on Somerset is another story.
    await publishItemChange(sunderland.ctx(), topic, "create");
    const onSomerset = await eventually(() => findItemByIri(somerset.db, topic.iri));
    const alicesWeb = new WebClient(somerset.origin);
    await alicesWeb.post("/signin", { login: "alice", password: TEST_PASSWORD });
    const refused = await alicesWeb.post(`/items/${onSomerset.id}/tags`, { tag: "salt" });
    expect(refused.response.status).toBe(403);
    expect(tagsOfItem(somerset.db, onSomerset.id)).toEqual([]);

    const own = await webBob.post(`/items/${topic.id}/tags`, { tag: "gritting" });
    expect(own.response.status).toBe(303);
    const names = await eventually(() => {
      const got = tagsOfItem(somerset.db, onSomerset.id).map((t) => t.name);
      return got.length > 0 ? got : undefined;
    });
    expect(names).toEqual(["gritting"]);
  });

  it("applies a tag added on another instance to an item of the community's home, for everyone", async () => {
    const topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Verge cutting",
      body: "Twice a year, or once?",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    const onSunderland = await eventually(() => findItemByIri(sunderland.db, topic.iri));
    const onCardiff = await eventually(() => findItemByIri(cardiff.db, topic.iri));

    // Bob, a member on Sunderland, tags Somerset's topic from his own instance.
    const webBob = new WebClient(sunderland.origin);
    await webBob.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const tagged = await webBob.post(`/items/${onSunderland.id}/tags`, { tag: "Biodiversity" });
    expect(tagged.response.status).toBe(303);

    // The community's home applies it (credited to Bob) and announces it; Cardiff gets it too.
    const onHome = await eventually(() =>
      tagsOfItem(somerset.db, topic.id).find((t) => t.name === "biodiversity"),
    );
    expect(onHome).toBeDefined();
    await eventually(() =>
      tagsOfItem(cardiff.db, onCardiff.id).some((t) => t.name === "biodiversity"),
    );

    // Someone who is not a member of the community cannot tag it from elsewhere.
    const outsider = await cardiff.createUser("olga");
    const { sendRemoteTagging } = await import("../../src/federation/tags.ts");
    await sendRemoteTagging(cardiff.ctx(), onCardiff, outsider.actor, "spam", true);
    await new Promise((r) => setTimeout(r, 500));
    expect(tagsOfItem(somerset.db, topic.id).map((t) => t.name)).not.toContain("spam");
  });
});
