import { describe, expect, it } from "vitest";
import { reports } from "../../../src/db/schema/index.ts";
import { createAccount } from "../../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../../src/domain/actors.ts";
import { createCommunity } from "../../../src/domain/communities.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../../src/domain/errors.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { requestMembership } from "../../../src/domain/membership.ts";
import { removeItem } from "../../../src/domain/moderation/content.ts";
import { banMember } from "../../../src/domain/moderation/members.ts";
import {
  FLAGS_PER_ACTOR_PER_HOUR,
  FLAGS_PER_HOST_PER_HOUR,
  flagFloodReason,
} from "../../../src/domain/moderation/report-limits.ts";
import {
  dismissReport,
  fileReport,
  getReport,
  listReports,
  mayHandleReport,
  receiveReports,
  reportsBy,
} from "../../../src/domain/moderation/reports.ts";
import { freshDb } from "../../helpers/db.ts";

const ORIGIN = "https://copse.test";

/** A remote person on another server, as the inbox would have stored them. */
function remotePerson(db: ReturnType<typeof freshDb>, host: string, handle: string) {
  return upsertRemoteActor(db, {
    iri: `https://${host}/u/${handle}`,
    type: "Person",
    handle,
    host,
    name: handle,
    summary: "",
    url: null,
    inboxUrl: `https://${host}/u/${handle}/inbox`,
    sharedInboxUrl: null,
    followersUrl: null,
    manuallyApprovesFollowers: false,
  });
}

async function setUp() {
  const db = freshDb();
  const person = (handle: string) =>
    createAccount(db, ORIGIN, { handle, email: `${handle}@e.org`, password: "correct horse" });
  const alice = await person("alice");
  const bob = await person("bob");
  const carol = await person("carol");
  const community = (handle: string, visibility: "public" | "private") =>
    createCommunity(db, ORIGIN, {
      handle,
      name: handle,
      description: "",
      visibility,
      ownerActorId: alice.actor.id,
    }).actor;
  const garden = community("garden", "public");
  const council = community("council", "private");
  requestMembership(db, { groupId: garden.id, memberId: bob.actor.id });
  requestMembership(db, { groupId: garden.id, memberId: carol.actor.id });
  const topic = composeItem(db, ORIGIN, {
    kind: "topic",
    author: bob.actor,
    groups: [garden],
    title: "Slugs",
    body: "Rude words",
  });
  const secret = composeItem(db, ORIGIN, {
    kind: "topic",
    author: alice.actor,
    groups: [council],
    title: "Budget",
    body: "Members only",
  });
  const remote = remotePerson(db, "lemmy.example", "zed");
  return { db, alice, bob, carol, garden, council, topic, secret, remote };
}

