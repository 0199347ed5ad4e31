import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findMembership, isFacilitator, requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, pathOf, rowFor } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { WebClient } from "../helpers/client.ts";
import { TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Running a community in Chromium: Alice, its facilitator, bans Bob from the members page,
// makes Carol a co-facilitator, removes and restores Carol's topic, locks and pins it, and reads
// the moderation log; then, as the sole facilitator of another community, she tries to leave it
// and is sent to appoint someone first. Every page she lands on is checked with axe-core.

describeInBrowser("facilitating a community in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let topicPath: string;
  let parks: number;
  let bobId: number;
  let carolId: number;

  beforeAll(async () => {
    session = await startBrowserSession("Moderationwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const bob = await instance.createUser("bob", { name: "Bob Brown" });
    const carol = await instance.createUser("carol", { name: "Carol Clark" });
    bobId = bob.actor.id;
    carolId = carol.actor.id;
    parks = instance.createCommunity("parks", owner, "public").actor.id;
    instance.createCommunity("quiet", owner, "public");
    for (const m of [bob, carol])
      requestMembership(instance.db, { groupId: parks, memberId: m.actor.id });
    const web = new WebClient(instance.origin);
    await web.post("/signin", { login: "carol", password: TEST_PASSWORD });
    const { response } = await web.post("/c/parks/forum/new", {
      title: "Bandstand repairs",
      body: "Who has a good contractor?",
    });
    topicPath = response.headers.get("location")!;
    alice = await session.signedInPage("alice");
  });

  afterAll(() => session?.close());

  /** Follows a link in the main area, checks the confirmation page, gives a reason and submits. */
  async function confirm(link: string, button: string, reason: string) {
    await clickAndLoad(alice, main(alice).getByRole("link", { name: link }).first());
    await a11y(alice);
    await alice.getByLabel(/^Reason/).fill(reason);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: button }));
  }

  it("bans a member and appoints a co-facilitator from the members page", async () => {
    await session.go(alice, "/c/parks");
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Manage members" }));
    await expectVisible(h1(alice).getByText("Members", { exact: true }));
    await a11y(alice);
    await alice.getByLabel("Search by name or handle").fill("bob");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Search" }));
    await expectVisible(rowFor(alice, "Bob Brown"));
    await clickAndLoad(
      alice,
      rowFor(alice, "Bob Brown").getByRole("link", { name: "Ban Bob Brown" }),
    );
    await a11y(alice);
    // Without a reason the form comes back with the govuk error summary.
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Ban" }));
    expect(await alice.title()).toMatch(/^Error: /);
    await expectVisible(alice.locator(".govuk-error-summary"));
    await a11y(alice);
    await alice.getByLabel(/^Reason/).fill("Posting adverts");
    await alice.getByLabel("7 days").check();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Ban" }));
    await expectVisible(flash(alice).getByText("Bob Brown has been banned."));
    expect(findMembership(instance.db, parks, bobId)?.state).toBe("banned");

    await session.go(alice, "/c/parks/members");
    await confirm("Make facilitator Carol Clark", "Make facilitator", "Runs the Friends group");
    await expectVisible(flash(alice).getByText("Carol Clark is now a facilitator."));
    expect(isFacilitator(instance.db, parks, carolId)).toBe(true);
    await a11y(alice);
    await screenshot(alice, "moderation-members");
  });

  it("removes and restores, locks and pins a topic", async () => {
    await session.go(alice, topicPath);
    await confirm("Remove", "Remove post", "Names a contractor by mistake");
    expect(pathOf(alice)).toBe(topicPath);
    await expectVisible(
      main(alice).getByText("Removed by a facilitator: Names a contractor by mistake"),
    );
    await a11y(alice);
    await confirm("Restore", "Restore post", "Checked with the author");
    await expectVisible(flash(alice).getByText("The post has been restored."));

    await confirm("Lock", "Lock topic", "Contract awarded");
    await expectVisible(main(alice).getByText("This topic is locked."));
    expect(await main(alice).getByRole("button", { name: "Post reply" }).count()).toBe(0);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Pin" }).first());
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Pin topic" }));
    await expectVisible(flash(alice).getByText("The topic has been pinned."));
    await session.go(alice, "/c/parks/forum");
    await expectVisible(rowFor(alice, "Bandstand repairs").getByText("Pinned"));
    await a11y(alice);
  });

  it("reads the moderation log", async () => {
    await session.go(alice, "/c/parks");
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Moderation log" }));
    await expectVisible(h1(alice).getByText("Moderation log", { exact: true }));
    await expectVisible(rowFor(alice, "Posting adverts"));
    await expectVisible(rowFor(alice, "Contract awarded").getByText("Locked a topic"));
    await a11y(alice);
    await screenshot(alice, "moderation-log");
  });

  it("makes a community announcement-only from its settings", async () => {
    await session.go(alice, "/c/quiet/settings");
    await clickAndLoad(alice, main(alice).getByRole("link", { name: /who can start topics/ }));
    await a11y(alice);
    await alice.getByLabel(/announcement-only/).check();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save details" }));
    await expectVisible(flash(alice).getByText("The community's details have been saved"));
    await session.go(alice, "/c/quiet/settings/details");
    expect(await alice.getByLabel(/announcement-only/).isChecked()).toBe(true);
    await a11y(alice);
  });

  it("sends a sole facilitator who tries to leave to appoint someone first", async () => {
    await session.go(alice, "/c/quiet");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Leave community" }));
    const summary = alice.locator(".govuk-error-summary");
    await expectVisible(summary);
    expect(await alice.title()).toMatch(/^Error: /);
    await a11y(alice);
    await clickAndLoad(alice, summary.getByRole("link"));
    expect(pathOf(alice)).toBe("/c/quiet/members");
  });
});
