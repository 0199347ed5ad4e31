import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { accounts } from "../../src/db/schema/index.ts";
import { findAccount } from "../../src/domain/accounts.ts";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, h1, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The administrator's tools in Chromium: Ada finds Bob's account, suspends him with a reason,
// and blocks a hostile server after its confirmation page. Every page is checked with axe-core.

describeInBrowser("administrator tools in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let ada: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Adminton");
    instance = session.instance;
    await instance.createUser("ada", { admin: true, name: "Ada Admin" });
    await instance.createUser("bob", { name: "Bob Brown" });
    ada = await session.signedInPage("ada");
  });

  afterAll(() => session?.close());

  it("finds an account and suspends it with a reason", async () => {
    await session.go(ada, "/admin/accounts");
    await expectVisible(h1(ada).getByText("Accounts"));
    await a11y(ada);
    await ada.getByLabel("Search by handle, name or email address").fill("bob");
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Search" }));
    await clickAndLoad(ada, main(ada).getByRole("table").getByRole("link").first());
    await expectVisible(h1(ada).getByText("@bob"));
    await a11y(ada);
    await clickAndLoad(ada, main(ada).getByRole("link", { name: "Suspend @bob" }));
    await a11y(ada);
    await ada.getByLabel("Why are you suspending this account?").fill("Spam in three communities");
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Suspend account" }));
    await expectVisible(main(ada).getByRole("button", { name: "Unsuspend" }));
    await a11y(ada);
    const bob = findAccount(instance.db, "bob")!;
    const row = instance.db.select().from(accounts).where(eq(accounts.id, bob.id)).get();
    expect(row?.suspendedAt).toBeTruthy();
  });

  it("blocks another server after a confirmation page", async () => {
    await session.go(ada, "/admin/servers");
    await expectVisible(h1(ada).getByText("Other servers"));
    await a11y(ada);
    await ada.getByLabel("Domain").fill("spam.example");
    await ada.getByLabel("Block", { exact: true }).check();
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Continue" }));
    await expectVisible(h1(ada).getByText("Block spam.example?"));
    await a11y(ada);
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Block spam.example" }));
    await expectVisible(main(ada).getByRole("table").getByText("spam.example"));
    await a11y(ada);
  });
});
