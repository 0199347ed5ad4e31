import { and, count, desc, eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, items, moderationLog } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";

/** A row of the moderation log. */
export type ModerationLogRow = typeof moderationLog.$inferSelect;
/** What a facilitator did. */
export type ModerationAction = ModerationLogRow["action"];

/** What a caller records; the time is added here. */
export interface ModerationRecord {
  groupId: number;
  actorId: number | null;
  action: ModerationAction;
  targetActorId?: number | null;
  targetItemId?: number | null;
  reason: string;
  expiresAt?: Date | null;
}

/** One line of the log as shown: the row with who acted, on whom and on what. */
export interface ModerationLogEntry {
  entry: ModerationLogRow;
  actor: ActorRow | undefined;
  target: ActorRow | undefined;
  item: { id: number; kind: string; title: string; rootId: number | null } | undefined;
}

/** Adds a line to a community's moderation log. */
export function recordModeration(db: Db, record: ModerationRecord): ModerationLogRow {
  return db
    .insert(moderationLog)
    .values({
      groupId: record.groupId,
      actorId: record.actorId,
      action: record.action,
      targetActorId: record.targetActorId ?? null,
      targetItemId: record.targetItemId ?? null,
      reason: record.reason,
      expiresAt: record.expiresAt ?? null,
    })
    .returning()
    .get();
}

/** One page of a community's moderation log, newest first, with the total count. */
export function listModerationLog(
  db: Db,
  groupId: number,
  options: { page: number; pageSize: number },
): { entries: ModerationLogEntry[]; total: number } {
  const where = eq(moderationLog.groupId, groupId);
  const total = db.select({ n: count() }).from(moderationLog).where(where).get()?.n ?? 0;
  const rows = db
    .select()
    .from(moderationLog)
    .where(where)
    .orderBy(desc(moderationLog.id))
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
  const actorIds = [
    ...new Set(rows.flatMap((r) => [r.actorId, r.targetActorId]).filter((id) => id !== null)),
  ];
  const people = new Map(
    actorIds.length === 0
      ? []
      : db
          .select()
          .from(actors)
          .where(inArray(actors.id, actorIds))
          .all()
          .map((a) => [a.id, a]),
  );
  const itemIds = [...new Set(rows.map((r) => r.targetItemId).filter((id) => id !== null))];
  const things = new Map(
    itemIds.length === 0
      ? []
      : db
          .select({ id: items.id, kind: items.kind, title: items.title, rootId: items.rootId })
          .from(items)
          .where(inArray(items.id, itemIds))
          .all()
          .map((i) => [i.id, i]),
  );
  return {
    total,
    entries: rows.map((entry) => ({
      entry,
      actor: entry.actorId !== null ? people.get(entry.actorId) : undefined,
      target: entry.targetActorId !== null ? people.get(entry.targetActorId) : undefined,
      item: entry.targetItemId !== null ? things.get(entry.targetItemId) : undefined,
    })),
  };
}

/** The latest reason recorded for an action on a member (e.g. why they were banned). */
export function lastReasonFor(
  db: Db,
  groupId: number,
  targetActorId: number,
  action: ModerationAction,
): string | undefined {
  return db
    .select({ reason: moderationLog.reason })
    .from(moderationLog)
    .where(
      and(
        eq(moderationLog.groupId, groupId),
        eq(moderationLog.targetActorId, targetActorId),
        eq(moderationLog.action, action),
      ),
    )
    .orderBy(desc(moderationLog.id))
    .get()?.reason;
}
