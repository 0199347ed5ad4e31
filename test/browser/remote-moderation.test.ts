import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { composeItem, findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership, isFacilitator } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { changeFacilitator } from "../../src/federation/moderation.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { clickAndLoad, expectVisible } from "../helpers/browser.ts";
import { a11y, flash, h1, main } from "../helpers/browser-pages.ts";
import {
  type BrowserSession,
  describeInBrowser,
  startBrowserSession,
} from "../helpers/browser-session.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";

// Bob facilitates a community hosted on Somerset from his own server, Bristol, in Chromium:
// Bristol's pages for that community offer him its moderation controls, each act goes to
// Somerset, and Bristol's page shows the outcome once Somerset has announced it. Every page
// he lands on is checked with axe-core.

describeInBrowser("facilitating a community hosted on another server", () => {
  let session: BrowserSession;
  let somerset: TestInstance;
  let bob: Page;
  let gardenOnB: ActorRow;
  let topic: ItemRow;

  beforeAll(async () => {
    session = await startBrowserSession("Bristol");
    somerset = await startTestInstance("Somerset");
    const bristol = session.instance;
    const alice = await somerset.createUser("alice", { name: "Alice Adams" });
    const bobAccount = await bristol.createUser("bob", { name: "Bob Brown" });
    const garden = somerset.createCommunity("garden", alice, "public").actor;
    gardenOnB = await resolveActor(bristol.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(bristol.ctx(), bobAccount.actor, gardenOnB);
    await eventually(
      () => findMembership(bristol.db, gardenOnB.id, bobAccount.actor.id)?.state === "active",
    );
    await changeFacilitator(somerset.ctx(), {
      group: garden,
      target: findActorByIri(somerset.db, bobAccount.actor.iri)!,
      byActorId: alice.actor.id,
      reason: "Runs the Bristol side",
      appoint: true,
    });
    await eventually(() => isFacilitator(bristol.db, gardenOnB.id, bobAccount.actor.id));
    topic = composeItem(somerset.db, somerset.origin, {
      kind: "topic",
      author: alice.actor,
      groups: [garden],
      title: "Bulb planting",
      body: "When do we plant?",
    });
    await publishItemChange(somerset.ctx(), topic, "create");
    await eventually(() => findItemByIri(bristol.db, topic.iri));
    bob = await session.signedInPage("bob");
  }, 60_000);

  afterAll(async () => {
    await session?.close();
    await somerset?.close();
  });

  const communityPath = () => `/c/garden@${somerset.host}`;

  /** Follows a link in the main area, checks the confirmation page, gives a reason and submits. */
  async function confirm(link: string, button: string, reason: string) {
    await clickAndLoad(bob, main(bob).getByRole("link", { name: link }).first());
    await a11y(bob);
    await bob.getByLabel(/^Reason/).fill(reason);
    await clickAndLoad(bob, main(bob).getByRole("button", { name: button }));
  }

  it("offers the members page of the remote community", async () => {
    await session.go(bob, communityPath());
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Manage members" }));
    await expectVisible(h1(bob).getByText("Members", { exact: true }));
    await expectVisible(main(bob).getByText(`is hosted on ${somerset.host}`, { exact: false }));
    await a11y(bob);
  });

  it("locks and removes a topic there from here", async () => {
    await session.go(bob, `${communityPath()}/forum`);
    await clickAndLoad(bob, main(bob).getByRole("link", { name: "Bulb planting" }).first());
    const topicPage = new URL(bob.url()).pathname;
    await a11y(bob);
    await confirm("Lock", "Lock topic", "Decided");
    await expectVisible(flash(bob).getByText(`Sent to ${somerset.host}`, { exact: false }));
    await eventually(() => findItemByIri(somerset.db, topic.iri)?.lockedAt);
    await eventually(() => findItemByIri(session.instance.db, topic.iri)?.lockedAt);
    await session.go(bob, topicPage);
    await expectVisible(main(bob).getByText("This topic is locked."));
    await a11y(bob);

    await confirm("Remove", "Remove post", "Off topic");
    await eventually(() => findItemByIri(somerset.db, topic.iri)?.removedAt);
    expect(findItemByIri(somerset.db, topic.iri)?.removedReason).toBe("Off topic");
    await eventually(() => findItemByIri(session.instance.db, topic.iri)?.removedAt);
    await session.go(bob, topicPage);
    await expectVisible(main(bob).getByText("Removed by a facilitator: Off topic"));
    await a11y(bob);
    // He sees it to restore it, and does.
    await confirm("Restore", "Restore post", "Back on topic");
    await eventually(() => findItemByIri(somerset.db, topic.iri)?.removedAt === null);
  });
});
