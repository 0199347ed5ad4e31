// biome-ignore-all lint/performance/useDomNodeTextContent: these are Playwright locators, not DOM nodes; innerText gives the text as rendered, with cells and lines apart, which is what people see.
import type { BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findAccount } from "../../src/domain/accounts.ts";
import { createSetupToken, setupPath } from "../../src/domain/first-run.ts";
import { clickAndLoad, expectVisible, screenshot } from "../helpers/browser.ts";
import {
  a11y,
  account,
  flash,
  h1,
  main,
  memberFor,
  memberList,
  nav,
  pathOf,
  rowFor,
  signOutButton,
  text,
} from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { confirmationLinkIn, emlTo } from "../helpers/sign-up.ts";

// The foundation journeys, clicked through in Chromium as people would: by labels, roles and
// visible text. Every page the tests land on is checked with axe-core for WCAG 2.2 A and AA.
// The tests in this file run in order and build on each other: Alice sets the instance up with
// its one-time set-up link (and so becomes the administrator), creates two communities, and Bob
// signs up, confirms his address from the mail and joins them.
// The layout's own features (skip link, text size) are checked in layout.test.ts.

const INSTANCE_NAME = "Copsewood";
const ALICE = { name: "Alice Adams", handle: "alice", email: "alice@hub.example" };
const BOB = { name: "Bob Brown", handle: "bob", email: "bob@hub.example" };
const PUBLIC = { name: "Open Data Practitioners", handle: "open_data" };
const PRIVATE = { name: "Digital Leaders", handle: "digital_leaders" };
const ALICE_PASSWORD = "maple kettle orbit lantern";
const BOB_PASSWORD = "quartz meadow violin harbour";

