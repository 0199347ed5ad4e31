import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, account, accountMenu, flash, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { TEST_PASSWORD } from "../helpers/instances.ts";
import { readZip } from "../helpers/unzip.ts";

// The account page clicked through in Chromium, with axe-core checking every page: changing
// the password (a refusal first), downloading the data as a ZIP, and deleting the account.

describeInBrowser("the account page in a browser", () => {
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Accounts");
    await session.instance.createUser("nia", { name: "Nia Norris" });
    page = await session.signedInPage("nia", { acceptDownloads: true });
  });

  afterAll(() => session?.close());

  it("changes the password, showing a wrong current password first", async () => {
    await clickAndLoad(page, (await accountMenu(page)).getByRole("link", { name: "Your account" }));
    expect(pathOf(page)).toBe("/account");
    await a11y(page);
    await page.getByLabel("Current password", { exact: true }).fill("not my password");
    await page.getByLabel("New password", { exact: true }).fill("a fresh long passphrase");
    await clickAndLoad(page, main(page).getByRole("button", { name: "Change password" }));
    await expectVisible(
      page.locator(".govuk-error-summary").getByText("Your current password is not right"),
    );
    await a11y(page);

    await page.getByLabel("Current password", { exact: true }).fill(TEST_PASSWORD);
    await page.getByLabel("New password", { exact: true }).fill("a fresh long passphrase");
    await clickAndLoad(page, main(page).getByRole("button", { name: "Change password" }));
    await expectVisible(flash(page).getByText("Your password is changed"));
    await a11y(page);
    await screenshot(page, "account");
  });

  it("downloads the person's data as a ZIP of JSON files", async () => {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      main(page).getByRole("link", { name: "Download your data" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^nia-data-\d{4}-\d{2}-\d{2}\.zip$/);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk));
    const files = readZip(Buffer.concat(chunks));
    expect(JSON.parse(files.get("profile.json")!.toString()).name).toBe("Nia Norris");
  });

  it("deletes the account after the choice and the password, and signs out", async () => {
    await clickAndLoad(page, main(page).getByRole("link", { name: "Delete your account" }));
    expect(pathOf(page)).toBe("/account/delete");
    await a11y(page);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Delete my account" }));
    await expectVisible(
      page.locator(".govuk-error-summary").getByText("Choose whether to keep or remove the posts"),
    );
    await a11y(page);

    await page.getByLabel("Remove it").check();
    await page.getByLabel("Your password").fill("a fresh long passphrase");
    await clickAndLoad(page, main(page).getByRole("button", { name: "Delete my account" }));
    expect(pathOf(page)).toBe("/");
    await expectVisible(flash(page).getByText("Your account has been deleted"));
    await expectVisible(account(page).getByRole("link", { name: "Sign in" }));
    await a11y(page);
  });
});
