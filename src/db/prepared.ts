import { type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { Db } from "./client.ts";

// Drizzle builds a query's SQL text afresh on every call, walking the table's columns and
// their types: about 150-350 µs for a one-row look-up by id, against 10 µs to run the same
// statement once it is prepared (measured on the page benchmark's database). The look-ups
// every page makes many times (an item, an actor, an item's communities) are therefore
// prepared once per database with placeholders and reused.

/**
 * Wraps a function that builds a Drizzle prepared query, so each database handle builds it
 * once and every later call reuses it. A transaction handle is its own key, so a query run
 * inside a transaction runs on that transaction's session.
 */
export function preparedQuery<Q>(build: (db: Db) => Q): (db: Db) => Q {
  const built = new WeakMap<Db, Q>();
  return (db) => {
    let query = built.get(db);
    if (query === undefined) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}

/**
 * `column IN (the ids bound as a JSON array under ids)`: one prepared statement serves lists
 * of any length, where drizzle's inArray writes a new statement for each length.
 */
export function inIdList(column: SQLWrapper): SQL {
  return sql`${column} IN (SELECT value FROM json_each(${sql.placeholder("ids")}))`;
}
