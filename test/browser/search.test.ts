import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { replacePersonTags } from "../../src/domain/person-details.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main, nav } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// Tagging, search and the people finder clicked through in Chromium: Bob tags Alice's topic,
// finds it by search and by its tag page, removes his tag, and finds Alice by expertise. Every
// page the journey lands on is checked with axe-core.

describeInBrowser("tags, search and people in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let bob: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Tagford");
    instance = session.instance;
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    const bobAccount = await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", alice, "public");
    replacePersonTags(instance.db, alice.actor.id, "expertise", ["winter-maintenance"]);
    replacePersonTags(instance.db, bobAccount.actor.id, "expertise", ["winter-maintenance"]);
    bob = await session.signedInPage("bob");
    await bob.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Join/ }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Forum" }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Start a topic" }));
    await bob.getByLabel("Title").fill("Gritting routes");
    await bob.getByLabel("Message").fill("Which roads do you grit first?");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Post|Start/ }));
  });

  afterAll(() => session?.close());

  it("tags a topic, searches, browses tags and finds people", async () => {
    await expectVisible(bob.getByRole("heading", { level: 1, name: "Gritting routes" }));
    const topicUrl = bob.url();
    await a11y(bob);
    await bob.getByLabel("Add a tag").fill("Salt");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add tag" }));
    await expectVisible(main(bob).getByRole("link", { name: "#Salt" }));
    await a11y(bob);
    await bob.getByLabel("Add a tag").fill("!!!");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add tag" }));
    expect(await bob.title()).toMatch(/^Error: Add a tag/);
    await bob.getByLabel("Add a tag").fill("winter maintenance, gov.uk forms");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add tag" }));
    await expectVisible(main(bob).getByRole("link", { name: "#gov-uk-forms" }));
    await expectVisible(main(bob).getByRole("link", { name: "#winter-maintenance" }));
    await a11y(bob);
    await bob.goto(topicUrl);

    // The header's search box leads to the full search page, with the words kept.
    const header = bob.getByRole("search");
    await header.getByRole("searchbox", { name: "Search Tagford" }).fill("grit");
    await clickAndLoad(bob, header.getByRole("button", { name: "Search" }));
    expect(new URL(bob.url()).searchParams.get("q")).toBe("grit");
    await a11y(bob);
    await expectVisible(main(bob).getByRole("link", { name: "Gritting routes" }));
    await expectVisible(main(bob).locator("mark"));
    // Each hit says where it lives, linking to the community.
    const place = main(bob).locator(".copse-search-results li", { hasText: "Gritting routes" });
    await expectVisible(place.getByRole("link", { name: "Highways" }));
    expect(await place.getByRole("link", { name: "Highways" }).getAttribute("href")).toBe(
      "/c/highways",
    );
    await a11y(bob);
    await screenshot(bob, "search-results");

    await bob.goto(new URL("/tags", instance.origin).href);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: /Salt/ }));
    await expectVisible(main(bob).getByRole("link", { name: "Gritting routes" }));
    await a11y(bob);

    await bob.goto(topicUrl);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Remove tag Salt" }));
    expect(await main(bob).getByRole("link", { name: "#Salt" }).count()).toBe(0);

    await clickAndLoad(bob, nav(bob).getByRole("link", { name: "People", exact: true }));
    await a11y(bob);
    await bob.getByLabel("Search for").fill("winter maintenance");
    await bob.getByLabel("Look in").selectOption("expertise");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Find people" }));
    await expectVisible(main(bob).getByRole("link", { name: "Alice Adams" }));
    await expectVisible(main(bob).getByText("expertise: winter-maintenance").first());
    await a11y(bob);
    await screenshot(bob, "people-finder");

    await bob.goto(new URL("/", instance.origin).href);
    await expectVisible(main(bob).getByRole("heading", { name: "People you may want to know" }));
    await a11y(bob);
  });
});
