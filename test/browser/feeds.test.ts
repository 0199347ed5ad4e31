import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chromiumAvailable,
  clickAndLoad,
  expectNoA11yViolations,
  expectVisible,
  launchBrowser,
  SKIP_MESSAGE,
  screenshot,
} from "../helpers/browser.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// The feed links journey in Chromium: Alice opens "Your feed links" from her profile, revokes
// them, and gets new ones while the old ones stop working. Every page is checked with axe-core.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("feed links in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  let context: BrowserContext;
  let alice: Page;

  const main = (page: Page) => page.getByRole("main");
  const a11y = (page: Page) => expectNoA11yViolations(page, { soft: true });

  beforeAll(async () => {
    instance = await startTestInstance("Feedwood");
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    instance.createCommunity("allotments", owner, "private");
    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    alice = await context.newPage();
    await alice.goto(new URL("/signin", instance.origin).href);
    await alice.getByLabel("Handle or email address").fill("alice");
    await alice.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Sign in" }));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

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
