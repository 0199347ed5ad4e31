import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
import { docxSample } from "../helpers/samples.ts";

// The document library clicked through in Chromium: Alice uploads (first with mistakes, then
// a file over the limit, then properly), Bob rates and comments. Every page is checked with
// axe-core for WCAG 2.2 A and AA.

describeInBrowser("the document library in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let alice: Page;
  let bob: Page;
  let files: string;

  beforeAll(async () => {
    session = await startBrowserSession("Libraryholt", { COPSE_MAX_UPLOAD_BYTES: "65536" });
    instance = session.instance;
    const owner = await instance.createUser("alice", { name: "Alice Adams" });
    const bobAccount = await instance.createUser("bob", { name: "Bob Brown" });
    const community = instance.createCommunity("highways", owner, "public");
    const { requestMembership } = await import("../../src/domain/membership.ts");
    requestMembership(instance.db, { groupId: community.actor.id, memberId: bobAccount.actor.id });
    files = mkdtempSync(join(tmpdir(), "copse-browser-files-"));
    writeFileSync(join(files, "Winter plan.docx"), docxSample());
    writeFileSync(join(files, "huge.txt"), "x".repeat(400_000));
    alice = await session.signedInPage("alice");
    bob = await session.signedInPage("bob");
  });

  afterAll(async () => {
    await session?.close();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it("uploads a document, with errors first and a file over the limit refused", async () => {
    await alice.goto(new URL("/c/highways", instance.origin).href);
    await clickAndLoad(
      alice,
      main(alice).getByRole("navigation", { name: "Community sections" }).getByRole("link", {
        name: "Documents",
      }),
    );
    await expectVisible(alice.getByRole("heading", { level: 1, name: "Documents" }));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Upload a document" }));
    await a11y(alice);

    await alice.getByLabel("Description (optional)").fill("Routes and **priorities**.");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Upload document" }));
    expect(await alice.title()).toMatch(/^Error: Upload a document/);
    await expectVisible(alice.locator(".govuk-error-summary").getByText("Select a file"));
    expect(await alice.getByLabel("Description (optional)").inputValue()).toContain("priorities");
    await a11y(alice);

    await alice.getByLabel("Title").fill("Too big");
    await alice.getByLabel("File").setInputFiles(join(files, "huge.txt"));
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Upload document" }));
    await expectVisible(alice.getByRole("heading", { level: 1, name: "The file is too large" }));
    await expectVisible(alice.getByText("The selected file must be smaller than 64 KB."));
    await a11y(alice);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Upload a smaller file" }));

    await alice.getByLabel("Title").fill("Winter plan");
    await alice.getByLabel("File").setInputFiles(join(files, "Winter plan.docx"));
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Upload document" }));
    expect(new URL(alice.url()).pathname).toMatch(/^\/c\/highways\/documents\/\d+$/);
    await expectVisible(alice.getByRole("heading", { level: 1, name: "Winter plan" }));
    await expectVisible(main(alice).getByText("Word document"));
    await screenshot(alice, "document");
    await a11y(alice);
  });

  it("lets a member rate and comment", async () => {
    await bob.goto(new URL("/c/highways/documents", instance.origin).href);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Winter plan" }));
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Save rating" }));
    await expectVisible(bob.locator(".govuk-error-summary").getByText("Select a rating"));
    await a11y(bob);
    await bob.getByLabel("4 stars").check();
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Save rating" }));
    await expectVisible(main(bob).getByText("4 out of 5 (1 rating)"));
    await bob.getByLabel("Add a comment").fill("Very clear, thank you.");
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Post comment" }));
    await expectVisible(main(bob).getByText("Very clear, thank you."));
    await a11y(bob);
    const download = bob.waitForEvent("download");
    await main(bob)
      .getByRole("link", { name: /Download/ })
      .click();
    expect((await download).suggestedFilename()).toBe("Winter plan.docx");
  });
});
