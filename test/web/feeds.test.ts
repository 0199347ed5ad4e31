import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedTokenFor } from "../../src/domain/feeds/tokens.ts";
import { composeItem } from "../../src/domain/items.ts";
import { setEnabledSections } from "../../src/domain/sections.ts";
import type { WebClient } from "../helpers/client.ts";
import {
  type FeedInstance,
  type FeedSample,
  startFeedSample,
  titles,
} from "../helpers/feed-sample.ts";
import type { TestInstance } from "../helpers/instances.ts";

// Feeds out: every kind of feed (community sections, blogs, tags, searches) read back with
// rss-parser in both formats, over HTTP from a real instance, with caching and feed links.

describe("outgoing RSS and Atom feeds", () => {
  let copse: TestInstance;
  let s: FeedSample;
  let anon: WebClient;
  let signedIn: FeedInstance["signedIn"];
  let feed: FeedInstance["feed"];
  let status: FeedInstance["status"];

  beforeAll(async () => {
    ({ copse, s, anon, signedIn, feed, status } = await startFeedSample("Feedham"));
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("writes every section of a public community as RSS and Atom", async () => {
    const expected: Record<string, string[]> = {
      forum: ["Composting &lt;b&gt;rota&lt;/b&gt;"],
      blog: ["Spring planting"],
      wiki: ["Soil guide (revision 2)", "Soil guide (new page)"],
      events: ["Seed swap"],
      documents: ["Planting calendar"],
      polls: ["Which day for the working party?"],
      news: ["Frost warning", "Odd link"],
    };
    for (const [section, wanted] of Object.entries(expected)) {
      for (const ext of ["rss", "atom"]) {
        const { parsed } = await feed(`/feeds/c/garden/${section}.${ext}`);
        expect(parsed.title).toMatch(/^Garden: /);
        expect(parsed.link).toBe(`${copse.origin}/c/garden/${section}`);
        expect(titles(parsed), `${section}.${ext}`).toEqual(wanted);
        for (const item of parsed.items) expect(item.link).toMatch(/^https?:\/\//);
      }
    }
  });

  it("puts each section's details, absolute links and authors into the entries", async () => {
    const forum = (await feed("/feeds/c/garden/forum.atom")).parsed.items[0]!;
    expect(forum.link).toMatch(new RegExp(`^${copse.origin}/c/garden/forum/\\d+$`));
    expect(forum.author).toBe("Alice Adams");

    const wiki = (await feed("/feeds/c/garden/wiki.rss")).parsed.items[0]!;
    expect(wiki.link).toMatch(new RegExp(`^${copse.origin}/c/garden/wiki/\\d+/revisions/2$`));
    expect(wiki["content:encoded"]).toContain("Reason: Added clay advice");
    expect(wiki["content:encoded"]).toContain("Clay needs grit");

    const event = (await feed("/feeds/c/garden/events.atom")).parsed.items[0]!;
    expect(event.content).toContain("When: Friday 14 March 2031, 10am to 1pm (GMT)");
    expect(event.content).toContain("Where: Community hall");

    const doc = (await feed("/feeds/c/garden/documents.atom")).parsed.items[0]!;
    expect(doc.content).toContain("File: calendar.pdf");

    const poll = (await feed("/feeds/c/garden/polls.atom")).parsed.items[0]!;
    expect(poll.link).toMatch(new RegExp(`^${copse.origin}/c/garden/polls/\\d+$`));
    expect(poll.content).toContain("<li>Saturday</li>");
    expect(poll.content).toContain("<li>Sunday &lt;i&gt;morning&lt;/i&gt;</li>");

    const news = (await feed("/feeds/c/garden/news.atom")).parsed.items;
    expect(news[0]!.link).toBe("https://rhs.example/articles/frost");
    // A link with another scheme is never passed on: the entry points at the News page.
    expect(news[1]!.link).toBe(`${copse.origin}/c/garden/news`);

    const blog = (await feed("/feeds/c/garden/blog.atom")).parsed.items[0]!;
    expect(blog.link).toMatch(new RegExp(`^${copse.origin}/people/alice/blog/\\d+$`));
  });

  it("never lets hostile HTML through, in bodies or titles", async () => {
    for (const ext of ["rss", "atom"]) {
      const { body } = await feed(`/feeds/c/garden/forum.${ext}`);
      expect(body).not.toMatch(/<script/i);
      expect(body).not.toMatch(/onerror/i);
      expect(body).not.toContain("<b>rota</b>");
      expect(body).toContain("Turn the heap");
    }
  });

  it("writes a person's blog with public entries only, and never drafts", async () => {
    for (const ext of ["rss", "atom"]) {
      const { parsed } = await feed(`/feeds/people/alice/blog.${ext}`);
      expect(parsed.title).toBe("Alice Adams: blog");
      expect(titles(parsed)).toEqual(["Spring planting"]);
    }
    const token = feedTokenFor(copse.db, s.bob.actor.id);
    const { parsed } = await feed(`/feeds/people/alice/blog.rss?token=${token}`);
    expect(titles(parsed)).toEqual(["Council away day", "Spring planting"]);
    expect(await status("/feeds/people/nobody/blog.rss")).toBe(404);
    expect(await status("/feeds/people/garden/blog.rss")).toBe(404);
    expect(await status("/feeds/people/alice/photos.rss")).toBe(404);
  });

  it("writes a tag's feed without the members-only items that carry it", async () => {
    for (const ext of ["rss", "atom"]) {
      const { parsed } = await feed(`/feeds/tags/compost.${ext}`);
      expect(parsed.title).toBe("Tagged compost");
      expect(titles(parsed)).toEqual(["Composting &lt;b&gt;rota&lt;/b&gt;"]);
    }
    const token = feedTokenFor(copse.db, s.bob.actor.id);
    const { parsed } = await feed(`/feeds/tags/Compost.rss?token=${token}`);
    expect(titles(parsed)).toContain("Budget secrets");
    expect(await status("/feeds/tags/no-such-tag.rss")).toBe(404);
  });

  it("writes a search's feed, newest first, with what the viewer may see", async () => {
    for (const ext of ["rss", "atom"]) {
      const { parsed } = await feed(`/feeds/search.${ext}?q=compost`);
      expect(parsed.title).toBe("Search: compost");
      expect(titles(parsed)).toEqual(["Composting &lt;b&gt;rota&lt;/b&gt;"]);
    }
    const token = feedTokenFor(copse.db, s.bob.actor.id);
    const { parsed } = await feed(`/feeds/search.atom?q=compost&token=${token}`);
    expect(titles(parsed)).toEqual(["Budget secrets", "Composting &lt;b&gt;rota&lt;/b&gt;"]);
    expect(await status("/feeds/search.rss")).toBe(400);
    expect(await status("/feeds/search.rss?q=zebra")).toBe(200);
  });

  it("sends an ETag and answers 304 until the feed changes", async () => {
    const path = "/feeds/c/garden/forum.rss";
    const first = await anon.get(path);
    const etag = first.response.headers.get("etag");
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(first.response.headers.get("cache-control")).toMatch(/^public, max-age=\d+/);
    // A cookie would stop shared caches keeping the feed, and readers have no use for one.
    expect(first.response.headers.get("set-cookie")).toBeNull();
    const again = await anon.get(path);
    expect(again.response.headers.get("etag")).toBe(etag);

    const notModified = await anon.get(path, { "if-none-match": etag! });
    expect(notModified.response.status).toBe(304);
    expect(notModified.body).toBe("");
    expect(notModified.response.headers.get("etag")).toBe(etag);
    const strong = etag!.replace(/^W\//, "");
    expect((await anon.get(path, { "if-none-match": `${strong}, "other"` })).response.status).toBe(
      304,
    );

    composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: s.alice.actor,
      groups: [s.garden.actor],
      title: "Tool shed keys",
      body: "Who has them?",
    });
    const changed = await anon.get(path, { "if-none-match": etag! });
    expect(changed.response.status).toBe(200);
    expect(changed.response.headers.get("etag")).not.toBe(etag);
    expect(changed.body).toContain("Tool shed keys");
  });

  it("answers 404 for unknown communities, sections, formats and switched-off sections", async () => {
    expect(await status("/feeds/c/nowhere/forum.rss")).toBe(404);
    expect(await status("/feeds/c/garden/gossip.rss")).toBe(404);
    expect(await status("/feeds/c/garden/forum.json")).toBe(404);
    expect(await status("/feeds/c/garden/forum")).toBe(404);
    expect(await status("/feeds/unknown.rss")).toBe(404);
    const quiet = copse.createCommunity("quiet", s.alice, "public");
    setEnabledSections(copse.db, quiet.actor.id, ["forum"]);
    expect(await status("/feeds/c/quiet/forum.rss")).toBe(200);
    expect(await status("/feeds/c/quiet/wiki.rss")).toBe(404);
  });

  it("shows feed links on section, tag and search pages, and sends members to their own links", async () => {
    const forum = await anon.get("/c/garden/forum");
    expect(forum.body).toContain('href="/feeds/c/garden/forum.rss"');
    expect(forum.body).toContain('href="/feeds/c/garden/forum.atom"');
    expect(forum.body).toMatch(/<link rel="alternate" type="application\/rss\+xml"[^>]*>/);
    for (const page of [
      "/c/garden/wiki",
      "/c/garden/events",
      "/c/garden/documents",
      "/c/garden/blog",
    ]) {
      const section = page.split("/").pop();
      expect((await anon.get(page)).body, page).toContain(`/feeds/c/garden/${section}.rss`);
    }
    expect((await anon.get("/people/alice/blog")).body).toContain("/feeds/people/alice/blog.atom");
    expect((await anon.get("/tags/compost")).body).toContain("/feeds/tags/compost.rss");
    expect((await anon.get("/search?q=compost")).body).toContain("/feeds/search.rss?q=compost");

    const bobWeb = await signedIn("bob");
    const council = await bobWeb.get("/c/council/forum");
    expect(council.body).toContain('href="/settings/feeds"');
    expect(council.body).not.toContain("/feeds/c/council/forum.rss");
    expect(council.body).not.toContain('rel="alternate"');
  });
});
