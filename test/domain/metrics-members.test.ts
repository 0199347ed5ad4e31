import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { items, memberships, pollOptions, polls, pollVotes } from "../../src/db/schema/index.ts";
import { type ActorRow, insertLocalActor, upsertRemoteActor } from "../../src/domain/actors.ts";
import { createCommunity } from "../../src/domain/communities.ts";
import { insertItem } from "../../src/domain/items.ts";
import { toCsv } from "../../src/domain/metrics/csv.ts";
import { communityCsvRows, instanceCsvRows } from "../../src/domain/metrics/export.ts";
import { newMembersPerWeek } from "../../src/domain/metrics/new-members.ts";
import { participation } from "../../src/domain/metrics/participation.ts";
import { communityMetrics, instanceMetrics } from "../../src/domain/metrics/report.ts";
import { communityScope, INSTANCE_SCOPE } from "../../src/domain/metrics/scope.ts";
import { freshDb } from "../helpers/db.ts";

// Two additions to the metrics: votes in a community's polls make a member a contributor, and
// new members are counted per week by when they became active members.

const ORIGIN = "https://copse.test";
const DAY = 86_400_000;
/** Wednesday 18 November 2026, 12:00 UTC: the current week began on Monday 16 November. */
const NOW = Date.UTC(2026, 10, 18, 12);

/** "garden" (public) and "vault" (private), both started by alice, with people to fill them. */
function seed() {
  const db = freshDb();
  const local = (handle: string) =>
    insertLocalActor(db, ORIGIN, {
      type: "Person",
      handle,
      name: handle,
      url: `${ORIGIN}/people/${handle}`,
    });
  const people = {
    alice: local("alice"),
    bob: local("bob"),
    carol: local("carol"),
    erin: local("erin"),
    gina: local("gina"),
    zed: local("zed"),
    dan: upsertRemoteActor(db, {
      iri: "https://mastodon.example/users/dan",
      type: "Person",
      handle: "dan",
      host: "mastodon.example",
      name: "dan",
      summary: "",
      url: null,
      inboxUrl: "https://mastodon.example/users/dan/inbox",
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    }),
  };
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: people.alice.id,
    }).actor;
  const garden = community("garden", "public");
  const vault = community("vault", "private");
  // Alice started both communities long ago.
  db.update(memberships)
    .set({ decidedAt: new Date(NOW - 100 * DAY), createdAt: new Date(NOW - 100 * DAY) })
    .run();
  const join = (
    group: ActorRow,
    member: ActorRow,
    times: { asked: number; decided?: number | null },
    state: "active" | "pending" = "active",
  ) =>
    db
      .insert(memberships)
      .values({
        groupId: group.id,
        memberId: member.id,
        state,
        createdAt: new Date(times.asked),
        decidedAt:
          times.decided === undefined || times.decided === null ? null : new Date(times.decided),
      })
      .run();
  return { db, garden, vault, join, ...people };
}

/** A published poll in a community, with two options, and a way to vote in it. */
function poll(
  db: ReturnType<typeof seed>["db"],
  author: ActorRow,
  group: ActorRow,
  at: number,
  serial: number,
) {
  const item = insertItem(db, {
    kind: "poll",
    iri: `${ORIGIN}/ap/items/poll-${serial}`,
    authorId: author.id,
    groupIds: [group.id],
    parentId: null,
    title: `Poll ${serial}`,
    bodyHtml: "",
    visibility: "public",
    isLocal: true,
    status: "published",
    publishedAt: new Date(at),
  });
  db.insert(polls)
    .values({ itemId: item.id, multiple: true, endsAt: new Date(NOW + 7 * DAY) })
    .run();
  const options = ["Yes", "No"].map(
    (name, position) =>
      db.insert(pollOptions).values({ itemId: item.id, position, name }).returning().get().id,
  );
  return {
    item,
    vote(voter: ActorRow, at: number, choices = [0]) {
      for (const choice of choices) {
        db.insert(pollVotes)
          .values({
            itemId: item.id,
            optionId: options[choice]!,
            voterId: voter.id,
            createdAt: new Date(at),
          })
          .run();
      }
    },
  };
}

