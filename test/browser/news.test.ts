import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { atom, type FeedServer, fixed, rss, startFeedServer } from "../helpers/feed-server.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The news journey in Chromium: a facilitator adds a feed served by the test on loopback
// (after first trying a web page that is not a feed), adds a second one, reads the News page
// and narrows it to one feed. Every page it lands on is checked with axe-core.

const day = (n: number) => new Date(Date.UTC(2025, 2, n, 9, 0));

describeInBrowser("news feeds in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let feeds: FeedServer;
  let alice: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Newsroom");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    instance.createCommunity("libraries", owner, "public");
    feeds = await startFeedServer();
    feeds.set(
      "/rss.xml",
      fixed(
        200,
        rss("Highways news", [
          {
            id: "h1",
            title: "Gritting starts",
            link: "https://news.example.org/gritting",
            date: day(3),
            html: "<p>Salt stocks are <strong>full</strong>.</p>",
          },
        ]),
      ),
    );
    feeds.set(
      "/atom.xml",
      fixed(
        200,
        atom("Library blog", [
          { id: "urn:l:1", title: "New opening hours", link: "/hours", date: day(4) },
        ]),
        "application/atom+xml",
      ),
    );
    feeds.set("/page.html", fixed(200, "<!doctype html><p>Not a feed</p>", "text/html"));
    alice = await session.signedInPage("alice");
  });

  afterAll(async () => {
    await session?.close();
    await feeds?.close();
  });

  it("adds feeds, reads the News page and filters it by feed", async () => {
    await alice.goto(new URL("/c/libraries", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "News", exact: true }));
    await expectVisible(
      main(alice).getByText("This community does not follow any news feeds yet."),
    );
    await a11y(alice);

    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Add a new news feed" }));
    await alice.getByLabel("Feed address").fill(`${feeds.origin}/page.html`);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Add feed" }));
    expect(await alice.title()).toMatch(/^Error: Add a new news feed/);
    await expectVisible(
      alice.locator(".govuk-error-summary").getByText(/does not lead to an RSS or Atom feed/),
    );
    await a11y(alice);
    await screenshot(alice, "news-feed-form-error");

    await alice.getByLabel("Feed address").fill(`${feeds.origin}/rss.xml`);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Add feed" }));
    await expectVisible(alice.getByText("Highways news has been added with 1 entry."));
    await expectVisible(main(alice).getByRole("link", { name: "Gritting starts" }));

    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Add a new news feed" }));
    await alice.getByLabel("Feed address").fill(`${feeds.origin}/atom.xml`);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Add feed" }));
    const titles = main(alice).locator(".copse-news-entry h2");
    expect(await titles.allTextContents()).toEqual(["New opening hours", "Gritting starts"]);
    await a11y(alice);
    await screenshot(alice, "news");

    await alice.getByLabel("Show news from").selectOption({ label: "Highways news" });
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Show news" }));
    expect(new URL(alice.url()).searchParams.get("feed")).toMatch(/^\d+$/);
    expect(await titles.allTextContents()).toEqual(["Gritting starts"]);
    await expectVisible(main(alice).getByText("full"));
    await a11y(alice);

    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Manage news feeds" }));
    await expectVisible(main(alice).getByRole("heading", { name: "Library blog" }));
    await a11y(alice);
    await screenshot(alice, "news-feeds");
  });
});
