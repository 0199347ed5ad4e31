import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCommunity } from "../../src/domain/communities.ts";
import { listTopics } from "../../src/domain/forum.ts";
import { getItem, threadItems } from "../../src/domain/items.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

describe("the forum pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Forum");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("starts a topic, threads replies and shows them in order", async () => {
    const created = await alice.post("/c/garden/forum/new", {
      title: "Winter gritting",
      body: "Routes for **this** winter <script>alert(1)</script>",
    });
    expect(created.response.status).toBe(303);
    const topicPath = created.response.headers.get("location")!;
    expect(topicPath).toMatch(/^\/c\/garden\/forum\/\d+$/);
    const topicId = Number(topicPath.split("/").pop());

    const reply = await bob.post(`${topicPath}/reply`, {
      body: "We use the same routes.",
      parent: String(topicId),
    });
    expect(reply.response.status).toBe(303);
    const replyId = Number(reply.response.headers.get("location")!.split("#item-")[1]);
    await alice.post(`${topicPath}/reply`, { body: "Thanks Bob!", parent: String(replyId) });

    const page = await bob.get(topicPath);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("<strong>this</strong>");
    expect(page.body).not.toContain("<script>alert(1)</script>");
    // Alice's answer is nested inside Bob's reply.
    const bobsPost = page.body.indexOf(`id="item-${replyId}"`);
    const alicesAnswer = page.body.indexOf("Thanks Bob!");
    expect(bobsPost).toBeGreaterThan(0);
    expect(alicesAnswer).toBeGreaterThan(bobsPost);
    const replies = threadItems(copse.db, topicId);
    expect(replies.map((r) => r.parentId)).toEqual([topicId, replyId]);
  });

  it("refuses an empty topic with errors in place and stores nothing", async () => {
    const garden = findCommunity(copse.db, "garden")!;
    const before = listTopics(copse.db, garden.actor.id, {
      sort: "current",
      page: 1,
      pageSize: 50,
    }).total;
    const { response, body } = await alice.post("/c/garden/forum/new", { title: "", body: "" });
    expect(response.status).toBe(422);
    expect(body).toContain("Enter a title");
    expect(body).toContain("Write something in the body");
    expect(
      listTopics(copse.db, garden.actor.id, { sort: "current", page: 1, pageSize: 50 }).total,
    ).toBe(before);
  });

  it("sorts and pages the topic list", async () => {
    for (const title of ["Zebra crossings", "Allotments", "Potholes"]) {
      await bob.post("/c/garden/forum/new", { title, body: "Details." });
    }
    const az = await bob.get("/c/garden/forum?sort=az&size=10");
    const order = ["Allotments", "Potholes", "Winter gritting", "Zebra crossings"].map((t) =>
      az.body.indexOf(t),
    );
    expect(order.every((pos, i) => pos > 0 && (i === 0 || pos > order[i - 1]!))).toBe(true);
    const mine = await alice.get("/c/garden/forum?sort=mine");
    expect(mine.body).toContain("Winter gritting");
    expect(mine.body).not.toContain("Zebra crossings");
    // The table is kept between views (fragment-cache.ts), but "my topics" is each viewer's own,
    // in either order of asking, and a new topic shows at once.
    const bobsOwn = await bob.get("/c/garden/forum?sort=mine");
    expect(bobsOwn.body).toContain("Zebra crossings");
    expect(bobsOwn.body).not.toContain("Winter gritting");
    expect((await alice.get("/c/garden/forum?sort=mine")).body).not.toContain("Zebra crossings");
    await alice.post("/c/garden/forum/new", { title: "Street trees", body: "Details." });
    expect((await alice.get("/c/garden/forum?sort=mine")).body).toContain("Street trees");
    expect((await bob.get("/c/garden/forum?sort=az&size=10")).body).toContain("Street trees");
    const firstPage = await bob.get("/c/garden/forum?sort=az&size=10&page=1");
    expect(firstPage.body).toContain("Topics (5)");
    // The newest activity comes first by default: Alice's last topic, then Bob's.
    const current = await bob.get("/c/garden/forum");
    expect(current.body.indexOf("Street trees")).toBeLessThan(current.body.indexOf("Potholes"));
    expect(current.body.indexOf("Potholes")).toBeLessThan(current.body.indexOf("Winter gritting"));
  });

  it("lets authors edit and delete their own posts, and nobody else's", async () => {
    const created = await bob.post("/c/garden/forum/new", {
      title: "Bob's question",
      body: "Original",
    });
    const topicPath = created.response.headers.get("location")!;
    const topicId = Number(topicPath.split("/").pop());

    const hijack = await alice.post(`${topicPath}/edit?item=${topicId}`, {
      title: "Hijacked",
      body: "x",
    });
    // Alice facilitates the community, so she may moderate; Eve, an outsider, may not.
    expect(hijack.response.status).toBe(303);
    const eve = await signedIn("eve");
    const refused = await eve.post(`${topicPath}/edit?item=${topicId}`, {
      title: "Eve was here",
      body: "x",
    });
    expect(refused.response.status).toBe(403);
    const refusedDelete = await eve.post(`${topicPath}/delete`, { item: String(topicId) });
    expect(refusedDelete.response.status).toBe(403);
    expect(getItem(copse.db, topicId)?.title).toBe("Hijacked");
    expect(getItem(copse.db, topicId)?.deletedAt).toBeNull();

    const edited = await bob.post(`${topicPath}/edit?item=${topicId}`, {
      title: "Bob's better question",
      body: "Edited",
    });
    expect(edited.response.status).toBe(303);
    expect(getItem(copse.db, topicId)?.bodyHtml).toContain("Edited");
    // A preview of an edit, and an edit with no title, show the form again and change nothing.
    const previewed = await bob.post(`${topicPath}/edit?item=${topicId}`, {
      title: "Bob's better question",
      body: "**Previewed** words",
      action: "preview",
    });
    expect(previewed.response.status).toBe(200);
    expect(previewed.body).toContain("<strong>Previewed</strong> words");
    const untitled = await bob.post(`${topicPath}/edit?item=${topicId}`, {
      title: "",
      body: "No title",
    });
    expect(untitled.response.status).toBe(422);
    expect(untitled.body).toContain("There is a problem");
    expect(getItem(copse.db, topicId)?.bodyHtml).toContain("Edited");
    const confirm = await bob.get(`${topicPath}/delete?item=${topicId}`);
    expect(confirm.body).toContain("Delete this post?");
    const deleted = await bob.post(`${topicPath}/delete`, { item: String(topicId) });
    expect(deleted.response.status).toBe(303);
    expect(getItem(copse.db, topicId)?.deletedAt).not.toBeNull();
    expect((await bob.get(topicPath)).response.status).toBe(404);
  });

  it("keeps a private community's forum from non-members", async () => {
    await alice.post("/c/vault/forum/new", { title: "Sensitive", body: "Not for everyone" });
    const outsider = await bob.get("/c/vault/forum");
    expect(outsider.response.status).toBe(403);
    expect(outsider.body).not.toContain("Sensitive");
    const home = await bob.get("/c/vault");
    expect(home.body).not.toContain("Sensitive");
    const anonymous = await new WebClient(copse.origin).get("/c/vault/forum");
    expect(anonymous.response.status).toBe(403);
    const member = await alice.get("/c/vault/forum");
    expect(member.body).toContain("Sensitive");
    const notMember = await bob.post("/c/vault/forum/new", { title: "Sneaky", body: "Let me in" });
    expect(notMember.response.status).toBe(403);
  });
});

