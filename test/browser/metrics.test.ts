import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertItem, newItemIri } from "../../src/domain/items.ts";
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

// The metrics journey in Chromium: a facilitator opens her community's metrics from its page,
// then the administrator opens the instance's metrics from the administration index. Both
// pages, with their SVG charts and tables, are checked with axe-core for WCAG 2.2 A and AA.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("metrics in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  const main = (page: Page) => page.getByRole("main");
  const a11y = (page: Page) => expectNoA11yViolations(page, { soft: true });

  async function signedInPage(handle: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(new URL("/signin", instance.origin).href);
    await page.getByLabel("Handle or email address").fill(handle);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Sign in" }));
    return page;
  }

  beforeAll(async () => {
    instance = await startTestInstance("Metricsby");
    await instance.createUser("rowan", { name: "Rowan Admin", admin: true });
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    const highways = instance.createCommunity("highways", alice, "public").actor;
    // A few weeks of topics, so the charts have bars of different heights.
    const week = 7 * 86_400_000;
    for (const [weeksAgo, count] of [
      [0, 2],
      [2, 5],
      [5, 1],
    ] as const) {
      for (let n = 0; n < count; n++) {
        insertItem(instance.db, {
          kind: "topic",
          iri: newItemIri(instance.origin, "topic"),
          authorId: alice.actor.id,
          groupIds: [highways.id],
          title: `Gritting routes ${weeksAgo}.${n}`,
          bodyHtml: "<p>Routes</p>",
          visibility: "public",
          isLocal: true,
          publishedAt: new Date(Date.now() - weeksAgo * week - n * 60_000),
        });
      }
    }
    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

  it("shows community and instance metrics with no accessibility violations", async () => {
    const alice = await signedInPage("alice");
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Metrics" }));
    expect(new URL(alice.url()).pathname).toBe("/c/highways/metrics");
    await expectVisible(alice.getByRole("img", { name: /Posts per week, all sections/ }));
    await expectVisible(alice.getByRole("heading", { name: "Who takes part" }));
    // The figures behind a chart open without JavaScript as a <details>.
    await alice.getByText("Show the figures: Posts per week, all sections").click();
    await expectVisible(
      alice.getByRole("table", { name: "Posts per week, all sections" }).getByRole("cell", {
        name: "5",
        exact: true,
      }),
    );
    await a11y(alice);
    await screenshot(alice, "community-metrics");

    const rowan = await signedInPage("rowan");
    await rowan.goto(new URL("/admin", instance.origin).href);
    await clickAndLoad(rowan, main(rowan).getByRole("link", { name: "Instance metrics" }));
    await expectVisible(rowan.getByRole("heading", { name: "Instance metrics", level: 1 }));
    await expectVisible(main(rowan).getByRole("link", { name: /Highways/ }));
    await a11y(rowan);
    await screenshot(rowan, "instance-metrics");
  });
});