describeInBrowser("foundation journeys in a browser", () => {
  let instance: TestInstance;
  let session: BrowserSession;
  /** Alice's and Bob's tabs, each in its own browser context (own cookies). */
  let alice: Page;
  let bob: Page;
  const openPage = (options?: BrowserContextOptions) => session.openPage(options);
  const go = (page: Page, path: string) => session.go(page, path);

  beforeAll(async () => {
    session = await startBrowserSession(INSTANCE_NAME);
    instance = session.instance;
    alice = await openPage();
    bob = await openPage();
  });

  afterAll(() => session?.close());

  it("sets up the instance with the set-up link; Alice becomes the administrator and fills in a profile", async () => {
    // Until the instance is set up, sign-up is closed and the page says why.
    await go(alice, "/");
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create an account" }));
    expect(pathOf(alice)).toBe("/signup");
    await expectVisible(h1(alice).filter({ hasText: "Create an account" }));
    expect(await main(alice).innerText()).toContain(
      "Sign-up is closed until this instance has been set up.",
    );
    expect(await alice.getByRole("button", { name: "Create account" }).count()).toBe(0);
    await a11y(alice);

    // The link npm start prints (made here the same way).
    await go(alice, setupPath(createSetupToken(instance.db)!));
    await expectVisible(h1(alice).filter({ hasText: `Set up ${INSTANCE_NAME}` }));
    await a11y(alice);
    await alice.getByLabel("Your name").fill("Alice");
    await alice.getByLabel("Handle").fill(ALICE.handle);
    await alice.getByLabel("Email address").fill(ALICE.email);
    await alice.getByLabel("Password").fill(ALICE_PASSWORD);
    await clickAndLoad(alice, alice.getByRole("button", { name: "Create administrator account" }));

    expect(pathOf(alice)).toBe("/profile/edit");
    expect(await flash(alice).innerText()).toContain(
      "Your account is ready. You are this instance's administrator.",
    );
    await expectVisible(h1(alice).filter({ hasText: "Edit your profile" }));
    await expectVisible(await signOutButton(alice), "the Sign out button");
    expect(await alice.getByLabel("Display name").inputValue()).toBe("Alice");
    await a11y(alice);

    await alice.getByLabel("Display name").fill(ALICE.name);
    await alice.getByLabel("Job title").fill("Head of Data");
    await alice.getByLabel("Organisation").fill("Somerset Council");
    await alice
      .getByLabel("About you")
      .fill("I look after open data publishing.\n\nAsk me about CSV schemas.");
    await clickAndLoad(alice, alice.getByRole("button", { name: "Save profile" }));

    expect(pathOf(alice)).toBe(`/people/${ALICE.handle}`);
    expect(await flash(alice).innerText()).toContain("Your profile has been saved.");
    expect(await h1(alice).innerText()).toContain(ALICE.name);
    expect(await h1(alice).innerText()).toContain(`@${ALICE.handle}@${instance.host}`);
    const profile = await main(alice).innerText();
    expect(profile).toContain("Head of Data");
    expect(profile).toContain("Somerset Council");
    expect(profile).toContain("I look after open data publishing.");
    expect(profile).toContain("Ask me about CSV schemas.");
    expect(await text(alice, ".govuk-summary-list")).toMatch(/Job title\s+Head of Data/);
    expect(await text(alice, ".govuk-summary-list")).toMatch(/Organisation\s+Somerset Council/);
    await a11y(alice);
  });

  it("signs out, refuses a wrong password with a linked error summary, then signs in", async () => {
    await clickAndLoad(alice, await signOutButton(alice));
    expect(pathOf(alice)).toBe("/");
    expect(await flash(alice).innerText()).toContain("You have signed out.");
    await expectVisible(account(alice).getByRole("link", { name: "Sign in" }), "the Sign in link");
    expect(await account(alice).getByRole("button", { name: "Sign out" }).count()).toBe(0);
    await a11y(alice);

    await clickAndLoad(alice, account(alice).getByRole("link", { name: "Sign in" }));
    expect(pathOf(alice)).toBe("/signin");
    await expectVisible(h1(alice).filter({ hasText: "Sign in" }));
    await a11y(alice);

    await alice.getByLabel("Handle or email address").fill(ALICE.handle);
    await alice.getByLabel("Password").fill("not my password at all");
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Sign in" }));

    expect(await alice.title()).toMatch(/^Error: Sign in – /);
    const summary = alice.locator(".govuk-error-summary");
    await expectVisible(summary.getByRole("heading", { name: "There is a problem" }));
    const summaryLink = summary.getByRole("link", {
      name: "The handle, email address or password is not right",
    });
    expect(await summaryLink.getAttribute("href")).toBe("#login");
    const loginField = alice.getByLabel("Handle or email address");
    expect(await loginField.getAttribute("id")).toBe("login");
    expect(await loginField.inputValue()).toBe(ALICE.handle);
    expect(await alice.getByLabel("Password").inputValue()).toBe("");
    expect(await text(alice, "#login-error")).toContain(
      "The handle, email address or password is not right",
    );
    expect(await loginField.getAttribute("aria-describedby")).toContain("login-error");
    // Without JavaScript the summary takes focus through autofocus, as govuk-frontend's script would.
    expect
      .soft(await alice.evaluate(() => document.activeElement?.className))
      .toContain("govuk-error-summary");
    await a11y(alice);

    await summaryLink.click();
    expect(new URL(alice.url()).hash).toBe("#login");
    expect(await alice.evaluate(() => document.activeElement?.id)).toBe("login");

    await alice.getByLabel("Password").fill(ALICE_PASSWORD);
    await clickAndLoad(alice, main(alice).getByRole("button", { name: "Sign in" }));
    expect(pathOf(alice)).toBe("/");
    expect(await main(alice).innerText()).toContain(`, ${ALICE.name}. Here is how to get started.`);
    await expectVisible(await signOutButton(alice));
    await a11y(alice);
  });

  it("creates a public and a private community and lists both under All communities", async () => {
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create a community" }));
    expect(pathOf(alice)).toBe("/communities/new");
    await expectVisible(h1(alice).filter({ hasText: "Create a community" }));
    await a11y(alice);

    await alice.getByLabel("Name").fill(PUBLIC.name);
    await alice.getByLabel("Handle").fill(PUBLIC.handle);
    await alice.getByLabel("Description").fill("People who publish and use open data in councils.");
    await alice.getByLabel("Public").check();
    await clickAndLoad(alice, alice.getByRole("button", { name: "Create community" }));

    expect(pathOf(alice)).toBe(`/c/${PUBLIC.handle}`);
    expect(await flash(alice).innerText()).toContain(
      `${PUBLIC.name} has been created. You are its facilitator.`,
    );
    expect(await h1(alice).innerText()).toMatch(new RegExp(`${PUBLIC.name}\\s+Public`));
    expect(await main(alice).innerText()).toContain("You are a facilitator of this community.");
    expect(await memberFor(alice, ALICE.name).innerText()).toContain("facilitator");
    await a11y(alice);

    await clickAndLoad(alice, nav(alice).getByRole("link", { name: "Communities" }));
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Create a community" }));
    await alice.getByLabel("Name").fill(PRIVATE.name);
    await alice.getByLabel("Handle").fill(PRIVATE.handle);
    await alice.getByLabel("Description").fill("Heads of digital, comparing notes in private.");
    await alice.getByLabel("Private").check();
    await clickAndLoad(alice, alice.getByRole("button", { name: "Create community" }));

    expect(pathOf(alice)).toBe(`/c/${PRIVATE.handle}`);
    expect(await h1(alice).innerText()).toMatch(new RegExp(`${PRIVATE.name}\\s+Private`));
    await expectVisible(main(alice).getByRole("link", { name: "Membership requests (0)" }));
    await a11y(alice);

    await clickAndLoad(alice, nav(alice).getByRole("link", { name: "Communities" }));
    expect(pathOf(alice)).toBe("/communities");
    await expectVisible(h1(alice).filter({ hasText: "All communities" }));
    await expectVisible(alice.getByRole("link", { name: PUBLIC.name }));
    await expectVisible(alice.getByRole("link", { name: PRIVATE.name }));
    expect(await rowFor(alice, PRIVATE.name).innerText()).toContain("Private");
    expect(await rowFor(alice, PUBLIC.name).innerText()).not.toContain("Private");
    await a11y(alice);
  });

  it("shows sign-up errors in a summary and beside each field, and creates nothing", async () => {
    await go(bob, "/");
    await clickAndLoad(bob, account(bob).getByRole("link", { name: "Create an account" }));
    await bob.getByLabel("Your name").fill(BOB.name);
    await bob.getByLabel("Handle").fill(ALICE.handle);
    await bob.getByLabel("Email address").fill(BOB.email);
    await bob.getByLabel("Password").fill("password123");
    await clickAndLoad(bob, bob.getByRole("button", { name: "Create account" }));

    expect(pathOf(bob)).toBe("/signup");
    expect(await bob.title()).toMatch(/^Error: Create an account – /);
    const summary = bob.locator(".govuk-error-summary");
    await expectVisible(summary.getByRole("heading", { name: "There is a problem" }));
    const taken = `The handle "${ALICE.handle}" is already taken`;
    const weak = "Password is too easy to guess";
    expect(await summary.getByRole("link", { name: taken }).getAttribute("href")).toBe("#handle");
    expect(await summary.getByRole("link", { name: weak }).getAttribute("href")).toBe("#password");
    expect(await text(bob, "#handle-error")).toContain(taken);
    expect(await text(bob, "#password-error")).toContain(weak);
    expect(await bob.getByLabel("Handle").getAttribute("aria-describedby")).toContain(
      "handle-error",
    );
    expect(await bob.getByLabel("Password").getAttribute("aria-describedby")).toContain(
      "password-error",
    );
    // What was typed is kept, except the password.
    expect(await bob.getByLabel("Your name").inputValue()).toBe(BOB.name);
    expect(await bob.getByLabel("Handle").inputValue()).toBe(ALICE.handle);
    expect(await bob.getByLabel("Email address").inputValue()).toBe(BOB.email);
    expect(await bob.getByLabel("Password").inputValue()).toBe("");
    await screenshot(bob, "signup-with-errors");
    await a11y(bob);

    // Nothing was created: no account for the email, and no one is signed in.
    expect(findAccount(instance.db, BOB.email)).toBeUndefined();
    await expectVisible(account(bob).getByRole("link", { name: "Sign in" }));
    await go(bob, `/people/${ALICE.handle}`);
    expect(await h1(bob).innerText()).toContain(ALICE.name);

    // A free handle with the weak password still fails, on the password alone.
    await go(bob, "/signup");
    await bob.getByLabel("Handle").fill(BOB.handle);
    await bob.getByLabel("Email address").fill(BOB.email);
    await bob.getByLabel("Password").fill("password123");
    await clickAndLoad(bob, bob.getByRole("button", { name: "Create account" }));
    expect(await bob.title()).toMatch(/^Error: /);
    expect(await bob.locator(".govuk-error-summary li").allInnerTexts()).toEqual([
      expect.stringContaining(weak),
    ]);
    expect(await bob.locator("#handle-error").count()).toBe(0);
    await a11y(bob);
    expect(findAccount(instance.db, BOB.email)).toBeUndefined();
    const missing = await bob.goto(`${instance.origin}/people/${BOB.handle}`);
    expect(missing?.status()).toBe(404);
    await expectVisible(h1(bob).filter({ hasText: "Page not found" }));
    await a11y(bob);
  });

  it("lets a second person join a public community in one click and ask to join a private one", async () => {
    // Signed out, a community page offers a way to sign in instead of a Join button.
    await go(bob, `/c/${PUBLIC.handle}`);
    await expectVisible(main(bob).getByRole("link", { name: "Sign in" }));
    expect(await main(bob).innerText()).toContain("to join this community.");
    expect(await bob.getByRole("button", { name: "Join community" }).count()).toBe(0);
    await a11y(bob);

    await go(bob, "/signup");
    await bob.getByLabel("Your name").fill(BOB.name);
    await bob.getByLabel("Handle").fill(BOB.handle);
    await bob.getByLabel("Email address").fill(BOB.email);
    await bob.getByLabel("Password").fill(BOB_PASSWORD);
    await clickAndLoad(bob, bob.getByRole("button", { name: "Create account" }));
    await expectVisible(h1(bob).filter({ hasText: "Check your email" }));
    const mail = await emlTo(instance.config.dataDir, BOB.email);
    await go(bob, confirmationLinkIn(mail.text ?? "")!);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: "Confirm and sign in" }));
    expect(pathOf(bob)).toBe("/profile/edit");
    const welcome = await flash(bob).innerText();
    expect(welcome).toContain("Your email address is confirmed and your account is ready.");
    expect(welcome).not.toContain("administrator");

    await clickAndLoad(bob, nav(bob).getByRole("link", { name: "Communities" }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: PUBLIC.name }));
    expect(pathOf(bob)).toBe(`/c/${PUBLIC.handle}`);
    expect(await memberFor(bob, BOB.name).count()).toBe(0);
    await a11y(bob);

    await clickAndLoad(bob, bob.getByRole("button", { name: "Join community" }));
    expect(pathOf(bob)).toBe(`/c/${PUBLIC.handle}`);
    expect(await flash(bob).innerText()).toContain(`You have joined ${PUBLIC.name}.`);
    expect(await main(bob).innerText()).toContain("You are a member of this community.");
    await expectVisible(bob.getByRole("button", { name: "Leave community" }));
    expect(await memberFor(bob, BOB.name).innerText()).not.toContain("facilitator");
    expect(await memberFor(bob, ALICE.name).innerText()).toContain("facilitator");
    await expectVisible(
      main(bob).getByRole("heading", { name: "Members (2)" }),
      "the members count",
    );
    await screenshot(bob, "community-page");
    await a11y(bob);

    await clickAndLoad(bob, nav(bob).getByRole("link", { name: "Communities" }));
    await clickAndLoad(bob, main(bob).getByRole("link", { name: PRIVATE.name }));
    expect(pathOf(bob)).toBe(`/c/${PRIVATE.handle}`);
    expect(await main(bob).innerText()).toContain("Only members can see who is in this community.");
    expect(await memberList(bob).count()).toBe(0);
    await a11y(bob);

    await clickAndLoad(bob, bob.getByRole("button", { name: "Ask to join" }));
    expect(await flash(bob).innerText()).toContain(
      `Your request to join ${PRIVATE.name} has been sent to its facilitators.`,
    );
    await expectVisible(main(bob).getByText("Request pending"), "the Request pending tag");
    await expectVisible(bob.getByRole("button", { name: "Withdraw request" }));
    // Still not a member, so still no member list.
    expect(await memberList(bob).count()).toBe(0);
    expect(await main(bob).innerText()).not.toContain(ALICE.name);
    expect(
      await main(bob)
        .getByRole("link", { name: /Membership requests/ })
        .count(),
    ).toBe(0);
    await a11y(bob);
  });

  it("lets the facilitator approve the request; the new member then leaves the public community", async () => {
    await go(alice, `/c/${PRIVATE.handle}`);
    await clickAndLoad(alice, main(alice).getByRole("link", { name: "Membership requests (1)" }));
    expect(pathOf(alice)).toBe(`/c/${PRIVATE.handle}/requests`);
    await expectVisible(h1(alice).filter({ hasText: "Membership requests" }));
    const request = rowFor(alice, BOB.name);
    expect(await request.innerText()).toContain(`@${BOB.handle}@${instance.host}`);
    await expectVisible(request.getByRole("button", { name: `Reject ${BOB.name}` }));
    await screenshot(alice, "requests-page");
    await a11y(alice);

    await clickAndLoad(alice, request.getByRole("button", { name: `Approve ${BOB.name}` }));
    expect(pathOf(alice)).toBe(`/c/${PRIVATE.handle}/requests`);
    expect(await flash(alice).innerText()).toContain(`${BOB.name} is now a member.`);
    expect(await main(alice).innerText()).toContain("There are no requests waiting.");
    await a11y(alice);

    await bob.reload();
    expect(pathOf(bob)).toBe(`/c/${PRIVATE.handle}`);
    expect(await main(bob).innerText()).toContain("You are a member of this community.");
    expect(await memberFor(bob, BOB.name).count()).toBe(1);
    expect(await memberFor(bob, ALICE.name).innerText()).toContain("facilitator");
    await a11y(bob);

    await clickAndLoad(bob, nav(bob).getByRole("link", { name: "Home" }));
    const yours = await main(bob).innerText();
    expect(yours).toContain(PUBLIC.name);
    expect(yours).toContain(PRIVATE.name);
    await a11y(bob);

    await clickAndLoad(bob, main(bob).getByRole("link", { name: PUBLIC.name }));
    await clickAndLoad(bob, bob.getByRole("button", { name: "Leave community" }));
    expect(pathOf(bob)).toBe(`/c/${PUBLIC.handle}`);
    expect(await flash(bob).innerText()).toContain(`You have left ${PUBLIC.name}.`);
    await expectVisible(bob.getByRole("button", { name: "Join community" }));
    expect(await memberFor(bob, BOB.name).count()).toBe(0);
    expect(await main(bob).innerText()).not.toContain("You are a member");
    await a11y(bob);
  });

  it("works with JavaScript turned off: signing in and joining a community", async () => {
    const dana = await instance.createUser("dana", { name: "Dana Dale" });
    const page = await openPage({ javaScriptEnabled: false });
    await go(page, `/c/${PUBLIC.handle}`);
    await clickAndLoad(page, main(page).getByRole("link", { name: "Sign in" }));
    expect(pathOf(page)).toBe("/signin");
    expect(new URL(page.url()).searchParams.get("return")).toBe(`/c/${PUBLIC.handle}`);
    await page.getByLabel("Handle or email address").fill(dana.email);
    await page.getByLabel("Password").fill(TEST_PASSWORD);
    await clickAndLoad(page, main(page).getByRole("button", { name: "Sign in" }));

    expect(pathOf(page)).toBe(`/c/${PUBLIC.handle}`);
    await expectVisible(await signOutButton(page));
    await clickAndLoad(page, page.getByRole("button", { name: "Join community" }));
    expect(await flash(page).innerText()).toContain(`You have joined ${PUBLIC.name}.`);
    expect(await main(page).innerText()).toContain("You are a member of this community.");
    expect(await memberFor(page, "Dana Dale").count()).toBe(1);
    // axe itself needs JavaScript, so these pages are checked in the other tests instead.
  });
});
