import { describe, expect, it } from "vitest";
import { LiveHub } from "../../src/web/live-hub.ts";
import { liveWorld } from "../helpers/live-world.ts";

// The poller behind every live stream of a process, woken early by a worker's wake-up (the
// queue on PostgreSQL, src/federation/live-wakeup.ts) instead of waiting for its next poll.

describe("LiveHub with wake-ups", () => {
  it("tells its listeners at a wake-up, long before its next poll, and stops listening when they go", async () => {
    const { db, post } = await liveWorld();
    let wake: (() => void) | undefined;
    let unsubscribed = false;
    const wakeups = {
      subscribe: async (w: () => void) => {
        wake = w;
        return () => {
          unsubscribed = true;
        };
      },
    };
    // An hour between polls: only the wake-up can tell the listener in this test.
    const hub = new LiveHub(db, 3_600_000, wakeups);
    let told = 0;
    const stop = hub.subscribe(() => {
      told++;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(wake).toBeDefined();

    // A wake-up with nothing new stored tells nobody; one after a post does.
    wake!();
    expect(told).toBe(0);
    post("topic", "Compost rota");
    wake!();
    expect(told).toBe(1);

    stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(unsubscribed).toBe(true);
  });
});
