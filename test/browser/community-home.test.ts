import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { composeItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, h1, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// A community's home as a member meets it: what's new with real titles (a reply reads
// "Re: <topic>"), a short members summary, the community's feed announced for feed readers,
// the facilitators' tools apart, "Leave community" last; and the same section tabs on every
// page of the community, marking where you are.

const TOPIC = "Has anyone moved their forms onto the new case management system?";

describeInBrowser("a community's home and its section tabs in a browser", () => {
  let session: BrowserSession;
  let bob: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Homestead");
    const { instance } = session;
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    const carol = await instance.createUser("carol", { name: "Carol Cole" });
    const group = instance.createCommunity("forms", alice).actor;
    const { db, origin } = instance;
    requestMembership(db, { groupId: group.id, memberId: carol.actor.id });
    const topic = composeItem(db, origin, {
      kind: "topic",
      author: alice.actor,
      groups: [group],
      title: TOPIC,
      body: "We are looking at options.",
    });
    composeItem(db, origin, {
      kind: "reply",
      author: carol.actor,
      groups: [group],
      parent: topic,
      body: "We moved ours last spring.",
    });
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("shows what's new with real titles and puts Leave community last", async () => {
    await session.go(bob, "/c/forms");
    await clickAndLoad(bob, bob.getByRole("button", { name: "Join community" }));
    await expectVisible(main(bob).getByText("You are a member of this community."));
    const news = main(bob).getByRole("list").filter({ hasText: "by Alice Adams" });
    await expectVisible(news.getByRole("link", { name: `Re: ${TOPIC}` }), "the reply's title");
    await expectVisible(news.getByRole("link", { name: TOPIC, exact: true }));
    await expectVisible(main(bob).getByRole("heading", { name: "Members (3)" }));
    await expectVisible(main(bob).getByRole("link", { name: "See all 3 members" }));
    // Leave is the last button of the page's content, after what's new, members and feeds.
    const buttons = main(bob).getByRole("button");
    expect((await buttons.last().textContent())?.trim()).toBe("Leave community");
    const order = await main(bob).evaluate((m) => {
      const all = [...m.querySelectorAll("h2, button")].map((el) => el.textContent?.trim() ?? "");
      return {
        news: all.indexOf("What's new"),
        feeds: all.indexOf("Feeds"),
        leave: all.indexOf("Leave community"),
      };
    });
    expect(order.news).toBeGreaterThanOrEqual(0);
    expect(order.leave).toBeGreaterThan(order.news);
    expect(order.leave).toBeGreaterThan(order.feeds);
    // The community's feed, for feed readers and people alike.
    const alternate = bob.locator('head link[rel="alternate"][type="application/rss+xml"]');
    expect(await alternate.getAttribute("href")).toBe("/feeds/c/forms.rss");
    await expectVisible(main(bob).getByRole("link", { name: /RSS feed/ }));
    await a11y(bob);
    await screenshot(bob, "community-home");

    await clickAndLoad(bob, main(bob).getByRole("link", { name: `Re: ${TOPIC}` }));
    expect(pathOf(bob)).toMatch(/^\/c\/forms\/forum\/\d+$/);
  });

  it("shows the same section tabs on every page of the community, marking the current one", async () => {
    for (const [tab, path] of [
      ["Forum", "/c/forms/forum"],
      ["Wiki", "/c/forms/wiki"],
      ["Events", "/c/forms/events"],
      ["Members", "/c/forms/people"],
    ] as const) {
      await session.go(bob, "/c/forms");
      const tabs = main(bob).getByRole("navigation", { name: "Community sections" });
      await clickAndLoad(bob, tabs.getByRole("link", { name: tab, exact: true }));
      expect(pathOf(bob)).toBe(path);
      const here = main(bob).getByRole("navigation", { name: "Community sections" });
      expect(
        await here.getByRole("link", { name: tab, exact: true }).getAttribute("aria-current"),
      ).toBe("page");
      // The community's name leads back home from every section.
      await expectVisible(main(bob).getByRole("link", { name: "Forms", exact: true }));
    }
    await a11y(bob);
    await session.go(bob, "/c/forms/forum");
    await clickAndLoad(bob, main(bob).getByRole("link", { name: TOPIC }));
    const tabs = main(bob).getByRole("navigation", { name: "Community sections" });
    expect(await tabs.getByRole("link", { name: "Forum" }).getAttribute("aria-current")).toBe(
      "true",
    );
    await expectVisible(h1(bob).filter({ hasText: TOPIC }));
  });
});
