// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, which is what people see.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { composeItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The forum clicked through in Chromium: Bob starts a topic, Carol replies in the box under the
// thread and answers her own reply through its "Reply" disclosure (a <details>, so it needs no
// script), Bob edits his topic and deletes a reply of his, the list is sorted and paged, Dana does it all without
// JavaScript, and Alice, the facilitator, finally switches the forum off. Every page is checked
// with axe-core for WCAG 2.2 A and AA. The tests run in order and build on each other.

const FORUM = "/c/highways/forum";
const TOPIC = { title: "Winter gritting routes", body: "Which roads do you grit **first**?" };
const EDITED_TITLE = "Winter gritting routes for 2026";
/** Alice's topics, there before the journey starts, so the list has more than one page of 10. */
const SEEDED_TITLES = [
  "Allotment waiting lists",
  "bus lane cameras",
  "Council tax reminders",
  "Dog fouling signs",
  "Electric vehicle chargers",
  "Footpath repairs",
  "Graffiti removal",
  "Housing repairs backlog",
  "Idling engines outside schools",
  "Junction box art",
  "Knife bins",
];

describeInBrowser("the forum in a browser", () => {
  let instance: TestInstance;
  let session: BrowserSession;
  let alice: Page;
  let bob: Page;
  let carol: Page;
  let topicPath: string;
  let carolsReply: number;
  let carolsAnswer: number;

  /** A post of the open thread: its own article, not the answers nested below it. */
  const post = (page: Page, id: number) => page.locator(`#item-${id} > article`);
  /** The ids of the live posts on a topic page, in document order. */
  const postIds = (page: Page) =>
    page
      .locator("li.copse-post")
      .evaluateAll((nodes) => nodes.map((n) => Number(n.id.replace("item-", ""))));
  /** The first column of the topic list: the topics' titles, as shown. */
  const listedTitles = (page: Page) =>
    page.locator(".govuk-table__body .govuk-table__row td:first-child").allInnerTexts();
  /** The id of the item a page's address points at with its #item-N fragment. */
  const anchoredId = (page: Page) => Number(new URL(page.url()).hash.replace("#item-", ""));

  /**
   * Answers the topic in the reply box under the thread, or a reply through its Reply
   * disclosure; returns the new id.
   */
  async function reply(page: Page, parentId: number, body: string): Promise<number> {
    if (parentId === Number(topicPath.split("/").pop())) {
      const box = page.locator("#reply");
      await expectVisible(box.getByLabel("Your reply"), "the reply box under the thread");
      await box.getByLabel("Your reply").fill(body);
      await clickAndLoad(page, box.getByRole("button", { name: "Post reply" }));
      expect(pathOf(page)).toBe(topicPath);
      return anchoredId(page);
    }
    const parent = post(page, parentId);
    const field = parent.getByLabel("Your reply");
    // Closed, the disclosure hides its form; its summary opens it, script or not.
    expect(await field.isVisible()).toBe(false);
    await parent.locator("summary").filter({ hasText: "Reply" }).click();
    await expectVisible(field, "the reply form inside the opened disclosure");
    await field.fill(body);
    await clickAndLoad(page, parent.getByRole("button", { name: "Post reply" }));
    expect(pathOf(page)).toBe(topicPath);
    return anchoredId(page);
  }

  /** Chooses an order and a page size in the list's form and shows the topics. */
  async function showTopics(page: Page, sort: string, size: string): Promise<void> {
    await page.getByLabel("Sort by").selectOption(sort);
    await page.getByLabel("Topics per page").selectOption(size);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Show topics" }));
    expect(new URL(page.url()).searchParams.get("sort")).toBe(sort);
  }

  beforeAll(async () => {
    session = await startBrowserSession("Forumwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const community = instance.createCommunity("highways", owner, "public");
    for (const [handle, name] of [
      ["bob", "Bob Brown"],
      ["carol", "Carol Clark"],
      ["dana", "Dana Dale"],
    ] as const) {
      const member = await instance.createUser(handle, { name });
      requestMembership(instance.db, { groupId: community.actor.id, memberId: member.actor.id });
    }
    for (const title of SEEDED_TITLES) {
      composeItem(instance.db, instance.origin, {
        kind: "topic",
        author: owner.actor,
        groups: [community.actor],
        title,
        body: `Notes on ${title.toLowerCase()}.`,
      });
    }
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
    carol = await session.signedInPage("carol");
  });

  afterAll(() => session?.close());

  it("lets a member start a topic, after an empty try that shows what is missing", async () => {
    await session.go(bob, "/c/highways");
    const sections = bob.getByRole("navigation", { name: "Community sections" });
    await clickAndLoad(bob, sections.getByRole("link", { name: "Forum" }));
    expect(pathOf(bob)).toBe(FORUM);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Start a topic" }));
    expect(pathOf(bob)).toBe(`${FORUM}/new`);
    await a11y(bob);

    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post topic" }));
    expect(await bob.title()).toMatch(/^Error: Start a topic/);
    const summary = bob.locator(".govuk-error-summary");
    expect(await summary.getByRole("link", { name: "Enter a title" }).getAttribute("href")).toBe(
      "#title",
    );
    expect(await bob.getByLabel("Title").getAttribute("aria-describedby")).toContain("title-error");
    await a11y(bob);

    await bob.getByLabel("Title").fill(TOPIC.title);
    await bob.getByLabel("Message").fill(TOPIC.body);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post topic" }));
    expect(pathOf(bob)).toMatch(/^\/c\/highways\/forum\/\d+$/);
    topicPath = pathOf(bob);
    expect(await flash(bob).innerText()).toContain("Your topic has been posted.");
    expect(await h1(bob).innerText()).toBe(TOPIC.title);
    expect(await main(bob).locator("strong").filter({ hasText: "first" }).count()).toBe(1);
    await a11y(bob);
  });

  it("lets another member reply, then answer the reply, through the Reply disclosure", async () => {
    const topicId = Number(topicPath.split("/").pop());
    await session.go(carol, topicPath);
    await a11y(carol);
    carolsReply = await reply(carol, topicId, "We grit bus routes first, then schools.");
    await expectVisible(post(carol, carolsReply).getByText("We grit bus routes first"));
    await a11y(carol);

    carolsAnswer = await reply(carol, carolsReply, "And hospitals, I forgot hospitals.");
    // The answer is nested in the reply it answers, which is nested in the topic.
    expect(await carol.locator(`#item-${carolsReply} #item-${carolsAnswer}`).count()).toBe(1);
    expect(await carol.locator(`#item-${topicId} #item-${carolsReply}`).count()).toBe(1);
    expect(await postIds(carol)).toEqual([topicId, carolsReply, carolsAnswer]);
    await a11y(carol);
  });

  it("lets the author edit the topic and delete a reply through the confirmation page", async () => {
    const topicId = Number(topicPath.split("/").pop());
    await session.go(bob, topicPath);
    // Bob may change his own posts only: Carol's have no Edit or Delete links for him.
    expect(await post(bob, carolsReply).getByRole("link", { name: "Edit this post" }).count()).toBe(
      0,
    );
    await clickAndLoad(bob, post(bob, topicId).getByRole("link", { name: "Edit this post" }));
    await expectVisible(h1(bob).filter({ hasText: "Edit topic" }));
    expect(await bob.getByLabel("Title").inputValue()).toBe(TOPIC.title);
    expect(await bob.getByLabel("Message").inputValue()).toBe(TOPIC.body);
    await a11y(bob);
    await bob.getByLabel("Title").fill(EDITED_TITLE);
    await bob.getByLabel("Message").fill("Which roads do you grit first, and when?");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Save" }));
    expect(pathOf(bob)).toBe(topicPath);
    expect(await flash(bob).innerText()).toContain("Your changes have been saved.");
    expect(await h1(bob).innerText()).toBe(EDITED_TITLE);
    expect(await post(bob, topicId).innerText()).toContain("(edited)");
    await a11y(bob);

    const mistake = await reply(bob, carolsReply, "Posted before I had finished, sorry.");
    await a11y(bob);
    await clickAndLoad(bob, post(bob, mistake).getByRole("link", { name: "Delete this post" }));
    await expectVisible(h1(bob).filter({ hasText: "Delete this post?" }));
    expect(await main(bob).innerText()).toContain("Posted before I had finished");
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Delete post" }));
    expect(pathOf(bob)).toBe(topicPath);
    expect(await flash(bob).innerText()).toContain("The post has been deleted.");
    expect(await main(bob).innerText()).not.toContain("Posted before I had finished");
    expect(await postIds(bob)).toEqual([topicId, carolsReply, carolsAnswer]);
    await screenshot(bob, "forum-topic");
    await a11y(bob);
  });

  it("sorts the topic list A to Z, shows My topics, and changes the page size", async () => {
    await session.go(bob, FORUM);
    const all = [EDITED_TITLE, ...SEEDED_TITLES];
    expect(await main(bob).getByRole("table").locator("caption").innerText()).toBe(
      `Topics (${all.length})`,
    );
    // Most current first: Bob's topic has the newest activity.
    expect((await listedTitles(bob))[0]).toBe(EDITED_TITLE);
    await screenshot(bob, "forum-topics");
    await a11y(bob);

    await showTopics(bob, "az", "25");
    const aToZ = [...all].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
    expect(await listedTitles(bob)).toEqual(aToZ);
    expect(await bob.getByLabel("Sort by").inputValue()).toBe("az");
    await a11y(bob);

    await showTopics(bob, "mine", "25");
    expect(await listedTitles(bob)).toEqual([EDITED_TITLE]);
    await a11y(bob);

    await showTopics(bob, "az", "10");
    expect(await listedTitles(bob)).toEqual(aToZ.slice(0, 10));
    const pagination = bob.getByRole("navigation", { name: "Pagination" });
    await clickAndLoad(bob, pagination.getByRole("link", { name: "Page 2" }));
    expect(new URL(bob.url()).searchParams.get("size")).toBe("10");
    expect(await listedTitles(bob)).toEqual(aToZ.slice(10));
    expect(await pagination.locator("[aria-current=page]").innerText()).toBe("2");
    await a11y(bob);
  });

  it("works with JavaScript turned off: sorting, opening the disclosure and replying", async () => {
    const dana = await session.signedInPage("dana", { javaScriptEnabled: false });
    await session.go(dana, FORUM);
    await showTopics(dana, "az", "50");
    expect(await listedTitles(dana)).toContain(EDITED_TITLE);
    await clickAndLoad(dana, main(dana).getByRole("link", { name: EDITED_TITLE }));
    expect(pathOf(dana)).toBe(topicPath);

    const danasAnswer = await reply(dana, carolsReply, "Same here, buses first.");
    expect(await dana.locator(`#item-${carolsReply} #item-${danasAnswer}`).count()).toBe(1);
    await expectVisible(post(dana, danasAnswer).getByText("Same here, buses first."));
    // axe itself needs JavaScript; these pages are checked in the other tests instead.
  });

  it("lets the facilitator switch the forum off, and its link disappears", async () => {
    await session.go(alice, "/c/highways");
    const sections = alice.getByRole("navigation", { name: "Community sections" });
    await expectVisible(sections.getByRole("link", { name: "Forum" }), "the Forum link");
    await a11y(alice);
    const tools = main(alice).getByRole("navigation", { name: "Community tools" });
    await clickAndLoad(alice, tools.getByRole("link", { name: "Community settings" }));
    await expectVisible(h1(alice).filter({ hasText: "Community settings" }));
    const forumBox = alice.getByRole("group", { name: "Sections this community uses" });
    expect(await forumBox.getByLabel("Forum").isChecked()).toBe(true);
    await a11y(alice);

    await forumBox.getByLabel("Forum").uncheck();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save settings" }));
    expect(pathOf(alice)).toBe("/c/highways");
    expect(await flash(alice).innerText()).toContain("The community's settings have been saved.");
    expect(await sections.getByRole("link", { name: "Forum" }).count()).toBe(0);
    await expectVisible(sections.getByRole("link", { name: "Blog" }), "the Blog link");
    await a11y(alice);

    // Members who kept the address find the section gone, not a broken page.
    const gone = await bob.goto(new URL(topicPath, instance.origin).href);
    expect(gone?.status()).toBe(404);
    expect(await main(bob).innerText()).toContain("does not use this section");
    await a11y(bob);
  });
});
