import { afterAll, beforeAll, expect, it } from "vitest";
import { insertItem, newItemIri } from "../../src/domain/items.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The metrics journey in Chromium: a facilitator opens her community's metrics from its page,
// then the administrator opens the instance's metrics from the administration index. Both
// pages, with their SVG charts and tables, are checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("metrics in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;

  beforeAll(async () => {
    session = await startBrowserSession("Metricsby");
    instance = session.instance;
    await instance.createUser("rowan", { name: "Rowan Admin", admin: true });
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    const highways = instance.createCommunity("highways", alice, "public").actor;
    // A few weeks of topics, so the charts have bars of different heights.
    const week = 7 * 86_400_000;
    for (const [weeksAgo, count] of [
      [0, 2],
      [2, 5],
      [5, 1],
    ] as const) {
      for (let n = 0; n < count; n++) {
        insertItem(instance.db, {
          kind: "topic",
          iri: newItemIri(instance.origin, "topic"),
          authorId: alice.actor.id,
          groupIds: [highways.id],
          title: `Gritting routes ${weeksAgo}.${n}`,
          bodyHtml: "<p>Routes</p>",
          visibility: "public",
          isLocal: true,
          publishedAt: new Date(Date.now() - weeksAgo * week - n * 60_000),
        });
      }
    }
  });

  afterAll(() => session?.close());

  it("shows community and instance metrics with no accessibility violations", async () => {
    const alice = await session.signedInPage("alice");
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Metrics" }));
    expect(new URL(alice.url()).pathname).toBe("/c/highways/metrics");
    await expectVisible(alice.getByRole("img", { name: /Posts per week, all sections/ }));
    await expectVisible(alice.getByRole("heading", { name: "Who takes part" }));
    // The figures behind a chart open without JavaScript as a <details>.
    await alice.getByText("Show the figures: Posts per week, all sections").click();
    await expectVisible(
      alice.getByRole("table", { name: "Posts per week, all sections" }).getByRole("cell", {
        name: "5",
        exact: true,
      }),
    );
    await a11y(alice);
    await screenshot(alice, "community-metrics");
    await main(alice).getByLabel("Show figures for").selectOption({ label: "Last 12 months" });
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Show" }));
    expect(new URL(alice.url()).search).toBe("?period=52w");
    await expectVisible(alice.getByRole("heading", { name: "At a glance: last 12 months" }));
    await a11y(alice);

    const rowan = await session.signedInPage("rowan");
    await rowan.goto(new URL("/admin", instance.origin).href);
    await clickAndLoad(rowan, main(rowan).getByRole("link", { name: "Instance metrics" }));
    await expectVisible(rowan.getByRole("heading", { name: "Instance metrics", level: 1 }));
    await expectVisible(main(rowan).getByRole("link", { name: /Highways/ }));
    await a11y(rowan);
    await screenshot(rowan, "instance-metrics");
  });
});