describe("poll votes in participation", () => {
  it("makes a voter a contributor, unless they also started something", () => {
    const { db, garden, vault, join, alice, bob, carol, dan, zed } = seed();
    for (const member of [bob, carol, dan]) join(garden, member, { asked: NOW - 100 * DAY });
    const question = poll(db, alice, garden, NOW - 2 * DAY, 1);
    // Alice voted in her own poll: she started it, so she stays a creator.
    question.vote(alice, NOW - 2 * DAY);
    // Bob voted (for two options: still one person) yesterday; Carol forty days ago.
    question.vote(bob, NOW - DAY, [0, 1]);
    question.vote(carol, NOW - 40 * DAY);
    // Zed is not a member: his vote counts nowhere.
    question.vote(zed, NOW - DAY);
    // Dan voted in a poll that was since deleted, and in the private vault's poll.
    const gone = poll(db, alice, garden, NOW - 3 * DAY, 2);
    gone.vote(dan, NOW - DAY);
    db.update(items)
      .set({ deletedAt: new Date(NOW - DAY / 2) })
      .where(eq(items.id, gone.item.id))
      .run();
    poll(db, alice, vault, NOW - 3 * DAY, 3).vote(dan, NOW - DAY);

    const scope = communityScope(garden.id);
    expect(participation(db, scope, NOW, 30)).toEqual({
      days: 30,
      members: 4,
      creators: 1,
      contributors: 1,
      readers: 2,
    });
    expect(participation(db, scope, NOW, 90)).toEqual({
      days: 90,
      members: 4,
      creators: 1,
      contributors: 2,
      readers: 1,
    });
    // Across the instance Dan's vote in the vault's poll counts: every community is in scope,
    // and he is a member of one of them.
    expect(participation(db, INSTANCE_SCOPE, NOW, 30)).toMatchObject({
      members: 4,
      creators: 1,
      contributors: 2,
    });
  });
});

describe("new members per week", () => {
  function world() {
    const w = seed();
    const { garden, vault, join, bob, carol, dan, erin, gina, zed } = w;
    // Dan (remote) joined on 3 November, Carol on 10 November (a row kept without a decision
    // time, so the time it was stored counts), and Bob yesterday.
    join(garden, dan, { asked: NOW - 15 * DAY, decided: NOW - 15 * DAY });
    join(garden, carol, { asked: NOW - 8 * DAY, decided: null });
    join(garden, bob, { asked: NOW - DAY, decided: NOW - DAY });
    // Erin asked months ago and was let in two days ago: she is new this week.
    join(garden, erin, { asked: NOW - 200 * DAY, decided: NOW - 2 * DAY });
    // Gina's request still waits.
    join(garden, gina, { asked: NOW - DAY }, "pending");
    // Bob was already in the vault on 29 October; Zed joined it yesterday.
    join(vault, bob, { asked: NOW - 20 * DAY, decided: NOW - 20 * DAY });
    join(vault, zed, { asked: NOW - DAY, decided: NOW - DAY });
    return w;
  }

  /** The weeks with anyone new, as "YYYY-MM-DD": count. */
  function nonEmpty(weeks: { start: Date; members: number }[]) {
    return Object.fromEntries(
      weeks
        .filter((w) => w.members > 0)
        .map((w) => [w.start.toISOString().slice(0, 10), w.members]),
    );
  }

  it("counts a community's members in the week they became active", () => {
    const { db, garden } = world();
    const weeks = newMembersPerWeek(db, communityScope(garden.id), NOW);
    expect(weeks).toHaveLength(12);
    expect(weeks[0]!.start.toISOString()).toBe("2026-08-31T00:00:00.000Z");
    expect(nonEmpty(weeks)).toEqual({ "2026-11-02": 1, "2026-11-09": 1, "2026-11-16": 2 });
  });

  it("counts each person once across the instance, when they first became a member", () => {
    const { db } = world();
    expect(nonEmpty(newMembersPerWeek(db, INSTANCE_SCOPE, NOW))).toEqual({
      "2026-10-26": 1,
      "2026-11-02": 1,
      "2026-11-09": 1,
      "2026-11-16": 2,
    });
  });

  it("is in the reports and their CSV", () => {
    const { db, garden } = world();
    const report = communityMetrics(db, garden.id, NOW);
    expect(report.newMembers.map((w) => w.members)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2]);
    const lines = toCsv(communityCsvRows(report)).split("\r\n");
    expect(lines).toContain("New members,All,Week beginning 2026-11-16,2");
    expect(lines).toContain("New members,All,Week beginning 2026-08-31,0");
    expect(lines.filter((l) => l.startsWith("New members,"))).toHaveLength(12);
    const instance = toCsv(instanceCsvRows(instanceMetrics(db, NOW))).split("\r\n");
    expect(instance).toContain("New members,All,Week beginning 2026-10-26,1");
  });
});
