import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import { type ActorRow, findActorByIri } from "../../src/domain/actors.ts";
import { findItemByIri, getItem, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { blankPollForm } from "../../src/domain/polls/form.ts";
import { composePoll, getPoll, optionsOf, pollResults } from "../../src/domain/polls/polls.ts";
import { POLL_TOTALS_TASK } from "../../src/domain/polls/totals.ts";
import { votesOf } from "../../src/domain/polls/votes.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { decideRequest, joinCommunity } from "../../src/federation/membership.ts";
import { publishItemChange } from "../../src/federation/publish.ts";
import { POLL_CLOSING_TASK } from "../../src/jobs/poll-closing.ts";
import type { WebClient } from "../helpers/client.ts";
import type { FakeActor, FakePeer } from "../helpers/fake-peer.ts";
import { eventually, type TestInstance } from "../helpers/instances.ts";
import { type PollWorld, queueIdle, startPollWorld, totals } from "../helpers/poll-world.ts";
import { signedIn } from "../helpers/sign-in.ts";

/** Waits until an instance has handled every activity delivered to its inboxes. */
const inboxIdle = (instance: TestInstance) => queueIdle(instance, "inbox");

// Somerset (A) hosts the communities and the polls. Carol votes on A, Bob votes from his own
// server Sunderland (B) through its web pages, and Mo votes from a Mastodon-shaped server as
// Mastodon does: a Create{Note} whose name is the option, in reply to the Question.
describe("polls across instances", () => {
  let world: PollWorld;
  let somerset: TestInstance;
  let sunderland: TestInstance;
  let peer: FakePeer;
  let mo: FakeActor;
  let zed: FakeActor;
  let alice: AccountWithActor;
  let bob: AccountWithActor;
  let garden: ActorRow;
  let vault: ActorRow;
  let carolWeb: WebClient;
  let aliceWeb: WebClient;
  let bobWeb: WebClient;
  let mastodonVote: PollWorld["mastodonVote"];

  /** The Questions the peer was sent, newest last, for one poll. */
  // biome-ignore lint/suspicious/noExplicitAny: activities are JSON-LD as received.
  function questionsReceived(iri: string): any[] {
    return peer
      .activities("Announce")
      .map((a) => (a.body.object?.type === "Update" ? a.body.object.object : a.body.object))
      .filter((q) => q?.type === "Question" && q.id === iri);
  }

  beforeAll(async () => {
    world = await startPollWorld();
    ({ somerset, sunderland, peer, alice, bob, garden, aliceWeb, bobWeb, mastodonVote } = world);
    mo = await peer.addActor({ path: "/users/mo", type: "Person", preferredUsername: "mo" });
    zed = await peer.addActor({ path: "/users/zed", type: "Person", preferredUsername: "zed" });
    const carol = await somerset.createUser("carol");
    vault = somerset.createCommunity("vault", alice, "private").actor;
    carolWeb = await signedIn(somerset, "carol");
    expect((await carolWeb.post("/c/garden/join", {})).response.status).toBe(303);
    expect(carol.actor.id).toBeGreaterThan(0);
    // Bob already belongs to the garden; the private vault needs Alice's approval.
    const group = await resolveActor(sunderland.ctx(), `@vault@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), bob.actor, group);
    const remote = await eventually(() => findActorByIri(somerset.db, bob.actor.iri));
    await eventually(() => findMembership(somerset.db, vault.id, remote.id)?.state === "pending");
    await decideRequest(somerset.ctx(), {
      group: vault,
      member: remote,
      byActorId: alice.actor.id,
      approve: true,
    });
    await eventually(
      () => findMembership(sunderland.db, group.id, bob.actor.id)?.state === "active",
    );
    // Mo and Zed follow the public community from Mastodon, which makes them members of it.
    await world.follow(mo, garden);
    await world.follow(zed, garden);
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  let poll: ItemRow;
  let pollOnB: ItemRow;

  it("shows the same totals on A, on B and to Mastodon after votes from all three", async () => {
    const created = await aliceWeb.post("/c/garden/polls/new", {
      question: "Which day suits the forum?",
      options: "Monday\nTuesday\nWednesday",
      choice: "one",
      "closes-day": "15",
      "closes-month": "7",
      "closes-year": "2031",
      "closes-time": "10am",
    });
    expect(created.response.status).toBe(303);
    poll = getItem(
      somerset.db,
      Number(created.response.headers.get("location")!.split("/").pop()),
    )!;

    // Sunderland stores the Question as a poll with its options; Mastodon gets it too.
    pollOnB = await eventually(() => {
      const copy = findItemByIri(sunderland.db, poll.iri);
      return copy && optionsOf(sunderland.db, copy.id).length === 3 ? copy : undefined;
    });
    expect(pollOnB.kind).toBe("poll");
    expect(pollOnB.title).toBe("Which day suits the forum?");
    expect(getPoll(sunderland.db, pollOnB.id)!.endsAt.toISOString()).toBe(
      "2031-07-15T09:00:00.000Z",
    );
    const sent = await eventually(() => questionsReceived(poll.iri)[0]);
    expect(sent.oneOf.map((o: { name: string }) => o.name)).toEqual([
      "Monday",
      "Tuesday",
      "Wednesday",
    ]);
    expect(sent.endTime).toBe("2031-07-15T09:00:00Z");
    expect(sent.content).toContain("Which day suits the forum?");

    // Carol votes on Somerset; Bob through Sunderland's pages; Mo from Mastodon.
    const ids = Object.fromEntries(
      optionsOf(somerset.db, poll.id).map((o) => [o.name, String(o.id)]),
    );
    expect(
      (await carolWeb.post(`/c/garden/polls/${poll.id}/vote`, { choice: ids.Monday! })).response
        .status,
    ).toBe(303);
    const bobPage = `/c/${encodeURIComponent(`garden@${somerset.host}`)}/polls/${pollOnB.id}`;
    const form = await bobWeb.get(bobPage);
    expect(form.response.status).toBe(200);
    expect(form.body).toContain("Which day suits the forum?</legend>");
    const tuesdayOnB = optionsOf(sunderland.db, pollOnB.id).find((o) => o.name === "Tuesday")!;
    const voted = await bobWeb.post(`${bobPage}/vote`, { choice: String(tuesdayOnB.id) });
    expect(voted.response.status).toBe(303);
    await mastodonVote(mo, poll, "Tuesday");

    const expected = { voters: 3, counts: [1, 2, 0] };
    await eventually(() => JSON.stringify(totals(somerset, poll.iri)) === JSON.stringify(expected));
    // The totals go out with the totals task's next run; running it now saves the wait.
    await somerset.jobs.runNow(POLL_TOTALS_TASK);
    await eventually(
      () => JSON.stringify(totals(sunderland, poll.iri)) === JSON.stringify(expected),
    );
    const latest = await eventually(() =>
      questionsReceived(poll.iri).find((q) => q.votersCount === 3),
    );
    expect(
      latest.oneOf.map((o: { replies: { totalItems: number } }) => o.replies.totalItems),
    ).toEqual([1, 2, 0]);
    // Mo, a voter, also gets the author's own Update, which is what Mastodon refreshes on.
    const direct = await eventually(() =>
      peer
        .activities("Update")
        .find((u) => u.body.actor === alice.actor.iri && u.body.object?.votersCount === 3),
    );
    expect(direct.body.object.id).toBe(poll.iri);
    expect(direct.body.to).toContain(mo.id);
    // The Question served at its id carries the same totals.
    const served = await (
      await fetch(poll.iri, { headers: { accept: "application/activity+json" } })
    ).json();
    expect(served.votersCount).toBe(3);
    expect(served.closed).toBeUndefined();

    // Bob sees the home's totals and his own vote on Sunderland; a vote was not stored as a reply.
    const page = await bobWeb.get(bobPage);
    expect(page.body).toContain("You voted for Tuesday.");
    expect(page.body).toContain("3 people have voted");
    expect(page.body).toContain("2 votes, 67%");
    const replies = somerset.db.$client
      .prepare("select count(*) as n from items where parent_id = ?")
      .get(poll.id) as { n: number };
    expect(replies.n).toBe(0);
  });

  it("refuses second votes, unknown options, outsiders of private communities and late votes", async () => {
    const before = totals(somerset, poll.iri);
    expect(before.voters).toBe(3);
    // From Mastodon: a second vote in a single-choice poll, and an option that does not exist.
    await mastodonVote(mo, poll, "Monday");
    await mastodonVote(zed, poll, "Friday");
    await inboxIdle(somerset);
    expect(totals(somerset, poll.iri)).toEqual(before);
    const zedOnA = findActorByIri(somerset.db, zed.id)!;
    expect(votesOf(somerset.db, poll.id, zedOnA.id)).toEqual([]);

    // From Sunderland's pages: a second vote, a change (votes sent elsewhere are final), and
    // an option that does not exist; Sunderland refuses them itself and sends nothing.
    const bobPage = `/c/${encodeURIComponent(`garden@${somerset.host}`)}/polls/${pollOnB.id}`;
    const mondayOnB = optionsOf(sunderland.db, pollOnB.id).find((o) => o.name === "Monday")!;
    const second = await bobWeb.post(`${bobPage}/vote`, { choice: String(mondayOnB.id) });
    expect(second.response.status).toBe(409);
    expect(second.body).toContain("You have already voted in this poll");
    const change = await bobWeb.post(`${bobPage}/vote`, {
      choice: String(mondayOnB.id),
      change: "yes",
    });
    expect(change.response.status).toBe(409);
    expect((await bobWeb.post(`${bobPage}/vote`, { choice: "999999" })).response.status).toBe(422);
    expect(votesOf(sunderland.db, pollOnB.id, bob.actor.id)).toHaveLength(1);

    // A private community's poll: Zed is not a member, Bob (on Sunderland) is.
    const secret = composePoll(somerset.db, somerset.origin, {
      author: alice.actor,
      groups: [vault],
      form: {
        ...blankPollForm(),
        question: "Which supplier?",
        options: "North\nSouth",
        choice: "many",
        closes: { day: "1", month: "1", year: "2032", time: "9am" },
      },
      timeZone: "Europe/London",
    });
    await publishItemChange(somerset.ctx(), secret, "create");
    const secretOnB = await eventually(() => {
      const copy = findItemByIri(sunderland.db, secret.iri);
      return copy && optionsOf(sunderland.db, copy.id).length === 2 ? copy : undefined;
    });
    expect(secretOnB.visibility).toBe("members");
    expect(questionsReceived(secret.iri)).toEqual([]);
    await mastodonVote(zed, secret, "North");
    const vaultPage = `/c/${encodeURIComponent(`vault@${somerset.host}`)}/polls/${secretOnB.id}`;
    const bothOnB = optionsOf(sunderland.db, secretOnB.id).map((o): [string, string] => [
      "choice",
      String(o.id),
    ]);
    expect((await bobWeb.post(`${vaultPage}/vote`, bothOnB)).response.status).toBe(303);
    // Bob's two choices travel as two Create{Note}s; both are counted, as one voter.
    await eventually(() => totals(somerset, secret.iri).counts.join() === "1,1");
    await inboxIdle(somerset);
    expect(totals(somerset, secret.iri)).toEqual({ voters: 1, counts: [1, 1] });
    expect(votesOf(somerset.db, secret.id, zedOnA.id)).toEqual([]);

    // The poll closes: votes are refused and every server is told it is closed.
    somerset.db.$client
      .prepare("update polls set ends_at = ? where item_id = ?")
      .run(Date.now() - 1000, poll.id);
    await mastodonVote(zed, poll, "Wednesday");
    await inboxIdle(somerset);
    expect(totals(somerset, poll.iri)).toEqual(before);
    await somerset.jobs.runNow(POLL_CLOSING_TASK);
    expect(getPoll(somerset.db, poll.id)!.closedAnnouncedAt).not.toBeNull();
    const closed = await eventually(() => questionsReceived(poll.iri).find((q) => q.closed));
    expect(closed.votersCount).toBe(3);
    await eventually(
      () => pollResults(sunderland.db, findItemByIri(sunderland.db, poll.iri)!)?.closed,
    );
    expect(totals(sunderland, poll.iri)).toEqual(before);
    const page = await bobWeb.get(bobPage);
    expect(page.body).toContain("This poll has closed");
    // A second run sends nothing more: each poll's closing goes out once.
    const updates = questionsReceived(poll.iri).length;
    await somerset.jobs.runNow(POLL_CLOSING_TASK);
    await queueIdle(somerset);
    expect(questionsReceived(poll.iri)).toHaveLength(updates);
  });
});
