import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { requestMembership } from "../../src/domain/membership.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { WebClient } from "../helpers/client.ts";
import { TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

// Managing polls in Chromium: Alice, a facilitator, changes a poll before anyone votes (making a
// mistake first); once Bob has voted the change link is gone and the page says why; Alice closes
// the poll early through its confirmation page, sees the final results, and deletes another poll
// through its own confirmation page. Every new page Alice lands on is checked with axe-core.

describeInBrowser("changing, closing and deleting polls in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;
  let changingPath: string;
  let deletingPath: string;

  beforeAll(async () => {
    session = await startBrowserSession("Pollchangewood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const member = await instance.createUser("bob", { name: "Bob Brown" });
    const group = instance.createCommunity("highways", owner, "public");
    requestMembership(instance.db, { groupId: group.actor.id, memberId: member.actor.id });

    // Creating a poll in the browser is the polls journey's business; these are made through
    // the same form without a browser, to keep this journey short.
    const web = new WebClient(instance.origin);
    await web.post("/signin", { login: "alice", password: TEST_PASSWORD });
    const create = async (question: string) => {
      const { response } = await web.post("/c/highways/polls/new", {
        question,
        body: "",
        options: "Monday\nTuesday",
        choice: "one",
        "closes-day": "15",
        "closes-month": "7",
        "closes-year": "2031",
        "closes-time": "10am",
      });
      expect(response.status).toBe(303);
      return response.headers.get("location")!;
    };
    changingPath = await create("Which day for the depot visit?");
    deletingPath = await create("Posted by mistake?");

    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("changes a poll before the first vote, closes it early, and deletes another", async () => {
    await session.go(alice, changingPath);
    const manage = main(alice);
    await clickAndLoad(alice, manage.getByRole("link", { name: "Change this poll" }));
    expect(await alice.getByLabel("Question", { exact: true }).inputValue()).toBe(
      "Which day for the depot visit?",
    );
    await a11y(alice);

    // An emptied question and a single option come back with both problems; nothing is saved.
    await alice.getByLabel("Question", { exact: true }).fill("");
    await alice.getByLabel("Options", { exact: true }).fill("Wednesday");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save changes" }));
    expect(await alice.title()).toMatch(/^Error: Change poll/);
    const summary = alice.locator(".govuk-error-summary");
    await expectVisible(summary.getByText("Enter the question"));
    await expectVisible(summary.getByText("Enter at least 2 options, each on its own line"));
    await a11y(alice);

    await alice.getByLabel("Question", { exact: true }).fill("Which day for the salt depot?");
    await alice.getByLabel("Options", { exact: true }).fill("Wednesday\nThursday");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save changes" }));
    expect(pathOf(alice)).toBe(changingPath);
    await expectVisible(flash(alice).getByText("Your changes to the poll have been saved."));
    await expectVisible(h1(alice).getByText("Which day for the salt depot?"));

    // Bob votes for one of the new options.
    await session.go(bob, changingPath);
    await main(bob)
      .getByRole("group", { name: "Which day for the salt depot?" })
      .getByLabel("Thursday")
      .check();
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Vote" }));
    await expectVisible(main(bob).getByText("You voted for Thursday."));

    // Now the poll can no longer be changed, and Alice is told why instead of being offered it.
    await alice.reload();
    await expectVisible(
      main(alice).getByText("People have voted in this poll, so it can no longer be changed."),
    );
    expect(await main(alice).getByRole("link", { name: "Change this poll" }).count()).toBe(0);
    await a11y(alice);

    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Close this poll now" }));
    await expectVisible(h1(alice).getByText("Close “Which day for the salt depot?” now?"));
    await expectVisible(main(alice).getByText("1 person has voted", { exact: false }));
    await a11y(alice);
    await screenshot(alice, "poll-close-confirm");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Close poll now" }));
    expect(pathOf(alice)).toBe(changingPath);
    await expectVisible(flash(alice).getByText("The poll has been closed.", { exact: false }));
    await expectVisible(
      main(alice).getByText("This poll has closed, so it no longer takes votes."),
    );
    await expectVisible(alice.getByRole("heading", { name: "Results" }));
    await expectVisible(main(alice).getByText("1 vote, 100%"));
    expect(await main(alice).getByRole("link", { name: "Close this poll now" }).count()).toBe(0);
    await a11y(alice);
    await screenshot(alice, "poll-closed-early");

    await session.go(alice, deletingPath);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Delete this poll" }));
    await expectVisible(h1(alice).getByText("Delete “Posted by mistake?”?"));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Delete poll" }));
    expect(pathOf(alice)).toBe("/c/highways/polls");
    await expectVisible(flash(alice).getByText("The poll has been deleted."));
    await expectVisible(main(alice).getByRole("link", { name: "Which day for the salt depot?" }));
    expect(await main(alice).getByText("Posted by mistake?").count()).toBe(0);
    await a11y(alice);
  });
});
