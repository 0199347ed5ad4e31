import type pg from "pg";
import { quoteIdent } from "./search-index.ts";

/**
 * PostgreSQL's counterpart of src/db/tag-counts.ts (read it first): triggers that keep
 * `tag_counts` and `item_groups.cross_posted`, each adding or taking away what one change
 * moves. Two things differ from SQLite:
 * - Row triggers fire after the whole statement here, so a statement putting the same tag on
 *   an item twice (or taking both away) would look like neither the first nor the last; the
 *   taggings' triggers are statement triggers over the rows the statement added or removed.
 * - Several processes write at once. Each trigger first locks the item's row (as an update of
 *   it would), so changes to one item's taggings, links and state are counted one after the
 *   other, each reading what the one before committed (every statement of a function sees the
 *   latest commits at read committed), rather than two of them each missing the other.
 * Idempotent; the caller holds the migration lock (migrate.ts).
 */

/** Whether an `items` row is listed publicly (the rule visibleItemSql has for anyone). */
function siteListed(row: string): string {
  return `(${row}.deleted_at IS NULL AND ${row}.removed_at IS NULL
    AND ${row}.status = 'published' AND ${row}.visibility = 'public')`;
}

/** Whether an `item_groups` row is a listed item of its community. */
const linkListed = (row: string) => `(${row}.live = 1 AND ${row}.status = 'published')`;

/** An `item_groups` row's public-or-not scope, as 1 or 0. */
const isPublic = (row: string) => `CASE WHEN ${row}.visibility = 'public' THEN 1 ELSE 0 END`;

/** The upsert that adds the selected (group_id, is_public, tag_id, item_count) rows. */
function upsert(s: string, select: string): string {
  return `INSERT INTO ${s}.tag_counts (group_id, is_public, tag_id, item_count)
    ${select}
    ON CONFLICT (group_id, is_public, tag_id)
    DO UPDATE SET item_count = ${s}.tag_counts.item_count + EXCLUDED.item_count;`;
}

/**
 * The (item, tag) pairs a taggings statement changed, with what each adds to its item's counts:
 * 1 when the item carries the tag now and did not before the statement, -1 for the reverse.
 * The rows it added and removed (the transition tables; none for a side the event lacks) give
 * how many taggings of the pair there were before from how many there are now.
 */
function changedPairs(s: string, added: boolean, removed: boolean): string {
  const sides = [
    added ? "SELECT item_id, tag_id, 1 AS a, 0 AS r FROM added" : "",
    removed ? "SELECT item_id, tag_id, 0 AS a, 1 AS r FROM removed" : "",
  ].filter(Boolean);
  const now = `(SELECT count(*) FROM ${s}.taggings t WHERE t.item_id = c.item_id AND t.tag_id = c.tag_id)`;
  return `SELECT item_id, tag_id, delta FROM (
      SELECT c.item_id, c.tag_id,
        CASE WHEN ${now} > 0 THEN 1 ELSE 0 END
          - CASE WHEN ${now} - sum(c.a) + sum(c.r) > 0 THEN 1 ELSE 0 END AS delta
      FROM (${sides.join(" UNION ALL ")}) c GROUP BY c.item_id, c.tag_id) d
    WHERE delta <> 0`;
}

/**
 * Adds each changed pair's delta in every scope its item is counted in now. One row per scope
 * and tag (summed), as an upsert may touch each row once; in key order, so concurrent
 * statements lock counts in the same order.
 */
function adjustPairs(s: string, pairs: string): string {
  return upsert(
    s,
    `SELECT sc.group_id, sc.is_public, p.tag_id, sum(p.delta)
    FROM (${pairs}) p CROSS JOIN LATERAL (
      SELECT 0::bigint AS group_id, 1 AS is_public FROM ${s}.items i
        WHERE i.id = p.item_id AND ${siteListed("i")}
      UNION ALL SELECT ig.group_id, ${isPublic("ig")} FROM ${s}.item_groups ig
        WHERE ig.item_id = p.item_id AND ${linkListed("ig")}) sc
    GROUP BY sc.group_id, sc.is_public, p.tag_id ORDER BY 1, 2, 3`,
  );
}

