import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, h1, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";

// Writing in Chromium (every step a plain form submission, so none needs a script): Bob previews a topic (quote,
// mention) before posting it, Carol answers in the reply box under the thread after
// previewing, and Carol finds Bob's mention in her notifications and follows it. Every page
// is checked with axe-core.
describeInBrowser("writing in a browser", () => {
  let session: BrowserSession;
  let bob: Page;
  let carol: Page;
  let topicPath: string;

  beforeAll(async () => {
    session = await startBrowserSession("Writewood");
    const { instance } = session;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const community = instance.createCommunity("highways", owner, "public");
    for (const [handle, name] of [
      ["bob", "Bob Brown"],
      ["carol", "Carol Clark"],
    ] as const) {
      const member = await instance.createUser(handle, { name });
      requestMembership(instance.db, { groupId: community.actor.id, memberId: member.actor.id });
    }
    bob = await session.signedInPage("bob");
    carol = await session.signedInPage("carol");
  });
  afterAll(() => session?.close());

  it("previews a topic with a plain form submission, keeping the text, then posts it", async () => {
    await session.go(bob, "/c/highways/forum/new");
    await a11y(bob);
    await main(bob).locator("summary").filter({ hasText: "Formatting help" }).click();
    await expectVisible(main(bob).getByText("mentions someone here"));
    await bob.getByLabel("Title").fill("Salt stocks");
    await bob.getByLabel("Message").fill("> Last winter ran out\n\nWhat do you think, @carol?");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Preview" }));
    const preview = bob.locator("#preview");
    await expectVisible(preview.locator("blockquote").getByText("Last winter ran out"));
    expect(await preview.getByRole("link", { name: "@carol" }).getAttribute("href")).toBe(
      "/people/carol",
    );
    expect(await bob.getByLabel("Message").inputValue()).toContain("@carol?");
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post topic" }));
    expect((await h1(bob).textContent())?.trim()).toBe("Salt stocks");
    topicPath = pathOf(bob);
  });

  it("answers in the reply box under the thread, after a preview", async () => {
    await session.go(carol, topicPath);
    const box = carol.locator("#reply");
    await expectVisible(box.getByLabel("Your reply"), "the reply box, open under the thread");
    await a11y(carol);
    await box.getByLabel("Your reply").fill("We have **enough** for six weeks, @bob.");
    await clickAndLoad(carol, box.getByRole("button", { name: "Preview" }));
    await expectVisible(carol.locator("#reply-preview strong").getByText("enough"));
    await a11y(carol);
    await clickAndLoad(carol, carol.locator("#reply").getByRole("button", { name: "Post reply" }));
    expect(pathOf(carol)).toBe(topicPath);
    await expectVisible(main(carol).locator("article").getByText("for six weeks"));
  });

  it("tells the mentioned person, and the link leads to the post", async () => {
    await session.go(carol, "/notifications");
    await a11y(carol);
    const link = main(carol).getByRole("link", { name: /Bob Brown mentioned you in Salt stocks/ });
    await clickAndLoad(carol, link);
    expect(pathOf(carol)).toBe(topicPath);
  });
});
