import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replacePersonTags } from "../../src/domain/person-details.ts";
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

// Tagging, search and the people finder clicked through in Chromium: Bob tags Alice's topic,
// finds it by search and by its tag page, removes his tag, and finds Alice by expertise. Every
// page the journey lands on is checked with axe-core.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("tags, search and people in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let bob: Page;

  const main = (page: Page) => page.getByRole("main");
  const a11y = (page: Page) => expectNoA11yViolations(page, { soft: true });

  beforeAll(async () => {
    instance = await startTestInstance("Tagford");
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    const bobAccount = await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", alice, "public");
    replacePersonTags(instance.db, alice.actor.id, "expertise", ["winter-maintenance"]);
    replacePersonTags(instance.db, bobAccount.actor.id, "expertise", ["winter-maintenance"]);
    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    bob = await context.newPage();
    await bob.goto(new URL("/signin", instance.origin).href);
    await bob.getByLabel("Handle or email address").fill("bob");
    await bob.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Sign in" }));
    await bob.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Join/ }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Forum" }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Start a topic" }));
    await bob.getByLabel("Title").fill("Gritting routes");
    await bob.getByLabel("Message").fill("Which roads do you grit first?");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Post|Start/ }));
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

  it("tags a topic, searches, browses tags and finds people", async () => {
    await expectVisible(bob.getByRole("heading", { level: 1, name: "Gritting routes" }));
    const topicUrl = bob.url();
    await a11y(bob);
    await bob.getByLabel("Add a tag").fill("Salt");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add tag" }));
    await expectVisible(main(bob).getByRole("link", { name: "#Salt" }));
    await a11y(bob);
    await bob.getByLabel("Add a tag").fill("no way!");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add tag" }));
    expect(await bob.title()).toMatch(/^Error: Add a tag/);
    await a11y(bob);
    await bob.goto(topicUrl);

    await clickAndLoad(bob, bob.getByRole("link", { name: "Search", exact: true }));
    await a11y(bob);
    await bob.getByLabel("Search for").fill("grit");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Search" }));
    await expectVisible(main(bob).getByRole("link", { name: "Gritting routes" }));
    await expectVisible(main(bob).locator("mark"));
    await a11y(bob);
    await screenshot(bob, "search-results");

    await bob.goto(new URL("/tags", instance.origin).href);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: /Salt/ }));
    await expectVisible(main(bob).getByRole("link", { name: "Gritting routes" }));
    await a11y(bob);

    await bob.goto(topicUrl);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Remove tag Salt" }));
    expect(await main(bob).getByRole("link", { name: "#Salt" }).count()).toBe(0);

    await clickAndLoad(bob, bob.getByRole("link", { name: "People", exact: true }));
    await a11y(bob);
    await bob.getByLabel("Search for").fill("winter maintenance");
    await bob.getByLabel("Look in").selectOption("expertise");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Find people" }));
    await expectVisible(main(bob).getByRole("link", { name: "Alice Adams" }));
    await expectVisible(main(bob).getByText("expertise: winter-maintenance").first());
    await a11y(bob);
    await screenshot(bob, "people-finder");

    await bob.goto(new URL("/", instance.origin).href);
    await expectVisible(main(bob).getByRole("heading", { name: "People you may want to know" }));
    await a11y(bob);
  });
});
