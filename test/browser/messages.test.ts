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

// Private messages clicked through in Chromium: Alice writes to Bob, Bob sees the unread count
// in the header, reads and answers. Every page on the way is checked with axe-core.

describeInBrowser("private messages in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Letterbox");
    instance = session.instance;
    await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("sends, counts, reads and answers a message", async () => {
    await clickAndLoad(alice, alice.getByRole("link", { name: "Messages" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "New message" }));
    await alice.getByLabel("To").fill("@nobody@localhost");
    await alice.getByLabel("Message", { exact: true }).fill("Hello?");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Send message" }));
    await expectVisible(alice.getByText("There is a problem"));
    await a11y(alice);
    await alice.getByLabel("To").fill("bob");
    await alice.getByLabel("Message", { exact: true }).fill("Are the **gritters** out tonight?");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Send message" }));
    await expectVisible(alice.getByRole("heading", { level: 1, name: "Messages with Bob Brown" }));
    await a11y(alice);

    await bob.reload();
    const link = bob.getByRole("link", { name: /^Messages\W+1 unread$/ });
    await expectVisible(link, "the unread count in the header");
    await clickAndLoad(bob, link);
    await a11y(bob);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: /Alice Adams/ }));
    await expectVisible(main(bob).locator("strong", { hasText: "gritters" }));
    expect(await bob.getByRole("link", { name: "Messages", exact: true }).count()).toBe(1);
    await bob.getByLabel("Message", { exact: true }).fill("Yes, from six.");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Send message" }));
    await expectVisible(main(bob).getByText("Yes, from six."));
    await a11y(bob);
    await screenshot(bob, "messages-conversation");
  });
});
