import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../src/domain/errors.ts";
import { deleteItem, getItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { blankPollForm, type PollForm, parsePollForm } from "../../src/domain/polls/form.ts";
import {
  composePoll,
  listPolls,
  optionsOf,
  percentOf,
  pollResults,
  pollsClosedUnannounced,
  saveRemotePoll,
} from "../../src/domain/polls/polls.ts";
import { castVote, optionNamed, votesOf } from "../../src/domain/polls/votes.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const ZONE = "Europe/London";
const NOW = new Date("2030-06-01T09:00:00Z");

/** A valid form closing on 15 July 2031 at 10am London time, with optional overrides. */
function form(overrides: Partial<PollForm> = {}): PollForm {
  return {
    ...blankPollForm(),
    question: "Which day suits the forum?",
    options: "Monday\nTuesday\n\nWednesday\n",
    choice: "one",
    closes: { day: "15", month: "7", year: "2031", time: "10am" },
    ...overrides,
  };
}

/** The field each problem of a refused form is reported against. */
function problems(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      return Object.fromEntries(error.errors.map((e) => [e.field, e.message]));
    }
    throw error;
  }
  throw new Error("Expected a ValidationError");
}

async function setUp() {
  const db = freshDb();
  const account = (handle: string) =>
    createAccount(db, ORIGIN, {
      handle,
      email: `${handle}@e.org`,
      password: "correct horse battery",
    });
  const alice = await account("alice");
  const bob = await account("bob");
  const eve = await account("eve");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    });
  const garden = community("garden", "public");
  const vault = community("vault", "private");
  requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
  const poll = (overrides: Partial<PollForm> = {}, group = garden) =>
    composePoll(db, ORIGIN, {
      author: alice.actor,
      groups: [group.actor],
      form: form(overrides),
      timeZone: ZONE,
      now: NOW,
    });
  return { db, alice, bob, eve, garden, vault, poll };
}

describe("poll form", () => {
  it("reads the question, the options one per line and the closing time in the zone", () => {
    const draft = parsePollForm(form({ body: " Say which. " }), ZONE, NOW);
    expect(draft).toEqual({
      question: "Which day suits the forum?",
      body: "Say which.",
      options: ["Monday", "Tuesday", "Wednesday"],
      multiple: false,
      // 10am in London in July is 09:00 UTC.
      endsAt: new Date("2031-07-15T09:00:00Z"),
    });
    expect(parsePollForm(form({ choice: "many" }), ZONE, NOW).multiple).toBe(true);
  });

  it("reports every problem at once", () => {
    expect(
      problems(() =>
        parsePollForm(
          form({
            question: " ",
            options: "Only one",
            choice: "",
            closes: { ...form().closes, time: "" },
          }),
          ZONE,
          NOW,
        ),
      ),
    ).toEqual({
      question: "Enter the question",
      options: "Enter at least 2 options, each on its own line",
      choice: "Choose whether people can pick one option or several",
      "closes-time": "Enter the closing time",
    });
  });

  it("refuses repeated options, more than ten, and a closing time in the past", () => {
    expect(problems(() => parsePollForm(form({ options: "Yes\nyes" }), ZONE, NOW)).options).toBe(
      'Each option must be different ("yes" is there twice)',
    );
    const eleven = Array.from({ length: 11 }, (_, i) => `Option ${i + 1}`).join("\n");
    expect(problems(() => parsePollForm(form({ options: eleven }), ZONE, NOW)).options).toBe(
      "A poll can have at most 10 options (you entered 11)",
    );
    const past = { day: "1", month: "1", year: "2030", time: "9am" };
    expect(problems(() => parsePollForm(form({ closes: past }), ZONE, NOW))["closes-day"]).toBe(
      "The closing time must be in the future",
    );
    expect(
      problems(() =>
        parsePollForm(form({ closes: { ...past, day: "31", month: "2" } }), ZONE, NOW),
      )["closes-day"],
    ).toBe("Closing date must be a real date");
  });
});

