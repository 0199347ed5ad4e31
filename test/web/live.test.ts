import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ActorRow } from "../../src/domain/actors.ts";
import { composeItem } from "../../src/domain/items.ts";
import { decideMembership, requestMembership } from "../../src/domain/membership.ts";
import { WebClient } from "../helpers/client.ts";
import { eventually, type TestInstance } from "../helpers/instances.ts";
import { cookieOf, type LiveInstance, startLiveInstance } from "../helpers/live-instance.ts";

// "What's happening now" at /live: the page lists the latest activity the viewer may see, and
// /live/events streams new activity as server-sent events. Both are read here over real HTTP;
// the stream is read with fetch and a reader, as a browser's EventSource would.

describe("What's happening now", () => {
  let live: LiveInstance;
  let copse: TestInstance;
  let garden: ActorRow;
  let vault: ActorRow;
  let alice: ActorRow;
  let bob: WebClient;
  let carol: WebClient;
  let signedIn: LiveInstance["signedIn"];
  let open: LiveInstance["open"];

  function topic(title: string, group = garden) {
    return composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: alice,
      groups: [group],
      title,
      body: `About ${title}.`,
    });
  }

  beforeAll(async () => {
    // Bob is a member of the private vault; Carol is not.
    live = await startLiveInstance("Livewood");
    ({ copse, garden, vault, alice, bob, carol, signedIn, open } = live);
  });

  afterAll(async () => {
    await live?.close();
  });

  it("lists public activity to everyone and a private community's only to its members", async () => {
    const older = topic("Compost rota");
    composeItem(copse.db, copse.origin, {
      kind: "reply",
      author: alice,
      groups: [garden],
      parent: older,
      body: "Tuesdays suit me.",
    });
    topic("Budget secrets", vault);
    topic("Seed swap");

    const anonymous = await new WebClient(copse.origin).get("/live");
    expect(anonymous.response.status).toBe(200);
    expect(anonymous.body).toMatch(
      /<h1 class="govuk-heading-l">What(?:'|&#39;)s happening now<\/h1>/,
    );
    expect(anonymous.body).toContain("Seed swap");
    expect(anonymous.body).toContain("Reply in a forum topic");
    expect(anonymous.body).not.toContain("Budget secrets");
    // Newest first.
    expect(anonymous.body.indexOf("Seed swap")).toBeLessThan(
      anonymous.body.indexOf("Compost rota"),
    );
    // Refresh is a plain link; the script is a deferred file, not inline.
    expect(anonymous.body).toMatch(
      /<a href="\/live"[^>]*class="govuk-button govuk-button--secondary"/,
    );
    expect(anonymous.body).toMatch(/<script src="\/assets\/live\.[0-9a-f]+\.js" defer/);
    expect(anonymous.body).toContain('aria-live="polite"');
    expect(anonymous.body).toContain('href="/live"');

    const member = await bob.get("/live");
    expect(member.body).toContain("Budget secrets");
    expect(member.body).toContain("Seed swap");
    const nonMember = await carol.get("/live");
    expect(nonMember.body).toContain("Seed swap");
    expect(nonMember.body).not.toContain("Budget secrets");

    // The script the page names is served, with a long cache life.
    const script = /<script src="([^"]+)"/.exec(anonymous.body)![1]!;
    const served = await fetch(new URL(script, copse.origin));
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toContain("javascript");
    expect(served.headers.get("cache-control")).toContain("immutable");
    expect(served.headers.get("set-cookie")).toBeNull();
    expect(await served.text()).toContain("EventSource");
  });

  it("streams new activity to connected readers, and private activity only to members", async () => {
    const member = await open({ cookie: cookieOf(bob) });
    const nonMember = await open({ cookie: cookieOf(carol) });
    expect(member.response!.headers.get("content-type")).toContain("text/event-stream");
    expect(member.response!.headers.get("cache-control")).toContain("no-cache");

    topic("Vault plan", vault);
    topic("Open day");

    await eventually(() => member.titles().includes("Open day"));
    expect(member.titles()).toEqual(["Vault plan", "Open day"]);
    await eventually(() => nonMember.titles().includes("Open day"));
    // The private topic came first, so had it been sent to Carol it would be here already.
    expect(nonMember.titles()).toEqual(["Open day"]);
    expect(nonMember.text).not.toContain("Vault plan");

    const [sent] = nonMember.events();
    expect(sent!.event).toBe("entry");
    expect(sent!.id).toMatch(/^\d+-\d+-\d+-\d+$/);
    expect(sent!.data).toMatch(/^<li id="live-item-\d+">/);
    expect(sent!.data).toContain('href="/c/garden"');
  });

  it("stops sending a member's private activity once they sign out", async () => {
    const dave = await copse.createUser("dave");
    requestMembership(copse.db, { groupId: vault.id, memberId: dave.actor.id });
    decideMembership(copse.db, {
      groupId: vault.id,
      memberId: dave.actor.id,
      byActorId: alice.id,
      approve: true,
    });
    const web = await signedIn("dave");
    const stream = await open({ cookie: cookieOf(web) });
    expect((await web.post("/signout", {})).response.status).toBe(303);

    topic("After sign-out secret", vault);
    topic("After sign-out notice");
    await eventually(() => stream.titles().includes("After sign-out notice"));
    expect(stream.titles()).toEqual(["After sign-out notice"]);
  });

  it("resumes from the Last-Event-ID and from the page's position", async () => {
    const first = await open();
    topic("First news");
    await eventually(() => first.titles().includes("First news"));
    const lastId = first.events().at(-1)!.id!;
    first.close();

    // While the reader is away, two public topics and a private one are posted.
    topic("Second news");
    topic("Private news", vault);
    topic("Third news");

    const resumed = await open({ lastEventId: lastId });
    await eventually(() => resumed.titles().includes("Third news"));
    expect(resumed.titles()).toEqual(["Second news", "Third news"]);

    // A page drawn before something new continues from its own position.
    const page = await new WebClient(copse.origin).get("/live");
    const after = /data-cursor="(\d+-\d+-\d+-\d+)"/.exec(page.body)![1]!;
    topic("Fourth news");
    const fromPage = await open({ after });
    await eventually(() => fromPage.titles().includes("Fourth news"));
    expect(fromPage.titles()).toEqual(["Fourth news"]);

    // A position that was never handed out is ignored: the stream starts from now.
    const forged = await open({ lastEventId: "not-a-cursor" });
    topic("Fifth news");
    await eventually(() => forged.titles().includes("Fifth news"));
    expect(forged.titles()).toEqual(["Fifth news"]);
  });
});
