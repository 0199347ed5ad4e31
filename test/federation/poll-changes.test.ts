import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findItemByIri, getItem, type ItemRow } from "../../src/domain/items.ts";
import { optionsOf, pollResults } from "../../src/domain/polls/polls.ts";
import { POLL_TOTALS_TASK } from "../../src/domain/polls/totals.ts";
import type { WebClient } from "../helpers/client.ts";
import type { FakeActor, FakePeer } from "../helpers/fake-peer.ts";
import { eventually, type TestInstance } from "../helpers/instances.ts";
import { type PollWorld, queueIdle, startPollWorld, totals } from "../helpers/poll-world.ts";

const OPTIONS = Array.from({ length: 10 }, (_, i) => `Option ${i + 1}`);

// Somerset (A) hosts the community and its polls; Bob follows it from Sunderland (B), and five
// people on a Mastodon-shaped server follow it and vote as Mastodon does.
describe("changes to polls across instances", () => {
  let world: PollWorld;
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let peer: FakePeer;
  let voters: FakeActor[];
  let aliceWeb: WebClient;
  let bobWeb: WebClient;
  let mastodonVote: PollWorld["mastodonVote"];

  /** Alice creates a poll on A through its pages and waits for B to hold a copy. */
  async function createPoll(
    question: string,
    fields: Record<string, string> = {},
  ): Promise<{ poll: ItemRow; onB: ItemRow; path: string }> {
    const created = await aliceWeb.post("/c/garden/polls/new", {
      question,
      options: "Yes\nNo",
      choice: "one",
      "closes-day": "15",
      "closes-month": "7",
      "closes-year": "2031",
      "closes-time": "10am",
      ...fields,
    });
    expect(created.response.status).toBe(303);
    const path = created.response.headers.get("location")!;
    const poll = getItem(somerset.db, Number(path.split("/").pop()))!;
    const onB = await eventually(() => {
      const copy = findItemByIri(sunderland.db, poll.iri);
      return copy && optionsOf(sunderland.db, copy.id).length > 0 ? copy : undefined;
    });
    return { poll, onB, path };
  }

  /** The distinct activities announcing a Question (new or updated) to the peer, for one poll. */
  // biome-ignore lint/suspicious/noExplicitAny: activities are JSON-LD as received.
  function questionsReceived(iri: string): any[] {
    const seen = new Set<string>();
    return peer
      .activities("Announce")
      .filter((a) => !seen.has(a.body.id) && seen.add(a.body.id))
      .map((a) => (a.body.object?.type === "Update" ? a.body.object.object : a.body.object))
      .filter((q) => q?.type === "Question" && q.id === iri);
  }

  beforeAll(async () => {
    world = await startPollWorld();
    ({ somerset, sunderland, peer, aliceWeb, bobWeb, mastodonVote } = world);
    voters = [];
    for (const name of ["mo", "zed", "kit", "lu", "pat"]) {
      const actor = await peer.addActor({
        path: `/users/${name}`,
        type: "Person",
        preferredUsername: name,
      });
      // Following the public community from Mastodon makes them members, who may vote.
      await world.follow(actor, world.garden);
      voters.push(actor);
    }
  }, 90_000);

  afterAll(async () => {
    await world?.close();
  });

  it("sends one Update for a burst of 50 votes instead of one per vote", async () => {
    const { poll } = await createPoll("Which of these matter?", {
      options: OPTIONS.join("\n"),
      choice: "many",
    });
    await eventually(() => questionsReceived(poll.iri).length === 1);
    // Hold the totals task back while the votes arrive (after letting any run in progress
    // finish), so the test sees what the burst alone sends: no Update at all.
    await somerset.jobs.runNow(POLL_TOTALS_TASK);
    somerset.db.$client
      .prepare("update scheduled_tasks set next_run_at = ? where name = ?")
      .run(Date.now() + 3_600_000, POLL_TOTALS_TASK);

    // Five people each choose all ten options: fifty Create{Note}s, one per option.
    for (const option of OPTIONS) {
      for (const voter of voters) await mastodonVote(voter, poll, option);
    }
    await eventually(() => totals(somerset, poll.iri).counts.every((n) => n === 5));
    await queueIdle(somerset);
    expect(totals(somerset, poll.iri).voters).toBe(5);
    expect(questionsReceived(poll.iri)).toHaveLength(1);

    await somerset.jobs.runNow(POLL_TOTALS_TASK);
    const latest = await eventually(() => questionsReceived(poll.iri)[1]);
    expect(latest.votersCount).toBe(5);
    expect(
      latest.anyOf.map((o: { replies: { totalItems: number } }) => o.replies.totalItems),
    ).toEqual(OPTIONS.map(() => 5));
    await eventually(() => totals(sunderland, poll.iri).voters === 5);
    expect(totals(sunderland, poll.iri).counts).toEqual(OPTIONS.map(() => 5));
    // Nothing is left to send, so another run sends nothing.
    await somerset.jobs.runNow(POLL_TOTALS_TASK);
    await queueIdle(somerset);
    expect(questionsReceived(poll.iri)).toHaveLength(2);
  });

  it("tells every server when a facilitator closes a poll early, with the final totals", async () => {
    const { poll, onB, path } = await createPoll("Shall we close early?");
    await mastodonVote(voters[0]!, poll, "Yes");
    await eventually(() => totals(somerset, poll.iri).voters === 1);
    expect((await aliceWeb.post(`${path}/close`, {})).response.status).toBe(303);

    const closed = await eventually(() => questionsReceived(poll.iri).find((q) => q.closed));
    expect(closed.votersCount).toBe(1);
    expect(
      closed.oneOf.map((o: { replies: { totalItems: number } }) => o.replies.totalItems),
    ).toEqual([1, 0]);
    await eventually(() => pollResults(sunderland.db, getItem(sunderland.db, onB.id)!)?.closed);
    expect(totals(sunderland, poll.iri)).toEqual({ voters: 1, counts: [1, 0] });
    const bobPage = `/c/${encodeURIComponent(`garden@${somerset.host}`)}/polls/${onB.id}`;
    expect((await bobWeb.get(bobPage)).body).toContain("This poll has closed");
    // A vote after closing is refused.
    await mastodonVote(voters[1]!, poll, "No");
    await queueIdle(somerset, "inbox");
    expect(totals(somerset, poll.iri)).toEqual({ voters: 1, counts: [1, 0] });
  });

  it("sends a change made before any vote, and a deletion, to every server", async () => {
    const { poll, onB, path } = await createPoll("Where shall we meet?", {
      options: "Bristol\nBath",
    });
    const changed = await aliceWeb.post(`${path}/edit`, {
      question: "Where shall we meet in spring?",
      options: "Bristol\nTaunton\nWells",
      choice: "one",
      "closes-day": "1",
      "closes-month": "3",
      "closes-year": "2031",
      "closes-time": "9am",
    });
    expect(changed.response.status).toBe(303);
    await eventually(() => optionsOf(sunderland.db, onB.id).length === 3);
    expect(optionsOf(sunderland.db, onB.id).map((o) => o.name)).toEqual([
      "Bristol",
      "Taunton",
      "Wells",
    ]);
    expect(getItem(sunderland.db, onB.id)!.title).toBe("Where shall we meet in spring?");
    const updated = await eventually(() =>
      questionsReceived(poll.iri).find((q) => q.oneOf?.length === 3),
    );
    expect(updated.endTime).toBe("2031-03-01T09:00:00Z");

    expect((await aliceWeb.post(`${path}/delete`, {})).response.status).toBe(303);
    await eventually(() => getItem(sunderland.db, onB.id)?.deletedAt);
    const bobPage = `/c/${encodeURIComponent(`garden@${somerset.host}`)}/polls/${onB.id}`;
    expect((await bobWeb.get(bobPage)).response.status).toBe(404);
    await eventually(() =>
      peer
        .activities("Announce")
        .some(
          (a) =>
            a.body.object?.type === "Delete" &&
            (a.body.object.object?.id ?? a.body.object.object) === poll.iri,
        ),
    );
  });
});
