import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findCommunity } from "../../src/domain/communities.ts";
import { getItem, groupsOfItem, threadItems } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

describe("the blog pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let carol: WebClient;
  let garden: ActorRow;
  let roads: ActorRow;
  let vault: ActorRow;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Alice writes an entry through the form and returns its page's path and id. */
  async function write(
    fields: { title: string; body?: string; summary?: string },
    groups: ActorRow[],
    action: "publish" | "draft" = "publish",
  ): Promise<{ path: string; id: number }> {
    const { response } = await alice.post("/blog/new", [
      ["title", fields.title],
      ["summary", fields.summary ?? ""],
      ["body", fields.body ?? "Some words."],
      ...groups.map((g): [string, string] => ["groups", String(g.id)]),
      ["action", action],
    ]);
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    expect(path).toMatch(/^\/people\/alice\/blog\/\d+$/);
    return { path, id: Number(path.split("/").pop()) };
  }

  beforeAll(async () => {
    copse = await startTestInstance("Blog");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    const c = await copse.createUser("carol");
    garden = copse.createCommunity("garden", a, "public").actor;
    roads = copse.createCommunity("roads", a, "public").actor;
    vault = copse.createCommunity("vault", a, "private").actor;
    // Carol is a member of the private community; Bob is not.
    requestMembership(copse.db, { groupId: vault.id, memberId: c.actor.id });
    decideMembership(copse.db, {
      groupId: vault.id,
      memberId: c.actor.id,
      byActorId: a.actor.id,
      approve: true,
    });
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    carol = await signedIn("carol");
  });
  afterAll(() => copse?.close());

  it("keeps a draft to its author until it is published", async () => {
    const { path, id } = await write({ title: "Unfinished thoughts" }, [garden], "draft");
    const own = await alice.get(path);
    expect(own.response.status).toBe(200);
    expect(own.body).toContain("This entry is a draft");
    expect((await alice.get("/people/alice/blog")).body).toContain("Unfinished thoughts");

    const other = await bob.get(path);
    expect(other.response.status).toBe(404);
    expect(other.body).not.toContain("Unfinished thoughts");
    for (const page of ["/people/alice/blog", "/people/alice", "/c/garden/blog", "/c/garden"]) {
      expect((await bob.get(page)).body).not.toContain("Unfinished thoughts");
    }
    expect((await bob.post(`${path}/comment`, { body: "Early!" })).response.status).toBe(404);

    // Publishing the draft puts it in front of everyone.
    const form = await alice.get(`${path}/edit`);
    expect(form.body).toContain("Save as draft");
    const published = await alice.post(`${path}/edit`, [
      ["title", "Finished thoughts"],
      ["summary", ""],
      ["body", "Done."],
      ["groups", String(garden.id)],
      ["action", "publish"],
    ]);
    expect(published.response.status).toBe(303);
    expect(getItem(copse.db, id)?.status).toBe("published");
    expect((await bob.get("/c/garden/blog")).body).toContain("Finished thoughts");
    expect((await new WebClient(copse.origin).get(path)).response.status).toBe(200);
  });

  it("lists an entry published into two communities in both, linking to the author's blog", async () => {
    const { path, id } = await write({ title: "Shared winter plan", summary: "For both groups" }, [
      garden,
      roads,
    ]);
    expect(
      groupsOfItem(copse.db, id)
        .map((g) => g.handle)
        .sort(),
    ).toEqual(["garden", "roads"]);
    const anonymous = new WebClient(copse.origin);
    for (const community of ["garden", "roads"]) {
      const list = await anonymous.get(`/c/${community}/blog`);
      expect(list.response.status).toBe(200);
      expect(list.body).toContain("Shared winter plan");
      expect(list.body).toContain("For both groups");
      expect(list.body).toContain(`href="${path}"`);
      // The community's copy of the address sends readers to the one page of the entry.
      const moved = await anonymous.get(`/c/${community}/blog/${id}`);
      expect(moved.response.status).toBe(303);
      expect(moved.response.headers.get("location")).toBe(path);
    }
    const page = await anonymous.get(path);
    expect(page.body).toMatch(/Published in.*Garden.*Roads/s);
    // The community page's section list links to its blog.
    expect((await anonymous.get("/c/garden")).body).toContain('href="/c/garden/blog"');
    // The profile shows the newest entries.
    const profile = await anonymous.get("/people/alice");
    expect(profile.body).toContain('href="/people/alice/blog"');
    expect(profile.body).toContain("Shared winter plan");
  });

  it("threads comments, refuses empty ones in place and lets authors tidy up", async () => {
    const { path, id } = await write({ title: "Potholes", body: "Report them **early**." }, [
      garden,
    ]);
    // Bob is not in garden, but anyone signed in may comment on a public entry.
    const first = await bob.post(`${path}/comment`, { body: "We use an app.", parent: String(id) });
    expect(first.response.status).toBe(303);
    const bobsId = Number(first.response.headers.get("location")!.split("#item-")[1]);
    const answer = await alice.post(`${path}/comment`, {
      body: "Which app?",
      parent: String(bobsId),
    });
    expect(answer.response.status).toBe(303);

    const page = await carol.get(path);
    expect(page.body).toContain("<strong>early</strong>");
    expect(page.body).toContain("Comments (2)");
    const bobsPost = page.body.indexOf(`id="item-${bobsId}"`);
    expect(bobsPost).toBeGreaterThan(0);
    expect(page.body.indexOf("Which app?")).toBeGreaterThan(bobsPost);
    expect(threadItems(copse.db, id).map((c) => c.parentId)).toEqual([id, bobsId]);

    const empty = await carol.post(`${path}/comment`, { body: "  ", parent: String(bobsId) });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("There is a problem");
    expect(empty.body).toContain(`href="#reply-${bobsId}"`);
    // Only the "Reply" disclosure the comment came from is open, with its error inside.
    expect(empty.body.match(/<details[^>]*\bopen\b/g)).toHaveLength(1);
    expect(empty.body).toContain(`id="reply-${bobsId}-error"`);
    expect(threadItems(copse.db, id)).toHaveLength(2);

    // Signed-out readers are invited to sign in rather than shown the form.
    const anonymous = await new WebClient(copse.origin).get(path);
    expect(anonymous.body).toContain("to comment");
    expect(anonymous.body).not.toContain("Post comment");

    // Carol cannot touch Bob's comment; Alice, whose blog it is, may delete it.
    const carolEdit = await carol.post(`${path}/comments/${bobsId}/edit`, { body: "Hijack" });
    expect(carolEdit.response.status).toBe(403);
    const edited = await bob.post(`${path}/comments/${bobsId}/edit`, { body: "We use a form." });
    expect(edited.response.status).toBe(303);
    expect(getItem(copse.db, bobsId)?.bodyHtml).toContain("We use a form.");
    expect((await carol.post(`${path}/comments/${bobsId}/delete`, {})).response.status).toBe(403);
    const confirm = await alice.get(`${path}/comments/${bobsId}/delete`);
    expect(confirm.body).toContain("Delete this comment?");
    const removed = await alice.post(`${path}/comments/${bobsId}/delete`, {});
    expect(removed.response.status).toBe(303);
    expect(getItem(copse.db, bobsId)?.deletedAt).not.toBeNull();
  });

  it("never shows an entry in a private community to non-members", async () => {
    const { path, id } = await write({ title: "Budget pressures", body: "Confidential figures." }, [
      vault,
    ]);
    expect(getItem(copse.db, id)?.visibility).toBe("members");
    const anonymous = new WebClient(copse.origin);
    for (const outsider of [bob, anonymous]) {
      for (const page of ["/people/alice", "/people/alice/blog"]) {
        const seen = await outsider.get(page);
        expect(seen.response.status).toBe(200);
        expect(seen.body).not.toContain("Budget pressures");
      }
      const direct = await outsider.get(path);
      expect(direct.response.status).toBe(404);
      expect(direct.body).not.toContain("Confidential");
      expect((await outsider.get("/c/vault/blog")).response.status).toBe(403);
      const viaCommunity = await outsider.get(`/c/vault/blog/${id}`);
      expect(viaCommunity.response.status).toBe(403);
      expect(viaCommunity.response.headers.get("location")).toBeNull();
    }
    expect((await bob.post(`${path}/comment`, { body: "Let me in" })).response.status).toBe(404);
    // Carol is a member, so she reads it everywhere and may comment.
    expect((await carol.get("/people/alice")).body).toContain("Budget pressures");
    expect((await carol.get("/c/vault/blog")).body).toContain("Budget pressures");
    expect((await carol.get(path)).body).toContain("Post comment");
    // Bob is offered only the communities he belongs to.
    const form = await bob.get("/blog/new");
    expect(form.body).not.toContain("Vault");
  });

  it("edits, withdraws and deletes an entry, and refuses to narrow a published one", async () => {
    const { path, id } = await write({ title: "Salt stocks" }, [garden, roads]);
    const iri = getItem(copse.db, id)!.iri;
    expect((await bob.get(`${path}/edit`)).response.status).toBe(403);

    const narrowed = await alice.post(`${path}/edit`, [
      ["title", "Salt stocks"],
      ["summary", ""],
      ["body", "Some words."],
      ["groups", String(garden.id)],
      ["action", "publish"],
    ]);
    expect(narrowed.response.status).toBe(422);
    expect(narrowed.body).toContain("cannot be taken out of Roads");
    expect(narrowed.body).toContain('href="#groups"');
    expect(groupsOfItem(copse.db, id)).toHaveLength(2);

    const withdrawn = await alice.post(`${path}/edit`, [
      ["title", "Salt stocks"],
      ["summary", ""],
      ["body", "Some words."],
      ["groups", String(garden.id)],
      ["action", "draft"],
    ]);
    expect(withdrawn.response.status).toBe(303);
    const row = getItem(copse.db, id)!;
    expect(row.status).toBe("draft");
    expect(row.iri).not.toBe(iri);
    expect((await bob.get("/c/roads/blog")).body).not.toContain("Salt stocks");

    const refused = await alice.post("/blog/new", [
      ["title", ""],
      ["body", ""],
      ["groups", String(findCommunity(copse.db, "vault")!.actor.id + 1000)],
      ["action", "publish"],
    ]);
    expect(refused.response.status).toBe(422);
    expect(refused.body).toContain("Enter a title");

    expect((await bob.post(`${path}/delete`, {})).response.status).toBe(404);
    const confirm = await alice.get(`${path}/delete`);
    expect(confirm.body).toContain("Delete this entry?");
    const deleted = await alice.post(`${path}/delete`, {});
    expect(deleted.response.status).toBe(303);
    expect(deleted.response.headers.get("location")).toBe("/people/alice/blog");
    expect(getItem(copse.db, id)?.deletedAt).not.toBeNull();
    expect((await alice.get(path)).response.status).toBe(404);
  });
});
