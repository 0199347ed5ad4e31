import type { Db } from "./client.ts";
import { ensureSqliteTriggers } from "./sqlite-triggers.ts";

/**
 * `tag_counts` holds how many listed items carry each tag: the whole site's public items
 * (group 0, what anyone sees) and, per community, its public items and its others (what its
 * members alone see), from the community's copies of its items' state in `item_groups`
 * (item-group-keys.ts). `item_groups.cross_posted` marks the links of items that are in
 * several communities, so a tag cloud finds the few it must not count twice from an index.
 * Counting these afresh read every tagging of the instance (70-100 ms for a community at
 * 1,000,000 items), once per change to the database, which on a busy instance is nearly every
 * view. Triggers keep them instead, whatever code writes, each adding or taking away the
 * change one row makes: a tagging counts once per item however many people put the same tag
 * on it, so only the first tagging of an item with a tag adds and only the last one taken
 * away subtracts. Every trigger works from the rows as they are when it runs, so the order
 * in which cascades delete an item's taggings and links does not matter: whichever goes first
 * takes the item's counts away, and the other finds nothing left to take. The whole site's
 * counts read the item row, which a deletion's cascade no longer sees, so they are taken away
 * before an item is deleted (PostgreSQL, whose cascades run later, differs: see
 * postgres/tag-counts.ts). Rows falling to zero are kept (there is one per tag and scope
 * ever used) and skipped when read, which spares each trigger a delete.
 */

/** Whether an `items` row is listed publicly (the rule visibleItemSql has for anyone). */
function siteListed(row: string): string {
  return `(${row}.deleted_at IS NULL AND ${row}.removed_at IS NULL
        AND ${row}.status = 'published' AND ${row}.visibility = 'public')`;
}

/** Whether an `item_groups` row is a listed item of its community. */
function linkListed(row: string): string {
  return `(${row}.live = 1 AND ${row}.status = 'published')`;
}

/** An `item_groups` row's scope: its community, public items or the others. */
function linkScope(row: string): string {
  return `SELECT ${row}.group_id AS group_id,
        CASE WHEN ${row}.visibility = 'public' THEN 1 ELSE 0 END AS is_public`;
}

/** Every scope an item is counted in now: the site's when public, and each listed link's. */
function scopesOf(item: string): string {
  return `SELECT 0 AS group_id, 1 AS is_public FROM items i
        WHERE i.id = ${item} AND ${siteListed("i")}
      UNION ALL ${linkScope("ig")} FROM item_groups ig
        WHERE ig.item_id = ${item} AND ${linkListed("ig")}`;
}

/** The distinct tags an item carries now. */
function tagsOf(item: string): string {
  return `SELECT DISTINCT tag_id FROM taggings WHERE item_id = ${item}`;
}

/** Adds `delta` to each tag's count in each scope, when `condition` holds. */
function adjust(scopes: string, tags: string, delta: string, condition = "true"): string {
  return `INSERT INTO tag_counts (group_id, is_public, tag_id, item_count)
        SELECT s.group_id, s.is_public, t.tag_id, ${delta} FROM (${scopes}) s, (${tags}) t
        WHERE ${condition}
        ON CONFLICT (group_id, is_public, tag_id)
        DO UPDATE SET item_count = item_count + excluded.item_count;`;
}

/** How many taggings put a tag on an item (several people may have). */
const taggers = (row: string) =>
  `(SELECT count(*) FROM taggings WHERE item_id = ${row}.item_id AND tag_id = ${row}.tag_id)`;

/** Sets the cross-post mark of an item's links, where it changes. */
function markCrossPosted(item: string): string {
  const several = `(SELECT count(*) > 1 FROM item_groups WHERE item_id = ${item})`;
  return `UPDATE item_groups SET cross_posted = ${several}
        WHERE item_id = ${item} AND cross_posted IS NOT ${several};`;
}

