import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from "@fedify/fedify";
import type pg from "pg";
import { durationToMilliseconds, encodeKey, jsonEqual, prefixRange } from "../kv.ts";
import { ensurePostgresSchema, inTransaction } from "./schema.ts";

/** How often, at most, a write also sweeps every expired entry out of the table. */
const PURGE_INTERVAL_MS = 60_000;

/** An expiry computed by the database's clock, which every process shares. */
const EXPIRY = "clock_timestamp() + $3::double precision * interval '1 millisecond'";

/** Whether a row is live, in the database's clock. */
const LIVE = "(expires_at IS NULL OR expires_at > clock_timestamp())";

/**
 * Fedify's key-value store on PostgreSQL, in the `fedify_kv` table: keys stored as their JSON
 * encoding, as in the SQLite store, so a prefix is a range over the primary key. Expiry is
 * measured by the database's clock, so processes on machines whose clocks differ agree on it.
 */
export class PostgresKvStore implements KvStore {
  readonly #pool: pg.Pool;
  #lastPurgeAt = 0;

  /** Takes a pool; the tables are made on first use. */
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  /** Returns the stored value, or undefined when it is absent or has expired. */
  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    await ensurePostgresSchema(this.#pool);
    const { rows } = await this.#pool.query<{ value: string }>(
      `SELECT value FROM fedify_kv WHERE key = $1 AND ${LIVE}`,
      [encodeKey(key)],
    );
    return rows[0] === undefined ? undefined : (JSON.parse(rows[0].value) as T);
  }

  /** Stores a JSON-serialisable value, replacing any earlier one and its expiry. */
  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    await ensurePostgresSchema(this.#pool);
    await this.#write(this.#pool, encodeKey(key), value, options);
    this.#purgeOccasionally();
  }

  /** Removes the value; removing an absent key is not an error. */
  async delete(key: KvKey): Promise<void> {
    await ensurePostgresSchema(this.#pool);
    await this.#pool.query("DELETE FROM fedify_kv WHERE key = $1", [encodeKey(key)]);
  }

  /** Sets the value only if the current one deep-equals `expectedValue` (undefined = absent). */
  async cas(
    key: KvKey,
    expectedValue: unknown,
    newValue: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    await ensurePostgresSchema(this.#pool);
    const encoded = encodeKey(key);
    return inTransaction(this.#pool, async (client) => {
      // FOR UPDATE holds the row until the swap commits, so no other writer slips in between
      // the comparison and the write.
      const { rows } = await client.query<{ value: string; live: boolean }>(
        `SELECT value, ${LIVE} AS live FROM fedify_kv WHERE key = $1 FOR UPDATE`,
        [encoded],
      );
      const row = rows[0];
      const current = row?.live ? JSON.parse(row.value) : undefined;
      if (!jsonEqual(current, expectedValue)) return false;
      if (row !== undefined || newValue === undefined) {
        await this.#write(client, encoded, newValue, options);
        return true;
      }
      // No row to lock: another transaction may be inserting this key right now. Inserting
      // without overwriting settles it: the insert that commits first wins, the other fails.
      const inserted = await client.query(
        `INSERT INTO fedify_kv (key, value, expires_at)
         VALUES ($1, $2, CASE WHEN $3::double precision IS NULL THEN NULL ELSE ${EXPIRY} END)
         ON CONFLICT (key) DO NOTHING`,
        [encoded, JSON.stringify(newValue), ttlMs(options)],
      );
      return inserted.rowCount === 1;
    });
  }

  /** Yields every live entry whose key starts with all the elements of `prefix`. */
  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    await ensurePostgresSchema(this.#pool);
    let rows: { key: string; value: string }[];
    if (prefix === undefined || prefix.length === 0) {
      ({ rows } = await this.#pool.query(
        `SELECT key, value FROM fedify_kv WHERE ${LIVE} ORDER BY key`,
      ));
    } else {
      const { exact, from, below } = prefixRange(prefix);
      ({ rows } = await this.#pool.query(
        `SELECT key, value FROM fedify_kv
         WHERE (key = $1 OR (key >= $2 AND key < $3)) AND ${LIVE} ORDER BY key`,
        [exact, from, below],
      ));
    }
    for (const row of rows) {
      yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) };
    }
  }

  async #write(
    db: pg.Pool | pg.PoolClient,
    encodedKey: string,
    value: unknown,
    options: KvStoreSetOptions | undefined,
  ): Promise<void> {
    // JSON has no undefined, and reading an absent key gives undefined anyway, so storing
    // undefined is the same as deleting the key.
    if (value === undefined) {
      await db.query("DELETE FROM fedify_kv WHERE key = $1", [encodedKey]);
      return;
    }
    // A value stored for good and set again unchanged (the signature format a server accepted,
    // which Fedify records after every delivery) writes nothing.
    await db.query(
      `INSERT INTO fedify_kv (key, value, expires_at)
       VALUES ($1, $2, CASE WHEN $3::double precision IS NULL THEN NULL ELSE ${EXPIRY} END)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
       WHERE fedify_kv.value IS DISTINCT FROM excluded.value
         OR fedify_kv.expires_at IS DISTINCT FROM excluded.expires_at`,
      [encodedKey, JSON.stringify(value), ttlMs(options)],
    );
  }

  /** Sweeps expired rows at most once a minute, so entries nobody reads again do not pile up. */
  #purgeOccasionally(): void {
    const now = Date.now();
    if (now - this.#lastPurgeAt < PURGE_INTERVAL_MS) return;
    this.#lastPurgeAt = now;
    this.#pool
      .query("DELETE FROM fedify_kv WHERE expires_at <= clock_timestamp()")
      .catch(() => undefined);
  }
}

function ttlMs(options: KvStoreSetOptions | undefined): number | null {
  return options?.ttl === undefined ? null : durationToMilliseconds(options.ttl);
}
