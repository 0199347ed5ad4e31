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

// The polls journey in Chromium: Alice, a facilitator, creates a poll (making a mistake
// first); Bob votes with JavaScript switched off and sees the results as a bar chart, then
// changes his vote; Alice votes too. Alice's pages are checked with axe-core for WCAG 2.2 A
// and AA (axe needs JavaScript, which Bob's browser does not run).

describeInBrowser("polls in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bobNoScript: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Pollwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", owner, "public");
    alice = await session.signedInPage("alice");
    // Bob's browser runs no JavaScript at all: voting must work with plain forms.
    bobNoScript = await session.signedInPage("bob", { javaScriptEnabled: false });
  });

  afterAll(() => session?.close());

  it("creates a poll, with an error first, and takes a vote shown as a bar chart", async () => {
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Polls" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create a poll" }));
    await a11y(alice);

    // One option only, and no choice of how many: both problems are listed.
    await alice.getByLabel("Question", { exact: true }).fill("Which gritting route first?");
    await alice.getByLabel("Options", { exact: true }).fill("North loop");
    const closes = alice.getByRole("group", { name: "When does the poll close?" });
    await closes.getByLabel("Day").fill("15");
    await closes.getByLabel("Month").fill("7");
    await closes.getByLabel("Year").fill("2031");
    await closes.getByLabel("Time").fill("5pm");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Create poll" }));
    expect(await alice.title()).toMatch(/^Error: Create a poll/);
    const summary = alice.locator(".govuk-error-summary");
    await expectVisible(summary.getByText("Enter at least 2 options, each on its own line"));
    await expectVisible(summary.getByText("Choose whether people can pick one option or several"));
    await a11y(alice);
    await screenshot(alice, "poll-form-errors");

    await alice.getByLabel("Options", { exact: true }).fill("North loop\nSouth loop\nTown centre");
    await alice.getByLabel("One option", { exact: true }).check();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Create poll" }));
    expect(new URL(alice.url()).pathname).toMatch(/^\/c\/highways\/polls\/\d+$/);
    await expectVisible(main(alice).getByText("Tuesday 15 July 2031 at 5pm (BST)"));
    const pollUrl = alice.url();

    // Bob joins, then votes without JavaScript; the results appear as text and bars.
    await bobNoScript.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(
      bobNoScript,
      main(bobNoScript).getByRole("button", { name: "Join community" }),
    );
    await bobNoScript.goto(pollUrl);
    const question = bobNoScript.getByRole("group", { name: "Which gritting route first?" });
    await question.getByLabel("South loop").check();
    await clickAndLoad(bobNoScript, main(bobNoScript).getByRole("button", { name: "Vote" }));
    await expectVisible(main(bobNoScript).getByText("You voted for South loop."));
    await expectVisible(bobNoScript.getByRole("heading", { name: "Results" }));
    await expectVisible(main(bobNoScript).getByText("1 vote, 100%"));
    const bar = bobNoScript.locator(".copse-poll-results__bar").nth(1);
    const track = bobNoScript.locator(".copse-poll-results__track").nth(1);
    const [barBox, trackBox] = [await bar.boundingBox(), await track.boundingBox()];
    expect(barBox!.width).toBeGreaterThan(trackBox!.width * 0.9);
    const emptyBar = await bobNoScript.locator(".copse-poll-results__bar").first().boundingBox();
    expect(emptyBar?.width ?? 0).toBeLessThan(2);
    await screenshot(bobNoScript, "poll-results");

    await clickAndLoad(
      bobNoScript,
      main(bobNoScript).getByRole("link", { name: "Change your vote" }),
    );
    await bobNoScript.getByLabel("Town centre").check();
    await clickAndLoad(
      bobNoScript,
      main(bobNoScript).getByRole("button", { name: "Save your new vote" }),
    );
    await expectVisible(main(bobNoScript).getByText("You voted for Town centre."));

    // Alice votes too (axe needs JavaScript, so her pages are the ones checked).
    await alice.goto(pollUrl);
    await a11y(alice);
    await alice.getByLabel("North loop").check();
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Vote" }));
    await expectVisible(main(alice).getByText("2 people have voted."));
    await expectVisible(main(alice).getByText("1 vote, 50%").first());
    await a11y(alice);

    await alice.goto(new URL("/c/highways/polls", instance.origin).href);
    await expectVisible(main(alice).getByRole("link", { name: "Which gritting route first?" }));
    await a11y(alice);
  });
});
