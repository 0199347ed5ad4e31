import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findLocalActor } from "../../src/domain/actors.ts";
import { createCommunity, findCommunity } from "../../src/domain/communities.ts";
import { setEnabledSections } from "../../src/domain/sections.ts";
import {
  createWikiPage,
  editWikiPage,
  findWikiPage,
  latestRevision,
  listRevisions,
  relatedPages,
} from "../../src/domain/wiki/wiki.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

describe("the wiki pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  /** Creates a page as someone and returns its path and database id. */
  async function createPage(
    who: WebClient,
    community: string,
    title: string,
    body: string,
  ): Promise<{ path: string; id: number }> {
    const created = await who.post(`/c/${community}/wiki/new`, { title, body, reason: "" });
    expect(created.response.status).toBe(303);
    const path = created.response.headers.get("location")!;
    expect(path).toMatch(new RegExp(`^/c/${community}/wiki/\\d+$`));
    return { path, id: Number(path.split("/").pop()) };
  }

  beforeAll(async () => {
    copse = await startTestInstance("Wiki");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("creates a page, edits it with a reason, and lists it", async () => {
    const home = await bob.get("/c/garden");
    expect(home.body).toContain('href="/c/garden/wiki"');
    const { path, id } = await createPage(
      alice,
      "garden",
      "Gritting routes",
      "Main roads first <script>alert(1)</script>",
    );
    const form = await bob.get(`${path}/edit`);
    expect(form.response.status).toBe(200);
    expect(form.body).toContain('name="base" value="1"');
    const edited = await bob.post(`${path}/edit`, {
      title: "Gritting routes",
      body: "Main roads first\n\nThen **bus routes**",
      reason: "Added bus routes",
      base: "1",
    });
    expect(edited.response.status).toBe(303);
    expect(edited.response.headers.get("location")).toBe(path);

    const page = await eve.get(path);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("<strong>bus routes</strong>");
    expect(page.body).not.toContain("<script>alert(1)</script>");
    expect(page.body).toContain("Revision 2");
    expect(page.body).toContain("Added bus routes");
    const list = await eve.get("/c/garden/wiki");
    expect(list.body).toContain(`href="/c/garden/wiki/${id}"`);
    expect(list.body).toContain("Gritting routes");
    expect(listRevisions(copse.db, id).map((r) => r.author.handle)).toEqual(["bob", "alice"]);
  });

  it("asks for a reason for every update", async () => {
    const { path, id } = await createPage(alice, "garden", "Salt stock", "Ten tonnes");
    const { response, body } = await bob.post(`${path}/edit`, {
      title: "Salt stock",
      body: "Twelve tonnes",
      reason: "",
      base: "1",
    });
    expect(response.status).toBe(422);
    expect(body).toContain("Enter a reason for the update");
    expect(body).toContain("Twelve tonnes");
    expect(latestRevision(copse.db, id)?.number).toBe(1);
  });

  it("shows a conflict and keeps the editor's text when the page changed meanwhile", async () => {
    const { path, id } = await createPage(alice, "garden", "Depot contacts", "Call the depot");
    // Alice opens the form (revision 1); Bob saves first.
    const aliceForm = await alice.get(`${path}/edit`);
    expect(aliceForm.body).toContain('name="base" value="1"');
    await bob.post(`${path}/edit`, {
      title: "Depot contacts",
      body: "Call the depot on 01234 567890",
      reason: "Added the number",
      base: "1",
    });
    const stale = await alice.post(`${path}/edit`, {
      title: "Depot contacts",
      body: "Email the depot at depot@example.org",
      reason: "Prefer email",
      base: "1",
    });
    expect(stale.response.status).toBe(409);
    expect(stale.body).toContain("Someone else changed this page");
    expect(stale.body).toContain("govuk-error-summary");
    // Her own text stays in the textarea; the latest text is shown to compare.
    expect(stale.body).toMatch(
      /<textarea[^>]*name="body"[^>]*>Email the depot at depot@example.org/,
    );
    expect(stale.body).toContain("Call the depot on 01234 567890");
    expect(stale.body).toContain("Added the number");
    // Saving again now builds on revision 2.
    expect(stale.body).toContain('name="base" value="2"');
    expect(listRevisions(copse.db, id)).toHaveLength(2);
    expect(latestRevision(copse.db, id)?.bodySource).toBe("Call the depot on 01234 567890");
  });

  it("lists history, compares two revisions and restores one", async () => {
    const { path, id } = await createPage(alice, "garden", "Bin days", "Monday\nTuesday");
    await bob.post(`${path}/edit`, {
      title: "Bin days",
      body: "Monday\nWednesday",
      reason: "Tuesday moved",
      base: "1",
    });
    const history = await eve.get(`${path}/history`);
    expect(history.response.status).toBe(200);
    expect(history.body).toContain("Tuesday moved");
    expect(history.body).toContain("Created the page");
    expect(history.body).toMatch(/name="from"[^>]*value="1"[^>]*checked/);
    expect(history.body).toMatch(/name="to"[^>]*value="2"[^>]*checked/);
    expect(history.body).toContain(`action="${path}/diff"`);

    const diff = await eve.get(`${path}/diff?from=1&to=2`);
    expect(diff.response.status).toBe(200);
    expect(diff.body).toContain("<del>Tuesday</del>");
    expect(diff.body).toContain("<ins>Wednesday</ins>");
    expect(diff.body).toMatch(/Removed<\/td>\s*<td[^>]*><del>Tuesday/);
    expect((await eve.get(`${path}/diff?from=1&to=9`)).response.status).toBe(404);

    // A non-member cannot restore; a member can.
    expect((await eve.post(`${path}/restore`, { revision: "1" })).response.status).toBe(403);
    const restored = await bob.post(`${path}/restore`, { revision: "1" });
    expect(restored.response.status).toBe(303);
    const latest = latestRevision(copse.db, id)!;
    expect(latest.number).toBe(3);
    expect(latest.reason).toBe("Restored revision 1");
    expect(latest.bodySource).toBe("Monday\nTuesday");
    const old = await eve.get(`${path}/revisions/2`);
    expect(old.body).toContain("Wednesday");
  });

  it("pages a long history fifty revisions at a time, newest first", async () => {
    const { path, id } = await createPage(alice, "garden", "Rota", "Week 1");
    // 54 edits straight through the domain: the pages are what is tested here, not editing.
    const page = findWikiPage(copse.db, id)!;
    const bobActor = findLocalActor(copse.db, "bob")!;
    for (let n = 2; n <= 55; n++) {
      editWikiPage(copse.db, page, {
        editor: bobActor,
        title: "Rota",
        body: `Week ${n}`,
        reason: `Edit number ${n}`,
        baseRevision: n - 1,
        related: [],
      });
    }
    const first = await eve.get(`${path}/history`);
    expect(first.body).toContain("Revisions (55)");
    const numbersOn = (body: string) =>
      [...body.matchAll(/name="to"[^>]*value="(\d+)"/g)].map((m) => Number(m[1]));
    expect(numbersOn(first.body)).toEqual(Array.from({ length: 50 }, (_, i) => 55 - i));
    // The comparison starts from the newest two, and the next page is a link away.
    expect(first.body).toMatch(/name="from"[^>]*value="54"[^>]*checked/);
    expect(first.body).toMatch(/name="to"[^>]*value="55"[^>]*checked/);
    expect(first.body).toContain(`href="${path}/history?page=2"`);

    const second = await eve.get(`${path}/history?page=2`);
    expect(numbersOn(second.body)).toEqual([5, 4, 3, 2, 1]);
    expect(second.body).toContain("Created the page");
    expect(second.body).toContain(`href="${path}/history?page=1"`);
    // Past the end shows the last page; nonsense shows the first.
    expect(numbersOn((await eve.get(`${path}/history?page=9`)).body)).toEqual([5, 4, 3, 2, 1]);
    expect(numbersOn((await eve.get(`${path}/history?page=x`)).body)[0]).toBe(55);
  });

  it("links related pages of the same community", async () => {
    const target = await createPage(alice, "garden", "Snow ploughs", "Two ploughs");
    const { path, id } = await createPage(alice, "garden", "Winter plan", "Overview");
    const form = await alice.get(`${path}/edit`);
    expect(form.body).toContain(`value="${target.id}"`);
    const saved = await alice.post(`${path}/edit`, {
      title: "Winter plan",
      body: "Overview",
      reason: "Linked the ploughs",
      related: String(target.id),
      base: "1",
    });
    expect(saved.response.status).toBe(303);
    expect(relatedPages(copse.db, id).map((p) => p.id)).toEqual([target.id]);
    const page = await eve.get(path);
    expect(page.body).toContain("Related pages");
    expect(page.body).toContain(`href="/c/garden/wiki/${target.id}"`);
  });

  it("keeps a private community's wiki from non-members", async () => {
    const { path, id } = await createPage(alice, "vault", "Budget lines", "Confidential");
    for (const suffix of ["", "/history", "/diff?from=1&to=1", "/edit", "/revisions/1"]) {
      const outsider = await bob.get(`${path}${suffix}`);
      expect(outsider.response.status).toBe(403);
      expect(outsider.body).not.toContain("Budget lines");
      expect(outsider.body).not.toContain("Confidential");
    }
    const list = await bob.get("/c/vault/wiki");
    expect(list.response.status).toBe(403);
    expect(list.body).not.toContain("Budget lines");
    const anonymous = await new WebClient(copse.origin).get("/c/vault/wiki");
    expect(anonymous.response.status).toBe(403);
    const sneaky = await bob.post(`${path}/edit`, {
      title: "Hacked",
      body: "x",
      reason: "x",
      base: "1",
    });
    expect(sneaky.response.status).toBe(403);
    expect(
      (await bob.post("/c/vault/wiki/new", { title: "Mine", body: "x" })).response.status,
    ).toBe(403);
    expect(latestRevision(copse.db, id)?.title).toBe("Budget lines");
    const member = await alice.get("/c/vault/wiki");
    expect(member.body).toContain("Budget lines");
    const vault = findCommunity(copse.db, "vault")!;
    expect(vault.visibility).toBe("private");
  });

  it("answers 404 when a facilitator has switched the wiki off", async () => {
    const { path } = await createPage(alice, "garden", "Soon hidden", "Text");
    const garden = findCommunity(copse.db, "garden")!;
    setEnabledSections(copse.db, garden.actor.id, ["forum"]);
    try {
      expect((await bob.get("/c/garden/wiki")).response.status).toBe(404);
      expect((await bob.get(path)).response.status).toBe(404);
      expect((await bob.get("/c/garden")).body).not.toContain('href="/c/garden/wiki"');
    } finally {
      setEnabledSections(copse.db, garden.actor.id, ["forum", "wiki"]);
    }
    expect((await bob.get(path)).response.status).toBe(200);
  });

  it("refuses edits from people who are not members", async () => {
    const { path, id } = await createPage(alice, "garden", "Members only edits", "Text");
    const page = await eve.get(path);
    expect(page.body).not.toContain(`href="${path}/edit"`);
    const refused = await eve.post(`${path}/edit`, {
      title: "Eve was here",
      body: "x",
      reason: "x",
      base: "1",
    });
    expect(refused.response.status).toBe(403);
    expect(latestRevision(copse.db, id)?.title).toBe("Members only edits");
  });

  it("lists a big wiki 50 pages at a time, A to Z, with page links that need no script", async () => {
    const owner = findLocalActor(copse.db, "alice")!;
    const library = createCommunity(copse.db, copse.origin, {
      handle: "library",
      name: "Library",
      description: "",
      visibility: "public",
      ownerActorId: owner.id,
    }).actor;
    for (let i = 1; i <= 55; i++) {
      createWikiPage(copse.db, copse.origin, {
        group: library,
        author: owner,
        title: `Shelf ${String(i).padStart(2, "0")}`,
        body: "Books",
      });
    }
    const first = await bob.get("/c/library/wiki");
    expect(first.body).toContain("Pages (55)");
    expect(first.body.match(/Shelf \d\d/g)?.length).toBe(50);
    expect(first.body).toContain("Shelf 50");
    expect(first.body).not.toContain("Shelf 51");
    expect(first.body).toContain('href="/c/library/wiki?page=2" rel="next"');
    const second = await bob.get("/c/library/wiki?page=2");
    expect(second.body.match(/Shelf \d\d/g)).toEqual([51, 52, 53, 54, 55].map((n) => `Shelf ${n}`));
    expect(second.body).toContain('href="/c/library/wiki" rel="prev"');
    // A page past the end shows the last one.
    expect((await bob.get("/c/library/wiki?page=9")).body).toContain("Shelf 55");
  });
});