describe("reports", () => {
  it("files a report of a post for the facilitators, resolved when the post is removed", async () => {
    const { db, alice, carol, garden, topic } = await setUp();
    const report = fileReport(db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: topic.id,
      reason: "Abusive",
    });
    expect(report).toMatchObject({ state: "open", targetActorId: topic.authorId });
    expect(
      listReports(db, { groupId: garden.id, state: "open", page: 1, pageSize: 10 }),
    ).toHaveLength(1);
    expect(mayHandleReport(db, report, carol.actor.id)).toBe(false);
    expect(mayHandleReport(db, report, alice.actor.id)).toBe(true);

    removeItem(db, { item: topic, groupId: garden.id, byActorId: alice.actor.id, reason: "Rude" });
    const after = getReport(db, report.id)!;
    expect(after).toMatchObject({
      state: "resolved",
      outcome: "removed",
      decidedById: alice.actor.id,
    });
    expect(reportsBy(db, carol.actor.id)[0]?.state).toBe("resolved");
  });

  it("resolves a member's reports when they are banned", async () => {
    const { db, alice, bob, carol, garden } = await setUp();
    const report = fileReport(db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      targetActorId: bob.actor.id,
      reason: "Spams everyone",
    });
    banMember(db, {
      groupId: garden.id,
      targetId: bob.actor.id,
      byActorId: alice.actor.id,
      reason: "Spam",
      until: null,
      removeContent: false,
    });
    expect(getReport(db, report.id)).toMatchObject({ state: "resolved", outcome: "banned" });
  });

  it("refuses a report without a reason, or of a post the reporter cannot see, and stores nothing", async () => {
    const { db, carol, garden, council, topic, secret } = await setUp();
    expect(() =>
      fileReport(db, {
        reporterId: carol.actor.id,
        groupId: garden.id,
        itemId: topic.id,
        reason: " ",
      }),
    ).toThrow(ValidationError);
    expect(() =>
      fileReport(db, {
        reporterId: carol.actor.id,
        groupId: council.id,
        itemId: secret.id,
        reason: "x",
      }),
    ).toThrow(NotFoundError);
    expect(db.select().from(reports).all()).toHaveLength(0);
  });

  it("lets only a facilitator dismiss, with a note", async () => {
    const { db, alice, carol, garden, topic } = await setUp();
    const report = fileReport(db, {
      reporterId: carol.actor.id,
      groupId: garden.id,
      itemId: topic.id,
      reason: "Wrong",
    });
    expect(() => dismissReport(db, { report, byActorId: carol.actor.id, note: "No" })).toThrow(
      ForbiddenError,
    );
    expect(() => dismissReport(db, { report, byActorId: alice.actor.id, note: "" })).toThrow(
      ValidationError,
    );
    expect(getReport(db, report.id)?.state).toBe("open");
    const done = dismissReport(db, { report, byActorId: alice.actor.id, note: "It is fine" });
    expect(done).toMatchObject({ state: "dismissed", note: "It is fine" });
  });

  it("splits a received Flag into one report per community and takes it only once", async () => {
    const { db, bob, garden, council, topic, secret, remote } = await setUp();
    const flag = {
      reporterId: remote.id,
      fromHost: "lemmy.example",
      activityIri: "https://lemmy.example/activities/flag/1",
      reason: "Look at these",
      itemIds: [topic.id, secret.id],
      personIds: [bob.actor.id],
      groupIds: [],
    };
    const rows = receiveReports(db, flag);
    expect(rows.map((r) => r.groupId).sort()).toEqual([garden.id, council.id].sort());
    expect(receiveReports(db, flag)).toHaveLength(0);
    // A person named alone, addressed to nobody in particular, goes to the administrators.
    const alone = receiveReports(db, {
      ...flag,
      activityIri: "https://lemmy.example/activities/flag/2",
      itemIds: [],
    });
    expect(alone).toMatchObject([{ groupId: null, targetActorId: bob.actor.id }]);
  });

  it("refuses a flood of Flags from one actor", async () => {
    const { db, topic, remote } = await setUp();
    const sender = { reporterId: remote.id, fromHost: "lemmy.example" };
    for (let i = 0; i < FLAGS_PER_ACTOR_PER_HOUR; i++) {
      expect(flagFloodReason(db, sender)).toBeNull();
      receiveReports(db, {
        ...sender,
        activityIri: `https://lemmy.example/activities/flag/${i}`,
        reason: "again",
        itemIds: [topic.id],
        personIds: [],
        groupIds: [],
      });
    }
    expect(flagFloodReason(db, sender)).toContain("from this actor");
    // An hour later the actor may report again.
    expect(flagFloodReason(db, sender, new Date(Date.now() + 3_600_001))).toBeNull();
  });

  it("refuses a flood of Flags from one server spread over many of its actors", async () => {
    const { db, topic } = await setUp();
    // Each actor stays under its own limit; only the server's total trips the second limit.
    const perActor = FLAGS_PER_ACTOR_PER_HOUR - 1;
    const actorsNeeded = Math.ceil(FLAGS_PER_HOST_PER_HOUR / perActor);
    let sent = 0;
    for (let a = 0; a < actorsNeeded; a++) {
      const actor = remotePerson(db, "flood.example", `p${a}`);
      const sender = { reporterId: actor.id, fromHost: "flood.example" };
      for (let i = 0; i < perActor && sent < FLAGS_PER_HOST_PER_HOUR; i++, sent++) {
        expect(flagFloodReason(db, sender)).toBeNull();
        receiveReports(db, {
          ...sender,
          activityIri: `https://flood.example/activities/flag/${a}-${i}`,
          reason: "again",
          itemIds: [topic.id],
          personIds: [],
          groupIds: [],
        });
      }
    }
    const fresh = remotePerson(db, "flood.example", "new");
    // A new actor of the same server is refused; an actor of another server is not.
    expect(flagFloodReason(db, { reporterId: fresh.id, fromHost: "flood.example" })).toContain(
      "from flood.example",
    );
    expect(
      flagFloodReason(db, { reporterId: fresh.id + 1000, fromHost: "lemmy.example" }),
    ).toBeNull();
  });
});
