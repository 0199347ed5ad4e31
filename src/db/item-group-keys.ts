import type { Db } from "./client.ts";
import { ensureSqliteTriggers } from "./sqlite-triggers.ts";

/**
 * `item_groups` carries copies of each item's sort keys and state (kind, status, visibility,
 * published_at, activity_at, pinned_at, whether it is live, its lower-cased title and its
 * author), so that a community's newest
 * items, its forum topics and its tag cloud come from walking indexes of that table and never
 * read the wide `items` rows. Without them every such list joined each of the community's
 * items to its row and sorted them all: linear in the community's size. Triggers keep the
 * copies in step with `items` whatever code writes (the application, the benchmarks' direct
 * SQL, an import), which application code could not promise. Drizzle cannot declare triggers,
 * and migrations come only from drizzle-kit, so they are created here at start-up
 * (idempotently, from runMigrations), as the search index's are.
 */

/** The copied keys, as SQL over an `items` row named by `row` (`new` in a trigger). */
function keysOf(row: string): string {
  return `kind = ${row}.kind, status = ${row}.status, visibility = ${row}.visibility,
        published_at = ${row}.published_at, activity_at = ${row}.activity_at,
        pinned_at = ${row}.pinned_at,
        live = (${row}.deleted_at IS NULL AND ${row}.removed_at IS NULL),
        title_key = lower(${row}.title), author_id = ${row}.author_id`;
}

const TRIGGERS: Record<string, string> = {
  item_groups_keys_insert: `CREATE TRIGGER item_groups_keys_insert AFTER INSERT ON item_groups BEGIN
        UPDATE item_groups SET ${keysOf("i")}
        FROM items i
        WHERE i.id = new.item_id AND item_groups.item_id = new.item_id
          AND item_groups.group_id = new.group_id;
      END`,
  item_groups_keys_update: `CREATE TRIGGER item_groups_keys_update
      AFTER UPDATE OF kind, status, visibility, published_at, activity_at, pinned_at,
        deleted_at, removed_at, title, author_id
      ON items BEGIN
        UPDATE item_groups SET ${keysOf("new")} WHERE item_id = new.id;
      END`,
};

/**
 * Creates the triggers if missing (or replaces them when they copy other columns than these),
 * then fills the copies of rows written before they existed.
 */
export function ensureItemGroupKeys(db: Db): void {
  ensureSqliteTriggers(db, TRIGGERS, () =>
    db.$client.exec(
      `UPDATE item_groups SET ${keysOf("i")} FROM items i WHERE i.id = item_groups.item_id`,
    ),
  );
}
