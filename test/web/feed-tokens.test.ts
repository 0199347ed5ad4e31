import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedTokens } from "../../src/db/schema/index.ts";
import { feedTokenFor, replaceFeedToken } from "../../src/domain/feeds/tokens.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import type { WebClient } from "../helpers/client.ts";
import {
  type FeedInstance,
  type FeedSample,
  startFeedSample,
  titles,
} from "../helpers/feed-sample.ts";
import type { TestInstance } from "../helpers/instances.ts";

// Feed tokens: private communities' feeds and the personal feed only for a live token of
// someone who may see them; revoked, expired and made-up tokens get 404 and nothing else.

describe("feed tokens and private feeds", () => {
  let copse: TestInstance;
  let s: FeedSample;
  let anon: WebClient;
  let signedIn: FeedInstance["signedIn"];
  let feed: FeedInstance["feed"];
  let status: FeedInstance["status"];

  beforeAll(async () => {
    ({ copse, s, anon, signedIn, feed, status } = await startFeedSample("Feedley"));
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("keeps a private community's feeds to its members' tokens", async () => {
    const path = "/feeds/c/council/forum.rss";
    expect(await status(path)).toBe(404);
    const { body: refused } = await anon.get(path);
    expect(refused).not.toContain("Budget");

    const bobToken = feedTokenFor(copse.db, s.bob.actor.id);
    const { parsed } = await feed(`${path}?token=${bobToken}`);
    expect(titles(parsed)).toEqual(["Budget secrets"]);
    const atom = await feed(`/feeds/c/council/forum.atom?token=${bobToken}`);
    expect(atom.response.headers.get("cache-control")).toMatch(/^private/);

    // A valid token of someone who is not a member gets nothing, as if there were no feed.
    const eveToken = feedTokenFor(copse.db, s.eve.actor.id);
    expect(await status(`${path}?token=${eveToken}`)).toBe(404);
    // Made-up and malformed tokens, and one differing from Bob's in its last character only.
    const last = bobToken.at(-1) === "A" ? "B" : "A";
    expect(await status(`${path}?token=${bobToken.slice(0, -1)}${last}`)).toBe(404);
    expect(await status(`${path}?token=nonsense`)).toBe(404);
    expect(await status(`${path}?token=`)).toBe(404);
  });

  it("answers 404 with nothing at all for revoked and expired tokens, even on public feeds", async () => {
    const carol = await copse.createUser("carol");
    requestMembership(copse.db, { groupId: s.council.actor.id, memberId: carol.actor.id });
    decideMembership(copse.db, {
      groupId: s.council.actor.id,
      memberId: carol.actor.id,
      byActorId: s.alice.actor.id,
      approve: true,
    });
    const old = feedTokenFor(copse.db, carol.actor.id);
    expect(await status(`/feeds/c/council/forum.rss?token=${old}`)).toBe(200);
    const fresh = replaceFeedToken(copse.db, carol.actor.id);
    expect(fresh).not.toBe(old);
    for (const path of [
      "/feeds/c/council/forum.rss",
      "/feeds/c/garden/forum.rss",
      "/feeds/me.atom",
    ]) {
      const { response, body } = await anon.get(`${path}?token=${old}`);
      expect(response.status, path).toBe(404);
      expect(body).not.toMatch(/Budget|Composting/);
    }
    expect(await status(`/feeds/c/council/forum.rss?token=${fresh}`)).toBe(200);

    const expired = "E".repeat(43);
    copse.db
      .insert(feedTokens)
      .values({
        token: expired,
        personId: s.bob.actor.id,
        createdAt: 1,
        expiresAt: Date.now() - 1000,
      })
      .run();
    expect(await status(`/feeds/c/council/forum.rss?token=${expired}`)).toBe(404);
    expect(await status(`/feeds/c/garden/forum.rss?token=${expired}`)).toBe(404);
  });

  it("gives each person a feed of activity in their communities, only with their token", async () => {
    expect(await status("/feeds/me.rss")).toBe(404);
    const token = feedTokenFor(copse.db, s.bob.actor.id);
    for (const ext of ["rss", "atom"]) {
      const { parsed } = await feed(`/feeds/me.${ext}?token=${token}`);
      // Bob is only in the council: its entry, topic and reply, nothing from the garden.
      expect(titles(parsed)).toEqual(["Council away day", "Re: Budget secrets", "Budget secrets"]);
    }
    const { items } = (await feed(`/feeds/me.atom?token=${token}`)).parsed;
    const reply = items.find((i) => i.title === "Re: Budget secrets")!;
    expect(reply.link).toMatch(
      new RegExp(`^${copse.origin}/c/council/forum/\\d+\\?reply=\\d+#item-\\d+$`),
    );
  });

  it("lists a person's private feed links and revokes them at once", async () => {
    expect((await anon.get("/settings/feeds")).response.status).toBe(303);
    const bobWeb = await signedIn("bob");
    const profile = await bobWeb.get("/people/bob");
    expect(profile.body).toContain('href="/settings/feeds"');

    const page = await bobWeb.get("/settings/feeds");
    expect(page.response.status).toBe(200);
    const token = feedTokenFor(copse.db, s.bob.actor.id);
    expect(page.body).toContain(`${copse.origin}/feeds/me.rss?token=${token}`);
    expect(page.body).toContain(`${copse.origin}/feeds/c/council/forum.atom?token=${token}`);
    expect(page.body).not.toContain("/feeds/c/garden/");

    // Without the form's CSRF field nothing is revoked.
    const forged = await bobWeb.post("/settings/feeds/revoke", {}, { csrf: false });
    expect(forged.response.status).toBe(403);
    expect(await status(`/feeds/me.rss?token=${token}`)).toBe(200);

    const revoked = await bobWeb.post("/settings/feeds/revoke", {});
    expect(revoked.response.status).toBe(303);
    expect(revoked.response.headers.get("location")).toBe("/settings/feeds");
    expect(await status(`/feeds/me.rss?token=${token}`)).toBe(404);
    const after = await bobWeb.get("/settings/feeds");
    expect(after.body).toContain("Your old feed links have stopped working");
    expect(after.body).not.toContain(token);
    const fresh = /\/feeds\/me\.rss\?token=([A-Za-z0-9_-]{43})/.exec(after.body)![1]!;
    expect(await status(`/feeds/me.rss?token=${fresh}`)).toBe(200);
  });
});
