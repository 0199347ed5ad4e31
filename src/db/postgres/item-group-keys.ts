import type pg from "pg";
import { quoteIdent } from "./search-index.ts";

/**
 * PostgreSQL's counterpart of src/db/item-group-keys.ts: triggers that keep `item_groups`'
 * copies of each item's sort keys and state in step with `items`, so a community's lists walk
 * that table's indexes on PostgreSQL as on SQLite. A link gets the item's keys as it is made
 * (before insert), and an item's change is copied to all of its links. Idempotent; the caller
 * holds the migration lock (migrate.ts).
 */

/** The copied keys, as assignments from an `items` row named `row`. */
function keysOf(row: string): string {
  return `kind = ${row}.kind, status = ${row}.status, visibility = ${row}.visibility,
    published_at = ${row}.published_at, activity_at = ${row}.activity_at,
    pinned_at = ${row}.pinned_at,
    live = CASE WHEN ${row}.deleted_at IS NULL AND ${row}.removed_at IS NULL THEN 1 ELSE 0 END,
    title_key = lower(${row}.title), author_id = ${row}.author_id`;
}

/** The columns of `items` whose change is copied (the update trigger's column list). */
const WATCHED = `kind, status, visibility, published_at, activity_at, pinned_at,
        deleted_at, removed_at, title, author_id`;

function triggersSql(s: string): string {
  const literal = s.replaceAll("'", "''");
  const ensure = (name: string, table: string, definition: string) => `
  IF NOT EXISTS (SELECT 1 FROM pg_trigger
      WHERE tgrelid = '${literal}.${table}'::regclass AND tgname = '${name}') THEN
    ${definition};
  END IF;`;
  return `
CREATE OR REPLACE FUNCTION ${s}.item_groups_keys_new_link() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  SELECT i.kind, i.status, i.visibility, i.published_at, i.activity_at, i.pinned_at,
      CASE WHEN i.deleted_at IS NULL AND i.removed_at IS NULL THEN 1 ELSE 0 END,
      lower(i.title), i.author_id
    INTO NEW.kind, NEW.status, NEW.visibility, NEW.published_at, NEW.activity_at,
      NEW.pinned_at, NEW.live, NEW.title_key, NEW.author_id
    FROM ${s}.items i WHERE i.id = NEW.item_id;
  RETURN NEW;
END
$fn$;
CREATE OR REPLACE FUNCTION ${s}.item_groups_keys_item_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE ${s}.item_groups SET ${keysOf("NEW")} WHERE item_id = NEW.id;
  RETURN NULL;
END
$fn$;
DO $do$
BEGIN${ensure(
    "item_groups_keys_insert",
    "item_groups",
    `CREATE TRIGGER item_groups_keys_insert BEFORE INSERT ON ${s}.item_groups
      FOR EACH ROW EXECUTE FUNCTION ${s}.item_groups_keys_new_link()`,
  )}${ensure(
    "item_groups_keys_update",
    "items",
    `CREATE TRIGGER item_groups_keys_update
      AFTER UPDATE OF ${WATCHED} ON ${s}.items
      FOR EACH ROW EXECUTE FUNCTION ${s}.item_groups_keys_item_changed()`,
  )}
END
$do$;`;
}

/**
 * Creates the functions and triggers if missing, or replaces the update trigger when it
 * watches other columns than these (a database from before the title and author were copied);
 * when the triggers are new or replaced, fills the copies of the links written before them.
 */
export async function ensurePostgresItemGroupKeys(
  client: pg.ClientBase,
  schema: string,
): Promise<void> {
  const s = quoteIdent(schema);
  const { rows } = await client.query<{ definition: string }>(
    `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger
      WHERE tgrelid = $1::regclass AND tgname = 'item_groups_keys_update'`,
    [`${s}.items`],
  );
  const current = rows[0]?.definition.includes("author_id") === true;
  if (rows.length > 0 && !current)
    await client.query(`DROP TRIGGER item_groups_keys_update ON ${s}.items`);
  await client.query(triggersSql(s));
  if (!current) {
    await client.query(
      `UPDATE ${s}.item_groups g SET ${keysOf("i")} FROM ${s}.items i WHERE i.id = g.item_id`,
    );
  }
}
