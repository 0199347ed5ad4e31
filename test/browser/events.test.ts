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

// The events journey in Chromium: Alice adds an event (making mistakes first), Bob says he is
// going with JavaScript switched off, and both download the calendar. Every page the journey
// lands on is checked with axe-core for WCAG 2.2 A and AA.

describeInBrowser("events in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bobNoScript: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Eventwood");
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    instance.createCommunity("highways", owner, "public");
    alice = await session.signedInPage("alice", { acceptDownloads: true });
    // Bob's browser runs no JavaScript at all: the RSVP must work with plain forms.
    bobNoScript = await session.signedInPage("bob", { javaScriptEnabled: false });
  });

  afterAll(() => session?.close());

  it("adds an event, with errors first, and takes an RSVP without JavaScript", async () => {
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Events" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Add an event" }));
    expect(await alice.getByLabel("Time zone").inputValue()).toBe("Europe/London");
    await a11y(alice);

    // An event ending before it starts, with no title, comes back with every problem listed.
    const start = alice.getByRole("group", { name: "Start" });
    const end = alice.getByRole("group", { name: "End" });
    await start.getByLabel("Day").fill("15");
    await start.getByLabel("Month").fill("7");
    await start.getByLabel("Year").fill("2031");
    await start.getByLabel("Time").fill("3pm");
    await end.getByLabel("Time").fill("2pm");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Add event" }));
    expect(await alice.title()).toMatch(/^Error: Add an event/);
    const summary = alice.locator(".govuk-error-summary");
    await expectVisible(summary.getByText("Enter a title"));
    await expectVisible(summary.getByText("The end must be after the start"));
    await a11y(alice);
    await screenshot(alice, "event-form-errors");

    await alice.getByLabel("Title").fill("Winter readiness day");
    await alice.getByLabel("Description (optional)").fill("Salt stocks and **routes**.");
    await alice.getByRole("group", { name: "End" }).getByLabel("Time").fill("5pm");
    await alice.getByLabel("Venue (optional)").fill("Depot 4");
    await alice.getByLabel("Online link (optional)").fill("https://meet.example.org/winter");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Add event" }));
    expect(new URL(alice.url()).pathname).toMatch(/^\/c\/highways\/events\/\d+$/);
    await expectVisible(main(alice).getByText("Tuesday 15 July 2031, 3pm to 5pm (BST)"));
    await a11y(alice);
    const eventUrl = alice.url();

    await bobNoScript.goto(eventUrl);
    await clickAndLoad(
      bobNoScript,
      main(bobNoScript).getByRole("button", { name: "Going", exact: true }),
    );
    await expectVisible(main(bobNoScript).getByText("You said you are going."));
    await expectVisible(bobNoScript.getByRole("heading", { name: "Who is going (1)" }));
    await expectVisible(main(bobNoScript).getByRole("link", { name: "Bob Brown" }));

    await alice.goto(eventUrl);
    await expectVisible(alice.getByRole("heading", { name: "Who is going (1)" }));
    await a11y(alice);
    await screenshot(alice, "event");

    const download = alice.waitForEvent("download");
    await main(alice)
      .getByRole("link", { name: /Download this event/ })
      .click();
    expect((await download).suggestedFilename()).toMatch(/^event-\d+\.ics$/);

    await alice.goto(new URL("/c/highways/events", instance.origin).href);
    await expectVisible(main(alice).getByRole("link", { name: "Winter readiness day" }));
    await a11y(alice);
    await screenshot(alice, "events");
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Past events" }));
    await expectVisible(main(alice).getByText("No events have taken place yet."));
    await a11y(alice);
  });
});
