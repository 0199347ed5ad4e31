import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main, nav } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The sub-community journey in Chromium: Alice creates a sub-community (making a mistake
// first), sets its lifecycle stage and finds it in All communities filtered by that stage.
// Every page the journey lands on is checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("sub-communities in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Treewood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    instance.createCommunity("highways", owner, "public");
    alice = await session.signedInPage("alice");
  });

  afterAll(() => session?.close());

  it("creates a sub-community, sets its stage and filters All communities by it", async () => {
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create a sub-community" }));
    await a11y(alice);

    // A missing name comes back with the error, and the rest of the form kept.
    await alice.getByLabel("Handle").fill("gritting");
    await alice.getByRole("group", { name: "Sections it uses" }).getByLabel("Documents").uncheck();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Create sub-community" }));
    expect(await alice.title()).toMatch(/^Error: Create a sub-community/);
    await expectVisible(alice.locator(".govuk-error-summary").getByText("Enter a name"));
    expect(await alice.getByLabel("Documents").isChecked()).toBe(false);
    await a11y(alice);

    await alice.getByLabel("Name", { exact: true }).fill("Gritting");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Create sub-community" }));
    expect(new URL(alice.url()).pathname).toBe("/c/gritting");
    await expectVisible(main(alice).getByText("Part of Highways", { exact: true }));
    await expectVisible(main(alice).getByText("Start-up", { exact: true }));
    await a11y(alice);

    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Community settings" }));
    await a11y(alice);
    await alice.getByRole("group", { name: "Lifecycle stage" }).getByLabel("Nurture").check();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save stage" }));
    await expectVisible(main(alice).getByText("Nurture", { exact: true }));
    await a11y(alice);
    await screenshot(alice, "subcommunity");

    await clickAndLoad(alice, nav(alice).getByRole("link", { name: "Communities" }));
    await alice.getByLabel("Lifecycle stage").selectOption("nurture");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Apply" }));
    expect(new URL(alice.url()).search).toBe("?stage=nurture");
    const table = main(alice).getByRole("table");
    await expectVisible(table.getByRole("link", { name: "Gritting" }));
    expect(await table.getByRole("link", { name: "Highways", exact: true }).count()).toBe(1);
    expect(await table.getByRole("row").count()).toBe(2);
    await a11y(alice);
    await screenshot(alice, "communities-by-stage");
  });
});
