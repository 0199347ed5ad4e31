import { describe, expect, it } from "vitest";
import { createAccount } from "../../src/domain/accounts.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "../../src/domain/errors.ts";
import { getItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import {
  closePollNow,
  deletePoll,
  editPoll,
  hasVotes,
  mayChangePoll,
} from "../../src/domain/polls/changes.ts";
import { blankPollForm, type PollForm } from "../../src/domain/polls/form.ts";
import {
  composePoll,
  getPoll,
  listPolls,
  optionsOf,
  pollEndTimes,
  pollResults,
  saveRemotePoll,
} from "../../src/domain/polls/polls.ts";
import { pollsWithUnsentTotals, totalsSent } from "../../src/domain/polls/totals.ts";
import { castVote } from "../../src/domain/polls/votes.ts";
import { freshDb } from "../helpers/db.ts";

const ORIGIN = "https://copse.test";
const ZONE = "Europe/London";

/** A valid form closing on 15 July 2031 at 10am London time, with optional overrides. */
function form(overrides: Partial<PollForm> = {}): PollForm {
  return {
    ...blankPollForm(),
    question: "Which day suits the forum?",
    options: "Monday\nTuesday\nWednesday",
    choice: "one",
    closes: { day: "15", month: "7", year: "2031", time: "10am" },
    ...overrides,
  };
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
  const garden = createCommunity(db, ORIGIN, {
    handle: "garden",
    name: "Garden",
    description: "",
    visibility: "public",
    ownerActorId: alice.actor.id,
  });
  requestMembership(db, { groupId: garden.actor.id, memberId: bob.actor.id });
  const poll = (overrides: Partial<PollForm> = {}) =>
    composePoll(db, ORIGIN, {
      author: alice.actor,
      groups: [garden.actor],
      form: form(overrides),
      timeZone: ZONE,
    });
  const vote = (item: ReturnType<typeof poll>, name: string) => {
    const option = optionsOf(db, item.id).find((o) => o.name === name)!;
    return castVote(db, item, bob.actor, [option.id], { mode: "new" });
  };
  return { db, alice, bob, garden, poll, vote };
}

/** The error a call throws, for checking its kind and message. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("Expected an error");
}

describe("closing a poll early", () => {
  it("stops voting at once, for facilitators only, and only once", async () => {
    const { db, alice, bob, poll, vote } = await setUp();
    const item = poll();
    vote(item, "Monday");
    expect(mayChangePoll(db, item, bob.actor.id)).toBe(false);
    expect(thrown(() => closePollNow(db, item, bob.actor.id))).toBeInstanceOf(ForbiddenError);
    expect(pollResults(db, item)!.closed).toBe(false);

    const at = new Date(Date.now() - 1);
    expect(closePollNow(db, item, alice.actor.id, at).endsAt).toEqual(at);
    const results = pollResults(db, item)!;
    expect(results.closed).toBe(true);
    expect(results.options.map((o) => o.count)).toEqual([1, 0, 0]);
    const again = thrown(() => closePollNow(db, item, alice.actor.id));
    expect(again).toBeInstanceOf(ConflictError);
    expect((again as Error).message).toBe("This poll has already closed");
    expect(getPoll(db, item.id)!.endsAt).toEqual(at);
  });
});

describe("deleting a poll", () => {
  it("leaves a tombstone, takes the votes with it and drops it from the list", async () => {
    const { db, alice, bob, garden, poll, vote } = await setUp();
    const item = poll();
    vote(item, "Tuesday");
    expect(thrown(() => deletePoll(db, item, bob.actor.id))).toBeInstanceOf(ForbiddenError);
    expect(hasVotes(db, item.id)).toBe(true);

    const deleted = deletePoll(db, item, alice.actor.id);
    expect(deleted.deletedAt).not.toBeNull();
    expect(getItem(db, item.id)!.title).toBe("");
    expect(hasVotes(db, item.id)).toBe(false);
    expect(listPolls(db, garden.actor.id).open).toEqual([]);
    // Its unsent totals are dropped too: the Delete is all other servers need.
    expect(pollsWithUnsentTotals(db)).toEqual([]);
    expect(thrown(() => deletePoll(db, deleted, alice.actor.id))).toBeInstanceOf(NotFoundError);
  });
});

describe("changing a poll", () => {
  it("changes the question, options, choice and closing time before anyone votes", async () => {
    const { db, alice, poll } = await setUp();
    const item = poll();
    const edited = editPoll(db, item, alice.actor.id, {
      form: form({
        question: "Which evening suits the forum?",
        body: "After work.",
        options: "Thursday\nFriday",
        choice: "many",
        closes: { day: "1", month: "8", year: "2031", time: "6pm" },
      }),
      timeZone: ZONE,
    });
    expect(edited.title).toBe("Which evening suits the forum?");
    expect(edited.bodyHtml).toContain("After work.");
    expect(optionsOf(db, item.id).map((o) => o.name)).toEqual(["Thursday", "Friday"]);
    const settings = getPoll(db, item.id)!;
    expect(settings.multiple).toBe(true);
    expect(settings.endsAt.toISOString()).toBe("2031-08-01T17:00:00.000Z");
  });

  it("refuses a change once anyone has voted, or from non-facilitators, and keeps the poll", async () => {
    const { db, alice, bob, poll, vote } = await setUp();
    const item = poll();
    const change = { form: form({ question: "Changed?" }), timeZone: ZONE };
    expect(thrown(() => editPoll(db, item, bob.actor.id, change))).toBeInstanceOf(ForbiddenError);
    vote(item, "Monday");
    const refused = thrown(() => editPoll(db, item, alice.actor.id, change));
    expect(refused).toBeInstanceOf(ConflictError);
    expect((refused as Error).message).toBe(
      "People have voted in this poll, so it can no longer be changed",
    );
    expect(getItem(db, item.id)!.title).toBe("Which day suits the forum?");
    expect(optionsOf(db, item.id).map((o) => o.name)).toEqual(["Monday", "Tuesday", "Wednesday"]);
  });

  it("refuses a bad form or a closed poll and changes nothing", async () => {
    const { db, alice, poll } = await setUp();
    const item = poll();
    const bad = thrown(() =>
      editPoll(db, item, alice.actor.id, {
        form: form({ question: "", options: "Only one" }),
        timeZone: ZONE,
      }),
    );
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).errors.map((e) => e.field)).toEqual(["question", "options"]);
    expect(optionsOf(db, item.id)).toHaveLength(3);

    closePollNow(db, item, alice.actor.id, new Date(Date.now() - 1));
    const closed = thrown(() =>
      editPoll(db, item, alice.actor.id, { form: form(), timeZone: ZONE }),
    );
    expect(closed).toBeInstanceOf(ConflictError);
    expect((closed as Error).message).toBe("This poll has closed, so it can no longer be changed");
  });

  it("drops options a remote poll's home no longer lists", async () => {
    const { db, poll } = await setUp();
    // A local item stands in for the copy, as in polls.test.ts: saveRemotePoll is what counts.
    const item = poll();
    const monday = optionsOf(db, item.id)[0]!;
    saveRemotePoll(db, item.id, {
      multiple: false,
      endsAt: new Date("2031-07-15T09:00:00Z"),
      votersCount: 0,
      options: [
        { name: "Monday", count: 0 },
        { name: "Friday", count: 0 },
      ],
    });
    const after = optionsOf(db, item.id);
    expect(after.map((o) => o.name)).toEqual(["Monday", "Friday"]);
    expect(after[0]!.id).toBe(monday.id);
  });
});

describe("totals waiting to be sent", () => {
  it("counts votes in local polls until an Update has carried them", async () => {
    const { db, poll, vote } = await setUp();
    const item = poll({ choice: "many" });
    const other = poll({ question: "Another?" });
    expect(pollsWithUnsentTotals(db)).toEqual([]);
    vote(item, "Monday");
    vote(other, "Monday");
    const changed = pollsWithUnsentTotals(db);
    expect(changed.map((c) => [c.item.id, c.changes])).toEqual([
      [item.id, 1],
      [other.id, 1],
    ]);
    // A vote counted while an Update was being sent stays to be sent next time.
    const seen = changed[0]!.changes;
    const tuesday = optionsOf(db, item.id).find((o) => o.name === "Tuesday")!;
    castVote(db, item, (await setUpVoter(db)).actor, [tuesday.id], { mode: "new" });
    totalsSent(db, item.id, seen);
    totalsSent(db, other.id, 1);
    expect(pollsWithUnsentTotals(db).map((c) => [c.item.id, c.changes])).toEqual([[item.id, 1]]);
    totalsSent(db, item.id, 1);
    expect(pollsWithUnsentTotals(db)).toEqual([]);
    expect(pollEndTimes(db, [item.id, 999_999]).get(item.id)?.toISOString()).toBe(
      "2031-07-15T09:00:00.000Z",
    );
  });
});

/** Another member of the garden community, to vote. */
async function setUpVoter(db: ReturnType<typeof freshDb>) {
  const carol = await createAccount(db, ORIGIN, {
    handle: "carol",
    email: "carol@e.org",
    password: "correct horse battery",
  });
  const garden = db.$client.prepare("select id from actors where handle = 'garden'").get() as {
    id: number;
  };
  requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
  return carol;
}
