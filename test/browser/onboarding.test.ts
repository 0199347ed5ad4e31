import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The first visit, clicked through in Chromium: a newcomer is welcomed as new (not "welcome
// back"), sees what their profile lacks and communities matching their expertise, and joins
// one; an administrator of a new instance sees the set-up checklist. Each page is axe-checked.

describeInBrowser("the start page in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;

  beforeAll(async () => {
    session = await startBrowserSession("Startford");
    instance = session.instance;
    await instance.createUser("rowan", { name: "Rowan Admin", admin: true });
    const alice = await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("nia", { name: "Nia Evans" });
    const roads = instance.createCommunity("roads", alice, "public");
    instance.createCommunity("bins", alice, "public");
    expect(roads.actor.id).toBeGreaterThan(0);
  });

  afterAll(() => session?.close());

  it("welcomes a newcomer, shows what to do first and lets them join a suggestion", async () => {
    const nia = await session.signedInPage("nia");
    await nia.goto(new URL("/", instance.origin).href);
    await expectVisible(main(nia).getByText(/Nia Evans\. Here is how to get started\./));
    await expectVisible(main(nia).getByRole("heading", { name: "Complete your profile" }));
    await expectVisible(main(nia).getByRole("heading", { name: "Communities you could join" }));
    await a11y(nia);
    await clickAndLoad(nia, main(nia).getByRole("link", { name: "Roads" }));
    expect(new URL(nia.url()).pathname).toBe("/c/roads");
    await clickAndLoad(nia, main(nia).getByRole("button", { name: /^Join/ }));
    await nia.goto(new URL("/", instance.origin).href);
    await expectVisible(main(nia).getByText("Welcome back, Nia Evans."));
    await expectVisible(main(nia).getByRole("link", { name: "Complete your profile" }));
    await a11y(nia);
  });

  it("gives the administrator a set-up checklist", async () => {
    const rowan = await session.signedInPage("rowan");
    await rowan.goto(new URL("/", instance.origin).href);
    await expectVisible(main(rowan).getByRole("heading", { name: "Set up this instance" }));
    await expectVisible(main(rowan).getByText("Set up outgoing email"));
    await a11y(rowan);
  });
});