const TRIGGERS: Record<string, string> = {
  tag_counts_tagging_insert: `CREATE TRIGGER tag_counts_tagging_insert AFTER INSERT ON taggings
      WHEN ${taggers("new")} = 1 BEGIN
        ${adjust(scopesOf("new.item_id"), "SELECT new.tag_id AS tag_id", "1")}
      END`,
  tag_counts_tagging_delete: `CREATE TRIGGER tag_counts_tagging_delete AFTER DELETE ON taggings
      WHEN ${taggers("old")} = 0 BEGIN
        ${adjust(scopesOf("old.item_id"), "SELECT old.tag_id AS tag_id", "-1")}
      END`,
  // Taggings are never moved to another item or tag; should one be, it counts as taken from
  // the first and put on the second.
  tag_counts_tagging_update: `CREATE TRIGGER tag_counts_tagging_update
      AFTER UPDATE OF item_id, tag_id ON taggings
      WHEN old.item_id IS NOT new.item_id OR old.tag_id IS NOT new.tag_id BEGIN
        ${adjust(scopesOf("old.item_id"), "SELECT old.tag_id AS tag_id", "-1", `${taggers("old")} = 0`)}
        ${adjust(scopesOf("new.item_id"), "SELECT new.tag_id AS tag_id", "1", `${taggers("new")} = 1`)}
      END`,
  tag_counts_link_insert: `CREATE TRIGGER tag_counts_link_insert AFTER INSERT ON item_groups
      BEGIN
        ${adjust(linkScope("new"), tagsOf("new.item_id"), "1", linkListed("new"))}
        ${markCrossPosted("new.item_id")}
      END`,
  tag_counts_link_delete: `CREATE TRIGGER tag_counts_link_delete AFTER DELETE ON item_groups
      BEGIN
        ${adjust(linkScope("old"), tagsOf("old.item_id"), "-1", linkListed("old"))}
        ${markCrossPosted("old.item_id")}
      END`,
  // Every change to an item rewrites its links' copies (item-group-keys.ts); only a change
  // of what is counted, or where, moves counts.
  tag_counts_link_update: `CREATE TRIGGER tag_counts_link_update
      AFTER UPDATE OF item_id, group_id, live, status, visibility ON item_groups
      WHEN old.item_id IS NOT new.item_id OR old.group_id IS NOT new.group_id
        OR old.live IS NOT new.live OR old.status IS NOT new.status
        OR old.visibility IS NOT new.visibility BEGIN
        ${adjust(linkScope("old"), tagsOf("old.item_id"), "-1", linkListed("old"))}
        ${adjust(linkScope("new"), tagsOf("new.item_id"), "1", linkListed("new"))}
      END`,
  tag_counts_item_update: `CREATE TRIGGER tag_counts_item_update
      AFTER UPDATE OF status, visibility, deleted_at, removed_at ON items
      WHEN ${siteListed("old")} <> ${siteListed("new")} BEGIN
        ${adjust(
          "SELECT 0 AS group_id, 1 AS is_public",
          tagsOf("new.id"),
          `CASE WHEN ${siteListed("new")} THEN 1 ELSE -1 END`,
        )}
      END`,
  tag_counts_item_delete: `CREATE TRIGGER tag_counts_item_delete BEFORE DELETE ON items
      WHEN ${siteListed("old")} BEGIN
        ${adjust("SELECT 0 AS group_id, 1 AS is_public", tagsOf("old.id"), "-1")}
      END`,
};

/** Counts everything afresh: what the triggers keep, for rows written before they existed. */
const FILL_TAG_COUNTS = [
  "DELETE FROM tag_counts",
  `INSERT INTO tag_counts (group_id, is_public, tag_id, item_count)
    SELECT 0, 1, tg.tag_id, count(DISTINCT tg.item_id) FROM taggings tg
      JOIN items i ON i.id = tg.item_id WHERE ${siteListed("i")} GROUP BY tg.tag_id
    UNION ALL
    SELECT ig.group_id, CASE WHEN ig.visibility = 'public' THEN 1 ELSE 0 END, tg.tag_id,
        count(DISTINCT tg.item_id)
      FROM taggings tg JOIN item_groups ig ON ig.item_id = tg.item_id
      WHERE ${linkListed("ig")}
      GROUP BY ig.group_id, CASE WHEN ig.visibility = 'public' THEN 1 ELSE 0 END, tg.tag_id`,
  `UPDATE item_groups SET cross_posted = CASE WHEN item_id IN (
      SELECT item_id FROM item_groups GROUP BY item_id HAVING count(*) > 1) THEN 1 ELSE 0 END`,
];

/**
 * Creates the triggers if missing (or replaces them when they differ from these), then counts
 * what was written before them, once: the first start after upgrading.
 */
export function ensureTagCounts(db: Db): void {
  ensureSqliteTriggers(db, TRIGGERS, () => {
    for (const statement of FILL_TAG_COUNTS) db.$client.exec(statement);
  });
}
