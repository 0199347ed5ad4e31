import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { frequencyFor } from "../../src/domain/alerts/settings.ts";
import { createUnsubscribeToken } from "../../src/domain/alerts/tokens.ts";
import { communityTopic } from "../../src/domain/alerts/topics.ts";
import { requestMembership } from "../../src/domain/membership.ts";
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

// The alerts journey in Chromium: Bob goes from his community to his email alert settings,
// makes the forum a weekly digest, then follows an unsubscribe link from a mail, which asks
// before it acts. Every page is checked with axe-core for WCAG 2.2 A and AA.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("email alerts in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let bob: AccountWithActor;
  let gardenId: number;

  const main = () => page.getByRole("main");
  const a11y = () => expectNoA11yViolations(page, { soft: true });

  beforeAll(async () => {
    instance = await startTestInstance("Alertwood");
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    bob = await instance.createUser("bob", { name: "Bob Brown" });
    gardenId = instance.createCommunity("garden", alice, "public").actor.id;
    requestMembership(instance.db, { groupId: gardenId, memberId: bob.actor.id });
    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await page.goto(new URL("/signin", instance.origin).href);
    await page.getByLabel("Handle or email address").fill("bob");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(page, main().getByRole("button", { name: "Sign in" }));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

  it("changes alert settings and unsubscribes from a mail's link", async () => {
    await page.goto(new URL("/c/garden", instance.origin).href);
    await clickAndLoad(page, main().getByRole("link", { name: "Email alerts" }));
    expect(new URL(page.url()).pathname).toBe("/settings/alerts");
    const garden = main().getByRole("group", { name: "Garden" });
    expect(await garden.getByLabel("Forum in Garden").inputValue()).toBe("daily");
    await a11y();

    await garden.getByLabel("Forum in Garden").selectOption({ label: "Weekly digest" });
    await main().getByLabel("Direct messages").selectOption({ label: "Daily digest" });
    await clickAndLoad(page, main().getByRole("button", { name: "Save alert settings" }));
    await expectVisible(page.getByText("Your email alert settings have been saved."));
    expect(await main().getByLabel("Forum in Garden").inputValue()).toBe("weekly");
    expect(frequencyFor(instance.db, bob.actor.id, "messages")).toBe("daily");
    await a11y();
    await screenshot(page, "alert-settings");

    // A link as it would arrive in a mail: opening it only asks.
    const forum = communityTopic(gardenId, "forum");
    const token = createUnsubscribeToken(instance.db, bob.actor.id, forum);
    await page.goto(new URL(`/alerts/unsubscribe/${token}`, instance.origin).href);
    await expectVisible(main().getByText("Forum news from Garden"));
    expect(frequencyFor(instance.db, bob.actor.id, forum)).toBe("weekly");
    await a11y();
    await clickAndLoad(page, main().getByRole("button", { name: "Unsubscribe" }));
    await expectVisible(page.getByRole("heading", { name: "You have unsubscribed" }));
    expect(frequencyFor(instance.db, bob.actor.id, forum)).toBe("off");
    await a11y();
  });
});
