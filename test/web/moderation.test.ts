import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { getItem } from "../../src/domain/items.ts";
import { findMembership, isFacilitator } from "../../src/domain/membership.ts";
import type { WebClient } from "../helpers/client.ts";
import { WebClient as Anonymous } from "../helpers/client.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { signedIn } from "../helpers/sign-in.ts";

describe("the facilitators' pages", () => {
  let copse: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let carol: AccountWithActor;
  let asAlice: WebClient;
  let asBob: WebClient;
  let asCarol: WebClient;
  let garden: number;

  beforeAll(async () => {
    copse = await startTestInstance("Moderation");
    alice = await copse.createUser("alice");
    bob = await copse.createUser("bob");
    carol = await copse.createUser("carol");
    garden = copse.createCommunity("garden", alice, "public").actor.id;
    asAlice = await signedIn(copse, "alice");
    asBob = await signedIn(copse, "bob");
    asCarol = await signedIn(copse, "carol");
    for (const web of [asBob, asCarol]) await web.post("/c/garden/join", {});
  });
  afterAll(() => copse?.close());

  it("shows the members page to facilitators only, and refuses a member's ban", async () => {
    const page = await asAlice.get("/c/garden/members?q=car");
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Carol");
    expect(page.body).not.toContain(">Bob<");
    expect((await asBob.get("/c/garden/members")).response.status).toBe(403);
    const attempt = await asBob.post(`/c/garden/members/${carol.actor.id}/ban`, { reason: "Mine" });
    expect(attempt.response.status).toBe(403);
    expect(findMembership(copse.db, garden, carol.actor.id)?.state).toBe("active");
  });

  it("asks for a reason, then bans; the banned person cannot post or join again", async () => {
    const empty = await asAlice.post(`/c/garden/members/${bob.actor.id}/ban`, { reason: "" });
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain("govuk-error-summary");
    const ban = await asAlice.post(`/c/garden/members/${bob.actor.id}/ban`, {
      reason: "Spamming the forum",
      period: "7",
    });
    expect(ban.response.status).toBe(303);
    const m = findMembership(copse.db, garden, bob.actor.id)!;
    expect(m.state).toBe("banned");
    expect(m.bannedUntil!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    const post = await asBob.post("/c/garden/forum/new", { title: "Buy", body: "Now" });
    expect(post.response.status).toBe(403);
    expect((await asBob.post("/c/garden/join", {})).response.status).toBe(403);
    const home = await asBob.get("/c/garden");
    expect(home.body).toContain("A facilitator has banned you from this community");
    expect(home.body).toContain("Reason: Spamming the forum");
    const banned = await asAlice.get("/c/garden/members?filter=banned");
    expect(banned.body).toContain("Bob");
    const lifted = await asAlice.post(`/c/garden/members/${bob.actor.id}/unban`, {
      reason: "Apologised",
    });
    expect(lifted.response.status).toBe(303);
    expect(findMembership(copse.db, garden, bob.actor.id)).toBeUndefined();
  });

  it("appoints a co-facilitator who cannot remove the longer-serving creator", async () => {
    await asAlice.post(`/c/garden/members/${carol.actor.id}/appoint`, { reason: "Knows it well" });
    expect(isFacilitator(copse.db, garden, carol.actor.id)).toBe(true);
    const coup = await asCarol.post(`/c/garden/members/${alice.actor.id}/dismiss`, {
      reason: "Coup",
    });
    expect(coup.response.status).toBe(403);
    expect(isFacilitator(copse.db, garden, alice.actor.id)).toBe(true);
  });

  it("removes and restores, locks and pins a topic", async () => {
    const created = await asCarol.post("/c/garden/forum/new", { title: "Compost", body: "Heaps" });
    const topicPath = created.response.headers.get("location")!;
    const id = Number(topicPath.split("/").pop());
    const anyone = new Anonymous(copse.origin);
    const removed = await asAlice.post(`/c/garden/moderation/items/${id}/remove`, {
      reason: "Off topic",
    });
    expect(removed.response.status).toBe(303);
    expect((await anyone.get(topicPath)).response.status).toBe(404);
    const asAuthor = await asCarol.get(topicPath);
    expect(asAuthor.body).toContain("Removed by a facilitator: Off topic");
    await asAlice.post(`/c/garden/moderation/items/${id}/restore`, {
      reason: "On topic after all",
    });
    expect((await anyone.get(topicPath)).body).toContain("Heaps");

    await asAlice.post(`/c/garden/moderation/items/${id}/lock`, { reason: "Settled" });
    const locked = await asCarol.get(topicPath);
    expect(locked.body).toContain("This topic is locked");
    expect(locked.body).not.toContain("Post reply");
    const reply = await asCarol.post(`${topicPath}/reply`, {
      body: "One more",
      parent: String(id),
    });
    expect(reply.response.status).toBe(403);

    await asAlice.post("/c/garden/forum/new", { title: "Newer", body: "Later" });
    await asAlice.post(`/c/garden/moderation/items/${id}/pin`, { reason: "" });
    const forum = await anyone.get("/c/garden/forum");
    expect(forum.body.indexOf("Compost")).toBeLessThan(forum.body.indexOf("Newer"));
    expect(forum.body).toContain("Pinned");
    expect(getItem(copse.db, id)!.pinnedAt).not.toBeNull();

    const log = await anyone.get("/c/garden/modlog");
    expect(log.response.status).toBe(200);
    for (const text of [
      "Removed a post",
      "Off topic",
      "Locked a topic",
      "Banned",
      "Made a facilitator",
    ]) {
      expect(log.body).toContain(text);
    }
  });

  it("removes a wiki page from its list and page for everyone but its author and facilitators", async () => {
    const created = await asCarol.post("/c/garden/wiki/new", {
      title: "Soil types",
      body: "Clay and loam",
      reason: "",
    });
    const path = created.response.headers.get("location")!;
    const id = Number(path.split("/").pop());
    const anyone = new Anonymous(copse.origin);
    expect((await anyone.get("/c/garden/wiki")).body).toContain("Soil types");
    const page = await asAlice.get(path);
    expect(page.body).toContain(`/c/garden/moderation/items/${id}/remove`);
    await asAlice.post(`/c/garden/moderation/items/${id}/remove`, { reason: "Copied text" });
    expect((await anyone.get("/c/garden/wiki")).body).not.toContain("Soil types");
    expect((await anyone.get(path)).response.status).toBe(404);
    expect((await asCarol.get(path)).body).toContain("Removed by a facilitator: Copied text");
    await asAlice.post(`/c/garden/moderation/items/${id}/restore`, { reason: "Rewritten" });
    expect((await anyone.get("/c/garden/wiki")).body).toContain("Soil types");
  });

  it("removes a blog entry published into the community", async () => {
    const { response } = await asCarol.post("/blog/new", [
      ["title", "Hedgehog highways"],
      ["summary", ""],
      ["body", "Gaps in fences"],
      ["groups", String(garden)],
      ["action", "publish"],
    ]);
    const path = response.headers.get("location")!;
    const id = Number(path.split("/").pop());
    const page = await asAlice.get(path);
    expect(page.body).toContain(`/c/garden/moderation/items/${id}/remove`);
    await asAlice.post(`/c/garden/moderation/items/${id}/remove`, { reason: "Advert" });
    const anyone = new Anonymous(copse.origin);
    expect((await anyone.get(path)).response.status).toBe(404);
    expect((await anyone.get("/c/garden/blog")).body).not.toContain("Hedgehog highways");
    expect((await asCarol.get(path)).body).toContain("Removed by a facilitator: Advert");
  });

  it("refuses a member's moderation of content and changes nothing", async () => {
    const created = await asAlice.post("/c/garden/forum/new", { title: "Mine", body: "Here" });
    const id = Number(created.response.headers.get("location")!.split("/").pop());
    await asBob.post("/c/garden/join", {});
    for (const verb of ["remove", "lock", "pin"]) {
      const attempt = await asBob.post(`/c/garden/moderation/items/${id}/${verb}`, { reason: "x" });
      expect(attempt.response.status).toBe(403);
    }
    const item = getItem(copse.db, id)!;
    expect([item.removedAt, item.lockedAt, item.pinnedAt]).toEqual([null, null, null]);
  });

  it("tells a sole facilitator to appoint someone before leaving, as an error", async () => {
    copse.createCommunity("solo", alice, "public");
    const leave = await asAlice.post("/c/solo/leave", {});
    expect(leave.response.status).toBe(409);
    expect(leave.body).toContain("govuk-error-summary");
    expect(leave.body).toContain('href="/c/solo/members"');
  });

  it("changes the name, description and rules, shown on the page and in the Group", async () => {
    const saved = await asAlice.post("/c/garden/settings/details", {
      name: "Garden Club",
      description: "Growing things.",
      rules: "Be kind.\n\nNo selling.",
    });
    expect(saved.response.status).toBe(303);
    const page = await asBob.get("/c/garden");
    expect(page.body).toContain("Garden Club");
    expect(page.body).toContain("No selling.");
    const group = await fetch(`${copse.origin}/ap/actors/garden`, {
      headers: { accept: "application/activity+json" },
    });
    const json = (await group.json()) as { summary: string; name: string };
    expect(json.name).toBe("Garden Club");
    expect(json.summary).toContain("No selling.");
    const refused = await asBob.post("/c/garden/settings/details", {
      name: "Mine",
      description: "",
      rules: "",
    });
    expect(refused.response.status).toBe(403);
  });

  it("makes a community announcement-only: members reply, only facilitators start topics", async () => {
    copse.createCommunity("notices", alice, "public");
    await asCarol.post("/c/notices/join", {});
    const details = { name: "Notices", description: "", rules: "" };
    const saved = await asAlice.post("/c/notices/settings/details", {
      ...details,
      announcementOnly: "yes",
    });
    expect(saved.response.status).toBe(303);
    expect((await asAlice.get("/c/notices/settings/details")).body).toMatch(
      /name="announcementOnly"[^>]*checked/,
    );
    expect((await asCarol.get("/c/notices/forum")).body).not.toContain("Start a topic");
    expect((await asAlice.get("/c/notices/forum")).body).toContain("Start a topic");
    const refused = await asCarol.post("/c/notices/forum/new", { title: "Mine", body: "Hello" });
    expect(refused.response.status).toBe(403);
    expect(refused.body).toContain("only its facilitators can start new topics and posts");
    expect((await asCarol.get("/c/notices/forum/new")).response.status).toBe(403);
    const posted = await asAlice.post("/c/notices/forum/new", { title: "News", body: "Read me" });
    expect(posted.response.status).toBe(303);
    const topicPath = posted.response.headers.get("location")!;
    const reply = await asCarol.post(`${topicPath}/reply`, { body: "Thanks" });
    expect(reply.response.status).toBe(303);
    expect((await asCarol.get(topicPath)).body).toContain("Thanks");
    // Switched off again, members start topics as before.
    await asAlice.post("/c/notices/settings/details", details);
    const open = await asCarol.post("/c/notices/forum/new", { title: "Mine", body: "Hello" });
    expect(open.response.status).toBe(303);
  });
});
