import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, account, accountMenu, h1, nav, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// The header as people meet it on a phone and on a desktop: the places fold behind "Menu" on a
// narrow screen and sit in one row on a wide one; the account things live in their own menu;
// the search box leads to the search page. The toggles are <details>, so the journeys that
// open them run with JavaScript turned off, and axe checks the same pages with it on.

const NAME = "Headington";
const PHONE = { width: 320, height: 640 };

describeInBrowser("the header in a browser", () => {
  let session: BrowserSession;

  beforeAll(async () => {
    session = await startBrowserSession(NAME);
    await session.instance.createUser("hattie", { admin: true, name: "Hattie Harper" });
  });

  afterAll(() => session?.close());

  /** The horizontal extent of the page against the window's. */
  const widths = (page: Page) =>
    page.evaluate(() => ({
      page: document.scrollingElement?.scrollWidth ?? 0,
      window: document.documentElement.clientWidth,
    }));

  it("folds the places behind Menu on a phone, without JavaScript", async () => {
    const phone = await session.signedInPage("hattie", {
      viewport: PHONE,
      javaScriptEnabled: false,
    });
    await session.go(phone, "/");
    const communities = nav(phone).getByRole("link", { name: "Communities" });
    expect(await communities.isVisible()).toBe(false);
    await screenshot(phone, "header-phone-closed");

    await nav(phone).locator("summary").click();
    await expectVisible(communities, "the Communities link once Menu is open");
    await screenshot(phone, "header-phone-menu-open");
    const { page, window } = await widths(phone);
    expect(page).toBeLessThanOrEqual(window);
    await clickAndLoad(phone, communities);
    expect(pathOf(phone)).toBe("/communities");

    // The account things are folded away too, behind the person's name.
    const yourAccount = account(phone).getByRole("link", { name: "Your account" });
    expect(await yourAccount.isVisible()).toBe(false);
    await expectVisible(account(phone).getByText("Hattie Harper"));
    await clickAndLoad(
      phone,
      (await accountMenu(phone)).getByRole("link", { name: "Your account" }),
    );
    expect(pathOf(phone)).toBe("/account");
  });

  it("shows the places in one row at desktop width and opens the account menu", async () => {
    const desk = await session.signedInPage("hattie", { javaScriptEnabled: false });
    await session.go(desk, "/people");
    expect(await nav(desk).locator("summary").isVisible()).toBe(false);
    const links = nav(desk).getByRole("link");
    const tops = await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect().top));
    expect(tops.length).toBe(6);
    expect(new Set(tops).size, "the menu's links all sit on one line").toBe(1);
    expect(await nav(desk).getByRole("link", { name: "People" }).getAttribute("aria-current")).toBe(
      "page",
    );
    // Account things are not among the places.
    expect(await nav(desk).getByRole("link", { name: "Your profile" }).count()).toBe(0);
    const menu = await accountMenu(desk);
    for (const name of ["Your profile", "Contacts", "Your account", "Administration"])
      await expectVisible(menu.getByRole("link", { name }), `${name} in the account menu`);
    await expectVisible(menu.getByRole("button", { name: "Sign out" }));
    await screenshot(desk, "header-desktop-account-open");
    await clickAndLoad(desk, menu.getByRole("link", { name: "Administration" }));
    expect(pathOf(desk)).toBe("/admin");
  });

  it("searches from the header box and passes axe at every width", {
    timeout: 90_000,
  }, async () => {
    const page = await session.signedInPage("hattie");
    for (const width of [320, 768, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      await session.go(page, "/communities");
      await a11y(page);
      await accountMenu(page);
      await a11y(page);
      const search = page.getByRole("search");
      await search.getByRole("searchbox", { name: `Search ${NAME}` }).fill("ramps");
      await clickAndLoad(page, search.getByRole("button", { name: "Search" }));
      expect(pathOf(page)).toBe("/search");
      expect(new URL(page.url()).searchParams.get("q")).toBe("ramps");
      await expectVisible(h1(page));
      const { page: pageWidth, window } = await widths(page);
      expect(pageWidth, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(window);
    }
    const visitor = await session.openPage({ viewport: PHONE });
    await session.go(visitor, "/");
    await expectVisible(account(visitor).getByRole("link", { name: "Sign in" }));
    await expectVisible(account(visitor).getByRole("link", { name: "Create an account" }));
    await a11y(visitor);
  });
});
