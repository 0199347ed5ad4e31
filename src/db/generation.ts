import { READ_CHANGE_COUNT } from "./change-counter.ts";
import type { Db } from "./client.ts";
import { isPostgres } from "./dialect.ts";
import { READ_POSTGRES_CHANGE_COUNT } from "./postgres/change-counter.ts";
import type { PostgresDatabase } from "./postgres/sync-client.ts";

// A cheap stamp that changes whenever something a page is made of may have changed: a count of
// changes that triggers raise on every table but the bookkeeping ones (the queue, the
// key-value store, leases... whose writes change no page), committed with the change it
// counts (change-counter.ts; on PostgreSQL postgres/change-counter.ts). A value computed from
// the database and stored with the stamp it was computed at is still right while the stamp is
// unchanged, so a cache keyed by it needs no other invalidation.

const counterReads = new WeakMap<object, { get(): unknown } | null>();

/**
 * The database's current change stamp (see above), or null inside a transaction (or given
 * Drizzle's transaction object): a value read there may include writes that are then rolled
 * back, which would take the count back to a number a later, different change reaches again
 * (on PostgreSQL the count moves only at commit), so nothing is kept from inside one.
 */
export function changeStamp(db: Db): string | null {
  // Drizzle's transaction object, which domain code passes where a database goes, has no
  // client of its own: it is a transaction too.
  if (db.$client === undefined) return null;
  if (isPostgres(db)) {
    const client = db.$client as unknown as PostgresDatabase;
    if (client.inTransaction) return null;
    let read = counterReads.get(client);
    if (read === undefined) {
      const hasCounter = client.prepare("SELECT to_regclass('copse_changes') IS NOT NULL").pluck();
      read = hasCounter.get() ? client.prepare(READ_POSTGRES_CHANGE_COUNT).pluck() : null;
      counterReads.set(client, read);
    }
    if (read !== null) return String(read.get());
    // A schema made by other means than the migrator: the write-ahead log's position, which
    // every commit moves, and this connection's own writes.
    const position = client.prepare("SELECT pg_current_wal_lsn()::text").pluck().get();
    return `${position}:${client.changes}`;
  }
  const sqlite = db.$client;
  if (sqlite.inTransaction) return null;
  let read = counterReads.get(sqlite);
  if (read === undefined) {
    // A database never migrated by this version (a test's bare schema) has no counter: every
    // write counts then, as before the counter existed.
    const hasCounter = sqlite
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'copse_changes'")
      .get();
    read = hasCounter ? sqlite.prepare(READ_CHANGE_COUNT).pluck() : null;
    counterReads.set(sqlite, read);
  }
  if (read !== null) return String(read.get());
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
    if (stamp === null) return compute();
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit.value;
    const value = compute();
    cache.delete(key);
    cache.set(key, { stamp, value });
    if (cache.size > maxKeys) cache.delete(cache.keys().next().value as K);
    return value;
  };
}

/**
 * Values by id kept per database until its change stamp moves, for look-ups that a page makes
 * for many ids at once (the authors of a page of posts, their communities): `read` gets the
 * ids not kept and returns a value for each it finds, and an id it finds nothing for is asked
 * again next time. At most `maxIds` are kept, all forgotten at once past that. Values are
 * shared between requests, so keep them frozen.
 */
export function keptByIdUntilChange<V>(
  maxIds: number,
): (db: Db, ids: readonly number[], read: (missing: number[]) => Map<number, V>) => Map<number, V> {
  const byDb = new WeakMap<Db, { stamp: string; values: Map<number, V> }>();
  return (db, ids, read) => {
    const stamp = changeStamp(db);
    if (stamp === null) return read([...new Set(ids)]);
    let kept = byDb.get(db);
    if (kept === undefined || kept.stamp !== stamp) {
      kept = { stamp, values: new Map() };
      byDb.set(db, kept);
    }
    const found = new Map<number, V>();
    const missing: number[] = [];
    for (const id of ids) {
      const value = kept.values.get(id);
      if (value !== undefined) found.set(id, value);
      else if (!found.has(id)) missing.push(id);
    }
    if (missing.length === 0) return found;
    const fresh = read([...new Set(missing)]);
    if (kept.values.size + fresh.size > maxIds) kept.values.clear();
    for (const [id, value] of fresh) {
      kept.values.set(id, value);
      found.set(id, value);
    }
    return found;
  };
}

/**
 * Freezes a value kept for many requests, with every plain object and array inside it, so no
 * request can change what the next is given; dates, maps and other objects are left as they
 * are. Returns the value itself.
 */
export function frozen<T>(value: T): T {
  if (value === null || typeof value !== "object") return value;
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return value;
  for (const inner of Object.values(value)) frozen(inner);
  return Object.freeze(value);
}
