import type { Db } from "./client.ts";
import { isPostgres } from "./dialect.ts";
import type { PostgresDatabase } from "./postgres/sync-client.ts";

// A cheap stamp that changes whenever the database may have changed: total_changes() counts
// the rows this connection has inserted, updated or deleted since it opened, and data_version
// changes when another connection (the admin command line, say) commits. A value computed
// from the database and stored with the stamp it was computed at is still right while the
// stamp is unchanged, so a cache keyed by it needs no other invalidation.

/** The database's current change stamp (see above). */
export function changeStamp(db: Db): string {
  if (isPostgres(db)) {
    // On PostgreSQL the write-ahead log's position moves with every commit by any process.
    const client = db.$client as unknown as PostgresDatabase;
    const position = client.prepare("SELECT pg_current_wal_lsn()::text").pluck().get();
    return `${position}:${client.changes}`;
  }
  const sqlite = db.$client;
  const local = sqlite.prepare("SELECT total_changes() AS n").pluck().get() as number;
  const other = sqlite.pragma("data_version", { simple: true }) as number;
  return `${other}:${local}`;
}

/**
 * Remembers the last value computed for each key per database, reused while the database's
 * change stamp stays the same. Keep it to values that depend on nothing but the database and
 * the key (no viewer, no clock), and to a small number of keys.
 */
export function cachedUntilChange<K, V>(maxKeys: number): (db: Db, key: K, compute: () => V) => V {
  const byDb = new WeakMap<Db, Map<K, { stamp: string; value: V }>>();
  return (db, key, compute) => {
    let cache = byDb.get(db);
    if (!cache) {
      cache = new Map();
      byDb.set(db, cache);
    }
    const stamp = changeStamp(db);
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = compute();
    cache.delete(key);
    cache.set(key, { stamp, value });
    if (cache.size > maxKeys) cache.delete(cache.keys().next().value as K);
    return value;
  };
}
