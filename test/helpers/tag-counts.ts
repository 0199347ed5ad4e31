import { visibleItemSql } from "../../src/domain/visible-items.ts";

// The tag counts the triggers keep (src/db/tag-counts.ts), and the same counted afresh from
// the items themselves (not item_groups' copies of their state), as rows of (group_id,
// is_public, tag_id, item_count) in one order, for tests to compare on either database.

/** The kept counts, zeros left out (the triggers keep rows that fell to zero). */
export const KEPT_TAG_COUNTS = `SELECT group_id, is_public, tag_id, item_count FROM tag_counts
  WHERE item_count <> 0 ORDER BY group_id, is_public, tag_id`;

/** The whole site's public counts and each community's, counted afresh. */
export const FRESH_TAG_COUNTS = `SELECT group_id, is_public, tag_id, item_count FROM (
    SELECT 0 AS group_id, 1 AS is_public, tg.tag_id, COUNT(DISTINCT tg.item_id) AS item_count
    FROM taggings tg JOIN items i ON i.id = tg.item_id
    WHERE ${visibleItemSql("i", "-1")} GROUP BY tg.tag_id
    UNION ALL
    SELECT ig.group_id, CASE WHEN i.visibility = 'public' THEN 1 ELSE 0 END, tg.tag_id,
      COUNT(DISTINCT tg.item_id)
    FROM taggings tg JOIN item_groups ig ON ig.item_id = tg.item_id
    JOIN items i ON i.id = ig.item_id
    WHERE i.deleted_at IS NULL AND i.removed_at IS NULL AND i.status = 'published'
    GROUP BY ig.group_id, CASE WHEN i.visibility = 'public' THEN 1 ELSE 0 END, tg.tag_id) c
  ORDER BY group_id, is_public, tag_id`;
