import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertSettings } from "../../src/db/schema/index.ts";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { frequencyFor } from "../../src/domain/alerts/settings.ts";
import { createUnsubscribeToken } from "../../src/domain/alerts/tokens.ts";
import { communityTopic } from "../../src/domain/alerts/topics.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";
import { expectErrorPage, expectSoundHeadings } from "../helpers/page-structure.ts";

// The alert settings page and the one-click unsubscribe links, over real HTTP.

describe("email alert pages", () => {
  let copse: TestInstance;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let bobWeb: WebClient;
  let gardenId: number;

  beforeAll(async () => {
    copse = await startTestInstance("Alertford");
    alice = await copse.createUser("alice");
    bob = await copse.createUser("bob");
    gardenId = copse.createCommunity("garden", alice).actor.id;
    requestMembership(copse.db, { groupId: gardenId, memberId: bob.actor.id });
    bobWeb = new WebClient(copse.origin);
    const { response } = await bobWeb.post("/signin", { login: "bob", password: TEST_PASSWORD });
    expect(response.status).toBe(303);
  });

  afterAll(async () => {
    await copse?.close();
  });

  it("asks visitors to sign in first", async () => {
    const { response } = await new WebClient(copse.origin).get("/settings/alerts");
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/signin?return=%2Fsettings%2Falerts");
  });

  it("lists a member's communities and saves their choices", async () => {
    const forum = `alert-community-${gardenId}-forum`;
    const { body } = await bobWeb.get("/settings/alerts");
    expect(body).toContain('<h2 class="govuk-fieldset__heading" id="alerts-garden">Garden</h2>');
    expect(body).toMatch(new RegExp(`<label class="govuk-label" for="${forum}">Forum`));
    expect(body).not.toContain("Membership requests"); // Bob does not facilitate.
    expectSoundHeadings(body);
    const { response } = await bobWeb.post("/settings/alerts", {
      "alert-messages": "daily",
      [forum]: "off",
    });
    expect(response.status).toBe(303);
    const after = await bobWeb.get("/settings/alerts");
    expect(after.body).toContain("Your email alert settings have been saved.");
    expect(frequencyFor(copse.db, bob.actor.id, "messages")).toBe("daily");
    expect(frequencyFor(copse.db, bob.actor.id, communityTopic(gardenId, "forum"))).toBe("off");
  });

  it("shows a clear error for a frequency it does not know, and saves nothing", async () => {
    const { response, body } = await bobWeb.post("/settings/alerts", {
      "alert-replies": "off",
      "alert-messages": "hourly",
    });
    expect(response.status).toBe(400);
    expect(body).toContain("govuk-error-summary");
    expect(body).toContain(
      '<a href="#alert-messages">Choose how often to hear about direct messages',
    );
    expectErrorPage(body, "Email alerts");
    expect(frequencyFor(copse.db, bob.actor.id, "replies")).toBe("immediate");
  });

  it("sets every section of a community at once, or every alert on the page", async () => {
    const topics = ["forum", "blog", "wiki"].map((s) =>
      communityTopic(gardenId, s as "forum" | "blog" | "wiki"),
    );
    const refused = await bobWeb.post("/settings/alerts", {
      [`alert-all-${gardenId}`]: "hourly",
      "alert-messages": "weekly",
    });
    expect(refused.response.status).toBe(400);
    expect(refused.body).toContain(`<a href="#alert-all-${gardenId}">Choose how often`);
    expect(frequencyFor(copse.db, bob.actor.id, "messages")).not.toBe("weekly");
    const { response } = await bobWeb.post("/settings/alerts", {
      [`alert-all-${gardenId}`]: "weekly",
      [`alert-community-${gardenId}-forum`]: "off",
      "alert-messages": "daily",
    });
    expect(response.status).toBe(303);
    for (const topic of topics) expect(frequencyFor(copse.db, bob.actor.id, topic)).toBe("weekly");
    expect(frequencyFor(copse.db, bob.actor.id, "messages")).toBe("daily");
    await bobWeb.post("/settings/alerts", { "alert-all": "off" });
    for (const topic of [...topics, "messages", "replies"])
      expect(frequencyFor(copse.db, bob.actor.id, topic)).toBe("off");
    // Back to the defaults the next tests expect.
    copse.db.delete(alertSettings).where(eq(alertSettings.personId, bob.actor.id)).run();
  });

  it("links to the settings from the community page and the person's own profile", async () => {
    expect((await bobWeb.get("/c/garden")).body).toContain('href="/settings/alerts#alerts-garden"');
    expect((await bobWeb.get("/people/bob")).body).toContain('href="/settings/alerts"');
  });

  it("asks before unsubscribing, and a one-click POST needs no session or form token", async () => {
    const topic = communityTopic(gardenId, "events");
    const token = createUnsubscribeToken(copse.db, bob.actor.id, topic);
    const path = `/alerts/unsubscribe/${token}`;
    // A mail scanner opening the link changes nothing.
    const page = await new WebClient(copse.origin).get(path);
    expect(page.response.status).toBe(200);
    expect(page.body).toContain("Events news from Garden");
    expectSoundHeadings(page.body);
    expect(frequencyFor(copse.db, bob.actor.id, topic)).toBe("daily");
    // What a mail provider sends for RFC 8058: no cookies, no CSRF field.
    const response = await fetch(new URL(path, copse.origin), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("You have unsubscribed");
    expect(frequencyFor(copse.db, bob.actor.id, topic)).toBe("off");
  });

  it("answers 404 with an explanation for a bad or unknown token", async () => {
    for (const token of ["x".repeat(43), "short"]) {
      const web = new WebClient(copse.origin);
      const got = await web.get(`/alerts/unsubscribe/${token}`);
      expect(got.response.status).toBe(404);
      expect(got.body).toContain("This unsubscribe link is not valid");
    }
    const posted = await fetch(new URL(`/alerts/unsubscribe/${"y".repeat(43)}`, copse.origin), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(posted.status).toBe(404);
    // Only the unsubscribe path skips the CSRF check.
    const other = await fetch(new URL("/settings/alerts", copse.origin), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "alert-messages=off",
    });
    expect(other.status).toBe(403);
  });
});
