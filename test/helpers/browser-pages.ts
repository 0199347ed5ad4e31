// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, with cells and lines apart, which is what people see.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { clickAndLoad, expectNoA11yViolations, launchBrowser, SKIP_MESSAGE } from "./browser.ts";
import { TEST_PASSWORD, type TestInstance } from "./instances.ts";

// What the browser journeys share: a browser beside a running instance, pages that each keep
// their own cookies (one per person), and the landmarks of Copse's layout found the way people
// find them, by role and name.

/** A browser driving one test instance; every page it opens has its own cookies. */
export interface BrowserSession {
  instance: TestInstance;
  browser: Browser;
  /** Opens a page in a fresh context: 1280×800, 10 s timeouts, no cookies yet. */
  openPage(options?: BrowserContextOptions): Promise<Page>;
  /** Opens a page and signs in through the form as a user made with TEST_PASSWORD. */
  signedInPage(login: string, options?: BrowserContextOptions): Promise<Page>;
  /** Opens a path on the instance and waits for it to load. */
  go(page: Page, path: string): Promise<void>;
  /** Closes every context and the browser; the instance is the caller's to close. */
  close(): Promise<void>;
}

/** Launches Chromium for an instance; throws the skip message when it is not installed. */
export async function openBrowserSession(instance: TestInstance): Promise<BrowserSession> {
  const browser = await launchBrowser();
  if (!browser) throw new Error(SKIP_MESSAGE);
  const contexts: BrowserContext[] = [];
  const go = async (page: Page, path: string) => {
    await page.goto(new URL(path, instance.origin).href);
  };
  const openPage = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      ...options,
    });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    return context.newPage();
  };
  return {
    instance,
    browser,
    openPage,
    go,
    async signedInPage(login, options) {
      const page = await openPage(options);
      await go(page, "/signin");
      await page.getByLabel("Handle or email address").fill(login);
      await page.getByLabel("Password").fill(TEST_PASSWORD);
      await clickAndLoad(page, main(page).getByRole("button", { name: "Sign in" }));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Checks the page with axe, recording violations but carrying on, so every page is reported. */
export const a11y = (page: Page) => expectNoA11yViolations(page, { soft: true });

/** The site's menu in the header. */
export const nav = (page: Page) => page.getByRole("navigation", { name: "Menu" });
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
/** Table rows that mention a name. */
export const rowFor = (page: Page, name: string) => page.getByRole("row").filter({ hasText: name });
