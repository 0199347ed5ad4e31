import { and, asc, eq, gt, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  communities,
  communityNotices,
  memberships,
  moderationLog,
  reports,
} from "../../db/schema/index.ts";
import { getActor } from "../actors.ts";
import { communityNoticesSince } from "../admin/communities.ts";
import { getItem } from "../items.ts";
import { facilitatorAlerts, type PlannedAlert, personalAlert } from "./recipients.ts";
import { communityTopic } from "./topics.ts";

// What the alert sweep (sweep.ts) finds of moderation: new reports, for the facilitators of the
// community concerned; and for a person, answers to their requests to join, removals of their
// posts and the outcomes of their reports. The same things the notifications page lists
// (src/domain/notifications/feed.ts), read from the same tables, so that mail and page agree.

/** A point in a table ordered by a time column, ties broken by id. */
export interface TimePosition {
  at: number;
  id: number;
}

/** Where the sweep has got to in each moderation table. */
export interface ModerationPosition {
  /** The last report seen, by id. */
  reports: number;
  /** The last moderation log entry seen, by id. */
  log: number;
  /** The last membership decision seen, by decision time (a row is decided again on re-asking). */
  decisions: TimePosition;
  /** The last report decision seen, by decision time. */
  outcomes: TimePosition;
  /** The last community notice seen (src/domain/admin/communities.ts), by id. */
  notices: number;
}

/** How many rows of each table one sweep batch takes on. */
const BATCH = 200;

const ZERO: TimePosition = { at: 0, id: 0 };

function last<T extends { id: number }>(rows: T[], at: (row: T) => Date | null): TimePosition {
  const row = rows.at(-1);
  return row ? { at: at(row)?.getTime() ?? 0, id: row.id } : ZERO;
}

/** Where things stand now, so a new install or an upgrade does not mail old news. */
export function moderationPosition(db: Db): ModerationPosition {
  const maxOf = (table: typeof reports | typeof moderationLog | typeof communityNotices) =>
    db
      .select({ n: sql<number>`coalesce(max(${table.id}), 0)` })
      .from(table)
      .get()?.n ?? 0;
  const latest = (table: typeof memberships | typeof reports): TimePosition => {
    const row = db
      .select({ at: table.decidedAt, id: table.id })
      .from(table)
      .where(isNotNull(table.decidedAt))
      .orderBy(sql`${table.decidedAt} desc, ${table.id} desc`)
      .limit(1)
      .get();
    return row?.at ? { at: row.at.getTime(), id: row.id } : ZERO;
  };
  return {
    reports: maxOf(reports),
    log: maxOf(moderationLog),
    decisions: latest(memberships),
    outcomes: latest(reports),
    notices: maxOf(communityNotices),
  };
}

/** Rows of a table decided after a position, in decision order. */
function decidedSince(table: typeof memberships | typeof reports, from: TimePosition) {
  const at = new Date(from.at);
  return or(gt(table.decidedAt, at), and(eq(table.decidedAt, at), gt(table.id, from.id)));
}

/**
 * Whether an answer to a request is news to the person who asked: a private community, here
 * (unless they created it) or elsewhere (one that approves its followers). Joining a public
 * community is answered at once, which is not news; nor is how long the answer took over the
 * network, which says nothing about whether anyone decided.
 */
function isNewsworthyAnswer(db: Db, m: typeof memberships.$inferSelect): boolean {
  if (m.state !== "active" && m.state !== "rejected") return false;
  const community = db.select().from(communities).where(eq(communities.actorId, m.groupId)).get();
  if (community) return community.visibility === "private" && community.createdById !== m.memberId;
  return getActor(db, m.groupId)?.manuallyApprovesFollowers === true;
}

/** What happened in moderation since a position: the news to plan, and the position after. */
export function moderationNewsSince(
  db: Db,
  from: ModerationPosition,
): { planned: PlannedAlert[]; next: ModerationPosition; more: boolean } {
  const planned: PlannedAlert[] = [];
  const newReports = db
    .select()
    .from(reports)
    .where(gt(reports.id, from.reports))
    .orderBy(asc(reports.id))
    .limit(BATCH)
    .all();
  for (const r of newReports) {
    if (r.groupId === null || r.state !== "open") continue;
    if (!db.select().from(communities).where(eq(communities.actorId, r.groupId)).get()) continue;
    const topic = communityTopic(r.groupId, "reports");
    planned.push(...facilitatorAlerts(db, r.groupId, topic, `report:${r.id}`, r.reporterId));
  }
  const removals = db
    .select()
    .from(moderationLog)
    .where(gt(moderationLog.id, from.log))
    .orderBy(asc(moderationLog.id))
    .limit(BATCH)
    .all();
  for (const entry of removals) {
    if (entry.action !== "remove-item" || entry.targetItemId === null) continue;
    const item = getItem(db, entry.targetItemId);
    // A facilitator removing their own post needs no mail about it.
    if (!item || item.authorId === entry.actorId) continue;
    planned.push(...personalAlert(db, item.authorId, `removal:${entry.id}`, entry.groupId));
  }
  const answers = db
    .select()
    .from(memberships)
    .where(
      and(
        inArray(memberships.state, ["active", "rejected"]),
        isNotNull(memberships.requestedAt),
        decidedSince(memberships, from.decisions),
      ),
    )
    .orderBy(asc(memberships.decidedAt), asc(memberships.id))
    .limit(BATCH)
    .all();
  for (const m of answers) {
    if (!isNewsworthyAnswer(db, m)) continue;
    const subject = `decided:${m.id}:${m.decidedAt!.getTime()}`;
    planned.push(...personalAlert(db, m.memberId, subject, m.groupId));
  }
  const outcomes = db
    .select()
    .from(reports)
    .where(decidedSince(reports, from.outcomes))
    .orderBy(asc(reports.decidedAt), asc(reports.id))
    .limit(BATCH)
    .all();
  for (const r of outcomes) {
    planned.push(...personalAlert(db, r.reporterId, `outcome:${r.id}`, r.groupId));
  }
  const notices = communityNoticesSince(db, from.notices, BATCH);
  for (const n of notices) {
    planned.push(...personalAlert(db, n.personId, `notice:${n.id}`, n.groupId));
  }
  return {
    planned,
    next: {
      reports: newReports.at(-1)?.id ?? from.reports,
      log: removals.at(-1)?.id ?? from.log,
      decisions: answers.length > 0 ? last(answers, (m) => m.decidedAt) : from.decisions,
      outcomes: outcomes.length > 0 ? last(outcomes, (r) => r.decidedAt) : from.outcomes,
      notices: notices.at(-1)?.id ?? from.notices,
    },
    more: [newReports, removals, answers, outcomes, notices].some((rows) => rows.length === BATCH),
  };
}
