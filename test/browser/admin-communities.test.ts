import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { findCommunity } from "../../src/domain/communities.ts";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, flash, h1, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import type { TestInstance } from "../helpers/instances.ts";

// The administrators' communities page in Chromium: Ada makes new communities wait for
// approval, Bob creates one and sees it waiting, Ada approves it from the queue, closes it with
// a reason (Bob sees it closed) and deletes it. Every page is checked with axe-core.

describeInBrowser("the communities administration in a browser", () => {
  let session: BrowserSession;
  let instance: TestInstance;
  let ada: Page;
  let bob: Page;

  beforeAll(async () => {
    session = await startBrowserSession("Communiton");
    instance = session.instance;
    await instance.createUser("ada", { admin: true, name: "Ada Admin" });
    await instance.createUser("bob", { name: "Bob Brown" });
    ada = await session.signedInPage("ada");
    bob = await session.signedInPage("bob");
  });

  afterAll(() => session?.close());

  it("holds a new community for approval, and approves it from the queue", async () => {
    await session.go(ada, "/admin");
    await clickAndLoad(ada, main(ada).getByRole("link", { name: "Communities" }));
    await expectVisible(h1(ada).getByText("Communities"));
    await a11y(ada);
    await ada.getByLabel("Yes").check();
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Save setting" }));
    await expectVisible(flash(ada).getByText(/now wait for an administrator/));

    await session.go(bob, "/communities/new");
    await bob.getByLabel("Name", { exact: true }).fill("Beekeeping");
    await bob.getByLabel("Handle").fill("bees");
    await bob.getByLabel("Public").check();
    await clickAndLoad(bob, main(bob).getByRole("button", { name: /Create/ }));
    await expectVisible(
      main(bob)
        .getByText(/awaiting an administrator's approval/)
        .first(),
    );
    await a11y(bob);

    await session.go(ada, "/admin/communities");
    await expectVisible(main(ada).getByRole("heading", { name: "Waiting for approval" }));
    await a11y(ada);
    await clickAndLoad(
      ada,
      main(ada)
        .getByRole("table", { name: /waiting/ })
        .getByRole("link", { name: "Beekeeping" }),
    );
    await expectVisible(h1(ada).getByText("Beekeeping"));
    await a11y(ada);
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Approve community" }));
    await expectVisible(flash(ada).getByText(/is approved/));
    expect(findCommunity(instance.db, "bees")?.state).toBe("open");
  });

  it("closes the community with a reason, which its members see", async () => {
    await clickAndLoad(ada, main(ada).getByRole("link", { name: "Close Beekeeping" }));
    await expectVisible(h1(ada).getByText("Close Beekeeping?"));
    await a11y(ada);
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Close community" }));
    expect(await ada.title()).toMatch(/^Error: /);
    await a11y(ada);
    await ada.getByLabel("Why are you closing this community?").fill("Season is over");
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Close community" }));
    await expectVisible(flash(ada).getByText(/is closed/));
    await a11y(ada);

    await session.go(bob, "/c/bees");
    await expectVisible(main(bob).getByText(/This community is closed/));
    await expectVisible(main(bob).getByText("Reason: Season is over"));
    await a11y(bob);
  });

  it("deletes the community after its confirmation page", async () => {
    await clickAndLoad(ada, main(ada).getByRole("link", { name: "Delete Beekeeping" }));
    await expectVisible(h1(ada).getByText("Delete Beekeeping?"));
    await a11y(ada);
    await ada.getByLabel("Why are you deleting this community?").fill("Nobody keeps bees");
    await clickAndLoad(ada, main(ada).getByRole("button", { name: "Delete community" }));
    await expectVisible(flash(ada).getByText(/has been deleted/));
    await a11y(ada);
    expect(findCommunity(instance.db, "bees")?.state).toBe("deleted");

    await session.go(bob, "/notifications");
    await expectVisible(main(bob).getByText(/Beekeeping was deleted/));
    await a11y(bob);
  });
});
