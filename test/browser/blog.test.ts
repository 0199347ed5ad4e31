import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { insertItem } from "../../src/domain/items.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The blog journey clicked through in Chromium: Alice writes an entry into
// a community, Bob comments on it. Every page the journey lands on is checked with axe-core.

describeInBrowser("the blog in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;
  let entryUrl: string;

  beforeAll(async () => {
    session = await startBrowserSession("Blogwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", owner, "public");
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("writes an entry into a community, with errors first, and comments on it", async () => {
    await alice.goto(new URL("/c/highways/blog", instance.origin).href);
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Write an entry" }));
    expect(await alice.getByLabel("Highways").isChecked()).toBe(true);
    await a11y(alice);

    // Publishing with no title comes back with the error summary and the text kept.
    await alice.getByLabel("Entry", { exact: true }).fill("We grit **bus routes** first.");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Publish" }));
    expect(await alice.title()).toMatch(/^Error: Write a blog entry/);
    await expectVisible(alice.locator(".govuk-error-summary").getByText("Enter a title"));
    expect(await alice.getByLabel("Entry", { exact: true }).inputValue()).toContain("bus routes");
    await a11y(alice);

    await alice.getByLabel("Title").fill("Gritting routes this winter");
    await alice.getByLabel("Summary (optional)").fill("Bus routes first, then schools.");
    // Enter in a one-line field publishes, as the first visible button would (not Add image,
    // not a draft: the community's blog below lists only published entries).
    const published = alice.waitForEvent("load");
    await alice.getByLabel("Title").press("Enter");
    await published;
    expect(new URL(alice.url()).pathname).toMatch(/^\/people\/alice\/blog\/\d+$/);
    await expectVisible(alice.getByRole("heading", { level: 1, name: /Gritting routes/ }));
    await a11y(alice);
    entryUrl = alice.url();

    await bob.goto(entryUrl);
    await bob.getByLabel("Add a comment").fill("We do the same near schools.");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post comment" }));
    await expectVisible(main(bob).getByText("We do the same near schools."));
    await expectVisible(bob.getByRole("heading", { name: "Comments (1)" }));
    await a11y(bob);
    await screenshot(bob, "blog-entry");

    for (const path of ["/people/alice/blog", "/people/alice", "/c/highways/blog"]) {
      await bob.goto(new URL(path, instance.origin).href);
      await expectVisible(main(bob).getByText("Gritting routes this winter"));
      await a11y(bob);
    }
  });

  it("pages a long comment thread and takes a comment on its last page", async () => {
    // Fifty earlier comments, as if imported: 51 in all, two pages, Bob's first on the second.
    const entryId = Number(new URL(entryUrl).pathname.split("/").pop());
    const mo = await instance.createUser("mo", { name: "Mo Moss" });
    for (let i = 1; i <= 50; i++) {
      insertItem(instance.db, {
        kind: "reply",
        iri: `${instance.origin}/ap/test-comments/${i}`,
        authorId: mo.actor.id,
        groupIds: [],
        parentId: entryId,
        bodyHtml: `<p>Salt note ${i}</p>`,
        visibility: "public",
        isLocal: true,
        publishedAt: new Date(Date.now() - (100 - i) * 1000),
      });
    }
    await bob.goto(entryUrl);
    await expectVisible(bob.getByRole("heading", { name: "Comments (51)" }));
    await expectVisible(main(bob).getByText("This is page 1 of 2."));
    await expectVisible(main(bob).getByText("Salt note 1", { exact: true }));
    expect(await bob.getByLabel("Add a comment").count()).toBe(0);
    await a11y(bob);

    const pages = bob.getByRole("navigation", { name: "Pages of comments" });
    await clickAndLoad(bob, pages.getByRole("link", { name: "Page 2" }));
    expect(new URL(bob.url()).search).toBe("?page=2");
    await expectVisible(main(bob).getByText("We do the same near schools."));
    expect(await main(bob).getByText("Salt note 1", { exact: true }).count()).toBe(0);
    await a11y(bob);

    await bob.getByLabel("Add a comment").fill("Salt stocks are full.");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post comment" }));
    expect(new URL(bob.url()).search).toMatch(/^\?reply=\d+$/);
    await expectVisible(main(bob).getByText("Salt stocks are full."));
    await expectVisible(main(bob).getByText("52 comments, 50 a page. This is page 2 of 2."));
    await a11y(bob);
  });
});
