import { desc, eq, isNotNull, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  items,
  memberships,
  messages,
  scheduledTasks,
  wikiRevisions,
} from "../../db/schema/index.ts";
import { type ModerationPosition, moderationPosition } from "./moderation-news.ts";

// Where the alert sweep has got to, kept as JSON in its task's scheduled_tasks row. Fields were
// added over time; a field an older cursor lacks starts at where things stand now rather than
// at zero, so an upgrade does not mail the whole history of what the new field follows.

/** The name of the sweep task; its schedule row also holds its cursor. */
export const SWEEP_TASK = "alerts.sweep";

/** A point in the memberships table ordered by request time, ties broken by id. */
export interface RequestPosition {
  at: number;
  id: number;
}

/** Where the sweep has got to. */
export interface SweepCursor {
  items: number;
  messages: number;
  /** The last wiki revision seen, by id. */
  revisions: number;
  /**
   * The last membership request seen. Requests are followed by their time, not their id,
   * because asking again after a rejection reuses the row.
   */
  requests: RequestPosition;
  /** Drafts already passed: they are alerted when published, which keeps their old id. */
  drafts: number[];
  /** Reports, removals and decisions (moderation-news.ts). */
  moderation: ModerationPosition;
  /**
   * The instance's restore point (epoch ms): content dated before it is history, never mailed,
   * whatever the sweep finds under its position in a restored database. 0 when never restored.
   */
  notBefore: number;
}

function maxId(db: Db, table: typeof items | typeof messages | typeof wikiRevisions): number {
  return (
    db
      .select({ n: max(table.id) })
      .from(table)
      .get()?.n ?? 0
  );
}

function latestRequest(db: Db): RequestPosition {
  const row = db
    .select({ at: memberships.requestedAt, id: memberships.id })
    .from(memberships)
    .where(isNotNull(memberships.requestedAt))
    .orderBy(desc(memberships.requestedAt), desc(memberships.id))
    .limit(1)
    .get();
  return row?.at ? { at: row.at.getTime(), id: row.id } : { at: 0, id: 0 };
}

/** Where things stand now: the starting point of a new install, so it does not mail old news. */
export function currentPosition(db: Db): SweepCursor {
  return {
    items: maxId(db, items),
    messages: maxId(db, messages),
    revisions: maxId(db, wikiRevisions),
    requests: latestRequest(db),
    drafts: [],
    moderation: moderationPosition(db),
    notBefore: 0,
  };
}

/** Reads the cursor; undefined before the first sweep. Missing fields start at the present. */
export function readCursor(db: Db): SweepCursor | undefined {
  const row = db.select().from(scheduledTasks).where(eq(scheduledTasks.name, SWEEP_TASK)).get();
  if (!row?.cursor) return undefined;
  const parsed = JSON.parse(row.cursor) as Partial<SweepCursor>;
  return {
    items: parsed.items ?? maxId(db, items),
    messages: parsed.messages ?? maxId(db, messages),
    revisions: parsed.revisions ?? maxId(db, wikiRevisions),
    requests: parsed.requests ?? latestRequest(db),
    drafts: parsed.drafts ?? [],
    moderation: parsed.moderation ?? moderationPosition(db),
    notBefore: parsed.notBefore ?? 0,
  };
}

/** Saves the cursor; call it in the transaction that recorded what the sweep found. */
export function writeCursor(db: Db, cursor: SweepCursor): void {
  const value = JSON.stringify(cursor);
  db.insert(scheduledTasks)
    .values({ name: SWEEP_TASK, nextRunAt: Date.now(), cursor: value })
    .onConflictDoUpdate({ target: scheduledTasks.name, set: { cursor: value } })
    .run();
}

/**
 * Marks the instance's restore point in a database just put in place from a backup: what it
 * holds is history, so the sweep mails nothing dated before now, however far behind its
 * position was when the backup was made. Takes the bare SQLite handle, as a restore runs
 * before the database is opened (or migrated) for the server; a database never swept has no
 * cursor, and its first sweep starts from where things stand anyway.
 */
export function markRestorePoint(sqlite: Db["$client"], now = Date.now()): void {
  // The same on a database moved to PostgreSQL (see migrate-to-postgres), in its dialect.
  const postgres = (sqlite as unknown as { dialect?: string }).dialect === "postgres";
  const table = sqlite
    .prepare(
      postgres
        ? "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'scheduled_tasks'"
        : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'scheduled_tasks'",
    )
    .get();
  if (!table) return;
  const moved = postgres
    ? "jsonb_set(cursor::jsonb, '{notBefore}', to_jsonb(CAST(? AS BIGINT)))::text"
    : "json_set(cursor, '$.notBefore', ?)";
  sqlite
    .prepare(`UPDATE scheduled_tasks SET cursor = ${moved} WHERE name = ? AND cursor IS NOT NULL`)
    .run(now, SWEEP_TASK);
}
