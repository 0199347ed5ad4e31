import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alertEntries, mailOutbox, scheduledTasks } from "../../../src/db/schema/index.ts";
import { sendDigests } from "../../../src/domain/alerts/digest.ts";
import { setFrequency } from "../../../src/domain/alerts/settings.ts";
import { SWEEP_TASK, sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import {
  decideMembership,
  leaveGroup,
  type Membership,
  requestMembership,
} from "../../../src/domain/membership.ts";
import { alertWorld, SITE } from "./setup.ts";

type World = Awaited<ReturnType<typeof alertWorld>>;

/** Alice's entries about membership requests, as their subjects. */
function requestSubjects(world: World): string[] {
  return world.db
    .select()
    .from(alertEntries)
    .where(eq(alertEntries.personId, world.alice.actor.id))
    .all()
    .map((e) => e.subject);
}

function subjectOf(request: Membership): string {
  return `membership:${request.id}:${request.requestedAt!.getTime()}`;
}

function ask(world: World, who: "bob" | "carol"): Membership {
  return requestMembership(world.db, { groupId: world.secret.id, memberId: world[who].actor.id });
}

function reject(world: World, who: "bob" | "carol"): void {
  decideMembership(world.db, {
    groupId: world.secret.id,
    memberId: world[who].actor.id,
    byActorId: world.alice.actor.id,
    approve: false,
  });
}

describe("alerts for repeated membership requests", () => {
  it("tells facilitators again when someone asks again after a rejection", async () => {
    const world = await alertWorld();
    const { db } = world;
    // Alice chose a daily digest for requests, so that one digest can show what it names.
    setFrequency(db, world.alice.actor.id, communityTopic(world.secret.id, "requests"), "daily");
    sweepAlerts(db, SITE);
    const first = ask(world, "carol");
    sweepAlerts(db, SITE);
    reject(world, "carol");
    const second = ask(world, "carol");
    // The same row is reused, which the sweep's first version, following ids, missed.
    expect(second.id).toBe(first.id);
    expect(sweepAlerts(db, SITE).entries).toBe(1);
    expect(requestSubjects(world)).toEqual([subjectOf(first), subjectOf(second)]);

    // The digest names the request once: the entry for the rejected one is spent.
    expect(sendDigests(db, SITE, "daily").mails).toBe(1);
    const [digest] = db.select().from(mailOutbox).all();
    expect(digest!.toAddress).toBe(world.alice.email);
    expect(digest!.text.split("Carol asked to join")).toHaveLength(2);
    expect(digest!.subject).toBe("Your daily digest from Copse Test: 1 new");
  });

  it("does not tell them again when a pending request is merely resent", async () => {
    const world = await alertWorld();
    sweepAlerts(world.db, SITE);
    const first = ask(world, "carol");
    sweepAlerts(world.db, SITE);
    const resent = ask(world, "carol");
    expect(resent.requestedAt).toEqual(first.requestedAt);
    expect(sweepAlerts(world.db, SITE).entries).toBe(0);
    expect(requestSubjects(world)).toEqual([subjectOf(first)]);
  });

  it("tells them when a member who left asks to come back", async () => {
    const world = await alertWorld();
    sweepAlerts(world.db, SITE);
    leaveGroup(world.db, world.secret.id, world.bob.actor.id);
    const again = ask(world, "bob");
    sweepAlerts(world.db, SITE);
    expect(requestSubjects(world)).toEqual([subjectOf(again)]);
  });

  it("starts an older cursor without request times at the present", async () => {
    const world = await alertWorld();
    const { db } = world;
    sweepAlerts(db, SITE);
    // A request made before the upgrade, still pending: it is old news.
    const before = ask(world, "carol");
    // A cursor the first version of the sweep wrote: it followed membership ids.
    db.update(scheduledTasks)
      .set({ cursor: JSON.stringify({ items: 0, messages: 0, memberships: 99, drafts: [] }) })
      .where(eq(scheduledTasks.name, SWEEP_TASK))
      .run();
    sweepAlerts(db, SITE);
    expect(requestSubjects(world)).toEqual([]);
    reject(world, "carol");
    const after = ask(world, "carol");
    sweepAlerts(db, SITE);
    expect(requestSubjects(world)).toEqual([subjectOf(after)]);
    expect(after.id).toBe(before.id);
  });
});
