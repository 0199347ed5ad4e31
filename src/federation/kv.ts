import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type { Statement } from "better-sqlite3";
import type { Db } from "../db/client.ts";

/** How often, at most, a write also sweeps every expired entry out of the table. */
const PURGE_INTERVAL_MS = 60_000;

/** Converts a Temporal duration to whole milliseconds, resolving months and years from now. */
export function durationToMilliseconds(duration: Temporal.Duration): number {
  // Days, hours and smaller units have a fixed length, but months and years do not, and
  // Temporal refuses to total them without a starting point; "now" in UTC is the one we mean.
  const calendarUnits = duration.years !== 0 || duration.months !== 0 || duration.weeks !== 0;
  const total = calendarUnits
    ? duration.total({
        unit: "millisecond",
        relativeTo: globalThis.Temporal.Now.zonedDateTimeISO("UTC"),
      })
    : duration.total({ unit: "millisecond" });
  return Math.round(total);
}

interface KvRow {
  key: string;
  value: string;
  expires_at: number | null;
}

/**
 * Fedify's key-value store kept in the `fedify_kv` table. Keys are stored as their JSON
 * encoding, which lets a prefix query be a plain range scan over the primary key index.
 */
export class SqliteKvStore implements KvStore {
  readonly #db: Db;
  readonly #select: Statement<[string], KvRow>;
  readonly #upsert: Statement<[string, string, number | null]>;
  readonly #delete: Statement<[string]>;
  readonly #deleteIfExpired: Statement<[string, number]>;
  readonly #purgeExpired: Statement<[number]>;
  readonly #listAll: Statement<[], KvRow>;
  readonly #listPrefix: Statement<[string, string, string], KvRow>;
  #lastPurgeAt = 0;

