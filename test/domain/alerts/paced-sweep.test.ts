import { count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { alertEntries } from "../../../src/db/schema/index.ts";
import { sweepAlerts, sweepAlertsPaced } from "../../../src/domain/alerts/sweep.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { alertWorld, ORIGIN, SITE } from "./setup.ts";

// The sweep job takes a backlog a batch at a time and lets the server answer requests in
// between (a backlog held a start's first page for minutes); it must record exactly what the
// sweep in one go records, private communities included only for their members.

describe("the paced alert sweep", () => {
  it("records what the one-go sweep records, yielding to other work between batches", async () => {
    const paced = await alertWorld();
    const once = await alertWorld();
    for (const world of [paced, once]) {
      sweepAlerts(world.db, SITE); // the first sweep only notes where things stand
      // More than one batch (200 items) of news, a third of it in the private community.
      for (let i = 0; i < 205; i++) {
        composeItem(world.db, ORIGIN, {
          kind: "topic",
          author: world.alice.actor,
          groups: [i % 3 === 0 ? world.secret : world.garden],
          title: `Topic ${i}`,
          body: "Text.",
        });
      }
    }
    let otherWorkRan = false;
    setImmediate(() => {
      otherWorkRan = true;
    });
    const sweeping = sweepAlertsPaced(paced.db, SITE);
    // Work queued after the sweep started runs before it has finished the backlog.
    const ranBeforeEnd = await Promise.race([
      sweeping.then(() => otherWorkRan),
      new Promise<boolean>((resolve) => setImmediate(() => setImmediate(() => resolve(true)))),
    ]);
    expect(ranBeforeEnd).toBe(true);
    const result = await sweeping;
    expect(result).toEqual(sweepAlerts(once.db, SITE));
    expect(result.entries).toBeGreaterThan(205);

    const entriesOf = (world: typeof paced) =>
      world.db
        .select({ person: alertEntries.personId, subject: alertEntries.subject })
        .from(alertEntries)
        .orderBy(alertEntries.personId, alertEntries.subject)
        .all();
    expect(entriesOf(paced)).toEqual(entriesOf(once));
    // Carol is not in the private community: she is told of none of its topics.
    const carolCount = paced.db
      .select({ n: count() })
      .from(alertEntries)
      .where(eq(alertEntries.personId, paced.carol.actor.id))
      .get()!.n;
    expect(carolCount).toBeLessThan(205);
    // Nothing is left for a second sweep.
    expect(await sweepAlertsPaced(paced.db, SITE)).toEqual({ entries: 0, mails: 0 });
  });
});
