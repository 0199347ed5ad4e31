import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alertNews, mailOutbox, scheduledTasks } from "../../../src/db/schema/index.ts";
import { sendDigests } from "../../../src/domain/alerts/digest.ts";
import { setFrequency } from "../../../src/domain/alerts/settings.ts";
import { SWEEP_TASK, sweepAlerts } from "../../../src/domain/alerts/sweep.ts";
import { communityTopic } from "../../../src/domain/alerts/topics.ts";
import type { ItemRow } from "../../../src/domain/items.ts";
import { createWikiPage, editWikiPage, latestRevision } from "../../../src/domain/wiki/wiki.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

type World = Awaited<ReturnType<typeof alertWorld>>;
type Person = World["alice"];

function newPage(world: World, group: "garden" | "secret", title: string, body: string) {
  return createWikiPage(world.db, ORIGIN, {
    author: world.alice.actor,
    group: world[group],
    title,
    body,
  });
}

function edit(world: World, page: ItemRow, editor: Person, body: string, reason: string) {
  return editWikiPage(world.db, page, {
    editor: editor.actor,
    title: page.title!,
    body,
    reason,
    related: [],
    baseRevision: latestRevision(world.db, page.id)!.number,
  });
}

/** What people are to be told, as "handle subject" lines, sorted. */
function entriesOf(world: World): string[] {
  return alertsOf(world.db, [world.alice, world.bob, world.carol, world.eve]).map((line) => {
    const [handle, , subject] = line.split(" ");
    return `${handle} ${subject}`;
  });
}

/** The topics of what people are to be told. */
function topicsOf(world: World): Set<string> {
  return new Set(
    alertsOf(world.db, [world.alice, world.bob, world.carol, world.eve]).map(
      (line) => line.split(" ")[1]!,
    ),
  );
}

describe("alerts for wiki edits", () => {
  it("tells members of each edit once, but not the editor, and the new page only once", async () => {
    const world = await alertWorld();
    const { db, alice, bob } = world;
    sweepAlerts(db, SITE);
    const { page } = newPage(world, "garden", "Potholes", "Report them to the council.");
    sweepAlerts(db, SITE);
    // The new page is news as an item; its first revision is not an edit on top of that.
    expect(entriesOf(world)).toEqual([`bob item:${page.id}`, `carol item:${page.id}`]);

    const first = edit(world, page, bob, "Report them on the council website.", "New link");
    const second = edit(world, page, alice, "Report them online or by phone.", "Phone number");
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([
      `alice revision:${first.revision.id}`,
      `bob item:${page.id}`,
      `bob revision:${second.revision.id}`,
      `carol item:${page.id}`,
      `carol revision:${first.revision.id}`,
      `carol revision:${second.revision.id}`,
    ]);
    expect(topicsOf(world)).toEqual(new Set([communityTopic(world.garden.id, "wiki")]));
    expect(sweepAlerts(db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
  });

  it("keeps edits in a private community's wiki to its members", async () => {
    const world = await alertWorld();
    const { db, bob } = world;
    sweepAlerts(db, SITE);
    const { page } = newPage(world, "secret", "Budget", "Draft figures.");
    sweepAlerts(db, SITE);
    const edited = edit(world, page, bob, "Final figures.", "Agreed at the meeting");
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([
      `alice revision:${edited.revision.id}`,
      `bob item:${page.id}`,
    ]);
  });

  it("says who edited which page and why, in digests and immediate mails", async () => {
    const world = await alertWorld();
    const { db, alice, bob, carol, garden } = world;
    sweepAlerts(db, SITE);
    const { page } = newPage(world, "garden", "Potholes", "Report them.");
    sweepAlerts(db, SITE);
    sendDigests(db, SITE, "daily");
    db.delete(mailOutbox).run();
    setFrequency(db, alice.actor.id, communityTopic(garden.id, "wiki"), "immediate");

    edit(world, page, bob, "Report them **online** & by <phone>.", "Added <phone> & web");
    expect(sweepAlerts(db, SITE).mails).toBe(1);
    const [immediate] = db.select().from(mailOutbox).all();
    expect(immediate!.toAddress).toBe(alice.email);
    expect(immediate!.subject).toBe("Garden: Bob edited the page “Potholes”");
    const link = `${ORIGIN}/c/garden/wiki/${page.id}/diff?from=1&to=2`;
    expect(immediate!.text).toContain(
      `* Bob edited the page “Potholes”: Added <phone> & web\n  Report them online & by .\n  ${link}`,
    );
    expect(immediate!.html).toContain(
      `Bob edited the page <a href="${link.replace("&", "&amp;")}">Potholes</a>: Added &lt;phone&gt; &amp; web`,
    );

    sendDigests(db, SITE, "daily");
    const digest = db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, carol.email)).get();
    expect(digest!.text).toContain("* Bob edited the page “Potholes”: Added <phone> & web");
    expect(digest!.text).toContain("Report them online & by .");
  });

  it("starts an older cursor without wiki edits at the present, not at the first edit", async () => {
    const world = await alertWorld();
    const { db, bob } = world;
    sweepAlerts(db, SITE);
    const { page } = newPage(world, "garden", "Potholes", "Report them.");
    sweepAlerts(db, SITE);
    edit(world, page, bob, "Report them online.", "Before the upgrade");
    // The cursor as the first version of the sweep wrote it, before it followed wiki edits.
    const cursor = JSON.parse(
      db.select().from(scheduledTasks).where(eq(scheduledTasks.name, SWEEP_TASK)).get()!.cursor!,
    );
    delete cursor.revisions;
    delete cursor.requests;
    db.update(scheduledTasks)
      .set({ cursor: JSON.stringify(cursor) })
      .where(eq(scheduledTasks.name, SWEEP_TASK))
      .run();
    db.delete(alertNews).run();

    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([]);
    const after = edit(world, page, bob, "Report them online or by phone.", "After the upgrade");
    sweepAlerts(db, SITE);
    expect(entriesOf(world)).toEqual([
      `alice revision:${after.revision.id}`,
      `carol revision:${after.revision.id}`,
    ]);
  });
});
