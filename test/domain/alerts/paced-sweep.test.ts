import { describe, expect, it } from "vitest";
import { sweepAlerts, sweepAlertsPaced } from "../../../src/domain/alerts/sweep.ts";
import { composeItem } from "../../../src/domain/items.ts";
import { alertsOf, alertWorld, ORIGIN, SITE } from "./setup.ts";

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
    // One row of news per topic, whoever hears of it.
    expect(result.news).toBe(205);

    const toldOf = (world: typeof paced) =>
      alertsOf(world.db, [world.alice, world.bob, world.carol, world.eve]);
    expect(toldOf(paced)).toEqual(toldOf(once));
    // Carol is not in the private community: she is told of none of its topics.
    const carolCount = toldOf(paced).filter((line) => line.startsWith("carol ")).length;
    expect(carolCount).toBe(205 - 69);
    // Nothing is left for a second sweep.
    expect(await sweepAlertsPaced(paced.db, SITE)).toEqual({ entries: 0, news: 0, mails: 0 });
  });
});
