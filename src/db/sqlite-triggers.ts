import type { Db } from "./client.ts";

/**
 * Creates SQLite triggers if missing, or replaces them all when any differs from its
 * definition here, and then runs `fill` (which brings up to date what they keep for rows
 * written before them), all in one transaction; does nothing when every trigger is current.
 * Drizzle cannot declare triggers, and migrations come only from drizzle-kit, so the triggers
 * keeping copies and counts are made this way at each start (from runMigrations).
 */
export function ensureSqliteTriggers(
  db: Db,
  triggers: Record<string, string>,
  fill: () => void,
): void {
  const sqlite = db.$client;
  const stored = sqlite.prepare(
    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
  );
  const current = Object.entries(triggers).every(
    ([name, sql]) => (stored.pluck().get(name) as string | undefined) === sql,
  );
  if (current) return;
  sqlite.transaction(() => {
    for (const [name, sql] of Object.entries(triggers)) {
      sqlite.exec(`DROP TRIGGER IF EXISTS ${name}`);
      sqlite.exec(sql);
    }
    fill();
  })();
}