describe("creating polls", () => {
  it("stores the poll as an item with its options in order", async () => {
    const { db, poll } = await setUp();
    const item = poll();
    expect(item.kind).toBe("poll");
    expect(item.title).toBe("Which day suits the forum?");
    expect(item.visibility).toBe("public");
    expect(optionsOf(db, item.id).map((o) => o.name)).toEqual(["Monday", "Tuesday", "Wednesday"]);
    const results = pollResults(db, item, NOW)!;
    expect(results).toMatchObject({ multiple: false, closed: false, voters: 0 });
  });

  it("lets only facilitators create polls, and changes nothing otherwise", async () => {
    const { db, bob, garden } = await setUp();
    expect(() =>
      composePoll(db, ORIGIN, {
        author: bob.actor,
        groups: [garden.actor],
        form: form(),
        timeZone: ZONE,
        now: NOW,
      }),
    ).toThrow(ForbiddenError);
    expect(listPolls(db, garden.actor.id, { now: NOW }).open).toHaveLength(0);
  });

  it("makes polls of private communities members-only", async () => {
    const { poll, vault } = await setUp();
    expect(poll({}, vault).visibility).toBe("members");
  });
});

describe("voting", () => {
  it("counts one vote per member, lets them change it, and tallies per option", async () => {
    const { db, alice, bob, poll } = await setUp();
    const item = poll();
    const [monday, tuesday] = optionsOf(db, item.id);
    castVote(db, item, bob.actor, [monday!.id], { mode: "new", now: NOW });
    castVote(db, item, alice.actor, [monday!.id], { mode: "new", now: NOW });
    expect(pollResults(db, item, NOW)!.options.map((o) => o.count)).toEqual([2, 0, 0]);

    // A second vote is refused; a change replaces the old one.
    expect(() => castVote(db, item, bob.actor, [tuesday!.id], { mode: "new", now: NOW })).toThrow(
      new ConflictError("You have already voted in this poll"),
    );
    castVote(db, item, bob.actor, [tuesday!.id], { mode: "change", now: NOW });
    const results = pollResults(db, item, NOW)!;
    expect(results.voters).toBe(2);
    expect(results.options.map((o) => o.count)).toEqual([1, 1, 0]);
    expect(votesOf(db, item.id, bob.actor.id).map((v) => v.optionId)).toEqual([tuesday!.id]);
    expect(percentOf(1, 2)).toBe(50);
    expect(percentOf(0, 0)).toBe(0);
  });

  it("refuses unknown options, two options in a single-choice poll, and no choice", async () => {
    const { db, bob, poll } = await setUp();
    const item = poll();
    const other = poll({ question: "Another?" });
    const [monday, tuesday] = optionsOf(db, item.id);
    const foreign = optionsOf(db, other.id)[0]!;
    const vote = (ids: number[]) => () =>
      castVote(db, item, bob.actor, ids, { mode: "new", now: NOW });
    expect(problems(vote([foreign.id])).choice).toBe("Choose one of this poll's options");
    expect(problems(vote([monday!.id, tuesday!.id])).choice).toBe("Choose only one option");
    expect(problems(vote([])).choice).toBe("Choose an option");
    expect(() => optionNamed(db, item, "Friday")).toThrow(ValidationError);
    expect(optionNamed(db, item, " Tuesday ").id).toBe(tuesday!.id);
    expect(votesOf(db, item.id, bob.actor.id)).toEqual([]);
  });

  it("refuses votes after the poll closes and from non-members, public or private", async () => {
    const { db, bob, eve, poll, vault } = await setUp();
    const item = poll();
    const option = optionsOf(db, item.id)[0]!.id;
    const after = new Date("2031-07-15T09:00:00Z");
    expect(() => castVote(db, item, bob.actor, [option], { mode: "new", now: after })).toThrow(
      new ConflictError("This poll has closed, so it no longer takes votes"),
    );
    expect(pollResults(db, item, after)!.closed).toBe(true);
    expect(() => castVote(db, item, eve.actor, [option], { mode: "new", now: NOW })).toThrow(
      ForbiddenError,
    );
    const secret = poll({}, vault);
    const secretOption = optionsOf(db, secret.id)[0]!.id;
    expect(() =>
      castVote(db, secret, bob.actor, [secretOption], { mode: "new", now: NOW }),
    ).toThrow(ForbiddenError);
    expect(pollResults(db, secret, NOW)!.voters).toBe(0);
    const deleted = deleteItem(db, getItem(db, item.id)!, item.authorId);
    expect(() => castVote(db, deleted, bob.actor, [option], { mode: "new", now: NOW })).toThrow(
      NotFoundError,
    );
  });

  it("adds remote votes option by option, once each, and one only in single-choice polls", async () => {
    const { db, garden, poll } = await setUp();
    const mo = upsertRemoteActor(db, {
      iri: "https://mastodon.example/users/mo",
      type: "Person",
      handle: "mo",
      host: "mastodon.example",
      name: "Mo",
      summary: "",
      url: null,
      inboxUrl: "https://mastodon.example/users/mo/inbox",
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
    requestMembership(db, { groupId: garden.actor.id, memberId: mo.id });
    const many = poll({ choice: "many" });
    const [a, b] = optionsOf(db, many.id);
    castVote(db, many, mo, [a!.id], { mode: "add", now: NOW, iriFor: () => "https://m/1" });
    castVote(db, many, mo, [b!.id], { mode: "add", now: NOW, iriFor: () => "https://m/2" });
    expect(() => castVote(db, many, mo, [b!.id], { mode: "add", now: NOW })).toThrow(ConflictError);
    const results = pollResults(db, many, NOW)!;
    expect(results.voters).toBe(1);
    expect(results.options.map((o) => o.count)).toEqual([1, 1, 0]);
    const one = poll();
    const [c, d] = optionsOf(db, one.id);
    castVote(db, one, mo, [c!.id], { mode: "add", now: NOW });
    expect(() => castVote(db, one, mo, [d!.id], { mode: "add", now: NOW })).toThrow(
      new ConflictError("You have already voted in this poll"),
    );
  });
});

describe("listing and copies of remote polls", () => {
  it("lists open polls first, closing soonest first, then closed ones", async () => {
    const { db, garden, poll } = await setUp();
    const later = poll({
      question: "Later?",
      closes: { day: "1", month: "1", year: "2032", time: "9am" },
    });
    const sooner = poll({ question: "Sooner?" });
    const { open, closed } = listPolls(db, garden.actor.id, { now: NOW });
    expect(open.map((p) => p.item.id)).toEqual([sooner.id, later.id]);
    expect(closed).toEqual([]);
    const afterFirst = new Date("2031-08-01T00:00:00Z");
    const lists = listPolls(db, garden.actor.id, { now: afterFirst });
    expect(lists.open.map((p) => p.item.id)).toEqual([later.id]);
    expect(lists.closed.map((p) => p.item.id)).toEqual([sooner.id]);
    expect(pollsClosedUnannounced(db, afterFirst).map((i) => i.id)).toEqual([sooner.id]);
  });

  it("shows a remote poll with its home's totals, keeping option ids across updates", async () => {
    const { db, poll } = await setUp();
    // A local item stands in for the copy; the remote flag is what pollResults looks at.
    const item = { ...poll(), isLocal: false };
    const before = optionsOf(db, item.id).map((o) => o.id);
    saveRemotePoll(db, item.id, {
      multiple: false,
      endsAt: new Date("2031-07-15T09:00:00Z"),
      votersCount: 7,
      options: [
        { name: "Monday", count: 4 },
        { name: "Tuesday", count: 3 },
        { name: "Wednesday", count: 0 },
      ],
    });
    expect(optionsOf(db, item.id).map((o) => o.id)).toEqual(before);
    const results = pollResults(db, item, NOW)!;
    expect(results.voters).toBe(7);
    expect(results.options.map((o) => o.count)).toEqual([4, 3, 0]);
  });
});
