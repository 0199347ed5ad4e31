import type { Db } from "../db/client.ts";
import { isPostgres } from "../db/dialect.ts";
import { INSTANCE_ACTOR, localActorIri } from "./paths.ts";

// Every id Copse hands out (actors, posts, activities, collections) starts with the public
// origin, and other servers store those ids. The database therefore belongs to one origin: the
// one its instance actor was created under at first start. Opening it under another origin
// would mint a second set of ids beside the first, which is what happened when the admin
// command line ran without the server's settings and made a community under localhost.

/** The database was made for one public origin and is being opened under another. */
export class OriginMismatchError extends Error {
  constructor(
    readonly recorded: string,
    readonly configured: string,
  ) {
    super(
      `This database belongs to ${recorded}, but COPSE_ORIGIN is ${configured}.\n` +
        `  - If this is a mistake, set COPSE_ORIGIN=${recorded} (in copse.env or the environment) and try again.\n` +
        `  - If you are really moving to a new domain, stop the server and run:\n` +
        `      npm run admin -- move-origin ${configured}\n` +
        '    (see docs/production.md, "Moving to a new domain", for what it cannot carry over).',
    );
    this.name = "OriginMismatchError";
  }
}

/** The origin this database was created under, or undefined for a database never started. */
export function recordedOrigin(db: Db): string | undefined {
  return originRecordedIn(db.$client);
}

/** A SQL connection as far as reading one row goes (Copse's, or a bare better-sqlite3 one). */
interface RowReader {
  prepare(sql: string): { get(...params: unknown[]): unknown };
}

/** recordedOrigin for a bare connection: the move to PostgreSQL reads the SQLite file read-only. */
export function originRecordedIn(connection: RowReader): string | undefined {
  const row = connection
    .prepare("SELECT iri FROM actors WHERE is_local = 1 AND handle = ? AND type = 'Application'")
    .get(INSTANCE_ACTOR) as { iri: string } | undefined;
  return row ? new URL(row.iri).origin : undefined;
}

/** Throws {@link OriginMismatchError} unless the database is new or was made for `origin`. */
export function checkOrigin(db: Db, origin: string): void {
  const recorded = recordedOrigin(db);
  if (recorded !== undefined && recorded !== origin) {
    throw new OriginMismatchError(recorded, origin);
  }
}

/** What a move of domain would leave behind: things other servers know by the old ids. */
export interface MoveRisks {
  /** Members on other servers of communities here; their servers still follow the old ids. */
  remoteMembers: number;
  /** Contacts between people here and people elsewhere, in either direction. */
  remoteContacts: number;
  /** Deliveries and incoming activities not yet processed. */
  queuedMessages: number;
}

/** Counts what other servers hold under the current ids, which a move of domain breaks. */
export function moveRisks(db: Db): MoveRisks {
  const count = (sql: string) => (db.$client.prepare(sql).get() as { n: number }).n;
  return {
    remoteMembers: count(
      `SELECT COUNT(*) AS n FROM memberships m
       JOIN actors g ON g.id = m.group_id JOIN actors p ON p.id = m.member_id
       WHERE g.is_local = 1 AND p.is_local = 0 AND m.state = 'active'`,
    ),
    remoteContacts: count(
      `SELECT COUNT(*) AS n FROM contacts c
       JOIN actors a ON a.id = c.follower_id JOIN actors b ON b.id = c.followee_id
       WHERE a.is_local <> b.is_local`,
    ),
    // On PostgreSQL the queue is the queue backend's, in another shape: the caller counts it.
    queuedMessages: isPostgres(db) ? 0 : count("SELECT COUNT(*) AS n FROM fedify_queue"),
  };
}

/**
 * Rewrites every stored URL under the recorded origin to start with `to` instead, in one
 * transaction, and forgets Fedify's caches. Returns how many values changed. The caller checks
 * {@link moveRisks} first: the rewrite cannot change what other servers have stored.
 */
export function moveOrigin(db: Db, to: string): { from: string; changed: number } {
  const from = recordedOrigin(db);
  if (from === undefined) throw new Error("This database has no instance yet; nothing to move");
  const sqlite = db.$client;
  const ordinary = textColumns(db);
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const postgres = isPostgres(db);
  let changed = 0;
  sqlite.transaction(() => {
    for (const table of ordinary) {
      for (const column of table.columns) {
        const c = quote(column);
        // The trailing slash keeps http://host:3000 from matching http://host:30001.
        changed += sqlite
          .prepare(
            `UPDATE ${quote(table.name)}
             SET ${c} = CASE WHEN ${c} = @from THEN @to ELSE replace(${c}, @fromSlash, @toSlash) END
             WHERE ${c} = @from OR instr(${c}, @fromSlash) > 0`,
          )
          .run({ from, to, fromSlash: `${from}/`, toSlash: `${to}/` }).changes;
      }
    }
    sqlite
      .prepare("UPDATE actors SET host = ? WHERE is_local = 1")
      .run(new URL(localActorIri(to, INSTANCE_ACTOR)).host);
    // On PostgreSQL Fedify's cache is the queue backend's, which the caller clears.
    if (!postgres) sqlite.prepare("DELETE FROM fedify_kv").run();
  })();
  return { from, changed };
}

/** The tables whose text columns may hold the origin, with those columns. */
function textColumns(db: Db): { name: string; columns: string[] }[] {
  const sqlite = db.$client;
  if (isPostgres(db)) {
    // The full-text tables follow their tables through triggers, and fedify_queue and
    // fedify_kv belong to the queue backend (counted and cleared through it).
    const rows = (
      sqlite
        .prepare(
          `SELECT table_name AS name, column_name AS col FROM information_schema.columns
           WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying')
           ORDER BY table_name, ordinal_position`,
        )
        .all() as { name: string; col: string }[]
    ).filter(
      (row) =>
        !row.name.endsWith("_fts") &&
        !row.name.startsWith("__drizzle") &&
        !["fedify_queue", "fedify_kv"].includes(row.name),
    );
    const byTable = new Map<string, string[]>();
    for (const row of rows) byTable.set(row.name, [...(byTable.get(row.name) ?? []), row.col]);
    return [...byTable].map(([name, columns]) => ({ name, columns }));
  }
  const tables = sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .all() as { name: string; sql: string }[];
  // Full-text indexes follow their tables through triggers; their own storage is left alone.
  const virtual = tables.filter((t) => /^CREATE VIRTUAL/i.test(t.sql)).map((t) => t.name);
  return tables
    .filter(
      (t) =>
        !virtual.some((v) => t.name === v || t.name.startsWith(`${v}_`)) &&
        !t.name.startsWith("__drizzle"),
    )
    .map((t) => ({
      name: t.name,
      columns: (
        sqlite.prepare(`PRAGMA table_info("${t.name.replaceAll('"', '""')}")`).all() as {
          name: string;
          type: string;
        }[]
      )
        .filter((c) => /TEXT/i.test(c.type))
        .map((c) => c.name),
    }));
}
