// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, which is what people see.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findAccount } from "../../src/domain/accounts.ts";
import { expectVisible, screenshot } from "../helpers/browser.ts";
import { a11y, flash, h1, main, pathOf, signOutButton } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { startTestIdp, type TestIdp } from "../helpers/oidc-idp.ts";

// Signing in with the council's identity provider, clicked through in Chromium: the button on
// the sign-in page, the provider's own (development) sign-in form, and back to Copse signed in
// to a new account; then what a person whose address the provider has not verified sees.
// Copse's pages are checked with axe-core (the provider's pages are not Copse's to fix).

describeInBrowser("sign-in with OpenID Connect in a browser", () => {
  let idp: TestIdp;
  let session: BrowserSession;

  beforeAll(async () => {
    idp = await startTestIdp();
    session = await startBrowserSession(
      "Oakshire",
      idp.env({ COPSE_OIDC_CREATE_ACCOUNTS: "true" }),
    );
    idp.allowRedirect(`${session.instance.origin}/signin/oidc/callback`);
    await session.instance.createUser("rowan", { admin: true });
  });
  afterAll(async () => {
    await session?.close();
    await idp?.close();
  });

  /** From Copse's sign-in page, through the provider's form as `login`, back to Copse. */
  async function signInWithProvider(page: Page, login: string) {
    await session.go(page, "/signin");
    await a11y(page);
    await page.getByRole("link", { name: "Sign in with Test Council ID" }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("anything at all");
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.origin === session.instance.origin);
    await page.waitForLoadState("load");
  }

  it("clicks the button, signs in at the provider and comes back with a new account", async () => {
    idp.people.set("olive-sub", {
      email: "olive@oakshire.example",
      email_verified: true,
      name: "Olive Oak",
      preferred_username: "olive",
    });
    const page = await session.openPage();
    await signInWithProvider(page, "olive-sub");
    expect(pathOf(page)).toBe("/");
    expect(await flash(page).innerText()).toContain(
      "Your account @olive was made from your Test Council ID sign-in.",
    );
    await expectVisible(await signOutButton(page));
    expect(findAccount(session.instance.db, "olive")?.email).toBe("olive@oakshire.example");
    await screenshot(page, "oidc-signed-in");
    await a11y(page);

    // The account page says how else the account signs in.
    await session.go(page, "/account");
    expect(await main(page).innerText()).toMatch(
      /Also signs in with\s+Test Council ID as olive@oakshire\.example/,
    );
    await a11y(page);
  });

  it("explains a refusal on the sign-in page when the address is not verified", async () => {
    idp.people.set("pat-sub", { email: "pat@oakshire.example", email_verified: false });
    const page = await session.openPage();
    await signInWithProvider(page, "pat-sub");
    await expectVisible(h1(page).filter({ hasText: "Sign in" }));
    expect(await main(page).innerText()).toContain("did not confirm your email address");
    await expectVisible(page.getByRole("link", { name: "Sign in with Test Council ID" }));
    expect(findAccount(session.instance.db, "pat@oakshire.example")).toBeUndefined();
    await a11y(page);
  });
});