/** Adds `sign` for each tag of an item in one scope. */
function adjustTags(s: string, item: string, group: string, open: string, sign: string): string {
  return upsert(
    s,
    `SELECT ${group}, ${open}, t.tag_id, ${sign}
    FROM (SELECT DISTINCT tag_id FROM ${s}.taggings WHERE item_id = ${item}) t ORDER BY t.tag_id`,
  );
}

/** Locks the rows of the items whose ids `ids` selects (see above). */
const lockItems = (s: string, ids: string) =>
  `PERFORM 1 FROM ${s}.items WHERE id IN (${ids}) ORDER BY id FOR NO KEY UPDATE;`;

function functionsSql(s: string): string {
  const fn = (name: string, body: string) => `
CREATE OR REPLACE FUNCTION ${s}.${name}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
${body}
END
$fn$;`;
  const severalLinks = (item: string) =>
    `(SELECT CASE WHEN count(*) > 1 THEN 1 ELSE 0 END FROM ${s}.item_groups WHERE item_id = ${item})`;
  const markCrossPosted = (item: string) =>
    `UPDATE ${s}.item_groups SET cross_posted = ${severalLinks(item)}
      WHERE item_id = ${item} AND cross_posted IS DISTINCT FROM ${severalLinks(item)};`;
  return [
    ...(
      [
        ["added", true, false],
        ["removed", false, true],
        ["moved", true, true],
      ] as const
    ).map(([name, added, removed]) =>
      fn(
        `tag_counts_taggings_${name}`,
        `${lockItems(s, [added ? "SELECT item_id FROM added" : "", removed ? "SELECT item_id FROM removed" : ""].filter(Boolean).join(" UNION "))}
  ${adjustPairs(s, changedPairs(s, added, removed))}
  RETURN NULL;`,
      ),
    ),
    fn(
      "tag_counts_link_changed",
      `IF TG_OP <> 'INSERT' THEN
    ${lockItems(s, "OLD.item_id")}
    IF ${linkListed("OLD")} THEN
      ${adjustTags(s, "OLD.item_id", "OLD.group_id", isPublic("OLD"), "-1")}
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    ${lockItems(s, "NEW.item_id")}
    IF ${linkListed("NEW")} THEN
      ${adjustTags(s, "NEW.item_id", "NEW.group_id", isPublic("NEW"), "1")}
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN ${markCrossPosted("NEW.item_id")} END IF;
  IF TG_OP = 'DELETE' THEN ${markCrossPosted("OLD.item_id")} END IF;
  RETURN NULL;`,
    ),
    fn(
      "tag_counts_item_changed",
      `${adjustTags(s, "NEW.id", "0", "1", `CASE WHEN ${siteListed("NEW")} THEN 1 ELSE -1 END`)}
  RETURN NULL;`,
    ),
    fn(
      "tag_counts_item_deleting",
      `${upsert(
        s,
        `SELECT sc.group_id, sc.is_public, t.tag_id, -1 FROM (
        SELECT 0::bigint AS group_id, 1 AS is_public WHERE ${siteListed("OLD")}
        UNION ALL SELECT ig.group_id, ${isPublic("ig")} FROM ${s}.item_groups ig
          WHERE ig.item_id = OLD.id AND ${linkListed("ig")}) sc
      CROSS JOIN (SELECT DISTINCT tag_id FROM ${s}.taggings WHERE item_id = OLD.id) t
      ORDER BY 1, 2, 3`,
      )}
  RETURN OLD;`,
    ),
  ].join("\n");
}

