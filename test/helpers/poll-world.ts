import { expect } from "vitest";
import type { AccountWithActor } from "../../src/domain/accounts.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findItemByIri, type ItemRow } from "../../src/domain/items.ts";
import { findMembership } from "../../src/domain/membership.ts";
import { pollResults } from "../../src/domain/polls/polls.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import type { WebClient } from "./client.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "./fake-peer.ts";
import { eventually, startTestInstance, type TestInstance } from "./instances.ts";
import { queuedMessages } from "./queue-rows.ts";
import { signedIn } from "./sign-in.ts";

// The world the federated poll tests share: Somerset (A) hosts Alice's public "garden", Bob
// belongs to it from his own server Sunderland (B), and a Mastodon-shaped peer stands ready
// for people who follow the garden and vote as Mastodon does.

const AS = "https://www.w3.org/ns/activitystreams";

/** The instances, people and community of the federated poll tests. */
export interface PollWorld {
  somerset: TestInstance;
  sunderland: TestInstance;
  peer: FakePeer;
  alice: AccountWithActor;
  bob: AccountWithActor;
  garden: ActorRow;
  aliceWeb: WebClient;
  bobWeb: WebClient;
  /** A peer actor sends Alice a vote for an option, exactly as Mastodon does. */
  mastodonVote(voter: FakeActor, poll: ItemRow, option: string): Promise<void>;
  /** A peer actor follows a community on Somerset and waits to be accepted. */
  follow(actor: FakeActor, group: ActorRow): Promise<void>;
  /** Stops both instances and the peer. */
  close(): Promise<void>;
}

/** A poll's voters and per-option counts on an instance, as every server should agree. */
export function totals(instance: TestInstance, iri: string): { voters: number; counts: number[] } {
  const item = findItemByIri(instance.db, iri);
  const results = item ? pollResults(instance.db, item) : undefined;
  return {
    voters: results?.voters ?? -1,
    counts: results?.options.map((o) => o.count) ?? [],
  };
}

/** Waits until an instance has handled every queued activity (only inbound ones if asked). */
export async function queueIdle(instance: TestInstance, only?: "inbox"): Promise<void> {
  await eventually(
    () =>
      !queuedMessages(instance.db).some(
        (row) => only === undefined || row.message.includes('"type":"inbox"'),
      ),
  );
}

/** Starts the world above, with Bob an active member of the garden. */
export async function startPollWorld(): Promise<PollWorld> {
  const [somerset, sunderland, peer] = await Promise.all([
    startTestInstance("Somerset"),
    startTestInstance("Sunderland"),
    startFakePeer(),
  ]);
  const alice = await somerset.createUser("alice");
  const bob = await sunderland.createUser("bob");
  const garden = somerset.createCommunity("garden", alice, "public").actor;
  const aliceWeb = await signedIn(somerset, "alice");
  const bobWeb = await signedIn(sunderland, "bob");
  const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
  await joinCommunity(sunderland.ctx(), bob.actor, group);
  await eventually(() => findMembership(sunderland.db, group.id, bob.actor.id)?.state === "active");

  let voteCounter = 0;
  async function mastodonVote(voter: FakeActor, poll: ItemRow, option: string): Promise<void> {
    voteCounter += 1;
    const id = `${voter.id}#votes/${voteCounter}`;
    const create = {
      "@context": AS,
      id: `${id}/activity`,
      type: "Create",
      actor: voter.id,
      to: alice.actor.iri,
      object: {
        id,
        type: "Note",
        name: option,
        attributedTo: voter.id,
        to: alice.actor.iri,
        inReplyTo: poll.iri,
      },
    };
    const response = await peer.deliver(alice.actor.inboxUrl!, create, { as: voter.path });
    expect(response.status).toBe(202);
  }

  async function follow(actor: FakeActor, target: ActorRow): Promise<void> {
    const accepted = peer.activities("Accept").length;
    const activity = {
      "@context": AS,
      id: peer.url(`/follows/${actor.path.split("/").pop()}-${target.handle}`),
      type: "Follow",
      actor: actor.id,
      object: target.iri,
    };
    expect((await peer.deliver(target.inboxUrl!, activity, { as: actor.path })).status).toBe(202);
    await eventually(() => peer.activities("Accept").length > accepted);
  }

  return {
    somerset,
    sunderland,
    peer,
    alice,
    bob,
    garden,
    aliceWeb,
    bobWeb,
    mastodonVote,
    follow,
    close: async () => {
      await Promise.all([somerset.close(), sunderland.close(), peer.close()]);
    },
  };
}
