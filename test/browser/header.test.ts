import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import {
  a11y,
  account,
  accountMenu,
  flash,
  h1,
  main,
  nav,
  pathOf,
} from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// The header and footer as people meet them on a phone and on a desktop: the places fold behind "Menu" on a
// narrow screen and sit in one row on a wide one; the account things live in their own menu;
// the search box leads to the search page. The toggles are <details>, so the journeys that
// open them run with JavaScript turned off, and axe checks the same pages with it on. The
// footer says who runs the instance and links the pages its administrators write.

const NAME = "Headington";
const PHONE = { width: 320, height: 640 };

describeInBrowser("the header and footer in a browser", () => {
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
  it("lets an administrator say who runs the instance and write its rules, shown from the footer", async () => {
    const admin = await session.signedInPage("hattie");
    await session.go(admin, "/");
    await clickAndLoad(
      admin,
      (await accountMenu(admin)).getByRole("link", { name: "Administration" }),
    );
    await clickAndLoad(admin, main(admin).getByRole("link", { name: "About this instance" }));
    await a11y(admin);
    await admin.getByLabel("Who runs this instance").fill("The Headington Digital Team");
    await admin.getByLabel("Rules").fill("# House rules\n\nBe **kind** to each other.");
    await admin.getByLabel("Privacy notice").fill("x".repeat(20_001));
    await clickAndLoad(admin, main(admin).getByRole("button", { name: "Save pages" }));
    expect(await admin.title()).toMatch(/^Error: About this instance/);
    await expectVisible(admin.locator(".govuk-error-summary").getByText("20,000 characters"));
    await a11y(admin);
    await admin.getByLabel("Privacy notice").fill("");
    await clickAndLoad(admin, main(admin).getByRole("button", { name: "Save pages" }));
    await expectVisible(flash(admin).getByText("The instance's pages have been saved."));

    const visitor = await session.openPage({ viewport: PHONE });
    await session.go(visitor, "/communities");
    const footer = visitor.getByRole("contentinfo");
    await expectVisible(footer.getByText(`${NAME} is run by The Headington Digital Team.`));
    await clickAndLoad(visitor, footer.getByRole("link", { name: "Rules" }));
    expect(pathOf(visitor)).toBe("/about/rules");
    await expectVisible(main(visitor).getByText("to each other."));
    await expectVisible(main(visitor).locator("strong", { hasText: "kind" }), "the bold word");
    await a11y(visitor);
    await clickAndLoad(visitor, footer.getByRole("link", { name: "Privacy notice" }));
    // Left empty, the privacy notice shows its default text.
    await expectVisible(main(visitor).getByText("The administrators have not yet written"));
    await clickAndLoad(visitor, footer.getByRole("link", { name: "Accessibility statement" }));
    await expectVisible(h1(visitor).filter({ hasText: "Accessibility statement" }));
    await a11y(visitor);
  });
});
