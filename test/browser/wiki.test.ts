import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The wiki journey clicked through in Chromium: Alice starts a page, Bob edits it while Alice
// is editing too, Alice's stale save shows the conflict with her text kept, and the history
// compares and restores revisions. Every page the journey lands on is checked with axe-core.

describeInBrowser("the wiki in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Wikiwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", owner, "public");
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
    await bob.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Join/ }));
  });

  afterAll(() => session?.close());

  it("creates, edits with a conflict, compares and restores a page", async () => {
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Wiki" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create a page" }));
    await a11y(alice);
    await alice.getByLabel("Title").fill("Gritting guide");
    await alice.getByLabel("Text", { exact: true }).fill("Main roads first.\nThen bus routes.");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Create page" }));
    await expectVisible(alice.getByRole("heading", { level: 1, name: "Gritting guide" }));
    await a11y(alice);
    const pageUrl = alice.url();

    // Both open the form; Bob saves first.
    await clickAndLoad(alice, main(alice).getByRole("link", { name: /Edit/ }));
    await bob.goto(pageUrl);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: /Edit/ }));
    await a11y(bob);
    await bob.getByLabel("Text", { exact: true }).fill("Main roads first.\nThen schools.");
    await bob.getByLabel("Reason for update").fill("Schools before buses");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Save changes" }));
    await expectVisible(main(bob).getByText("Schools before buses"));

    await alice.getByLabel("Text", { exact: true }).fill("Main roads first.\nThen car parks.");
    await alice.getByLabel("Reason for update").fill("Car parks");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save changes" }));
    expect(await alice.title()).toMatch(/^Error: Edit Gritting guide/);
    await expectVisible(alice.locator(".govuk-error-summary").getByText(/Someone else changed/));
    expect(await alice.getByLabel("Your text", { exact: true }).inputValue()).toContain(
      "Then car parks.",
    );
    await expectVisible(main(alice).getByText("Then schools.").first());
    await a11y(alice);
    await screenshot(alice, "wiki-conflict");

    // The history compares the two revisions and restores the first.
    await bob.goto(`${pageUrl}/history`);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Compare" }));
    await expectVisible(main(bob).getByRole("cell", { name: "Removed" }));
    await expectVisible(main(bob).getByRole("cell", { name: "Added" }));
    await a11y(bob);
    await screenshot(bob, "wiki-diff");
    await bob.goto(`${pageUrl}/revisions/1`);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Restore revision 1" }));
    await expectVisible(main(bob).getByText("Restored revision 1"));
    await expectVisible(main(bob).getByText("Then bus routes."));
    await a11y(bob);
  });
});
