import { describe, expect, it } from "vitest";
import { leaseHolder, leaseLapsed, releaseLease, takeLease } from "../../src/domain/leases.ts";
import { freshDb } from "../helpers/db.ts";

// The lease that makes a scheduled task run in one worker process at a time.

describe("leases", () => {
  it("goes to one of two holders; the other is refused while it runs", () => {
    const db = freshDb();
    expect(takeLease(db, "task:digest", "worker-a", 60_000, 1_000)).toBe(true);
    expect(takeLease(db, "task:digest", "worker-b", 60_000, 2_000)).toBe(false);
    expect(leaseHolder(db, "task:digest", 2_000)).toBe("worker-a");
    // Other names are other leases.
    expect(takeLease(db, "task:news", "worker-b", 60_000, 2_000)).toBe(true);
  });

  it("passes to another holder once it has lapsed (its holder died)", () => {
    const db = freshDb();
    takeLease(db, "task:digest", "worker-a", 60_000, 1_000);
    expect(takeLease(db, "task:digest", "worker-b", 60_000, 60_999)).toBe(false);
    // Lapsed in worker A's hands: the work it covered stopped part-way.
    expect(leaseLapsed(db, "task:digest", "worker-b", 60_999)).toBe(false);
    expect(leaseLapsed(db, "task:digest", "worker-b", 61_000)).toBe(true);
    expect(takeLease(db, "task:digest", "worker-b", 60_000, 61_000)).toBe(true);
    expect(leaseHolder(db, "task:digest", 61_000)).toBe("worker-b");
    // The old holder, waking up, cannot take it back while the new one's lease runs.
    expect(takeLease(db, "task:digest", "worker-a", 60_000, 62_000)).toBe(false);
  });

  it("is renewed by its holder, which keeps it past the first expiry", () => {
    const db = freshDb();
    takeLease(db, "task:news", "worker-a", 60_000, 1_000);
    expect(takeLease(db, "task:news", "worker-a", 60_000, 40_000)).toBe(true);
    // Past the first expiry (61,000) but within the renewed one (100,000).
    expect(takeLease(db, "task:news", "worker-b", 60_000, 80_000)).toBe(false);
    expect(leaseHolder(db, "task:news", 80_000)).toBe("worker-a");
    expect(leaseHolder(db, "task:news", 100_000)).toBeUndefined();
  });

  it("is free at once when released, and only its holder can release it", () => {
    const db = freshDb();
    takeLease(db, "task:digest", "worker-a", 60_000, 1_000);
    releaseLease(db, "task:digest", "worker-b");
    expect(takeLease(db, "task:digest", "worker-b", 60_000, 2_000)).toBe(false);
    releaseLease(db, "task:digest", "worker-a");
    expect(leaseHolder(db, "task:digest", 2_000)).toBeUndefined();
    // Given up, not lapsed: nothing was left part-way.
    expect(leaseLapsed(db, "task:digest", "worker-b", 999_999)).toBe(false);
    expect(takeLease(db, "task:digest", "worker-b", 60_000, 2_000)).toBe(true);
  });
});
