import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/client.ts";
import { runMigrations } from "../../src/db/migrate.ts";

describe("runMigrations", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the schema in a new file and is a no-op the second time", () => {
    dir = mkdtempSync(join(tmpdir(), "copse-migrate-"));
    const path = join(dir, "copse.db");
    const first = openDatabase(path);
    runMigrations(first);
    const tables = first.$client
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(
      expect.arrayContaining(["accounts", "actors", "memberships", "fedify_queue"]),
    );
    first.$client.close();

    const second = openDatabase(path);
    expect(() => runMigrations(second)).not.toThrow();
    expect(second.$client.pragma("journal_mode", { simple: true })).toBe("wal");
    second.$client.close();
  });
});
