import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

// Private messages clicked through in Chromium: Alice writes to Bob, Bob sees the unread count
// in the header, reads and answers. Every page on the way is checked with axe-core.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("private messages in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let alice: Page;
  let bob: Page;

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
    instance = await startTestInstance("Letterbox");
    await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
    alice = await signedInPage("alice");
    bob = await signedInPage("bob");
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

  it("sends, counts, reads and answers a message", async () => {
    await clickAndLoad(alice, alice.getByRole("link", { name: "Messages" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "New message" }));
    await alice.getByLabel("To").fill("@nobody@localhost");
    await alice.getByLabel("Message", { exact: true }).fill("Hello?");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Send message" }));
    await expectVisible(alice.getByText("There is a problem"));
    await a11y(alice);
    await alice.getByLabel("To").fill("bob");
    await alice.getByLabel("Message", { exact: true }).fill("Are the **gritters** out tonight?");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Send message" }));
    await expectVisible(alice.getByRole("heading", { level: 1, name: "Messages with Bob Brown" }));
    await a11y(alice);

    await bob.reload();
    const link = bob.getByRole("link", { name: /^Messages\W+1 unread$/ });
    await expectVisible(link, "the unread count in the header");
    await clickAndLoad(bob, link);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: /Alice Adams/ }));
    await expectVisible(main(bob).locator("strong", { hasText: "gritters" }));
    expect(await bob.getByRole("link", { name: "Messages", exact: true }).count()).toBe(1);
    await bob.getByLabel("Message", { exact: true }).fill("Yes, from six.");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Send message" }));
    await expectVisible(main(bob).getByText("Yes, from six."));
    await a11y(bob);
    await screenshot(bob, "messages-conversation");
  });
});