describe("community sections", () => {
  let copse: TestInstance;
  beforeAll(async () => {
    copse = await startTestInstance("Sections");
    const owner = await copse.createUser("olive");
    await copse.createUser("pat");
    copse.createCommunity("parks", owner, "public");
  });
  afterAll(() => copse?.close());

  it("lets a facilitator switch the forum off, which hides it everywhere", async () => {
    const olive = new WebClient(copse.origin);
    await olive.post("/signin", { login: "olive", password: TEST_PASSWORD });
    const before = await olive.get("/c/parks");
    expect(before.body).toContain('href="/c/parks/forum"');
    expect(before.body).toContain("Community settings");

    const pat = new WebClient(copse.origin);
    await pat.post("/signin", { login: "pat", password: TEST_PASSWORD });
    expect((await pat.get("/c/parks/settings")).response.status).toBe(403);
    expect((await pat.post("/c/parks/settings", { sections: "wiki" })).response.status).toBe(403);

    const saved = await olive.post("/c/parks/settings", { sections: "wiki" });
    expect(saved.response.status).toBe(303);
    const after = await olive.get("/c/parks");
    expect(after.body).not.toContain('href="/c/parks/forum"');
    expect((await olive.get("/c/parks/forum")).response.status).toBe(404);
    const settings = await olive.get("/c/parks/settings");
    expect(settings.body).toMatch(/value="wiki"[^>]*checked/);
    expect(settings.body).not.toMatch(/value="forum"[^>]*checked/);
  });
});
