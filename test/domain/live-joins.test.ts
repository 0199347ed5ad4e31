import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { items } from "../../src/db/schema/index.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { upsertRemoteActor } from "../../src/domain/actors.ts";
import { currentCursor, furthest, readCursor } from "../../src/domain/live/cursor.ts";
import { activityAfter, latestActivity } from "../../src/domain/live/stream.ts";
import {
  applyRemoteDecision,
  decideMembership,
  recordRemoteRequest,
  requestMembership,
} from "../../src/domain/membership.ts";
import {
  backdate,
  HOUR,
  LIVE_ORIGIN as ORIGIN,
  said,
  liveWorld as setUp,
} from "../helpers/live-world.ts";

// People joining communities in the live stream: who may see which joins, and positions that
// resume exactly although joins are ordered by time rather than by id.

describe("people joining communities", () => {
  /** A remote person, as a Follow from their server would leave them. */
  function remotePerson(db: Db, handle: string, host: string) {
    return upsertRemoteActor(db, {
      iri: `https://${host}/users/${handle}`,
      type: "Person",
      handle,
      host,
      name: handle[0]!.toUpperCase() + handle.slice(1),
      summary: "",
      url: `https://${host}/@${handle}`,
      inboxUrl: null,
      sharedInboxUrl: null,
      followersUrl: null,
      manuallyApprovesFollowers: false,
    });
  }

  it("lists joins of public communities to everyone and of private ones only to their members", async () => {
    const { db, alice, carol, garden, vault } = await setUp();
    const base = Date.now() - HOUR / 2;
    const bob = await createAccount(db, ORIGIN, {
      handle: "bob",
      email: "bob@e.org",
      password: "correct horse",
    });
    const dan = remotePerson(db, "dan", "mastodon.example");
    backdate(db, requestMembership(db, { groupId: garden.id, memberId: dan.id }).id, base + 1);
    // Bob asks to join the private vault: while the request waits, nobody sees anything.
    const request = requestMembership(db, { groupId: vault.id, memberId: bob.actor.id });
    expect(request.state).toBe("pending");
    expect(latestActivity(db, alice.actor.id).entries.map(said)).toEqual([
      "joined Garden dan",
      "joined Garden carol",
    ]);
    decideMembership(db, {
      groupId: vault.id,
      memberId: bob.actor.id,
      byActorId: alice.actor.id,
      approve: true,
    });
    backdate(db, request.id, base + 2);

    const everyone = ["joined Garden dan", "joined Garden carol"];
    const members = ["joined Vault bob", ...everyone];
    expect(latestActivity(db, null).entries.map(said)).toEqual(everyone);
    expect(latestActivity(db, carol.actor.id).entries.map(said)).toEqual(everyone);
    expect(latestActivity(db, alice.actor.id).entries.map(said)).toEqual(members);
    expect(latestActivity(db, bob.actor.id).entries.map(said)).toEqual(members);
    // The founder did not join her own communities, and a remote member is shown as remote.
    const [danJoined] = latestActivity(db, null).entries;
    expect(danJoined).toMatchObject({
      key: `join-${request.id - 1}-${base + 1}`,
      author: { name: "Dan", host: "mastodon.example", isLocal: false },
      group: { handle: "garden", isLocal: true },
      at: new Date(base + 1),
    });
    // A local person joining a community hosted elsewhere is not this instance's news.
    const remoteGroup = upsertRemoteActor(db, {
      ...remotePerson(db, "rivers", "other.test"),
      iri: "https://other.test/groups/rivers",
      type: "Group",
    });
    const away = recordRemoteRequest(db, {
      groupId: remoteGroup.id,
      memberId: carol.actor.id,
      requestIri: "https://copse.test/follows/1",
    });
    applyRemoteDecision(db, away.id, true);
    backdate(db, away.id, base + 3);
    expect(latestActivity(db, carol.actor.id).entries.map(said)).toEqual(everyone);
  });

  it("orders joins by when they happened, so a request let in late is not skipped", async () => {
    const { db, alice, garden, vault } = await setUp();
    // Joins are placed at known times after everything set-up did, `now` moving with them.
    const base = Date.now() + HOUR;
    const person = (handle: string) =>
      createAccount(db, ORIGIN, { handle, email: `${handle}@e.org`, password: "correct horse" });
    const [bob, erin, finn] = await Promise.all([person("bob"), person("erin"), person("finn")]);
    // Bob's request to the vault is stored first, so his membership has the lowest id...
    const bobs = requestMembership(db, { groupId: vault.id, memberId: bob.actor.id });
    const start = currentCursor(db);
    const erins = requestMembership(db, { groupId: garden.id, memberId: erin.actor.id });
    backdate(db, erins.id, base);
    const first = activityAfter(db, alice.actor.id, start, currentCursor(db, base + 1));
    expect(first.map(said)).toEqual(["joined Garden erin"]);
    expect(first[0]!.cursor).toMatchObject({ joinAt: base, joinId: erins.id });

    // ...and he is let in after Erin's join was sent, in the same millisecond as Finn.
    decideMembership(db, {
      groupId: vault.id,
      memberId: bob.actor.id,
      byActorId: alice.actor.id,
      approve: true,
    });
    backdate(db, bobs.id, base + 5);
    const finns = requestMembership(db, { groupId: garden.id, memberId: finn.actor.id });
    backdate(db, finns.id, base + 5);
    const upTo = currentCursor(db, base + 6);
    const later = activityAfter(db, alice.actor.id, first[0]!.cursor, upTo);
    expect(later.map(said)).toEqual(["joined Vault bob", "joined Garden finn"]);
    expect(later.map((e) => e.cursor)).toEqual([
      { ...first[0]!.cursor, joinAt: base + 5, joinId: bobs.id },
      { ...first[0]!.cursor, joinAt: base + 5, joinId: finns.id },
    ]);
    // Resuming between two joins of the same millisecond gives exactly the second.
    expect(activityAfter(db, alice.actor.id, later[0]!.cursor, upTo).map(said)).toEqual([
      "joined Garden finn",
    ]);
    expect(activityAfter(db, alice.actor.id, later[1]!.cursor, upTo)).toEqual([]);
    // Someone who cannot see the vault gets Finn's join with the position after it.
    const outsider = activityAfter(db, null, first[0]!.cursor, upTo);
    expect(outsider.map(said)).toEqual(["joined Garden finn"]);
  });

  it("never counts the current millisecond in the position, where a join may still land", async () => {
    const { db, garden } = await setUp();
    const erin = await createAccount(db, ORIGIN, {
      handle: "erin",
      email: "erin@e.org",
      password: "correct horse",
    });
    const joined = requestMembership(db, { groupId: garden.id, memberId: erin.actor.id });
    const at = joined.decidedAt!.getTime();
    expect(currentCursor(db, at).joinAt).toBe(at - 1);
    expect(currentCursor(db, at + 1).joinAt).toBe(at);
    expect(activityAfter(db, null, currentCursor(db, at - HOUR), currentCursor(db, at))).toEqual(
      [],
    );
    expect(
      activityAfter(db, null, currentCursor(db, at - HOUR), currentCursor(db, at + 1)).map(said),
    ).toEqual(["joined Garden erin"]);
  });

  it("resumes an id written before joins from the time its newest item was stored", async () => {
    const { db, garden, post } = await setUp();
    const topic = post("topic", "Before");
    const storedAt = db
      .select({ at: items.createdAt })
      .from(items)
      .where(eq(items.id, topic.id))
      .get()!.at;
    expect(readCursor(db, `${topic.id}-0`)).toEqual({
      item: topic.id,
      revision: 0,
      joinAt: storedAt.getTime(),
      joinId: 0,
    });
    const erin = await createAccount(db, ORIGIN, {
      handle: "erin",
      email: "erin@e.org",
      password: "correct horse",
    });
    const joined = requestMembership(db, { groupId: garden.id, memberId: erin.actor.id });
    backdate(db, joined.id, storedAt.getTime() + 1);
    post("topic", "After");
    const upTo = currentCursor(db, Date.now() + 1);
    // Carol joined an hour before the topic and is left out; Erin joined after it.
    expect(activityAfter(db, null, readCursor(db, `${topic.id}-0`)!, upTo).map(said)).toEqual([
      "joined Garden erin",
      "created topic After",
    ]);
    expect(readCursor(db, "junk")).toBeNull();
    expect(readCursor(db, "5-1-20-3")).toEqual({ item: 5, revision: 1, joinAt: 20, joinId: 3 });
  });

  it("takes the further of two positions source by source", () => {
    const a = { item: 5, revision: 2, joinAt: 100, joinId: 9 };
    const b = { item: 3, revision: 4, joinAt: 100, joinId: 12 };
    expect(furthest(a, b)).toEqual({ item: 5, revision: 4, joinAt: 100, joinId: 12 });
    expect(furthest(a, { ...b, joinAt: 99, joinId: 50 })).toEqual({
      item: 5,
      revision: 4,
      joinAt: 100,
      joinId: 9,
    });
  });
});
