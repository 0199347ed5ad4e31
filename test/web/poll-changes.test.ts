import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getItem } from "../../src/domain/items.ts";
import { hasVotes } from "../../src/domain/polls/changes.ts";
import { getPoll, optionsOf, pollResults } from "../../src/domain/polls/polls.ts";
import { closesInText, pollClosingStatus } from "../../src/web/polls/views/poll-closing.tsx";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

const DAY = 24 * 60 * 60 * 1000;

/** The new-poll form's fields, closing on 15 July 2031 at 10am, with optional overrides. */
function pollFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    question: "Which day suits the forum?",
    body: "",
    options: "Monday\nTuesday",
    choice: "one",
    "closes-day": "15",
    "closes-month": "7",
    "closes-year": "2031",
    "closes-time": "10am",
    ...overrides,
  };
}

describe("closing, changing and deleting polls", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  async function createPoll(
    overrides: Record<string, string> = {},
    community = "garden",
  ): Promise<{ path: string; id: number }> {
    const { response } = await alice.post(`/c/${community}/polls/new`, pollFields(overrides));
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    return { path, id: Number(path.split("/").pop()) };
  }

  async function vote(web: WebClient, path: string, id: number, option: string) {
    const choice = String(optionsOf(copse.db, id).find((o) => o.name === option)!.id);
    expect((await web.post(`${path}/vote`, { choice })).response.status).toBe(303);
  }

  beforeAll(async () => {
    copse = await startTestInstance("PollChanges");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("lets a facilitator close a poll early after confirming, and nobody else", async () => {
    const { path, id } = await createPoll({ question: "Close me early?" });
    await vote(bob, path, id, "Monday");
    const page = await alice.get(path);
    expect(page.body).toContain("Manage this poll");
    expect(page.body).toContain(`href="${path}/close"`);
    expect((await bob.get(path)).body).not.toContain("Manage this poll");
    expect((await bob.get(`${path}/close`)).response.status).toBe(403);
    expect((await bob.post(`${path}/close`, {})).response.status).toBe(403);
    expect(pollResults(copse.db, getItem(copse.db, id)!)!.closed).toBe(false);

    const confirm = await alice.get(`${path}/close`);
    expect(confirm.response.status).toBe(200);
    expect(confirm.body).toContain("Close “Close me early?” now?");
    expect(confirm.body).toContain("1 person has voted");
    expect(confirm.body).toContain(`action="${path}/close"`);
    expect(confirm.body).toContain("Close poll now</button>");

    const closed = await alice.post(`${path}/close`, {});
    expect(closed.response.status).toBe(303);
    expect(closed.response.headers.get("location")).toBe(path);
    const poll = getPoll(copse.db, id)!;
    expect(poll.endsAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(poll.closedAnnouncedAt).not.toBeNull();
    const after = await eve.get(path);
    expect(after.body).toContain("This poll has closed, so it no longer takes votes.");
    expect(after.body).toContain("1 vote, 100%");
    // Closing again is refused with a reason, and changes nothing.
    const again = await alice.post(`${path}/close`, {});
    expect(again.response.status).toBe(409);
    expect(again.body).toContain("This poll has already closed.");
    expect(getPoll(copse.db, id)!.endsAt).toEqual(poll.endsAt);
    expect((await alice.get(path)).body).not.toContain("Close this poll now");
  });

  it("deletes a poll and its votes after confirming; its page then says it was deleted", async () => {
    const { path, id } = await createPoll({ question: "Delete me?" });
    await vote(bob, path, id, "Tuesday");
    expect((await bob.post(`${path}/delete`, {})).response.status).toBe(403);
    const confirm = await alice.get(`${path}/delete`);
    expect(confirm.response.status).toBe(200);
    expect(confirm.body).toContain("Delete “Delete me?”?");
    expect(confirm.body).toContain("Delete poll</button>");

    const deleted = await alice.post(`${path}/delete`, {});
    expect(deleted.response.status).toBe(303);
    expect(deleted.response.headers.get("location")).toBe("/c/garden/polls");
    expect(getItem(copse.db, id)!.deletedAt).not.toBeNull();
    expect(hasVotes(copse.db, id)).toBe(false);
    const gone = await bob.get(path);
    expect(gone.response.status).toBe(404);
    expect(gone.body).toContain("That poll does not exist, or was deleted.");
    expect((await bob.get("/c/garden/polls")).body).not.toContain("Delete me?");
    expect((await alice.post(`${path}/delete`, {})).response.status).toBe(404);
  });

  it("lets a facilitator change a poll until the first vote, and not after", async () => {
    const { path, id } = await createPoll({ question: "Change me?" });
    const form = await alice.get(`${path}/edit`);
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("Change poll");
    expect(form.body).toContain('value="Change me?"');
    expect(form.body).toContain("Monday\nTuesday</textarea>");
    expect((await bob.get(`${path}/edit`)).response.status).toBe(403);

    // A bad change shows every problem and changes nothing.
    const bad = await alice.post(`${path}/edit`, pollFields({ question: "", options: "Solo" }));
    expect(bad.response.status).toBe(422);
    expect(bad.body).toContain("<title>Error: Change poll");
    expect(bad.body).toContain('<a href="#question">Enter the question</a>');
    expect(getItem(copse.db, id)!.title).toBe("Change me?");

    const saved = await alice.post(
      `${path}/edit`,
      pollFields({ question: "Changed?", options: "Thursday\nFriday\nSaturday" }),
    );
    expect(saved.response.status).toBe(303);
    const page = await bob.get(path);
    expect(page.body).toContain("Changed?</legend>");
    expect(page.body).toContain("Saturday");
    expect(page.body).not.toContain("Monday");

    await vote(bob, path, id, "Friday");
    const managed = await alice.get(path);
    expect(managed.body).not.toContain(`href="${path}/edit"`);
    expect(managed.body).toContain(
      "People have voted in this poll, so it can no longer be changed.",
    );
    expect((await alice.get(`${path}/edit`)).response.status).toBe(409);
    const late = await alice.post(`${path}/edit`, pollFields({ question: "Too late?" }));
    expect(late.response.status).toBe(409);
    expect(late.body).toContain("People have voted in this poll, so it can no longer be changed.");
    expect(getItem(copse.db, id)!.title).toBe("Changed?");
    expect(optionsOf(copse.db, id).map((o) => o.name)).toEqual(["Thursday", "Friday", "Saturday"]);
  });

  it("keeps a private community's poll controls from outsiders", async () => {
    const { path, id } = await createPoll({ question: "Private matter?" }, "vault");
    for (const action of ["close", "delete", "edit"]) {
      expect((await eve.get(`${path}/${action}`)).response.status).toBe(403);
      expect((await eve.post(`${path}/${action}`, pollFields())).response.status).toBe(403);
    }
    expect(getItem(copse.db, id)!.deletedAt).toBeNull();
    expect(pollResults(copse.db, getItem(copse.db, id)!)!.closed).toBe(false);
  });

  it("says how long open polls have left and when closed ones closed", async () => {
    const { id } = await createPoll({ question: "Three days left?" });
    const closedPoll = await createPoll({ question: "Already over?" });
    const setEnd = (itemId: number, at: number) =>
      copse.db.$client.prepare("update polls set ends_at = ? where item_id = ?").run(at, itemId);
    setEnd(id, Date.now() + 3 * DAY + 60 * 60 * 1000);
    // 14 March 2024 at 2pm UTC is 2pm GMT in London.
    setEnd(closedPoll.id, Date.UTC(2024, 2, 14, 14, 0));
    // Moved into the past directly, so the closing task has nothing to do with this test.
    copse.db.$client
      .prepare("update polls set closed_announced_at = ? where item_id = ?")
      .run(Date.now(), closedPoll.id);

    const list = await bob.get("/c/garden/polls");
    const openRow = list.body.slice(list.body.indexOf("Three days left?"));
    expect(openRow.slice(0, 400)).toContain("Closes in 3 days");
    expect(list.body).toContain("Closed on Thursday 14 March 2024 at 2pm (GMT)");

    const home = await bob.get("/c/garden");
    const homeRow = home.body.slice(home.body.indexOf("Three days left?"));
    expect(homeRow.slice(0, 600)).toContain("(Closes in 3 days)");
    expect(home.body).toContain("(Closed on Thursday 14 March 2024 at 2pm (GMT))");
  });
});

describe("how long a poll has left", () => {
  const now = new Date("2031-07-01T12:00:00Z");
  const later = (ms: number) => new Date(now.getTime() + ms);

  it("counts down in whole units, never promising more time than there is", () => {
    expect(closesInText(later(30_000), now)).toBe("Closes in less than a minute");
    expect(closesInText(later(60_000), now)).toBe("Closes in 1 minute");
    expect(closesInText(later(59 * 60_000), now)).toBe("Closes in 59 minutes");
    expect(closesInText(later(DAY - 1), now)).toBe("Closes in 23 hours");
    expect(closesInText(later(DAY), now)).toBe("Closes in 1 day");
    expect(closesInText(later(3 * DAY + DAY - 1), now)).toBe("Closes in 3 days");
  });

  it("says when a closed poll closed, in the instance's time zone", () => {
    const closed = new Date("2031-06-30T09:00:00Z");
    expect(pollClosingStatus(closed, "Europe/London", now)).toBe(
      "Closed on Monday 30 June 2031 at 10am (BST)",
    );
    expect(pollClosingStatus(later(2 * DAY), "Europe/London", now)).toBe("Closes in 2 days");
  });
});
