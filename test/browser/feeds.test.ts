import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The feed links journey in Chromium: Alice opens "Your feed links" from her profile, revokes
// them, and gets new ones while the old ones stop working. Every page is checked with axe-core.

describeInBrowser("feed links in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Feedwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    instance.createCommunity("allotments", owner, "private");
    alice = await session.signedInPage("alice");
  });

  afterAll(() => session?.close());

  it("opens Your feed links, revokes them and shows new ones", async () => {
    await alice.goto(new URL("/people/alice", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Your feed links" }));
    await expectVisible(alice.getByRole("heading", { name: "Your feed links", level: 1 }));
    await expectVisible(main(alice).getByRole("table", { name: "Allotments" }));
    await a11y(alice);
    await screenshot(alice, "feed-links");

    const activity = main(alice).getByRole("link", {
      name: "RSS feed of Activity in your communities",
    });
    const oldLink = await activity.getAttribute("href");
    expect(oldLink).toMatch(/\/feeds\/me\.rss\?token=[A-Za-z0-9_-]{43}$/);
    expect((await fetch(oldLink!)).status).toBe(200);

    await clickAndLoad(
      alice,
      main(alice).getByRole("button", { name: "Revoke and make new links" }),
    );
    await expectVisible(alice.getByText("Your old feed links have stopped working."));
    const newLink = await activity.getAttribute("href");
    expect(newLink).toMatch(/\/feeds\/me\.rss\?token=[A-Za-z0-9_-]{43}$/);
    expect(newLink).not.toBe(oldLink);
    expect((await fetch(oldLink!)).status).toBe(404);
    expect((await fetch(newLink!)).status).toBe(200);
    await a11y(alice);
  });
});
