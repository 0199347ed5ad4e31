import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { reports } from "../../db/schema/index.ts";
import { getActor } from "../actors.ts";
import { isAdministrator } from "../administrators.ts";
import { type FieldError, ForbiddenError, NotFoundError, ValidationError } from "../errors.ts";
import { canView, getItem, groupsOfItem } from "../items.ts";
import { type ActingActor, assertMayModerateGroup } from "./ranks.ts";

/** A report as stored. */
export type ReportRow = typeof reports.$inferSelect;
/** Where a report stands. */
export type ReportState = ReportRow["state"];

const MAX_REASON = 1000;

/** Checks a reporter's reason: required and not too long; returns it trimmed. */
function checkedReportReason(raw: string | undefined): string {
  const reason = (raw ?? "").replace(/\r\n/g, "\n").trim();
  const errors: FieldError[] = [];
  if (reason.length === 0) {
    errors.push({ field: "reason", message: "Enter what is wrong, for the facilitators" });
  } else if (reason.length > MAX_REASON) {
    errors.push({ field: "reason", message: "The reason must be 1,000 characters or fewer" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return reason;
}

/** What a person on this instance reports, from a community's page. */
export interface LocalReport {
  reporterId: number;
  /** The community the report goes to: local (its queue) or remote (sent there as a Flag). */
  groupId: number;
  itemId?: number | undefined;
  targetActorId?: number | undefined;
  reason: string;
}

/**
 * A local person reports a post or a member of a community. The post must be one they can
 * see and in that community; the reason goes to the facilitators only.
 */
export function fileReport(db: Db, input: LocalReport): ReportRow {
  const reason = checkedReportReason(input.reason);
  let targetActorId = input.targetActorId ?? null;
  if (input.itemId !== undefined) {
    const item = getItem(db, input.itemId);
    if (
      !item ||
      item.deletedAt ||
      !canView(db, item, input.reporterId) ||
      !groupsOfItem(db, item.id).some((g) => g.id === input.groupId)
    ) {
      throw new NotFoundError("There is no such post in this community");
    }
    targetActorId = item.authorId;
  } else if (targetActorId === null || getActor(db, targetActorId)?.type !== "Person") {
    throw new NotFoundError("There is no such person");
  }
  if (targetActorId === input.reporterId) {
    throw new ValidationError([{ field: "reason", message: "You cannot report yourself" }]);
  }
  return db
    .insert(reports)
    .values({
      groupId: input.groupId,
      reporterId: input.reporterId,
      itemId: input.itemId ?? null,
      targetActorId,
      reason,
    })
    .returning()
    .get();
}

/** Records the id of the Flag a report was sent to a remote community as. */
export function markReportSent(db: Db, reportId: number, activityIri: string): void {
  db.update(reports).set({ activityIri }).where(eq(reports.id, reportId)).run();
}

/** A Flag received from another server, already split into what it names. */
export interface ReceivedReport {
  reporterId: number;
  fromHost: string;
  activityIri: string;
  reason: string;
  /** Posts held here that the Flag names. */
  itemIds: number[];
  /** Local people the Flag names. */
  personIds: number[];
  /** Local communities it is addressed to (Lemmy's `to`/`audience`, Mbin's `audience`). */
  groupIds: number[];
}

/**
 * Turns a received Flag into reports: one per local community concerned (and, within it, per
 * post named). A person named without a post goes to the communities the Flag is addressed to,
 * or to the administrators when it names none. Returns nothing for a Flag already received.
 */
export function receiveReports(db: Db, input: ReceivedReport): ReportRow[] {
  const reason = input.reason.trim().slice(0, MAX_REASON);
  const seen = db.select().from(reports).where(eq(reports.activityIri, input.activityIri)).get();
  if (seen) return [];
  const rows: (typeof reports.$inferInsert)[] = [];
  const base = {
    reporterId: input.reporterId,
    reason,
    activityIri: input.activityIri,
    fromHost: input.fromHost,
  };
  const reportedAuthors = new Set<number>();
  for (const itemId of input.itemIds) {
    const item = getItem(db, itemId);
    if (!item || item.deletedAt) continue;
    reportedAuthors.add(item.authorId);
    for (const group of groupsOfItem(db, item.id).filter((g) => g.isLocal)) {
      rows.push({ ...base, groupId: group.id, itemId, targetActorId: item.authorId });
    }
  }
  for (const personId of input.personIds) {
    // Mastodon names the author beside their posts; the post reports already cover them.
    if (reportedAuthors.has(personId)) continue;
    const groups: (number | null)[] = input.groupIds.length > 0 ? input.groupIds : [null];
    for (const groupId of groups) rows.push({ ...base, groupId, targetActorId: personId });
  }
  if (rows.length === 0) return [];
  return db.insert(reports).values(rows).returning().all();
}

/** Whether an actor is an administrator of this instance. */
function isAdmin(db: Db, actorId: ActingActor): boolean {
  if (actorId === null) return true;
  return isAdministrator(db, actorId);
}

/** Whether someone may see and act on a report: its community's facilitators, or an admin. */
export function mayHandleReport(db: Db, report: ReportRow, actorId: ActingActor): boolean {
  if (isAdmin(db, actorId)) return true;
  if (report.groupId === null) return false;
  try {
    assertMayModerateGroup(db, report.groupId, actorId, "handle-report");
    return true;
  } catch {
    return false;
  }
}

/** Finds a report by id. */
export function getReport(db: Db, id: number): ReportRow | undefined {
  return db.select().from(reports).where(eq(reports.id, id)).get();
}

/** A page of reports, newest first: one community's, or (for administrators) every one. */
export function listReports(
  db: Db,
  options: { groupId?: number; state: ReportState; page: number; pageSize: number },
): ReportRow[] {
  const conditions: SQL[] = [eq(reports.state, options.state)];
  if (options.groupId !== undefined) conditions.push(eq(reports.groupId, options.groupId));
  return db
    .select()
    .from(reports)
    .where(and(...conditions))
    .orderBy(desc(reports.id))
    .limit(options.pageSize)
    .offset((Math.max(1, options.page) - 1) * options.pageSize)
    .all();
}

/** Reports a person on this instance made, newest first, so that they see what came of them. */
export function reportsBy(db: Db, reporterId: number, limit = 50): ReportRow[] {
  return db
    .select()
    .from(reports)
    .where(eq(reports.reporterId, reporterId))
    .orderBy(desc(reports.id))
    .limit(limit)
    .all();
}

/** A facilitator (or admin) dismisses an open report with a note saying why. */
export function dismissReport(
  db: Db,
  input: { report: ReportRow; byActorId: ActingActor; note: string },
): ReportRow {
  if (!mayHandleReport(db, input.report, input.byActorId)) {
    throw new ForbiddenError("Only the community's facilitators can do this.");
  }
  const note = input.note.replace(/\r\n/g, "\n").trim();
  if (note.length === 0 || note.length > MAX_REASON) {
    throw new ValidationError([
      { field: "note", message: "Enter a note of up to 1,000 characters saying why" },
    ]);
  }
  if (input.report.state !== "open") throw new NotFoundError("That report is no longer open");
  return db
    .update(reports)
    .set({
      state: "dismissed",
      outcome: "dismissed",
      note,
      decidedById: input.byActorId,
      decidedAt: new Date(),
    })
    .where(eq(reports.id, input.report.id))
    .returning()
    .get();
}

/**
 * Resolves the open reports a facilitator's action settles: a removal settles the reports of
 * that post, a ban the reports of that person, in that community. Called inside the action's
 * own transaction, so the action and the resolution happen together.
 */
export function resolveReportsAbout(
  db: Db,
  input: {
    groupId: number;
    itemIds?: number[];
    targetActorId?: number;
    byActorId: ActingActor;
    outcome: "removed" | "banned";
    note: string;
  },
): number {
  const about: SQL[] = [];
  if (input.itemIds && input.itemIds.length > 0) about.push(inArray(reports.itemId, input.itemIds));
  if (input.targetActorId !== undefined) {
    about.push(eq(reports.targetActorId, input.targetActorId));
  }
  if (about.length === 0) return 0;
  const changed = db
    .update(reports)
    .set({
      state: "resolved",
      outcome: input.outcome,
      note: input.note,
      decidedById: input.byActorId,
      decidedAt: new Date(),
    })
    .where(and(eq(reports.groupId, input.groupId), eq(reports.state, "open"), ...about))
    .returning({ id: reports.id })
    .all();
  return changed.length;
}

/** How many reports are open in the communities given, or everywhere (null) for admins. */
export function openReportIds(db: Db, groupIds: number[] | null): number[] {
  const where =
    groupIds === null
      ? eq(reports.state, "open")
      : groupIds.length === 0
        ? undefined
        : and(eq(reports.state, "open"), inArray(reports.groupId, groupIds));
  if (!where) return [];
  return db
    .select({ id: reports.id })
    .from(reports)
    .where(where)
    .all()
    .map((r) => r.id);
}
