import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";

describe("transactions on a database file shared by several processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "copse-transactions-"));
  const path = join(dir, "copse.db");
  // Two connections stand for two processes (a web and a worker) on one file.
  const first = openDatabase(path);
  const second = openDatabase(path);
  first.$client.exec("CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  first.$client.exec("INSERT INTO counters VALUES ('a', 0)");
  // The other process does not wait, so the test shows who holds the lock at once.
  second.$client.pragma("busy_timeout = 0");
  afterAll(() => {
    first.$client.close();
    second.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the write lock when a transaction that reads and then writes begins", () => {
    const read = first.$client.prepare("SELECT n FROM counters WHERE name = 'a'");
    const write = first.$client.prepare("UPDATE counters SET n = ? WHERE name = 'a'");
    let otherWrite: unknown = "not tried";
    first.$client.transaction(() => {
      const { n } = read.get() as { n: number };
      // Another process writing meanwhile must wait for this transaction, not overtake it
      // (a deferred transaction would let it in, then fail its own write with SQLITE_BUSY).
      try {
        second.$client.prepare("UPDATE counters SET n = 100 WHERE name = 'a'").run();
        otherWrite = "written";
      } catch (error) {
        otherWrite = (error as { code?: string }).code;
      }
      write.run(n + 1);
    })();
    expect(otherWrite).toBe("SQLITE_BUSY");
    expect((read.get() as { n: number }).n).toBe(1);
  });

  it("does the same for Drizzle's transactions, which ask for a deferred one", () => {
    let otherWrite: unknown = "not tried";
    first.transaction(() => {
      first.$client.prepare("SELECT n FROM counters").all();
      try {
        second.$client.prepare("UPDATE counters SET n = 100 WHERE name = 'a'").run();
        otherWrite = "written";
      } catch (error) {
        otherWrite = (error as { code?: string }).code;
      }
      first.$client.prepare("UPDATE counters SET n = n + 1 WHERE name = 'a'").run();
    });
    expect(otherWrite).toBe("SQLITE_BUSY");
    expect((first.$client.prepare("SELECT n FROM counters").get() as { n: number }).n).toBe(2);
  });
});
