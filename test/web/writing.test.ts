import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { listTopics } from "../../src/domain/forum.ts";
import { threadItems } from "../../src/domain/items.ts";
import { notificationsFor } from "../../src/domain/notifications/feed.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Writing over real HTTP: the Preview button shows the text as it would be published and
// saves nothing, the reply box waits under the thread, mentions link and notify, and wiki
// links find their pages.
describe("writing posts", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let bobId: number;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  function topicCount(): number {
    const garden = findCommunity(copse.db, "garden")!;
    return listTopics(copse.db, garden.actor.id, { sort: "current", page: 1, pageSize: 50 }).total;
  }

  beforeAll(async () => {
    copse = await startTestInstance("Writing");
    const a = await copse.createUser("alice");
    bobId = (await copse.createUser("bob")).actor.id;
    copse.createCommunity("garden", a, "public");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("previews a new topic as it would be published, keeping the text and saving nothing", async () => {
    const before = topicCount();
    const { response, body } = await alice.post("/c/garden/forum/new", {
      title: "Gritting",
      body: "> quoted\n\n**bold** for @bob <script>alert(1)</script>",
      action: "preview",
    });
    expect(response.status).toBe(200);
    expect(body).toContain("Preview (not yet posted)");
    expect(body).toContain("<blockquote>");
    expect(body).toContain("<strong>bold</strong>");
    expect(body).toContain('<a href="/people/bob" class="mention"');
    expect(body).not.toContain("<script>alert(1)</script>");
    // The typed text comes back in the form, escaped.
    expect(body).toContain('value="Gritting"');
    expect(body).toContain("**bold** for @bob &lt;script&gt;");
    expect(body).toContain("Formatting help");
    expect(topicCount()).toBe(before);
  });

  it("shows the reply box under the thread, previews a reply there and posts it with a mention", async () => {
    const created = await alice.post("/c/garden/forum/new", { title: "Salt", body: "How much?" });
    const topicPath = created.response.headers.get("location")!;
    const topicId = Number(topicPath.split("/").pop());
    const page = await bob.get(topicPath);
    expect(page.body).toContain('id="reply-box-heading"');
    expect(page.body).toContain('id="reply-body"');
    // Not folded away in a disclosure.
    const box = page.body.indexOf('id="reply-body"');
    expect(page.body.lastIndexOf("<details", box)).toBeLessThan(
      page.body.lastIndexOf('id="reply-box-heading"', box),
    );

    const preview = await bob.post(`${topicPath}/reply`, {
      parent: String(topicId),
      body: "Ask _@alice_",
      action: "preview",
    });
    expect(preview.response.status).toBe(200);
    expect(preview.body).toContain("Preview (not yet posted)");
    expect(preview.body).toContain("Ask _@alice_</textarea>");
    expect(threadItems(copse.db, topicId)).toHaveLength(0);

    const empty = await bob.post(`${topicPath}/reply`, { parent: String(topicId), body: " " });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("Write your reply");

    const posted = await alice.post(`${topicPath}/reply`, {
      parent: String(topicId),
      body: "Thanks @bob",
    });
    expect(posted.response.status).toBe(303);
    const reply = threadItems(copse.db, topicId)[0]!;
    expect(reply.bodyHtml).toContain('href="/people/bob"');
    expect(notificationsFor(copse.db, bobId)).toContainEqual(
      expect.objectContaining({ kind: "mention", itemId: reply.id }),
    );
    const notifications = await bob.get("/notifications");
    expect(notifications.body).toContain("mentioned you in Salt");
  });

  it("links [[wiki pages]] to their page, or to the form that writes a missing one", async () => {
    const first = await alice.post("/c/garden/wiki/new", {
      title: "Style guide",
      body: "Our style.",
      reason: "",
    });
    expect(first.response.status).toBe(303);
    const stylePath = first.response.headers.get("location")!;
    const second = await alice.post("/c/garden/wiki/new", {
      title: "Home",
      body: "See [[style guide]] and [[Road salt]].",
      reason: "",
    });
    const page = await bob.get(second.response.headers.get("location")!);
    expect(page.body).toContain(`<a href="${stylePath.split("#")[0]}" class="wiki-link"`);
    expect(page.body).toContain(
      'href="/c/garden/wiki/new?title=Road%20salt" class="wiki-link wiki-link--missing"',
    );
    expect(page.body).toContain("(page not yet written)");
    const form = await bob.get("/c/garden/wiki/new?title=Road%20salt");
    expect(form.body).toContain('value="Road salt"');
    // A preview of a new page shows its links and creates nothing.
    const pages = () =>
      (
        copse.db.$client.prepare("SELECT count(*) AS n FROM items WHERE kind = 'wiki'").get() as {
          n: number;
        }
      ).n;
    const before = pages();
    const preview = await bob.post("/c/garden/wiki/new", {
      title: "Road salt",
      body: "Unlike [[Style guide]]",
      reason: "",
      action: "preview",
    });
    expect(preview.response.status).toBe(200);
    expect(preview.body).toContain("Preview (not yet posted)");
    expect(preview.body).toContain(`<a href="${stylePath.split("#")[0]}" class="wiki-link"`);
    expect(pages()).toBe(before);
  });

  it("shows our page for a person from elsewhere, where mentions of them lead", async () => {
    upsertRemoteActor(copse.db, {
      iri: "https://social.example/users/Carol",
      type: "Person",
      handle: "Carol",
      host: "social.example",
      name: "Carol Jones",
      summary: "<p>Roads engineer</p>",
      url: "https://social.example/@Carol",
      inboxUrl: "https://social.example/users/Carol/inbox",
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    const page = await bob.get("/people/carol%40social.example");
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Carol Jones");
    expect(page.body).toContain("Roads engineer");
    expect(page.body).toContain('href="https://social.example/@Carol"');
    expect((await bob.get("/people/nobody%40social.example")).response.status).toBe(404);
  });

  it("previews a blog entry and saves nothing", async () => {
    const entries = () =>
      (
        copse.db.$client.prepare("SELECT count(*) AS n FROM items WHERE kind = 'entry'").get() as {
          n: number;
        }
      ).n;
    const before = entries();
    const { response, body } = await alice.post("/blog/new", {
      title: "Notes",
      summary: "",
      body: "A note for _@bob_",
      action: "preview",
    });
    expect(response.status).toBe(200);
    expect(body).toContain("Preview (not yet posted)");
    expect(body).toContain('<em><a href="/people/bob" class="mention"');
    expect(body).toContain("A note for _@bob_</textarea>");
    expect(entries()).toBe(before);
  });
});
