import { describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { memoRead, readMemoOpen, rememberReads, withReadMemo } from "../../src/db/read-memo.ts";

describe("reads remembered for one page request", () => {
  const db = openDatabase(":memory:");
  const other = openDatabase(":memory:");

  it("reads each key once inside a window and every time outside one", async () => {
    let reads = 0;
    const read = () => memoRead(db, "k", () => ++reads);
    expect(read()).toBe(1);
    expect(read()).toBe(2);
    await withReadMemo(db, async () => {
      expect(read()).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 1));
      // Still the same window after an await: the request's own reads stay remembered.
      expect(read()).toBe(3);
      expect(memoRead(other, "k", () => "other")).toBe("other");
      expect(memoRead(other, "k", () => "again")).toBe("again");
    });
    expect(read()).toBe(4);
  });

  it("keeps two requests' windows apart though they interleave", async () => {
    const seen: string[] = [];
    const request = (name: string) =>
      withReadMemo(db, async () => {
        memoRead(db, "who", () => name);
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(memoRead(db, "who", () => "fresh"));
      });
    await Promise.all([request("first"), request("second")]);
    expect(seen.sort()).toEqual(["first", "second"]);
  });

  it("takes answers read ahead only while a window is open", () => {
    rememberReads(db, [["ahead", "outside"]]);
    expect(readMemoOpen(db)).toBe(false);
    expect(memoRead(db, "ahead", () => "read")).toBe("read");
    withReadMemo(db, () => {
      expect(readMemoOpen(db)).toBe(true);
      rememberReads(db, [["ahead", "remembered"]]);
      expect(memoRead(db, "ahead", () => "read")).toBe("remembered");
    });
  });
});
