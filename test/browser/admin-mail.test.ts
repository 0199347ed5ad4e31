import { eq } from "drizzle-orm";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema/index.ts";
import { queueMail } from "../../src/domain/mail-outbox.ts";
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

// The outgoing mail journey in Chromium: an administrator with no SMTP server set up opens the
// outbox from the header, reads one mail's .eml file, and retries a failed mail. Every HTML page
// on the way is checked with axe-core for WCAG 2.2 A and AA.

const browserMissing = !chromiumAvailable();
if (browserMissing) console.warn(SKIP_MESSAGE);

describe.skipIf(browserMissing)("outgoing mail in a browser", () => {
  let instance: TestInstance;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const main = () => page.getByRole("main");
  const a11y = () => expectNoA11yViolations(page, { soft: true });

  beforeAll(async () => {
    instance = await startTestInstance("Postwick");
    await instance.createUser("ada", { admin: true, name: "Ada Admin" });
    const headers = { "List-Unsubscribe": "<https://copse.example/unsubscribe/1>" };
    queueMail(
      instance.db,
      {
        to: "bob@council.example",
        subject: "New topic in Highways",
        text: "Alice started a topic.",
        html: "<p>Alice started a topic.</p>",
        headers,
      },
      instance.origin,
    );
    await instance.jobs.runNow("mail.send");
    const failed = queueMail(
      instance.db,
      {
        to: "carol@council.example",
        subject: "Your daily digest",
        text: "Two new events.",
        html: "<p>Two new events.</p>",
        headers,
      },
      instance.origin,
    );
    instance.db
      .update(mailOutbox)
      .set({ state: "failed", attempts: 10, lastError: "451 4.3.0 Try again later" })
      .where(eq(mailOutbox.id, failed.id))
      .run();

    const launched = await launchBrowser();
    if (!launched) throw new Error(SKIP_MESSAGE);
    browser = launched;
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    await page.goto(new URL("/signin", instance.origin).href);
    await page.getByLabel("Handle or email address").fill("ada");
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(page, main().getByRole("button", { name: "Sign in" }));
  });

  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await instance?.close();
  });

  it("opens the outbox, reads an .eml file and retries a failed mail", async () => {
    await clickAndLoad(
      page,
      page.getByRole("navigation", { name: "Menu" }).getByRole("link", { name: "Administration" }),
    );
    await a11y();
    await clickAndLoad(page, main().getByRole("link", { name: "Outgoing mail" }));
    await expectVisible(main().getByRole("heading", { name: "Outgoing mail" }));
    await a11y();

    const table = main().getByRole("table");
    await expectVisible(table.getByText("New topic in Highways"));
    await expectVisible(table.getByText("451 4.3.0 Try again later"));
    await screenshot(page, "admin-mail-outbox");

    // The .eml file is shown as plain text: the raw message, headers first.
    await clickAndLoad(page, main().getByRole("link", { name: "View .eml mail number 1" }));
    const eml = await page.locator("body").textContent();
    expect(eml).toContain("Subject: New topic in Highways");
    expect(eml).toContain("List-Unsubscribe: <https://copse.example/unsubscribe/1>");
    await page.goBack();

    await clickAndLoad(page, main().getByRole("button", { name: "Retry now mail number 2" }));
    await expectVisible(page.getByText("Mail number 2 is queued again"));
    await a11y();
    await instance.jobs.runNow("mail.send");
    await page.reload();
    await expectVisible(main().getByRole("link", { name: "View .eml mail number 2" }));
  });
});
