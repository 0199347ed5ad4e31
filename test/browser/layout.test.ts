import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { composeItem } from "../../src/domain/items.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, h1, nav, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// What every page's layout gives people, checked in Chromium: a skip link for keyboard users
// and a text size control in the footer. Each page is checked with axe-core for WCAG 2.2 AA.

const INSTANCE_NAME = "Copsewood";

describeInBrowser("the page layout in a browser", () => {
  let session: BrowserSession;
  /** A signed-out visitor's tab. */
  let visitor: Page;
  const openPage = () => session.openPage();
  const go = (page: Page, path: string) => session.go(page, path);

  beforeAll(async () => {
    session = await startBrowserSession(INSTANCE_NAME);
    visitor = await openPage();
  });

  afterAll(() => session?.close());

  it("lets a keyboard user skip straight to the main content with the first Tab", async () => {
    await go(visitor, "/");
    expect(await visitor.title()).toBe(`Home – ${INSTANCE_NAME}`);
    await expectVisible(h1(visitor).filter({ hasText: INSTANCE_NAME }), "the instance name as h1");
    await screenshot(visitor, "home-signed-out");
    await a11y(visitor);

    await visitor.keyboard.press("Tab");
    const focused = await visitor.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      const box = el?.getBoundingClientRect();
      return {
        text: el?.textContent?.trim(),
        href: el?.getAttribute("href"),
        className: el?.className,
        width: box?.width ?? 0,
        height: box?.height ?? 0,
      };
    });
    expect(focused.text).toBe("Skip to main content");
    expect(focused.href).toBe("#main-content");
    expect(focused.className).toContain("govuk-skip-link");
    // The skip link is visually hidden until it has focus; focused, it must be seen.
    expect(focused.width).toBeGreaterThan(10);
    expect(focused.height).toBeGreaterThan(10);
    expect(await visitor.locator("#main-content").evaluate((el) => el.tagName)).toBe("MAIN");

    await visitor.keyboard.press("Enter");
    expect(new URL(visitor.url()).hash).toBe("#main-content");
    expect(await visitor.evaluate(() => document.querySelector(":target")?.id)).toBe(
      "main-content",
    );
  });

  it("makes text larger with the footer's text size control", async () => {
    const page = await openPage();
    await go(page, "/communities");
    const rootFontSize = () =>
      page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    const before = await rootFontSize();
    expect(await page.locator("html").getAttribute("class")).toContain("copse-text-standard");
    expect(await page.getByLabel("Standard").isChecked()).toBe(true);

    const footer = page.getByRole("contentinfo");
    await footer.getByRole("group", { name: "Text size" }).getByLabel("Largest").check();
    await clickAndLoad(page, footer.getByRole("button", { name: "Change text size" }));

    expect(pathOf(page)).toBe("/communities");
    const classes = (await page.locator("html").getAttribute("class")) ?? "";
    expect(classes.split(/\s+/)).toContain("copse-text-largest");
    expect(classes).not.toContain("copse-text-standard");
    expect(await page.getByLabel("Largest").isChecked()).toBe(true);
    const after = await rootFontSize();
    expect(after).toBeGreaterThan(before);
    expect(after / before).toBeCloseTo(1.5, 2);
    await a11y(page);

    // The choice is remembered on the next page.
    await clickAndLoad(page, nav(page).getByRole("link", { name: "Home" }));
    expect(await page.locator("html").getAttribute("class")).toContain("copse-text-largest");
    await a11y(page);
  });

  it("turns a list table into one card per row on a 320 px screen, never wider than the screen", async () => {
    const { instance } = session;
    const owner = await instance.createUser("narrowowner");
    const group = instance.createCommunity("narrow", owner);
    composeItem(instance.db, instance.origin, {
      kind: "topic",
      author: owner.actor,
      groups: [group.actor],
      title: "Has anyone moved their parking permit forms onto the new case management system?",
      body: "We are looking at options.",
    });
    const phone = await session.openPage({ viewport: { width: 320, height: 640 } });
    await go(phone, "/c/narrow/forum");
    const widths = await phone.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.screen);
    // Each cell says which column it is, since the column headings are out of sight.
    const label = await phone
      .locator(".copse-stack-table td[data-label='Started by']")
      .first()
      .evaluate((td) => getComputedStyle(td, "::before").content);
    expect(label).toBe('"Started by: "');
    await a11y(phone);
  });
});
