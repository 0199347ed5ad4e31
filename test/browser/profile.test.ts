import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// Profile editing with a photo and the contacts page, clicked through in Chromium with
// axe-core checking every page the journey lands on.

describeInBrowser("profiles and contacts in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;
  let photoPath: string;

  beforeAll(async () => {
    session = await startBrowserSession("Profiles");
    instance = session.instance;
    await instance.createUser("alice", { name: "Alice Adams" });
    await instance.createUser("bob", { name: "Bob Brown" });
    const dir = mkdtempSync(join(tmpdir(), "copse-photo-"));
    photoPath = join(dir, "alice.jpg");
    writeFileSync(
      photoPath,
      await sharp({
        create: { width: 640, height: 480, channels: 3, background: { r: 30, g: 120, b: 90 } },
      })
        .jpeg()
        .toBuffer(),
    );
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("edits a profile with a photo, errors first", async () => {
    await alice.goto(new URL("/profile/edit", instance.origin).href);
    await a11y(alice);
    await alice.getByLabel("Contact email address").fill("not an email");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save profile" }));
    await expectVisible(alice.locator(".govuk-error-summary").getByText("Enter an email address"));
    await a11y(alice);

    await alice.getByLabel("Contact email address").fill("alice@council.example");
    await alice.getByLabel("Job title").fill("Flood risk manager");
    await alice.getByLabel("Areas of expertise").fill("flood risk, drainage");
    await alice.getByLabel("Planning", { exact: true }).check();
    await alice.getByLabel("Photo").setInputFiles(photoPath);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Save profile" }));
    expect(new URL(alice.url()).pathname).toBe("/people/alice");
    const photo = main(alice).locator("img.copse-avatar");
    await expectVisible(photo, "the profile photo");
    expect(await photo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(128);
    expect(await main(alice).textContent()).toContain("flood risk");
    await a11y(alice);
    await screenshot(alice, "profile");
  });

  it("adds a contact and shows the contacts page", async () => {
    await bob.goto(new URL("/people/alice", instance.origin).href);
    // Alice's email is for her contacts only.
    expect(await main(bob).textContent()).not.toContain("alice@council.example");
    await clickAndLoad(
      bob,
      main(bob).getByRole("button", { name: /Add Alice Adams as a contact/ }),
    );
    await expectVisible(main(bob).getByText("Alice Adams is one of your contacts."));
    await bob.goto(new URL("/contacts", instance.origin).href);
    await expectVisible(main(bob).getByRole("link", { name: "Alice Adams" }));
    await a11y(bob);
    await bob.getByLabel("Their handle").fill("@nobody@example.invalid");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Add contact" }));
    await expectVisible(bob.locator(".govuk-error-summary"));
    await a11y(bob);
    await screenshot(bob, "contacts");
  });
});
