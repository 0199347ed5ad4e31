import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema/index.ts";
import { queueMail } from "../../src/domain/mail/outbox.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, accountMenu, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The outgoing mail journey in Chromium: an administrator with no SMTP server set up opens the
// outbox from the header, reads one mail's .eml file, and retries a failed mail. Every HTML page
// on the way is checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("outgoing mail in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Postwick");
    instance = session.instance;
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

    page = await session.signedInPage("ada");
  });

  afterAll(() => session?.close());

  it("opens the outbox, reads an .eml file and retries a failed mail", async () => {
    await clickAndLoad(
      page,
      (await accountMenu(page)).getByRole("link", { name: "Administration" }),
    );
    await a11y(page);
    await clickAndLoad(page, main(page).getByRole("link", { name: "Outgoing mail" }));
    await expectVisible(main(page).getByRole("heading", { name: "Outgoing mail" }));
    await a11y(page);

    const table = main(page).getByRole("table");
    await expectVisible(table.getByText("New topic in Highways"));
    await expectVisible(table.getByText("451 4.3.0 Try again later"));
    await screenshot(page, "admin-mail-outbox");

    // The .eml file is shown as plain text: the raw message, headers first.
    await clickAndLoad(page, main(page).getByRole("link", { name: "View .eml mail number 1" }));
    const eml = await page.locator("body").textContent();
    expect(eml).toContain("Subject: New topic in Highways");
    expect(eml).toContain("List-Unsubscribe: <https://copse.example/unsubscribe/1>");
    await page.goBack();

    await clickAndLoad(page, main(page).getByRole("button", { name: "Retry now mail number 2" }));
    await expectVisible(page.getByText("Mail number 2 is queued again"));
    await a11y(page);
    await instance.jobs.runNow("mail.send");
    await page.reload();
    await expectVisible(main(page).getByRole("link", { name: "View .eml mail number 2" }));
  });
});
