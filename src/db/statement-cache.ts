import type Database from "better-sqlite3";

// Drizzle's better-sqlite3 driver calls `prepare` for every query it runs, and better-sqlite3
// frees a statement's native memory only when the database is closed, not when the statement
// object is garbage collected. A long-running server, or one alert sweep writing a million
// entries, therefore grows by a few kilobytes per query without bound (measured by
// `npm run bench -- alerts`; see drizzle-team/drizzle-orm#5405). Reusing one statement per SQL
// text stops the growth and saves the cost of compiling the same SQL again.

/**
 * How many distinct SQL texts keep a statement. Beyond it the least recently used is let go
 * (its memory, like any statement's, comes back when the database closes), so SQL whose text
 * varies, such as IN lists of different lengths, costs no more than it did without the cache.
 */
const DEFAULT_CAPACITY = 2_000;

/**
 * Makes `sqlite.prepare` hand back one reusable statement per SQL text. A statement's modes
 * (raw, pluck, expand) outlive the call that set them, so they are reset on every reuse; a
 * statement still busy with an open iterator is never shared, a fresh one is made instead.
 */
export function reuseStatements(sqlite: Database.Database, capacity = DEFAULT_CAPACITY): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  const cached = (source: string): Database.Statement => {
    const found = cache.get(source);
    if (found && !found.busy) {
      // Moved to the end of the map, which keeps it in least-recently-used order.
      cache.delete(source);
      cache.set(source, found);
      if (found.reader) found.raw(false).pluck(false).expand(false);
      return found;
    }
    if (found) return prepare(source);
    const statement = prepare(source);
    cache.set(source, statement);
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return statement;
  };
  sqlite.prepare = cached as typeof sqlite.prepare;
}
