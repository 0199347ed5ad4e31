import { PostgresBridge } from "./bridge.ts";
import { ftsToTsquery } from "./full-text.ts";
import { castJsonLists, type Translated, translate } from "./translate.ts";

// The part of better-sqlite3's Database that Drizzle's driver and Copse's own code use, done on
// PostgreSQL: statements are translated from SQLite's dialect (translate.ts) and run through a
// blocking bridge (bridge.ts), so the same synchronous code serves both databases.

/** Every write transaction takes this lock first: PostgreSQL then serializes writers as SQLite does. */
const WRITE_LOCK = 0x636f707365;

type Params = unknown[];

/** Splits better-sqlite3-style arguments: positional values and, optionally, one named object. */
function bind(translated: Translated, args: unknown[]): unknown[] {
  let named: Record<string, unknown> | undefined;
  const positional: unknown[] = [];
  for (const arg of args) {
    if (
      arg !== null &&
      typeof arg === "object" &&
      !Array.isArray(arg) &&
      !ArrayBuffer.isView(arg)
    ) {
      named = arg as Record<string, unknown>;
    } else positional.push(arg);
  }
  const values = translated.params.map((source) => {
    if ("index" in source) return toParameter(positional[source.index]);
    if (!named || !(source.name in named)) {
      throw new RangeError(`Missing named parameter "${source.name}"`);
    }
    return toParameter(named[source.name]);
  });
  for (const n of translated.fullTextParams) values[n - 1] = ftsToTsquery(values[n - 1]);
  return values;
}

function toParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Structured cloning turns Buffers into plain Uint8Arrays; the code expects Buffers back. */
function fromWire(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  }
  return value;
}

const READS = /^\s*(select|with|values|explain|show)\b/i;
const WRITES = /^\s*(insert|update|delete)\b/i;

/** One statement, used like a better-sqlite3 Statement. */
export class PostgresStatement {
  /** Whether the statement hands back rows (a SELECT, or a write with RETURNING). */
  readonly reader: boolean;
  /** Never busy: results are read whole, never through an open cursor. */
  readonly busy = false;
  private rawMode = false;
  private plucking = false;
  private readonly translated: Translated;
  /** Whether the statement inserts, updates or deletes (decided once, not on every run). */
  private readonly writes: boolean;

  constructor(
    private readonly db: PostgresDatabase,
    readonly source: string,
  ) {
    this.translated = db.translation(source);
    this.reader = READS.test(source) || /\breturning\b/i.test(source);
    this.writes = WRITES.test(source);
  }

  /** Rows as arrays of values instead of objects. */
  raw(on = true): this {
    this.rawMode = on;
    return this;
  }

  /** Only the first column of each row. */
  pluck(on = true): this {
    this.plucking = on;
    return this;
  }

  /** Accepted for compatibility; columns are never nested by table here. */
  expand(_on = true): this {
    return this;
  }

  /** Every row. */
  all(...args: Params): unknown[] {
    const { columns, rows } = this.execute(args);
    return rows.map((row) => this.shape(columns, row));
  }

  /** The first row, or undefined. */
  get(...args: Params): unknown {
    const { columns, rows } = this.execute(args);
    return rows.length > 0 ? this.shape(columns, rows[0] as unknown[]) : undefined;
  }

  /** Runs the statement; says how many rows it changed and, for an insert, the id it was given. */
  run(...args: Params): { changes: number; lastInsertRowid: number } {
    const { rowCount, rows, columns } = this.execute(args);
    const id = columns.indexOf("id");
    if (id >= 0 && rows.length > 0) {
      return { changes: rowCount, lastInsertRowid: Number(rows.at(-1)?.[id]) };
    }
    if (!/^\s*insert\b/i.test(this.source)) return { changes: rowCount, lastInsertRowid: 0 };
    // An INSERT without RETURNING: the id its identity column was given is the session's last
    // sequence value, as SQLite's last_insert_rowid() is the connection's last rowid. Asked only
    // when read (few callers want it), which is at once: nothing else runs on this connection
    // before the caller's synchronous code takes it.
    const db = this.db;
    return {
      changes: rowCount,
      get lastInsertRowid(): number {
        try {
          const reply = db.bridge.call({
            op: "query",
            text: "SELECT lastval()",
            values: [],
            guard: db.inTransaction,
          });
          return Number(reply.rows[0]?.[0] ?? 0);
        } catch {
          // No sequence used yet on this connection: SQLite would answer 0 too.
          return 0;
        }
      },
    };
  }

