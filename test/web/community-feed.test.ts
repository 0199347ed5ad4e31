import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedTokenFor } from "../../src/domain/feeds/tokens.ts";
import { setEnabledSections } from "../../src/domain/sections.ts";
import type { WebClient } from "../helpers/client.ts";
import {
  type FeedInstance,
  type FeedSample,
  startFeedSample,
  titles,
} from "../helpers/feed-sample.ts";
import type { TestInstance } from "../helpers/instances.ts";

// Each community's one feed of everything new in it (/feeds/c/<community>.rss|.atom): every
// section's items and the replies under them, as the reader may see them; a private
// community's only with a member's own feed token, exactly like its section feeds.

describe("a community's feed of everything", () => {
  let copse: TestInstance;
  let s: FeedSample;
  let anon: WebClient;
  let signedIn: FeedInstance["signedIn"];
  let feed: FeedInstance["feed"];
  let status: FeedInstance["status"];

  beforeAll(async () => {
    ({ copse, s, anon, signedIn, feed, status } = await startFeedSample("Allfeed"));
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("lists every section's new items in one feed, in both formats", async () => {
    for (const ext of ["rss", "atom"]) {
      const { parsed } = await feed(`/feeds/c/garden.${ext}`);
      expect(parsed.title).toBe(s.garden.actor.name);
      const got = titles(parsed);
      for (const title of [
        "Composting &lt;b&gt;rota&lt;/b&gt;",
        "Spring planting",
        "Soil guide",
        "Seed swap",
        "Planting calendar",
        "Which day for the working party?",
      ])
        expect(got, `${ext}: ${title}`).toContain(title);
      // Nothing from the private council leaks into the public community's feed.
      expect(got.join(" ")).not.toMatch(/Budget|away day/);
    }
    const { parsed } = await feed("/feeds/c/garden.atom");
    expect(parsed.link).toBe(`${copse.origin}/c/garden`);
  });

  it("leaves out the sections a community has switched off", async () => {
    const quiet = copse.createCommunity("hushed", s.alice, "public");
    setEnabledSections(copse.db, quiet.actor.id, ["forum"]);
    const { parsed } = await feed("/feeds/c/hushed.rss");
    expect(parsed.items).toEqual([]);
    expect(await status("/feeds/c/nowhere.rss")).toBe(404);
    expect(await status("/feeds/c/garden.json")).toBe(404);
  });

  it("keeps a private community's feed to its members' tokens, with replies titled after their topic", async () => {
    const path = "/feeds/c/council.rss";
    const { response, body } = await anon.get(path);
    expect(response.status).toBe(404);
    expect(body).not.toMatch(/Budget|away day/);

    const bobToken = feedTokenFor(copse.db, s.bob.actor.id);
    const { parsed, response: ok } = await feed(`${path}?token=${bobToken}`);
    expect(titles(parsed)).toEqual(["Council away day", "Re: Budget secrets", "Budget secrets"]);
    expect(ok.headers.get("cache-control")).toMatch(/^private/);

    // A working token of someone who is not a member, and tokens that are wrong.
    const eveToken = feedTokenFor(copse.db, s.eve.actor.id);
    const last = bobToken.at(-1) === "A" ? "B" : "A";
    for (const token of [eveToken, `${bobToken.slice(0, -1)}${last}`, "nonsense", ""]) {
      const refused = await anon.get(`${path}?token=${encodeURIComponent(token)}`);
      expect(refused.response.status, token).toBe(404);
      expect(refused.body).not.toMatch(/Budget|away day/);
    }
    // A wrong token is refused on a public community's feed too, never answered with it.
    expect(await status("/feeds/c/garden.rss?token=nonsense")).toBe(404);
  });

  it("is announced on the community's page, and never a private one's", async () => {
    const garden = await anon.get("/c/garden");
    expect(garden.body).toMatch(
      /<link rel="alternate" type="application\/rss\+xml"[^>]*href="\/feeds\/c\/garden\.rss"/,
    );
    expect(garden.body).toContain('href="/feeds/c/garden.atom"');

    const bobWeb = await signedIn("bob");
    const council = await bobWeb.get("/c/council");
    expect(council.body).not.toContain("/feeds/c/council.rss");
    expect(council.body).not.toContain('rel="alternate"');
    expect(council.body).toContain('href="/settings/feeds"');
    const links = await bobWeb.get("/settings/feeds");
    expect(links.body).toContain(
      `/feeds/c/council.rss?token=${feedTokenFor(copse.db, s.bob.actor.id)}`,
    );
  });
});
