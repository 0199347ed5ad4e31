import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { frequencyFor } from "../../src/domain/alerts/settings.ts";
import { createUnsubscribeToken } from "../../src/domain/alerts/tokens.ts";
import { communityTopic } from "../../src/domain/alerts/topics.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The alerts journey in Chromium: Bob goes from his community to his email alert settings,
// makes the forum a weekly digest, then follows an unsubscribe link from a mail, which asks
// before it acts. Every page is checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("email alerts in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let page: Page;
  let bob: AccountWithActor;
  let gardenId: number;

  beforeAll(async () => {
    session = await startBrowserSession("Alertwood");
    instance = session.instance;
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    bob = await instance.createUser("bob", { name: "Bob Brown" });
    gardenId = instance.createCommunity("garden", alice, "public").actor.id;
    requestMembership(instance.db, { groupId: gardenId, memberId: bob.actor.id });
    page = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("changes alert settings and unsubscribes from a mail's link", async () => {
    await page.goto(new URL("/c/garden", instance.origin).href);
    await clickAndLoad(page, main(page).getByRole("link", { name: "Email alerts" }));
    expect(new URL(page.url()).pathname).toBe("/settings/alerts");
    const garden = main(page).getByRole("group", { name: "Garden" });
    expect(await garden.getByLabel("Forum in Garden").inputValue()).toBe("daily");
    await a11y(page);

    await garden.getByLabel("Forum in Garden").selectOption({ label: "Weekly digest" });
    await main(page).getByLabel("Direct messages").selectOption({ label: "Daily digest" });
    await clickAndLoad(page, main(page).getByRole("button", { name: "Save alert settings" }));
    await expectVisible(page.getByText("Your email alert settings have been saved."));
    expect(await main(page).getByLabel("Forum in Garden").inputValue()).toBe("weekly");
    expect(frequencyFor(instance.db, bob.actor.id, "messages")).toBe("daily");
    await a11y(page);
    await screenshot(page, "alert-settings");
    await garden.getByLabel("All sections of Garden").selectOption({ label: "Daily digest" });
    await clickAndLoad(page, main(page).getByRole("button", { name: "Save alert settings" }));
    expect(await main(page).getByLabel("Forum in Garden").inputValue()).toBe("daily");
    await garden.getByLabel("Forum in Garden").selectOption({ label: "Weekly digest" });
    await clickAndLoad(page, main(page).getByRole("button", { name: "Save alert settings" }));

    // A link as it would arrive in a mail: opening it only asks.
    const forum = communityTopic(gardenId, "forum");
    const token = createUnsubscribeToken(instance.db, bob.actor.id, forum);
    await page.goto(new URL(`/alerts/unsubscribe/${token}`, instance.origin).href);
    await expectVisible(main(page).getByText("Forum news from Garden"));
    expect(frequencyFor(instance.db, bob.actor.id, forum)).toBe("weekly");
    await a11y(page);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Unsubscribe" }));
    await expectVisible(page.getByRole("heading", { name: "You have unsubscribed" }));
    expect(frequencyFor(instance.db, bob.actor.id, forum)).toBe("off");
    await a11y(page);
  });
});