  /** Prepares the statements once; the database must already be migrated. */
  constructor(db: Db) {
    this.#db = db;
    const sqlite = db.$client;
    this.#select = sqlite.prepare("SELECT key, value, expires_at FROM fedify_kv WHERE key = ?");
    this.#upsert = sqlite.prepare(
      // Writing a row unchanged is skipped: Fedify records the signature format a server
      // accepted after every delivery, and rewriting the same value would be a database
      // write per delivery.
      `INSERT INTO fedify_kv (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE value IS NOT excluded.value OR expires_at IS NOT excluded.expires_at`,
    );
    this.#delete = sqlite.prepare("DELETE FROM fedify_kv WHERE key = ?");
    this.#deleteIfExpired = sqlite.prepare(
      "DELETE FROM fedify_kv WHERE key = ? AND expires_at IS NOT NULL AND expires_at <= ?",
    );
    this.#purgeExpired = sqlite.prepare(
      "DELETE FROM fedify_kv WHERE expires_at IS NOT NULL AND expires_at <= ?",
    );
    this.#listAll = sqlite.prepare("SELECT key, value, expires_at FROM fedify_kv ORDER BY key");
    // A prefix is a range over the primary key index (see prefixRange).
    this.#listPrefix = sqlite.prepare(
      `SELECT key, value, expires_at FROM fedify_kv
       WHERE key = ? OR (key >= ? AND key < ?) ORDER BY key`,
    );
  }

  /**
   * Whether the database is closed (the instance is shutting down). Work still in flight then,
   * such as a signature check whose key fetch Fedify does not await, finds the cache empty and
   * its writes dropped, rather than a rejection nobody handles.
   */
  get #closed(): boolean {
    return !this.#db.$client.open;
  }

  /** Returns the stored value, or undefined when it is absent or has expired. */
  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    if (this.#closed) return undefined;
    const row = this.#readLive(encodeKey(key), Date.now());
    return row === undefined ? undefined : (JSON.parse(row.value) as T);
  }

  /** Stores a JSON-serialisable value, replacing any earlier one and its expiry. */
  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    if (this.#closed) return;
    const now = Date.now();
    this.#write(encodeKey(key), value, options, now);
    this.#purgeOccasionally(now);
  }

  /** Removes the value; removing an absent key is not an error. */
  async delete(key: KvKey): Promise<void> {
    if (this.#closed) return;
    this.#delete.run(encodeKey(key));
  }

  /** Sets the value only if the current one deep-equals `expectedValue` (undefined = absent). */
  async cas(
    key: KvKey,
    expectedValue: unknown,
    newValue: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    const encoded = encodeKey(key);
    // The read and the write run in one IMMEDIATE transaction, which takes SQLite's write lock
    // before reading, so another connection (another process) cannot change the row in between.
    const swap = this.#db.$client.transaction((): boolean => {
      const now = Date.now();
      const row = this.#readLive(encoded, now);
      const current = row === undefined ? undefined : JSON.parse(row.value);
      if (!jsonEqual(current, expectedValue)) return false;
      this.#write(encoded, newValue, options, now);
      return true;
    });
    return swap.immediate();
  }

  /** Yields every live entry whose key starts with all the elements of `prefix`. */
  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const now = Date.now();
    let rows: KvRow[];
    if (prefix === undefined || prefix.length === 0) {
      rows = this.#listAll.all();
    } else {
      const { exact, from, below } = prefixRange(prefix);
      rows = this.#listPrefix.all(exact, from, below);
    }
    // The rows are read in full before yielding: better-sqlite3 forbids using the connection
    // while a statement iterator is open, and the consumer may well write as it iterates.
    for (const row of rows) {
      if (row.expires_at !== null && row.expires_at <= now) continue;
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }

  /** Reads a row, deleting it instead of returning it when it has expired. */
  #readLive(encodedKey: string, now: number): KvRow | undefined {
    const row = this.#select.get(encodedKey);
    if (row === undefined) return undefined;
    if (row.expires_at !== null && row.expires_at <= now) {
      this.#deleteIfExpired.run(encodedKey, now);
      return undefined;
    }
    return row;
  }

  #write(encodedKey: string, value: unknown, options: KvStoreSetOptions | undefined, now: number) {
    // JSON has no undefined, and reading an absent key gives undefined anyway, so storing
    // undefined is the same as deleting the key.
    if (value === undefined) {
      this.#delete.run(encodedKey);
      return;
    }
    const expiresAt = options?.ttl === undefined ? null : now + durationToMilliseconds(options.ttl);
    const json = JSON.stringify(value);
    // A value stored for good and set again unchanged (the signature format a server accepted,
    // recorded by Fedify after every delivery) is only read: a read takes no write lock.
    if (expiresAt === null) {
      const current = this.#select.get(encodedKey);
      if (current?.value === json && current.expires_at === null) return;
    }
    this.#upsert.run(encodedKey, json, expiresAt);
  }

  /** Sweeps expired rows at most once a minute, so entries nobody reads again do not pile up. */
  #purgeOccasionally(now: number): void {
    if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
    this.#lastPurgeAt = now;
    this.#purgeExpired.run(now);
  }
}

/** The stored form of a key: its JSON encoding, so a key prefix is a range of strings. */
export function encodeKey(key: KvKey): string {
  return JSON.stringify(key);
}

/**
 * The encoded keys under a prefix: the prefix itself, and every key from `from` (inclusive) to
 * `below` (exclusive) in byte order. A key has the prefix [p1, ..., pn] when it is exactly that
 * key, or when its encoding starts with the prefix's encoding minus its closing bracket followed
 * by a comma; every such string sorts between `...,` and `...-` (the next character after the
 * comma), so the range is exact and needs no LIKE escaping.
 */
export function prefixRange(prefix: KvKey): { exact: string; from: string; below: string } {
  const exact = encodeKey(prefix);
  return { exact, from: `${exact.slice(0, -1)},`, below: `${exact.slice(0, -1)}-` };
}

/** Compares two JSON values structurally, ignoring object key order as JSON does. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord).filter((k) => aRecord[k] !== undefined);
  const bKeys = Object.keys(bRecord).filter((k) => bRecord[k] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((k) => jsonEqual(aRecord[k], bRecord[k]));
}
