// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, which is what people see.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, h1, main, nav } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The live stream in Chromium with JavaScript on: Alice opens "What's happening now" from the
// menu; a topic posted elsewhere appears at the top of the list without a reload and the
// status line announces it; pausing and resuming brings in what was posted meanwhile. The page
// is checked with axe-core for WCAG 2.2 A and AA before and after the updates.

describeInBrowser("the live stream in a browser", () => {
  let instance: TestInstance;
  let session: BrowserSession;
  let alice: ActorRow;
  let garden: ActorRow;
  let page: Page;

  function post(title: string) {
    composeItem(instance.db, instance.origin, {
      kind: "topic",
      author: alice,
      groups: [garden],
      title,
      body: `About ${title}.`,
    });
  }

  const entries = () =>
    main(page).getByRole("list", { name: "Latest activity" }).getByRole("listitem");
  const status = () => page.getByRole("status");

  beforeAll(async () => {
    session = await startBrowserSession("Livebrook");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    alice = owner.actor;
    garden = instance.createCommunity("garden", owner, "public").actor;
    post("Compost rota");
    page = await session.signedInPage("alice");
  });

  afterAll(() => session?.close());

  it("shows new activity without a reload, announces it, and can be paused", async () => {
    await clickAndLoad(page, nav(page).getByRole("link", { name: "Happening now" }));
    expect(await h1(page).innerText()).toBe("What's happening now");
    expect(await entries().first().innerText()).toContain("Compost rota");
    const toggle = main(page).getByRole("button", { name: "Pause live updates" });
    await toggle.waitFor();
    await a11y(page);

    post("Seed swap");
    await entries().filter({ hasText: "Seed swap" }).waitFor();
    expect(await entries().first().innerText()).toContain("New forum topic: Seed swap");
    // The name sits beside its face (a flex box), so the rendered text breaks around it.
    const byline = (await entries().first().innerText()).replace(/\s+/g, " ");
    expect(byline).toContain("by Alice Adams in Garden");
    await expectVisible(entries().first().locator(".copse-avatar"), "Alice's face in the entry");
    await expect.poll(() => status().innerText(), { timeout: 5_000 }).toBe("1 new update");
    expect(page.url()).toBe(new URL("/live", instance.origin).href);

    // Paused, the page stops listening; resumed, it fetches what it missed.
    await toggle.click();
    const resume = main(page).getByRole("button", { name: "Resume live updates" });
    await resume.waitFor();
    await expect.poll(() => status().innerText(), { timeout: 5_000 }).toBe("Live updates paused");
    post("Tool library");
    post("Rain gauge");
    await resume.click();
    await entries().filter({ hasText: "Rain gauge" }).waitFor();
    expect(await entries().count()).toBe(4);
    expect(await entries().first().innerText()).toContain("Rain gauge");
    await expect.poll(() => status().innerText(), { timeout: 5_000 }).toBe("2 new updates");
    await a11y(page);
    await screenshot(page, "live-stream");
  });
});
