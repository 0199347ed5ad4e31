import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, flash, main, pathOf } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { latestMailTo } from "../helpers/sign-up.ts";

// Invitations and an administrator's deletion of an account, clicked through in Chromium with
// axe-core on every page: a facilitator invites from the members page, the invited person
// accepts through the mailed link, and an administrator deletes an account after confirming.

describeInBrowser("invitations and deletion by an administrator in a browser", () => {
  let session: BrowserSession;
  let fay: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Invitations", { COPSE_REGISTRATION: "closed" });
    const owner = await session.instance.createUser("fay", { name: "Fay Facilitator" });
    await session.instance.createUser("ada", { admin: true, name: "Ada Admin" });
    session.instance.createCommunity("planning", owner, "private");
    fay = await session.signedInPage("fay");
  });

  afterAll(() => session?.close());

  it("invites someone from the members page, who accepts and joins", async () => {
    await session.go(fay, "/c/planning/people");
    await clickAndLoad(fay, main(fay).getByRole("link", { name: "Invite someone by email" }));
    expect(pathOf(fay)).toBe("/c/planning/people/invite");
    await a11y(fay);
    await fay.getByLabel("Their email address").fill("gail@elsewhere.example");
    await clickAndLoad(fay, main(fay).getByRole("button", { name: "Send invitation" }));
    await expectVisible(main(fay).getByText("We have sent an invitation to"));
    await a11y(fay);

    const text = latestMailTo(session.instance.db, "gail@elsewhere.example")?.text ?? "";
    const link = /https?:\/\/\S+\/invite\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
    expect(link).toBeDefined();
    const gail = await session.openPage();
    await gail.goto(link!);
    await a11y(gail);
    await gail.getByLabel("Your name").fill("Gail");
    await gail.getByLabel("Handle").fill("gail");
    await gail.getByLabel("Password").fill("a long new passphrase");
    await clickAndLoad(gail, main(gail).getByRole("button", { name: "Create my account" }));
    expect(pathOf(gail)).toBe("/profile/edit");
    await expectVisible(flash(gail).getByText("you are a member of Planning"));
  });

  it("lets an administrator delete an account after typing its handle", async () => {
    const ada = await session.signedInPage("ada");
    await session.go(ada, "/admin/accounts?q=gail");
    await clickAndLoad(ada, main(ada).getByRole("link", { name: /gail/ }).first());
    await clickAndLoad(ada, main(ada).getByRole("link", { name: "Delete @gail permanently" }));
    await a11y(ada);
    await ada.getByLabel("Keep it, shown as by").check();
    await ada.getByLabel("Type the handle gail to confirm").fill("gail");
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Delete account" }));
    expect(pathOf(ada)).toBe("/admin/accounts");
    await expectVisible(flash(ada).getByText("@gail has been deleted"));
    await a11y(ada);
  });
});
