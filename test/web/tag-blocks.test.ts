import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeItem } from "../../src/domain/items.ts";
import { entryPagePath } from "../../src/domain/paths.ts";
import { tagsOfItem } from "../../src/domain/tags.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

describe("tags on blog entries", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("Tagblocks");
  });
  afterAll(() => copse?.close());

  it("shows the tag block on an entry and lets a community member tag it", async () => {
    const ann = await copse.createUser("ann");
    const ben = await copse.createUser("ben");
    const garden = copse.createCommunity("garden", ann, "public");
    const entry = composeItem(copse.db, copse.origin, {
      kind: "entry",
      author: ann.actor,
      groups: [garden.actor],
      title: "Hedge laying",
      body: "Notes from the course.",
    });
    const web = new WebClient(copse.origin);
    await web.post("/signin", { login: "ben", password: TEST_PASSWORD });
    expect((await web.post("/c/garden/join", {})).response.status).toBe(303);
    const page = await web.get(entryPagePath("ann", entry.id));
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Add a tag");
    const tagged = await web.post(`/items/${entry.id}/tags`, { tag: "Hedgerows" });
    expect(tagged.response.status).toBe(303);
    expect(
      tagsOfItem(copse.db, entry.id).map((t) => [t.name, t.taggers.map((who) => who.id)]),
    ).toEqual([["hedgerows", [ben.actor.id]]]);
    const after = await web.get(entryPagePath("ann", entry.id));
    expect(after.body).toContain("hedgerows");
  });

  it("takes phrases and comma-separated tags, and a refusal adds none of them", async () => {
    const cat = await copse.createUser("cat");
    const forms = copse.createCommunity("forms", cat, "public");
    const entry = composeItem(copse.db, copse.origin, {
      kind: "entry",
      author: cat.actor,
      groups: [forms.actor],
      title: "Moving our forms",
      body: "What we learned.",
    });
    const web = new WebClient(copse.origin);
    await web.post("/signin", { login: "cat", password: TEST_PASSWORD });
    const tooLong = "x".repeat(51);
    const refused = await web.post(`/items/${entry.id}/tags`, { tag: `drainage, ${tooLong}` });
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("50 characters or fewer");
    expect(tagsOfItem(copse.db, entry.id)).toEqual([]);
    const tagged = await web.post(`/items/${entry.id}/tags`, {
      tag: "gov.uk forms, #Drainage, drainage",
    });
    expect(tagged.response.status).toBe(303);
    expect(tagsOfItem(copse.db, entry.id).map((t) => [t.name, t.display])).toEqual([
      ["drainage", "Drainage"],
      ["gov-uk-forms", "gov-uk-forms"],
    ]);
  });
});