/** Each trigger: its name, table and definition. */
function triggers(s: string): [string, string, string][] {
  const link = `${s}.tag_counts_link_changed()`;
  return [
    [
      "tag_counts_taggings_added",
      "taggings",
      `AFTER INSERT ON ${s}.taggings REFERENCING NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.tag_counts_taggings_added()`,
    ],
    [
      "tag_counts_taggings_removed",
      "taggings",
      `AFTER DELETE ON ${s}.taggings REFERENCING OLD TABLE AS removed
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.tag_counts_taggings_removed()`,
    ],
    // Taggings are never moved to another item or tag; should one be, its pair before and
    // after are both counted again.
    [
      "tag_counts_taggings_moved",
      "taggings",
      `AFTER UPDATE ON ${s}.taggings REFERENCING OLD TABLE AS removed NEW TABLE AS added
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.tag_counts_taggings_moved()`,
    ],
    [
      "tag_counts_link_insert",
      "item_groups",
      `AFTER INSERT ON ${s}.item_groups FOR EACH ROW EXECUTE FUNCTION ${link}`,
    ],
    [
      "tag_counts_link_delete",
      "item_groups",
      `AFTER DELETE ON ${s}.item_groups FOR EACH ROW EXECUTE FUNCTION ${link}`,
    ],
    // Every change to an item rewrites its links' copies (item-group-keys.ts); only a change
    // of what is counted, or where, moves counts.
    [
      "tag_counts_link_update",
      "item_groups",
      `AFTER UPDATE OF item_id, group_id, live, status, visibility ON ${s}.item_groups
        FOR EACH ROW WHEN (OLD.item_id IS DISTINCT FROM NEW.item_id
          OR OLD.group_id IS DISTINCT FROM NEW.group_id OR OLD.live IS DISTINCT FROM NEW.live
          OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.visibility IS DISTINCT FROM NEW.visibility)
        EXECUTE FUNCTION ${link}`,
    ],
    [
      "tag_counts_item_update",
      "items",
      `AFTER UPDATE OF status, visibility, deleted_at, removed_at ON ${s}.items
        FOR EACH ROW WHEN (${siteListed("OLD")} IS DISTINCT FROM ${siteListed("NEW")})
        EXECUTE FUNCTION ${s}.tag_counts_item_changed()`,
    ],
    // Made last: bridge-worker.ts tells by it that the tag counts' objects are all there.
    // A deleted item's counts all go before it does, in every scope. Its taggings and links
    // go by the foreign keys' cascades, whose row triggers PostgreSQL fires only once the
    // whole deletion is done (ri_triggers.c runs them with fire_triggers off): by then the
    // taggings' trigger finds no links left and the links' trigger no taggings, so neither
    // can take the item's counts away, nor takes them twice.
    [
      "tag_counts_item_delete",
      "items",
      `BEFORE DELETE ON ${s}.items FOR EACH ROW
        EXECUTE FUNCTION ${s}.tag_counts_item_deleting()`,
    ],
  ];
}

/** Counts everything afresh: what the triggers keep, for rows written before they existed. */
function fillSql(s: string): string {
  return `DELETE FROM ${s}.tag_counts;
INSERT INTO ${s}.tag_counts (group_id, is_public, tag_id, item_count)
  SELECT 0, 1, tg.tag_id, count(DISTINCT tg.item_id) FROM ${s}.taggings tg
    JOIN ${s}.items i ON i.id = tg.item_id WHERE ${siteListed("i")} GROUP BY tg.tag_id
  UNION ALL
  SELECT ig.group_id, ${isPublic("ig")}, tg.tag_id, count(DISTINCT tg.item_id)
    FROM ${s}.taggings tg JOIN ${s}.item_groups ig ON ig.item_id = tg.item_id
    WHERE ${linkListed("ig")} GROUP BY 1, 2, 3;
UPDATE ${s}.item_groups SET cross_posted = CASE WHEN item_id IN (
    SELECT item_id FROM ${s}.item_groups GROUP BY item_id HAVING count(*) > 1) THEN 1 ELSE 0 END;`;
}

/**
 * Creates or replaces the functions, creates the triggers that are missing and, when any
 * was, counts what was written before them (the first start after upgrading).
 */
export async function ensurePostgresTagCounts(
  client: pg.ClientBase,
  schema: string,
): Promise<void> {
  const s = quoteIdent(schema);
  await client.query(functionsSql(s));
  let missing = false;
  for (const [name, table, definition] of triggers(s)) {
    const { rowCount } = await client.query(
      "SELECT 1 FROM pg_trigger WHERE tgrelid = $1::regclass AND tgname = $2",
      [`${s}.${table}`, name],
    );
    if (rowCount) continue;
    missing = true;
    await client.query(`CREATE TRIGGER ${name} ${definition}`);
  }
  if (missing) await client.query(fillSql(s));
}
