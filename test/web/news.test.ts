import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newsEntries, newsFeeds, scheduledTasks } from "../../src/db/schema/index.ts";
import { WebClient } from "../helpers/client.ts";
import {
  atom,
  conditional,
  type FeedServer,
  fixed,
  rss,
  startFeedServer,
  type TestEntry,
} from "../helpers/feed-server.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { expectErrorPage, expectSoundHeadings, pageTitle } from "../helpers/page-structure.ts";

const day = (n: number) => new Date(Date.UTC(2025, 0, n, 9, 0));

describe("community news feeds", () => {
  let copse: TestInstance;
  let feeds: FeedServer;
  let alice: WebClient; // facilitator of garden and vault
  let bob: WebClient; // member of garden, not of vault
  let rssEntries: TestEntry[];
  let rssTag = "v1";

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  function feedRows(url?: string) {
    const rows = copse.db.select().from(newsFeeds).all();
    return url ? rows.filter((f) => f.url === url) : rows;
  }

  function entriesOf(feedId: number) {
    return copse.db.select().from(newsEntries).where(eq(newsEntries.feedId, feedId)).all();
  }

  /**
   * Makes one feed due and runs the refresh task, as the schedule would once its time came.
   * The task's own next run is then pushed far off, so the runner's background tick cannot
   * add a second refresh that the counts below would see.
   */
  async function refresh(feedId: number): Promise<void> {
    copse.db.update(newsFeeds).set({ nextFetchAt: 0 }).where(eq(newsFeeds.id, feedId)).run();
    await copse.jobs.runNow("news.refresh");
    copse.db
      .update(scheduledTasks)
      .set({ nextRunAt: Date.now() + 3_600_000 })
      .where(eq(scheduledTasks.name, "news.refresh"))
      .run();
  }

  async function addFeed(web: WebClient, community: string, url: string) {
    return web.post(`/c/${community}/news/feeds/new`, { url });
  }

  beforeAll(async () => {
    copse = await startTestInstance("News");
    feeds = await startFeedServer();
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);

    rssEntries = [
      { id: "rss-1", title: "Potholes fixed", link: "https://news.example.org/1", date: day(1) },
      { id: "rss-3", title: "Gritting starts", link: "https://news.example.org/3", date: day(3) },
    ];
    feeds.set(
      "/rss.xml",
      conditional(
        () => rss("Highways news", rssEntries),
        () => `"${rssTag}"`,
        "application/rss+xml; charset=utf-8",
      ),
    );
    feeds.set(
      "/atom.xml",
      fixed(
        200,
        atom("Library blog", [
          { id: "urn:atom:2", title: "New opening hours", link: "/2", date: day(2) },
          { id: "urn:atom:4", title: "Reading challenge", link: "/4", date: day(4) },
        ]),
        "application/atom+xml",
      ),
    );
  });
  afterAll(async () => {
    await copse?.close();
    await feeds?.close();
  });

  it("adds RSS and Atom feeds and shows their entries together, newest first", async () => {
    const form = await alice.get("/c/garden/news/feeds/new");
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("Add a new news feed");

    const added = await addFeed(alice, "garden", `${feeds.origin}/rss.xml`);
    expect(added.response.status).toBe(303);
    expect(added.response.headers.get("location")).toBe("/c/garden/news");
    expect((await addFeed(alice, "garden", `${feeds.origin}/atom.xml`)).response.status).toBe(303);

    const [highways] = feedRows(`${feeds.origin}/rss.xml`);
    expect(highways?.title).toBe("Highways news");
    expect(highways?.etag).toBe('"v1"');

    const page = await bob.get("/c/garden/news");
    expect(page.response.status).toBe(200);
    const order = ["Reading challenge", "Gritting starts", "New opening hours", "Potholes fixed"];
    const positions = order.map((title) => page.body.indexOf(title));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((x, y) => x - y)).toEqual(positions);
    // Each title links to the original (relative Atom links resolved against the feed).
    expect(page.body).toContain(
      `<a class="govuk-link" href="${feeds.origin}/4" rel="noopener noreferrer">Reading challenge</a>`,
    );
    expect(page.body).toContain("From Library blog");

    // One feed at a time, chosen with a plain GET form.
    expect(page.body).toContain('<select class="govuk-select" id="feed" name="feed">');
    const one = await bob.get(`/c/garden/news?feed=${highways!.id}`);
    expect(one.body).toContain("Gritting starts");
    expect(one.body).not.toContain("Reading challenge");
    expect(one.body).toContain(
      `<option value="${highways!.id}" selected="">Highways news</option>`,
    );
    // Each view has its own title, so the browser's history and tabs tell them apart.
    expect(pageTitle(page.body)).toBe("News – Garden – News");
    expect(pageTitle(one.body)).toBe("News from Highways news – Garden – News");
    expectSoundHeadings(page.body);
    expectSoundHeadings(one.body);
  });

  it("refreshes with a conditional GET: a 304 adds nothing, new entries arrive once", async () => {
    const [highways] = feedRows(`${feeds.origin}/rss.xml`);
    const before = entriesOf(highways!.id).length;
    const seen = feeds.requestsFor("/rss.xml").length;

    await refresh(highways!.id);
    const asked = feeds.requestsFor("/rss.xml").slice(seen);
    expect(asked).toHaveLength(1);
    expect(asked[0]!.headers["if-none-match"]).toBe('"v1"');
    expect(asked[0]!.headers["if-modified-since"]).toBe(
      new Date(Date.UTC(2031, 0, 1)).toUTCString(),
    );
    expect(entriesOf(highways!.id)).toHaveLength(before);
    const after304 = feedRows(`${feeds.origin}/rss.xml`)[0]!;
    expect(after304.failures).toBe(0);
    expect(after304.nextFetchAt).toBeGreaterThan(Date.now() + 29 * 60_000);

    // The feed gains an entry (and keeps the old ones): only the new one is stored.
    rssEntries = [
      ...rssEntries,
      { id: "rss-5", title: "Bridge reopens", link: "https://news.example.org/5", date: day(5) },
    ];
    rssTag = "v2";
    await refresh(highways!.id);
    const stored = entriesOf(highways!.id);
    expect(stored).toHaveLength(before + 1);
    expect(stored.map((e) => e.guid).sort()).toEqual(["rss-1", "rss-3", "rss-5"]);
    expect(feedRows(`${feeds.origin}/rss.xml`)[0]!.etag).toBe('"v2"');
    const page = await bob.get("/c/garden/news");
    expect(page.body.indexOf("Bridge reopens")).toBeLessThan(
      page.body.indexOf("Reading challenge"),
    );

    // The same document again (new ETag, same entries) stores no duplicates.
    rssTag = "v3";
    await refresh(highways!.id);
    expect(entriesOf(highways!.id)).toHaveLength(before + 1);
  });

  it("retries a broken feed with backoff, then flags it to the facilitators", async () => {
    feeds.set("/flaky.xml", fixed(200, rss("Flaky feed", [{ id: "f1", title: "First" }])));
    expect((await addFeed(alice, "garden", `${feeds.origin}/flaky.xml`)).response.status).toBe(303);
    const [flaky] = feedRows(`${feeds.origin}/flaky.xml`);

    feeds.set("/flaky.xml", fixed(500, "Internal error", "text/plain"));
    let start = Date.now();
    await refresh(flaky!.id);
    let row = feedRows(`${feeds.origin}/flaky.xml`)[0]!;
    expect(row.failures).toBe(1);
    expect(row.lastError).toBe("The server answered with an error (HTTP 500).");
    expect(row.flaggedAt).toBeNull();
    // Twice the 30-minute interval after one failure.
    expect(row.nextFetchAt).toBeGreaterThanOrEqual(start + 60 * 60_000);

    feeds.set("/flaky.xml", fixed(200, "<rss version='2.0'><channel><item></channel>"));
    start = Date.now();
    await refresh(flaky!.id);
    row = feedRows(`${feeds.origin}/flaky.xml`)[0]!;
    expect(row.failures).toBe(2);
    expect(row.lastError).toContain("does not lead to an RSS or Atom feed");
    expect(row.nextFetchAt).toBeGreaterThanOrEqual(start + 120 * 60_000);
    expect(row.flaggedAt).toBeNull();

    const calm = await alice.get("/c/garden");
    expect(calm.body).not.toContain("keeps failing");

    await refresh(flaky!.id);
    row = feedRows(`${feeds.origin}/flaky.xml`)[0]!;
    expect(row.failures).toBe(3);
    expect(row.flaggedAt).not.toBeNull();

    const manage = await alice.get("/c/garden/news/feeds");
    expect(manage.body).toContain("has failed to update several times in a row");
    expect(manage.body).toContain("Failing");
    const home = await alice.get("/c/garden");
    expect(home.body).toContain("1 news feed keeps failing to update.");
    // Members who do not run the community are not bothered with it.
    expect((await bob.get("/c/garden")).body).not.toContain("keeps failing");

    // "Refresh now" while it is still broken says why, on the manage page.
    const still = await alice.post(`/c/garden/news/feeds/${flaky!.id}/refresh`, {});
    expect(still.response.status).toBe(200);
    expect(still.body).toContain("Flaky feed could not be refreshed. This address does not lead");
    expect(feedRows(`${feeds.origin}/flaky.xml`)[0]!.failures).toBe(4);

    // Once the feed works again, "Refresh now" clears the flag.
    feeds.set("/flaky.xml", fixed(200, rss("Flaky feed", [{ id: "f2", title: "Back" }])));
    const now = await alice.post(`/c/garden/news/feeds/${flaky!.id}/refresh`, {});
    expect(now.response.status).toBe(303);
    row = feedRows(`${feeds.origin}/flaky.xml`)[0]!;
    expect(row.failures).toBe(0);
    expect(row.flaggedAt).toBeNull();
    expect((await alice.get("/c/garden")).body).not.toContain("keeps failing");
  });

  it("refuses a URL that is not a feed, too large, or failing, and saves nothing", async () => {
    feeds.set(
      "/page.html",
      fixed(200, "<!doctype html><html><body><p>Hello</p></body></html>", "text/html"),
    );
    feeds.set("/huge.xml", fixed(200, `<rss version="2.0">${" ".repeat(3 * 1024 * 1024)}`));
    feeds.set("/gone.xml", fixed(410, "Gone", "text/plain"));
    const cases: [string, string][] = [
      ["/page.html", "This address does not lead to an RSS or Atom feed."],
      ["/huge.xml", "The feed is too large (more than 2 MiB)."],
      ["/gone.xml", "The server answered with an error (HTTP 410)."],
      ["/nothing-here.xml", "The server answered with an error (HTTP 404)."],
    ];
    const before = feedRows().length;
    for (const [path, message] of cases) {
      const { response, body } = await addFeed(alice, "garden", `${feeds.origin}${path}`);
      expect(response.status, path).toBe(422);
      expect(body).toContain("There is a problem");
      expect(body).toContain(message);
      expect(body).toContain(`value="${feeds.origin}${path}"`);
    }
    for (const [url, message] of [
      ["", "Enter the address of an RSS or Atom feed"],
      ["not a url", "Enter a full web address"],
      ["ftp://example.org/feed.xml", "The address must start with https:// or http://"],
      [`${feeds.origin}/rss.xml`, "This community already has this feed"],
    ]) {
      const { response, body } = await addFeed(alice, "garden", url!);
      expect(response.status, url).toBe(422);
      expect(body).toContain(message);
      expectErrorPage(body, "Add a new news feed");
      expect(body).toContain('<a href="#url">');
    }
    expect(feedRows()).toHaveLength(before);
  });

  it("removes scripts, event handlers and javascript: links from entries", async () => {
    feeds.set(
      "/hostile.xml",
      fixed(
        200,
        rss("Hostile", [
          {
            id: "h1",
            title: "Sneaky <script>alert('title')</script>",
            link: "javascript:alert(1)",
            date: day(6),
            html: `<p onclick="steal()">Read <a href="javascript:alert(2)">this</a> and <strong>that</strong></p><script>alert(3)</script><img src="https://img.example.org/x.png" onerror="alert(4)"><iframe src="https://evil.example"></iframe>`,
          },
        ]),
      ),
    );
    expect((await addFeed(alice, "garden", `${feeds.origin}/hostile.xml`)).response.status).toBe(
      303,
    );
    const [hostile] = feedRows(`${feeds.origin}/hostile.xml`);
    const page = await bob.get(`/c/garden/news?feed=${hostile!.id}`);
    expect(page.body).toContain("<strong>that</strong>");
    expect(page.body).not.toMatch(/<script|onclick|onerror|javascript:|<iframe/i);
    // A javascript: link is no link at all, so the title is shown as plain text.
    const [entry] = entriesOf(hostile!.id);
    expect(entry!.link).toBeNull();
  });

  it("keeps a private community's news to its members", async () => {
    expect((await addFeed(alice, "vault", `${feeds.origin}/atom.xml`)).response.status).toBe(303);
    const member = await alice.get("/c/vault/news");
    expect(member.response.status).toBe(200);
    expect(member.body).toContain("Reading challenge");

    const outsider = await bob.get("/c/vault/news");
    expect(outsider.response.status).toBe(403);
    expect(outsider.body).not.toContain("Reading challenge");
    const anonymous = await new WebClient(copse.origin).get("/c/vault/news");
    expect(anonymous.response.status).toBe(403);
    expect(anonymous.body).not.toContain("Reading challenge");
    // Nor can an outsider pick a private feed's id through a public community's page.
    const [vaultFeed] = feedRows().filter(
      (f) => f.url === `${feeds.origin}/atom.xml` && f.groupId !== feedRows()[0]!.groupId,
    );
    const probe = await bob.get(`/c/garden/news?feed=${vaultFeed!.id}`);
    expect(probe.body).not.toContain(`value="${vaultFeed!.id}"`);
  });

  it("lets only facilitators manage feeds, and removes a feed after confirmation", async () => {
    expect((await bob.get("/c/garden/news/feeds")).response.status).toBe(403);
    expect((await bob.get("/c/garden/news/feeds/new")).response.status).toBe(403);
    const refused = await addFeed(bob, "garden", `${feeds.origin}/rss.xml`);
    expect(refused.response.status).toBe(403);
    const news = await bob.get("/c/garden/news");
    expect(news.body).not.toContain("Add a new news feed");

    const [atomFeed] = feedRows(`${feeds.origin}/atom.xml`);
    expect(
      (await bob.post(`/c/garden/news/feeds/${atomFeed!.id}/remove`, {})).response.status,
    ).toBe(403);
    const confirm = await alice.get(`/c/garden/news/feeds/${atomFeed!.id}/remove`);
    expect(confirm.response.status).toBe(200);
    expect(confirm.body).toContain("Remove “Library blog”?");
    expect(pageTitle(confirm.body)).toBe("Remove Library blog? – Garden – News");
    expect(entriesOf(atomFeed!.id).length).toBeGreaterThan(0);
    const removed = await alice.post(`/c/garden/news/feeds/${atomFeed!.id}/remove`, {});
    expect(removed.response.status).toBe(303);
    expect(feedRows().some((f) => f.id === atomFeed!.id)).toBe(false);
    expect(entriesOf(atomFeed!.id)).toHaveLength(0);
    expect((await bob.get("/c/garden/news")).body).not.toContain("Reading challenge");
  });
});

