import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalActor } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { replacePersonTags } from "../../src/domain/person-details.ts";
import { MAX_COUNTED } from "../../src/domain/search.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

describe("search, tags and the people finder on the web", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;
  let anonymous: WebClient;
  let gardenTopic: string;
  let gardenTopicId: number;
  let vaultTopic: string;
  let vaultTopicId: number;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  async function topic(web: WebClient, community: string, title: string, body: string) {
    const created = await web.post(`/c/${community}/forum/new`, { title, body });
    expect(created.response.status).toBe(303);
    const path = created.response.headers.get("location")!;
    return { path, id: Number(path.split("/").pop()) };
  }

  beforeAll(async () => {
    copse = await startTestInstance("Search");
    const a = await copse.createUser("alice", { name: "Alice Archer" });
    const b = await copse.createUser("bob", { name: "Bob Brook" });
    const e = await copse.createUser("eve", { name: "Eve Evans" });
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    anonymous = new WebClient(copse.origin);
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
    ({ path: gardenTopic, id: gardenTopicId } = await topic(
      alice,
      "garden",
      "Gully cleaning rota",
      "How often? <script>alert('gully')</script> Use `<script>gully()</script>` for weekly gully checks.",
    ));
    ({ path: vaultTopic, id: vaultTopicId } = await topic(
      alice,
      "vault",
      "Confidential gully budget",
      "The secret gully overspend figures.",
    ));
    replacePersonTags(copse.db, b.actor.id, "expertise", ["drainage", "flood-risk"]);
    replacePersonTags(copse.db, a.actor.id, "expertise", ["drainage"]);
    expect(e.actor.id).toBeGreaterThan(0);
  });
  afterAll(() => copse?.close());

  it("finds content with highlighted, escaped snippets", async () => {
    const { response, body } = await bob.get("/search?q=gully");
    expect(response.status).toBe(200);
    expect(body).toContain("Gully cleaning rota");
    expect(body).toMatch(/<mark>[Gg]ully<\/mark>/);
    expect(body).not.toContain("<script>alert");
    // The code sample's text reaches the index as "<script>"; the snippet must escape it.
    expect(body).toMatch(/&lt;script&gt;<mark>gully<\/mark>/);
    expect(body).not.toMatch(/<script>/);
    expect(body).toContain(`href="${gardenTopic}"`);
    // The site-wide tag cloud is reached from the search page.
    expect(body).toContain(`href="/tags"`);
  });

  it("never errors on FTS5 syntax typed into the box", async () => {
    for (const q of [
      '"',
      "gully*",
      "(",
      "NEAR(a b)",
      "a OR",
      "-x",
      "col:term",
      '"unbalanced',
      "^",
      "*",
    ]) {
      const { response } = await eve.get(`/search?q=${encodeURIComponent(q)}`);
      expect(response.status, q).toBe(200);
    }
  });

  it("keeps private content out of search for non-members and in it for members", async () => {
    for (const web of [eve, anonymous, bob]) {
      const { body } = await web.get("/search?q=gully");
      expect(body).not.toContain("Confidential gully budget");
      expect(body).not.toContain("overspend");
    }
    const member = await alice.get("/search?q=overspend");
    expect(member.body).toContain("Confidential gully budget");
  });

  it("filters by type and date, and refuses a malformed date with 422", async () => {
    const people = await bob.get("/search?q=gully&type=person");
    expect(people.body).not.toContain("Gully cleaning rota");
    const future = await bob.get("/search?q=gully&from=2999-01-01");
    expect(future.body).not.toContain("Gully cleaning rota");
    const bad = await bob.get("/search?q=gully&from=yesterday");
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("Enter a date like");
  });

  it("searches within one community, and not in private ones for outsiders", async () => {
    const inside = await bob.get("/c/garden/search?q=gully");
    expect(inside.response.status).toBe(200);
    expect(inside.body).toContain("Gully cleaning rota");
    const outsider = await eve.get("/c/vault/search?q=gully");
    expect(outsider.body).not.toContain("Confidential gully budget");
    expect(outsider.response.status).not.toBe(200);
  });

  it("lets members tag, shows who tagged, and lists the tag page", async () => {
    const added = await bob.post(`/items/${gardenTopicId}/tags`, {
      tag: "Drainage",
      return: gardenTopic,
    });
    expect(added.response.status).toBe(303);
    expect(added.response.headers.get("location")).toBe(gardenTopic);
    const page = await eve.get(gardenTopic);
    expect(page.body).toContain('href="/tags/drainage"');
    expect(page.body).toMatch(/added by Bob Brook/);
    const tagPage = await anonymous.get("/tags/drainage");
    expect(tagPage.response.status).toBe(200);
    expect(tagPage.body).toContain("Gully cleaning rota");
    const cloud = await anonymous.get("/tags");
    expect(cloud.body).toContain('href="/tags/drainage"');
  });

  it("refuses tags from non-members and bad tags with 422", async () => {
    const outsider = await eve.post(`/items/${gardenTopicId}/tags`, { tag: "spam" });
    expect(outsider.response.status).toBe(403);
    const bad = await bob.post(`/items/${gardenTopicId}/tags`, { tag: "<!-- -->" });
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("Enter a tag using letters or numbers");
    expect(bad.body).not.toContain("<!-- -->");
  });

  it("removes own tags only; facilitators remove any", async () => {
    await bob.post(`/items/${gardenTopicId}/tags`, { tag: "rota" });
    const byEve = await eve.post(`/items/${gardenTopicId}/tags/remove`, { tag: "rota" });
    expect(byEve.response.status).toBe(403);
    await alice.post(`/items/${gardenTopicId}/tags`, { tag: "winter" });
    const byBob = await bob.post(`/items/${gardenTopicId}/tags/remove`, { tag: "winter" });
    expect(byBob.response.status).toBe(403);
    const byAlice = await alice.post(`/items/${gardenTopicId}/tags/remove`, { tag: "rota" });
    expect(byAlice.response.status).toBe(303);
    const page = await bob.get(gardenTopic);
    expect(page.body).not.toContain('href="/tags/rota"');
    expect(page.body).toContain('href="/tags/winter"');
  });

  it("keeps tags on private items off tag pages and clouds for non-members", async () => {
    const tagged = await alice.post(`/items/${vaultTopicId}/tags`, { tag: "secret-budget" });
    expect(tagged.response.status).toBe(303);
    expect((await alice.get("/tags/secret-budget")).body).toContain("Confidential gully budget");
    for (const web of [eve, anonymous, bob]) {
      const page = await web.get("/tags/secret-budget");
      expect(page.response.status).toBe(404);
      expect(page.body).not.toContain("Confidential");
      expect((await web.get("/tags")).body).not.toContain("secret-budget");
      expect((await web.get("/search?q=secret&type=tag")).body).not.toContain("secret-budget");
    }
    expect((await eve.get(vaultTopic)).body).not.toContain("Confidential");
  });

  it("finds people by expertise and says why they match", async () => {
    const { response, body } = await eve.get("/people?q=drainage&field=expertise");
    expect(response.status).toBe(200);
    expect(body).toContain("Bob Brook");
    expect(body).toContain("Alice Archer");
    expect(body).toContain("expertise: drainage");
    const byName = await eve.get("/people?q=brook");
    expect(byName.body).toContain("Bob Brook");
    expect(byName.body).not.toContain("Alice Archer");
    // The finder never reveals private-community content or membership.
    const privateWords = await eve.get("/people?q=overspend");
    expect(privateWords.body).not.toContain("Confidential");
    expect(privateWords.body).toContain("Nobody matched your search.");
  });

  it("looks up a handle, and says so when nobody is there", async () => {
    const local = await eve.get(`/people?q=${encodeURIComponent(`@bob@${copse.host}`)}`);
    expect(local.response.status).toBe(200);
    expect(local.body).toContain("Found by handle");
    expect(local.body).toContain("Bob Brook");
    const missing = await eve.get(`/people?q=${encodeURIComponent(`@nobody@${copse.host}`)}`);
    expect(missing.response.status).toBe(422);
    expect(missing.body).toContain("Nobody was found at");
  });

  it("shows a search box and People in the header", async () => {
    const { body } = await anonymous.get("/");
    // Search is a box in the header (a GET form to /search); People is a link.
    expect(body).toMatch(/<search[^>]*><form method="get" action="\/search"/);
    expect(body).toContain('href="/people"');
  });

  it("shows the community's tag cloud and a community search link to readers", async () => {
    await bob.post(`/items/${gardenTopicId}/tags`, { tag: "gullies" });
    const home = await anonymous.get("/c/garden");
    expect(home.body).toContain("Members tagged items with these words");
    expect(home.body).toContain('href="/tags/gullies"');
    expect(home.body).toContain('href="/c/garden/search"');
    const vault = await eve.get("/c/vault");
    expect(vault.body).not.toContain("secret-budget");
  });

  it("suggests people sharing expertise or communities on the home page", async () => {
    const { body } = await alice.get("/");
    expect(body).toContain("People you may want to know");
    expect(body).toMatch(
      /Bob Brook<\/a>\s*<span class="govuk-body-s">1 shared interest, 1 community in common/,
    );
    expect((await anonymous.get("/")).body).not.toContain("People you may want to know");
  });

  it('says "1,000+" when more items match than are counted', async () => {
    const author = findLocalActor(copse.db, "alice")!;
    const garden = findLocalActor(copse.db, "garden")!;
    copse.db.$client.transaction(() => {
      for (let i = 0; i <= MAX_COUNTED; i++) {
        composeItem(copse.db, copse.origin, {
          kind: "topic",
          author,
          groups: [garden],
          title: `Hedge ${i}`,
          body: "Laying the hedgerow.",
        });
      }
    })();
    const page = await anonymous.get("/search?q=hedgerow");
    expect(page.body).toContain("Content (1,000+ results)");
  });
});
