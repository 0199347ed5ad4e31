// What migrate.ts makes on PostgreSQL beside drizzle-kit's migrations: the full-text tables
// and their triggers (search-index.ts), the triggers keeping item_groups' copies
// (item-group-keys.ts), the tag counts (tag-counts.ts) and the change count (change-counter.ts).
// Once they are all made, migrate.ts marks the database with DERIVED_OBJECTS_MARK (a comment on
// the change count's trigger on `items`, made last). A process starting on a database that
// carries the mark and the newest migration needs neither the migrator's code nor its lock
// (bridge-worker.ts); one without it, an older database included, makes them all again.

/**
 * The mark of the current derived objects. Change its number with any change to what those
 * four modules make, so that every database makes them again at its next start.
 */
export const DERIVED_OBJECTS_MARK = "copse derived objects 1";

/** The SQL that marks the database, in a schema (quoted) where the objects were just made. */
export function markDerivedObjectsSql(quotedSchema: string): string {
  return `COMMENT ON TRIGGER copse_changes ON ${quotedSchema}.items IS '${DERIVED_OBJECTS_MARK}'`;
}

/** The condition, in SQL, that the current search path's database carries the mark. */
export const HAS_DERIVED_OBJECTS_MARK = `EXISTS (SELECT 1 FROM pg_trigger
  WHERE tgname = 'copse_changes' AND tgrelid = to_regclass('items')
    AND obj_description(oid, 'pg_trigger') = '${DERIVED_OBJECTS_MARK}')`;