describe("news feeds on an instance that refuses private addresses", () => {
  let copse: TestInstance;
  let feeds: FeedServer;

  beforeAll(async () => {
    copse = await startTestInstance("Newsguard", { COPSE_ALLOW_PRIVATE_ADDRESS: "false" });
    feeds = await startFeedServer();
    feeds.set("/rss.xml", fixed(200, rss("Local", [{ id: "1", title: "Inside" }])));
    copse.createCommunity("garden", await copse.createUser("alice"));
  });
  afterAll(async () => {
    await copse?.close();
    await feeds?.close();
  });

  it("refuses loopback and private addresses before sending any request", async () => {
    const alice = new WebClient(copse.origin);
    await alice.post("/signin", { login: "alice", password: TEST_PASSWORD });
    const port = new URL(feeds.origin).port;
    for (const url of [
      `${feeds.origin}/rss.xml`,
      `http://localhost:${port}/rss.xml`,
      `http://[::1]:${port}/rss.xml`,
      "http://10.1.2.3/feed.xml",
      "http://169.254.169.254/latest/meta-data/",
    ]) {
      const { response, body } = await alice.post("/c/garden/news/feeds/new", { url });
      expect(response.status, url).toBe(422);
      expect(body).toContain("is a private or local address");
    }
    expect(feeds.requests).toHaveLength(0);
    expect(copse.db.select().from(newsFeeds).all()).toHaveLength(0);
  });
});