  /** The rows one by one (read whole first). */
  *iterate(...args: Params): IterableIterator<unknown> {
    yield* this.all(...args);
  }

  private execute(args: Params) {
    const values = bind(this.translated, args);
    const text = this.translated.hasJsonLists
      ? castJsonLists(this.translated.text, values)
      : this.translated.text;
    const reply = this.db.bridge.call({
      op: "query",
      text,
      values,
      guard: this.db.inTransaction && this.writes,
      planWithValues: this.translated.fullTextParams.length > 0,
    });
    if (this.writes) this.db.changes += reply.rowCount;
    return { ...reply, rows: reply.rows.map((row) => row.map(fromWire)) };
  }

  private shape(columns: string[], row: unknown[]): unknown {
    if (this.plucking) return row[0];
    if (this.rawMode) return row;
    const object: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) object[columns[i] as string] = row[i];
    return object;
  }
}

type TransactionFunction<F extends (...args: never[]) => unknown> = F & {
  default: F;
  deferred: F;
  immediate: F;
  exclusive: F;
};

/** A PostgreSQL database used like better-sqlite3's Database, for Drizzle and for raw SQL. */
export class PostgresDatabase {
  /** Says which database this is, for the few places that must know (full-text search). */
  readonly dialect = "postgres";
  readonly bridge: PostgresBridge;
  /** Rows this connection has inserted, updated or deleted (SQLite's total_changes()). */
  changes = 0;
  private depth = 0;
  private readonly translations = new Map<string, Translated>();

  constructor(url: string, migrationsFolder: string) {
    this.bridge = new PostgresBridge(url, migrationsFolder);
  }

  /** Whether a transaction is open. */
  get inTransaction(): boolean {
    return this.depth > 0;
  }

  /** Whether the connection is still open. */
  get open(): boolean {
    return true;
  }

  /** The translated text of a SQLite-dialect statement, made once per text. */
  translation(source: string): Translated {
    let found = this.translations.get(source);
    if (!found) {
      found = translate(source);
      if (this.translations.size > 5_000) this.translations.clear();
      this.translations.set(source, found);
    }
    return found;
  }

  /** A statement for one SQL text. */
  prepare(source: string): PostgresStatement {
    return new PostgresStatement(this, source);
  }

  /** Runs SQL without parameters (several statements are allowed). */
  exec(source: string): this {
    this.bridge.call({ op: "exec", text: source });
    return this;
  }

  /** SQLite's pragmas mean nothing here; reading one answers undefined. */
  pragma(_source: string, _options?: unknown): unknown {
    return undefined;
  }

  /** SQLite's user-defined functions are PL/pgSQL functions here, made by the migrations. */
  function(_name: string, ..._rest: unknown[]): this {
    return this;
  }

  /** Applies the PostgreSQL migrations and full-text objects. */
  migrate(): void {
    this.bridge.call({ op: "migrate" });
  }

  /**
   * Wraps a function in a transaction, as better-sqlite3 does: it commits when the function
   * returns and rolls back when it throws; a nested call uses a savepoint. Every outermost
   * transaction takes one lock first, so writers queue as they do on SQLite (which the code's
   * read-then-write steps rely on) instead of failing on each other.
   */
  transaction<F extends (...args: never[]) => unknown>(fn: F): TransactionFunction<F> {
    const run = ((...args: Parameters<F>) => {
      const outer = this.depth === 0;
      const savepoint = `copse_tx_${this.depth}`;
      this.exec(
        outer ? `BEGIN; SELECT pg_advisory_xact_lock(${WRITE_LOCK})` : `SAVEPOINT ${savepoint}`,
      );
      this.depth++;
      let result: unknown;
      try {
        result = fn(...args);
      } catch (error) {
        this.depth--;
        this.exec(outer ? "ROLLBACK" : `ROLLBACK TO SAVEPOINT ${savepoint}`);
        throw error;
      }
      this.depth--;
      this.exec(outer ? "COMMIT" : `RELEASE SAVEPOINT ${savepoint}`);
      return result;
    }) as F;
    return Object.assign(run, { default: run, deferred: run, immediate: run, exclusive: run });
  }

  /** Closes the connection. */
  close(): void {
    this.bridge.close();
  }
}
