import type { Db } from "../../src/db/client.ts";
import { isPostgres } from "../../src/db/dialect.ts";

// A real failure for the tests that check what a half-done run leaves: a trigger that makes
// the database refuse some inserts, as a full disk or a broken row would. Written for the
// database the test runs on.

/**
 * Makes inserts into `table` whose `column` equals `value` fail with `message`; returns a
 * function that removes the trigger.
 */
export function failInsertsWhere(
  db: Db,
  table: string,
  column: string,
  value: string,
  message: string,
): () => void {
  const name = `fail_${table}_${Math.random().toString(36).slice(2, 8)}`;
  const quoted = value.replaceAll("'", "''");
  if (isPostgres(db)) {
    db.$client.exec(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.${column} = '${quoted}' THEN RAISE EXCEPTION '${message}'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ${name} BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    return () => db.$client.exec(`DROP TRIGGER ${name} ON ${table}; DROP FUNCTION ${name}()`);
  }
  db.$client.exec(`CREATE TRIGGER ${name} BEFORE INSERT ON ${table}
    WHEN NEW.${column} = '${quoted}' BEGIN SELECT RAISE(ABORT, '${message}'); END`);
  return () => db.$client.exec(`DROP TRIGGER ${name}`);
}
