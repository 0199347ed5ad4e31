// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, which is what people see.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findAccount } from "../../src/domain/accounts.ts";
import { createSetupToken, setupPath } from "../../src/domain/first-run.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, pathOf, signOutButton } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";
import { confirmationLinkIn, emlTo } from "../helpers/sign-up.ts";

// Signing up with email confirmation, clicked through in Chromium: the form, "check your
// email", the link read from the .eml file the instance wrote (no SMTP server in tests), the
// confirmation page and the signed-in result; then what a spent link, a taken address and a
// used set-up link show. Every page is checked with axe-core for WCAG 2.2 A and AA.

const ERIN = { name: "Erin Evans", handle: "erin", email: "erin@council.example" };
const ERIN_PASSWORD = "lichen teapot saddle comet";

describeInBrowser("sign-up with email confirmation in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let page: Page;
  let confirmationLink: string;
  const go = (path: string) => session.go(page, path);

  beforeAll(async () => {
    session = await startBrowserSession("Signwick");
    instance = session.instance;
    await instance.createUser("rowan", { admin: true, name: "Rowan Admin" });
    page = await session.openPage();
  });

  afterAll(() => session?.close());

  it("signs up, reads the link from the mail, confirms and is signed in", async () => {
    await go("/signup");
    await a11y(page);
    await page.getByLabel("Your name").fill(ERIN.name);
    await page.getByLabel("Handle").fill(ERIN.handle);
    await page.getByLabel("Email address").fill(ERIN.email);
    await page.getByLabel("Password").fill(ERIN_PASSWORD);
    await clickAndLoad(page, page.getByRole("button", { name: "Create account" }));

    await expectVisible(h1(page).filter({ hasText: "Check your email" }));
    expect(await page.title()).toMatch(/^Check your email – Signwick/);
    expect(await main(page).innerText()).toContain(`We have sent a message to ${ERIN.email}.`);
    expect(findAccount(instance.db, ERIN.handle)).toBeUndefined();
    await screenshot(page, "signup-check-email");
    await a11y(page);

    const mail = await emlTo(instance.config.dataDir, ERIN.email, /^Confirm/);
    expect(mail.subject).toBe("Confirm your email address for Signwick");
    confirmationLink = confirmationLinkIn(mail.text ?? "")!;
    expect(confirmationLink).toBeDefined();
    // The HTML part carries the same link, as a link.
    expect(mail.html).toContain(`href="${confirmationLink}"`);

    await page.goto(confirmationLink);
    await expectVisible(h1(page).filter({ hasText: "Confirm your email address" }));
    expect(await main(page).innerText()).toContain(`@${ERIN.handle}`);
    await screenshot(page, "signup-confirm");
    await a11y(page);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Confirm and sign in" }));

    expect(pathOf(page)).toBe("/profile/edit");
    expect(await flash(page).innerText()).toContain(
      "Your email address is confirmed and your account is ready.",
    );
    await expectVisible(await signOutButton(page));
    expect(findAccount(instance.db, ERIN.handle)?.isAdmin).toBe(false);
    await a11y(page);
  });

  it("explains a link that has been used, with ways on", async () => {
    await clickAndLoad(page, await signOutButton(page));
    const response = await page.goto(confirmationLink);
    expect(response?.status()).toBe(404);
    await expectVisible(h1(page).filter({ hasText: "This link does not work" }));
    await expectVisible(main(page).getByRole("link", { name: "sign in" }));
    await expectVisible(main(page).getByRole("link", { name: "sign up again" }));
    await a11y(page);
  });

  it("answers a sign-up with a taken address with the same page, and mails the owner", async () => {
    await go("/signup");
    await page.getByLabel("Handle").fill("not_erin");
    await page.getByLabel("Email address").fill(ERIN.email);
    await page.getByLabel("Password").fill("a perfectly fine passphrase");
    await clickAndLoad(page, page.getByRole("button", { name: "Create account" }));
    await expectVisible(h1(page).filter({ hasText: "Check your email" }));
    expect(await main(page).innerText()).toContain(`We have sent a message to ${ERIN.email}.`);
    await a11y(page);
    const note = await emlTo(instance.config.dataDir, ERIN.email, /^Someone tried/);
    expect(note.subject).toBe("Someone tried to sign up to Signwick with your address");
    expect(findAccount(instance.db, "not_erin")).toBeUndefined();
  });

  it("explains a set-up link once the instance has an administrator", async () => {
    // A link made before the administrator existed, e.g. an old console line.
    const stale = "A".repeat(43);
    expect(createSetupToken(instance.db)).toBeUndefined();
    const response = await page.goto(new URL(setupPath(stale), instance.origin).href);
    expect(response?.status()).toBe(404);
    await expectVisible(h1(page).filter({ hasText: "This set-up link does not work" }));
    expect(await main(page).innerText()).toContain("This instance already has an administrator.");
    await a11y(page);
  });
});
