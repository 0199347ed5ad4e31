import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requestMembership } from "../../src/domain/membership.ts";
import { getReport, listReports } from "../../src/domain/moderation/reports.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, nav } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { WebClient } from "../helpers/client.ts";
import { TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Reporting a post in Chromium: Carol reports Bob's topic; Alice, the facilitator, sees the
// count in her header and the report in the community's queue, removes the post from there,
// and the report shows as resolved; Carol then sees the outcome. Every page is checked with
// axe-core.

describeInBrowser("reporting a post in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let carol: Page;
  let topicPath: string;
  let parks: number;

  beforeAll(async () => {
    session = await startBrowserSession("Reportwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const bob = await instance.createUser("bob", { name: "Bob Brown" });
    const carolAccount = await instance.createUser("carol", { name: "Carol Clark" });
    parks = instance.createCommunity("parks", owner, "public").actor.id;
    for (const m of [bob, carolAccount])
      requestMembership(instance.db, { groupId: parks, memberId: m.actor.id });
    const web = new WebClient(instance.origin);
    await web.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const { response } = await web.post("/c/parks/forum/new", {
      title: "Cheap garden gnomes",
      body: "Buy them at my shop",
    });
    topicPath = response.headers.get("location")!;
    alice = await session.signedInPage("alice");
    carol = await session.signedInPage("carol");
  });

  afterAll(() => session?.close());

  it("lets a member report a post with a reason", async () => {
    await session.go(carol, topicPath);
    await clickAndLoad(carol, main(carol).getByRole("link", { name: "Report this post" }));
    await expectVisible(h1(carol).getByText("Report this post"));
    await a11y(carol);
    await clickAndLoad(carol, main(carol).getByRole("button", { name: "Send report" }));
    expect(await carol.title()).toMatch(/^Error: /);
    await a11y(carol);
    await carol.getByLabel("What is wrong?").fill("Advertising, not about parks");
    await clickAndLoad(carol, main(carol).getByRole("button", { name: "Send report" }));
    await expectVisible(flash(carol).getByText(/will look at your report/));
    await expectVisible(h1(carol).getByText("Your reports"));
    await a11y(carol);
    expect(
      listReports(instance.db, { groupId: parks, state: "open", page: 1, pageSize: 9 }),
    ).toHaveLength(1);
  });

  it("shows the facilitator the report, which removing the post resolves", async () => {
    await session.go(alice, "/c/parks");
    await expectVisible(nav(alice).getByRole("link", { name: /^Notifications\W+1 unread$/ }));
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Reports" }));
    await expectVisible(h1(alice).getByText("Reports"));
    await a11y(alice);
    await screenshot(alice, "reports-queue");
    await clickAndLoad(alice, main(alice).getByRole("table").getByRole("link").first());
    await expectVisible(main(alice).getByText("Advertising, not about parks"));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Remove the post" }));
    await a11y(alice);
    await alice.getByLabel(/^Reason/).fill("Advertising");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Remove post" }));
    await expectVisible(flash(alice).getByText("The post has been removed."));
    const [report] = listReports(instance.db, {
      groupId: parks,
      state: "resolved",
      page: 1,
      pageSize: 9,
    });
    expect(getReport(instance.db, report!.id)?.outcome).toBe("removed");
    await session.go(alice, "/c/parks/reports?state=resolved");
    await expectVisible(main(alice).getByRole("cell", { name: "Post removed" }));
    await a11y(alice);
  });

  it("tells the reporter what came of the report", async () => {
    await session.go(carol, "/");
    await clickAndLoad(carol, nav(carol).getByRole("link", { name: /^Notifications/ }));
    await expectVisible(main(carol).getByText(/the post was removed/));
    await a11y(carol);
    await screenshot(carol, "notifications");
    // Viewing marks them read: the header shows no count any more.
    await expectVisible(nav(carol).getByRole("link", { name: "Notifications", exact: true }));
    await session.go(carol, "/reports");
    await expectVisible(main(carol).getByRole("cell", { name: "Post removed" }));
    await a11y(carol);
  });

  it("lets a member report a blog entry from its page", async () => {
    const web = new WebClient(instance.origin);
    await web.post("/signin", { login: "bob", password: TEST_PASSWORD });
    const { response } = await web.post("/blog/new", [
      ["title", "Gnomes half price"],
      ["summary", ""],
      ["body", "Only at my shop"],
      ["groups", String(parks)],
      ["action", "publish"],
    ]);
    const entryPath = response.headers.get("location")!;
    await session.go(carol, entryPath);
    await clickAndLoad(
      carol,
      main(carol).getByRole("link", { name: "Report this entry to the facilitators of Parks" }),
    );
    await expectVisible(h1(carol).getByText("Report this post"));
    await a11y(carol);
    await carol.getByLabel("What is wrong?").fill("An advert dressed as a blog entry");
    await clickAndLoad(carol, main(carol).getByRole("button", { name: "Send report" }));
    await expectVisible(flash(carol).getByText(/will look at your report/));
    const entryId = Number(entryPath.split("/").pop());
    const [report] = listReports(instance.db, {
      groupId: parks,
      state: "open",
      page: 1,
      pageSize: 9,
    });
    expect(report).toMatchObject({
      itemId: entryId,
      reason: "An advert dressed as a blog entry",
    });
  });
});
