import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findCommunity } from "../../src/domain/communities.ts";
import { getItem } from "../../src/domain/items.ts";
import { listPolls, optionsOf, pollResults } from "../../src/domain/polls/polls.ts";
import { WebClient } from "../helpers/client.ts";
import { startTestInstance, TEST_PASSWORD, type TestInstance } from "../helpers/instances.ts";

/** The new-poll form's fields, closing on 15 July 2031 at 10am, with optional overrides. */
function pollFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    question: "Which day suits the forum?",
    body: "We meet **once** a month.",
    options: "Monday\nTuesday\nWednesday",
    choice: "one",
    "closes-day": "15",
    "closes-month": "7",
    "closes-year": "2031",
    "closes-time": "10am",
    ...overrides,
  };
}

describe("the polls pages", () => {
  let copse: TestInstance;
  let alice: WebClient;
  let bob: WebClient;
  let eve: WebClient;
  let anonymous: WebClient;

  async function signedIn(handle: string): Promise<WebClient> {
    const web = new WebClient(copse.origin);
    const { response } = await web.post("/signin", { login: handle, password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    return web;
  }

  async function createPoll(
    community: string,
    overrides: Record<string, string> = {},
  ): Promise<{ path: string; id: number }> {
    const { response } = await alice.post(`/c/${community}/polls/new`, pollFields(overrides));
    expect(response.status).toBe(303);
    const path = response.headers.get("location")!;
    expect(path).toMatch(new RegExp(`^/c/${community}/polls/\\d+$`));
    return { path, id: Number(path.split("/").pop()) };
  }

  /** The option ids of a poll, by name. */
  function optionIds(id: number): Record<string, string> {
    return Object.fromEntries(optionsOf(copse.db, id).map((o) => [o.name, String(o.id)]));
  }

  beforeAll(async () => {
    copse = await startTestInstance("Polls");
    const a = await copse.createUser("alice");
    await copse.createUser("bob");
    await copse.createUser("eve");
    copse.createCommunity("garden", a, "public");
    copse.createCommunity("vault", a, "private");
    alice = await signedIn("alice");
    bob = await signedIn("bob");
    eve = await signedIn("eve");
    anonymous = new WebClient(copse.origin);
    expect((await bob.post("/c/garden/join", {})).response.status).toBe(303);
  });
  afterAll(() => copse?.close());

  it("lets facilitators create a poll, and nobody else", async () => {
    const list = await alice.get("/c/garden/polls");
    expect(list.response.status).toBe(200);
    expect(list.body).toContain('href="/c/garden/polls/new"');
    expect((await bob.get("/c/garden/polls")).body).not.toContain("Create a poll");
    expect((await bob.get("/c/garden/polls/new")).response.status).toBe(403);
    const refused = await bob.post("/c/garden/polls/new", pollFields());
    expect(refused.response.status).toBe(403);
    const garden = findCommunity(copse.db, "garden")!;
    expect(listPolls(copse.db, garden.actor.id).open).toHaveLength(0);

    const form = await alice.get("/c/garden/polls/new");
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("How many options can each person choose?");
    const { path, id } = await createPoll("garden");
    const page = await alice.get(path);
    expect(page.body).toContain("Which day suits the forum?");
    expect(page.body).toContain("<strong>once</strong>");
    expect(page.body).toContain("Tuesday 15 July 2031 at 10am (BST)");
    expect(getItem(copse.db, id)!.kind).toBe("poll");
  });

  it("shows every problem with a bad poll and stores nothing", async () => {
    const garden = findCommunity(copse.db, "garden")!;
    const before = listPolls(copse.db, garden.actor.id).open.length;
    const { response, body } = await alice.post(
      "/c/garden/polls/new",
      pollFields({ question: "", options: "Yes\nyes", choice: "", "closes-year": "2020" }),
    );
    expect(response.status).toBe(422);
    expect(body).toContain("<title>Error: Create a poll");
    expect(body).toContain('<a href="#question">Enter the question</a>');
    expect(body).toContain('<a href="#options">Each option must be different');
    expect(body).toContain(
      '<a href="#choice">Choose whether people can pick one option or several',
    );
    expect(body).toContain('<a href="#closes-day">The closing time must be in the future');
    // What was typed comes back.
    expect(body).toContain("Yes\nyes</textarea>");
    expect(listPolls(copse.db, garden.actor.id).open).toHaveLength(before);
  });

  it("takes a vote, shows results as counts, percentages and bars, and lets it change", async () => {
    const { path, id } = await createPoll("garden", {
      question: "Tea or coffee?",
      options: "Tea\nCoffee",
    });
    const ids = optionIds(id);
    const before = await bob.get(path);
    expect(before.body).toContain(
      '<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Tea or coffee?</legend>',
    );
    expect(before.body).toContain('type="radio"');
    expect(before.body).not.toContain("copse-poll-results");

    // No choice: the form comes back with the error, nothing counted.
    const empty = await bob.post(`${path}/vote`, {});
    expect(empty.response.status).toBe(422);
    expect(empty.body).toContain('<a href="#choice">Choose an option</a>');

    expect((await bob.post(`${path}/vote`, { choice: ids.Tea! })).response.status).toBe(303);
    expect((await alice.post(`${path}/vote`, { choice: ids.Coffee! })).response.status).toBe(303);
    const after = await bob.get(path);
    expect(after.body).toContain("You voted for Tea.");
    expect(after.body).toContain("2 people have voted");
    expect(after.body).toContain("1 vote, 50%");
    expect(after.body).toContain("copse-poll-results__bar--50");
    expect(after.body).toContain("(your vote)");
    expect(after.body).toContain(`href="${path}?change=yes"`);

    // A second vote (not a change) is refused; a change replaces the vote.
    const second = await bob.post(`${path}/vote`, { choice: ids.Coffee! });
    expect(second.response.status).toBe(409);
    expect(second.body).toContain("You have already voted in this poll");
    const changeForm = await bob.get(`${path}?change=yes`);
    expect(changeForm.body).toContain('name="change" value="yes"');
    expect(changeForm.body).toMatch(new RegExp(`value="${ids.Tea}" checked`));
    const changed = await bob.post(`${path}/vote`, { choice: ids.Coffee!, change: "yes" });
    expect(changed.response.status).toBe(303);
    const results = pollResults(copse.db, getItem(copse.db, id)!)!;
    expect(results.voters).toBe(2);
    expect(results.options.map((o) => o.count)).toEqual([0, 2]);
  });

  it("refuses unknown options and two choices in a single-choice poll", async () => {
    const { path, id } = await createPoll("garden", { question: "Pick one", options: "A\nB" });
    const ids = optionIds(id);
    const unknown = await bob.post(`${path}/vote`, { choice: "999999" });
    expect(unknown.response.status).toBe(422);
    expect(unknown.body).toContain("Choose one of this poll&#39;s options");
    const two = await bob.post(`${path}/vote`, [
      ["choice", ids.A!],
      ["choice", ids.B!],
    ]);
    expect(two.response.status).toBe(422);
    expect(two.body).toContain("Choose only one option");
    expect(pollResults(copse.db, getItem(copse.db, id)!)!.voters).toBe(0);
  });

  it("offers checkboxes for a multiple-choice poll and counts each option chosen", async () => {
    const { path, id } = await createPoll("garden", {
      question: "Which topics?",
      options: "Roads\nParks\nLibraries",
      choice: "many",
    });
    const ids = optionIds(id);
    expect((await bob.get(path)).body).toContain('type="checkbox"');
    const voted = await bob.post(`${path}/vote`, [
      ["choice", ids.Roads!],
      ["choice", ids.Libraries!],
    ]);
    expect(voted.response.status).toBe(303);
    const page = await bob.get(path);
    expect(page.body).toContain("You voted for Roads, Libraries.");
    expect(page.body).toContain("1 person has voted");
    expect(page.body).toContain("1 vote, 100%");
  });

  it("keeps non-members from voting and private polls from outsiders", async () => {
    const { path, id } = await createPoll("garden", {
      question: "Members only vote?",
      options: "Yes\nNo",
    });
    const ids = optionIds(id);
    expect((await eve.get(path)).body).toContain("Only members of this community can vote");
    const refused = await eve.post(`${path}/vote`, { choice: ids.Yes! });
    expect(refused.response.status).toBe(403);
    expect((await anonymous.get(path)).body).toContain("to vote");
    const signIn = await anonymous.post(`${path}/vote`, { choice: ids.Yes! });
    expect(signIn.response.status).toBe(303);
    expect(signIn.response.headers.get("location")).toContain("/signin");
    expect(pollResults(copse.db, getItem(copse.db, id)!)!.voters).toBe(0);

    const secret = await createPoll("vault", { question: "Secret question?" });
    expect((await eve.get(secret.path)).response.status).toBe(403);
    expect((await anonymous.get(secret.path)).response.status).toBe(403);
    expect((await eve.post(`${secret.path}/vote`, { choice: "1" })).response.status).toBe(403);
    expect((await eve.get("/search?q=Secret")).body).not.toContain("Secret question?");
  });

  it("lists open polls first and links polls from what's new and search", async () => {
    const list = await bob.get("/c/garden/polls");
    expect(list.body).toContain("Open polls");
    expect(list.body).toContain("Tea or coffee?");
    const home = await bob.get("/c/garden");
    expect(home.body).toMatch(/href="\/c\/garden\/polls\/\d+">Tea or coffee\?/);
    const search = await bob.get("/search?q=coffee&type=poll");
    expect(search.response.status).toBe(200);
    expect(search.body).toMatch(/href="\/c\/garden\/polls\/\d+"/);
  });

  it("shows results to everyone once the poll has closed, and refuses late votes", async () => {
    const { path, id } = await createPoll("garden", {
      question: "Closing soon?",
      options: "Yes\nNo",
    });
    const ids = optionIds(id);
    expect((await bob.post(`${path}/vote`, { choice: ids.Yes! })).response.status).toBe(303);
    // The closing time passes (moved into the past directly: no waiting in tests).
    copse.db.$client
      .prepare("update polls set ends_at = ? where item_id = ?")
      .run(Date.now() - 1000, id);
    const late = await alice.post(`${path}/vote`, { choice: ids.No! });
    expect(late.response.status).toBe(409);
    expect(late.body).toContain("This poll has closed, so it no longer takes votes");
    const page = await eve.get(path);
    expect(page.body).toContain("Closed");
    expect(page.body).toContain("1 vote, 100%");
    const list = await bob.get("/c/garden/polls");
    expect(list.body).toContain("Closed polls (1)");
  });
});
