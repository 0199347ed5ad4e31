// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, with cells and lines apart, which is what people see.
import type { Locator, Page } from "playwright-core";
import { expectNoA11yViolations } from "./browser.ts";

// What the browser journeys look for on a page: the landmarks of Copse's layout found the way
// people find them, by role and name, and the accessibility check every journey runs. The
// browser and its signed-in pages come from browser-session.ts.

/** Checks the page with axe, recording violations but carrying on, so every page is reported. */
export const a11y = (page: Page) => expectNoA11yViolations(page, { soft: true });

/** The site's menu in the header: Home, Communities, People, Happening now, Messages, Notifications. */
export const nav = (page: Page) => page.getByRole("navigation", { name: "Menu" });
/** The header's account area: "Sign in" and "Create an account", or the signed-in person's menu. */
export const account = (page: Page) => page.getByRole("navigation", { name: "Account" });

/**
 * Opens the signed-in person's account menu in the header (a <details>: profile, contacts,
 * account, administration, sign out) unless it is open, and returns the account area.
 */
export async function accountMenu(page: Page): Promise<Locator> {
  const menu = account(page).locator("details");
  if (!(await menu.evaluate((d) => (d as HTMLDetailsElement).open)))
    await menu.locator("summary").click();
  return account(page);
}

/** The "Sign out" button in the account menu, opened first so it can be seen and clicked. */
export const signOutButton = async (page: Page) =>
  (await accountMenu(page)).getByRole("button", { name: "Sign out" });
/** The page's main landmark. */
export const main = (page: Page) => page.getByRole("main");
/** The page's one level-1 heading. */
export const h1 = (page: Page) => page.getByRole("heading", { level: 1 });
/** The flash message left by the previous form. */
export const flash = (page: Page) => page.locator("#flash");
/** The path of the page's address, without query or fragment. */
export const pathOf = (page: Page) => new URL(page.url()).pathname;
/** The rendered text of the first element matching a selector. */
export const text = (page: Page, selector: string) => page.locator(selector).innerText();
/** The short list of members on a community's home page (its name starts "Members"). */
export const memberList = (page: Page) => main(page).getByRole("list", { name: /^Members/ });
/** The line of a community's members summary that names a person. */
export const memberFor = (page: Page, name: string) =>
  memberList(page).getByRole("listitem").filter({ hasText: name });
/** Table rows that mention a name. */
export const rowFor = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });
