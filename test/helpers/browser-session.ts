import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { describe } from "vitest";
import { chromiumAvailable, clickAndLoad, launchBrowser, SKIP_MESSAGE } from "./browser.ts";
import { main } from "./browser-pages.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "./instances.ts";

// The set-up every browser journey shares: a test instance with Chromium beside it, pages that
// each keep their own cookies (one per person, signed in through the real form), and one call
// that closes it all. A journey file seeds its data and opens its pages in its own beforeAll,
// and keeps its steps to itself.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

/** `describe` for a browser journey: skipped (saying why, once) when Chromium is not installed. */
export const describeInBrowser = describe.skipIf(browserMissing);

/** A browser driving one test instance; every page it opens has its own cookies. */
export interface BrowserSession {
  instance: TestInstance;
  browser: Browser;
  /**
   * Opens a page in a fresh context: 1280×800 and 10 s timeouts unless the options say
   * otherwise (e.g. `javaScriptEnabled: false`, `acceptDownloads`, `viewport`), no cookies yet.
   */
  openPage(options?: BrowserContextOptions): Promise<Page>;
  /** Opens a page, as openPage, and signs in through the form as a user made with TEST_PASSWORD. */
  signedInPage(login: string, options?: BrowserContextOptions): Promise<Page>;
  /** Opens a path on the instance and waits for it to load. */
  go(page: Page, path: string): Promise<void>;
  /** Closes every context this session opened, then the instance. */
  close(): Promise<void>;
}

/**
 * Starts a test instance (named, with extra environment if given) with the worker's Chromium for
 * it; throws the skip message when Chromium is not installed, closing the instance first.
 */
export async function startBrowserSession(
  name: string,
  env: Record<string, string> = {},
): Promise<BrowserSession> {
  const [instance, browser] = await Promise.all([
    startTestInstance(name, env),
    launchBrowser().catch((error: unknown) => error as Error),
  ]);
  if (browser instanceof Error) {
    await instance.close();
    throw browser;
  }
  if (!browser) {
    await instance.close();
    throw new Error(SKIP_MESSAGE);
  }
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
      // Contexts that a failed test left half-open must not stop the rest from closing. The
      // browser itself stays up for the worker's next file (see launchBrowser).
      try {
        await Promise.all(contexts.map((context) => context.close().catch(() => {})));
      } finally {
        await instance.close();
      }
    },
  };
}
