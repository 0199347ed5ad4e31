import { aliasedTable, and, desc, eq, inArray, isNotNull, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  communities,
  itemMentions,
  items,
  memberships,
  moderationLog,
  reports,
} from "../../db/schema/index.ts";
import { communityNoticesFor } from "../admin/communities.ts";
import { isAdministrator } from "../administrators.ts";
import { canView } from "../items.ts";

// Notifications are worked out from what already records them (requests, reports, replies,
// the moderation log) rather than copied into a table of their own, so that nothing else has
// to remember to write one; a single "seen up to" time per person says which are unread.

/** What a notification is about. */
export type NotificationKind =
  | "join-request"
  | "report"
  | "request-decided"
  | "reply"
  /** Someone mentioned the person in a post they may see. */
  | "mention"
  | "removal"
  | "report-outcome"
  /** Administrators approved, rejected, closed or deleted a community (detail: which). */
  | "community"
  /** For administrators: a new community waits for approval. */
  | "community-pending";

/** One thing that needs (or had) a person's attention. */
export interface Notification {
  kind: NotificationKind;
  at: Date;
  groupId: number | null;
  /** The person who asked, replied or was reported, where there is one. */
  actorId: number | null;
  itemId: number | null;
  reportId: number | null;
  /** A removal's reason, a report's outcome, or whether a request was accepted. */
  detail: string;
  /** The administrators' reason, for a community notice. */
  reason?: string;
}

/** How many of each kind are looked at: enough for a page, and cheap for the header count. */
const PER_KIND = 30;

/** The local communities a person facilitates (whose requests and reports are theirs). */
function facilitatedGroupIds(db: Db, actorId: number): number[] {
  return db
    .select({ id: memberships.groupId })
    .from(memberships)
    .innerJoin(communities, eq(communities.actorId, memberships.groupId))
    .where(
      and(
        eq(memberships.memberId, actorId),
        eq(memberships.state, "active"),
        eq(memberships.role, "facilitator"),
      ),
    )
    .all()
    .map((r) => r.id);
}

function isAdmin(db: Db, actorId: number): boolean {
  return isAdministrator(db, actorId);
}

/** Requests to join and open reports in the communities a person runs (every report for admins). */
function forFacilitators(db: Db, actorId: number): Notification[] {
  const groupIds = facilitatedGroupIds(db, actorId);
  const admin = isAdmin(db, actorId);
  const out: Notification[] = [];
  if (groupIds.length > 0) {
    const requests = db
      .select()
      .from(memberships)
      .where(and(inArray(memberships.groupId, groupIds), eq(memberships.state, "pending")))
      .orderBy(desc(memberships.id))
      .limit(PER_KIND)
      .all();
    for (const r of requests) {
      out.push({
        kind: "join-request",
        at: r.requestedAt ?? r.createdAt,
        groupId: r.groupId,
        actorId: r.memberId,
        itemId: null,
        reportId: null,
        detail: "",
      });
    }
  }
  if (groupIds.length > 0 || admin) {
    const open = db
      .select()
      .from(reports)
      .where(
        and(
          eq(reports.state, "open"),
          // Reports a local person sent to a remote community are that community's business.
          admin
            ? or(isNull(reports.groupId), inArray(reports.groupId, localGroupIds(db)))
            : inArray(reports.groupId, groupIds),
        ),
      )
      .orderBy(desc(reports.id))
      .limit(PER_KIND)
      .all();
    for (const r of open) {
      out.push({
        kind: "report",
        at: r.createdAt,
        groupId: r.groupId,
        actorId: r.targetActorId,
        itemId: r.itemId,
        reportId: r.id,
        detail: "",
      });
    }
  }
  return out;
}

/** Ids of every community hosted here. */
function localGroupIds(db: Db): number[] {
  return db
    .select({ id: communities.actorId })
    .from(communities)
    .all()
    .map((r) => r.id);
}

/** Answers to a person's requests to join private communities (here or elsewhere). */
function decidedRequests(db: Db, actorId: number): Notification[] {
  return db
    .select({ m: memberships, visibility: communities.visibility })
    .from(memberships)
    .leftJoin(communities, eq(communities.actorId, memberships.groupId))
    .where(
      and(
        eq(memberships.memberId, actorId),
        inArray(memberships.state, ["active", "rejected"]),
        isNotNull(memberships.decidedAt),
        // Joining a public community is not news; an answer that took a while is.
        // Creating a private community makes its creator a member, which is not news either.
        sql`coalesce(${communities.createdById}, 0) <> ${actorId}`,
        or(
          eq(communities.visibility, "private"),
          and(
            isNull(communities.actorId),
            sql`${memberships.decidedAt} > coalesce(${memberships.requestedAt}, ${memberships.createdAt}) + 2000`,
          ),
        ),
      ),
    )
    .orderBy(desc(memberships.decidedAt))
    .limit(PER_KIND)
    .all()
    .map(({ m }) => ({
      kind: "request-decided" as const,
      at: m.decidedAt!,
      groupId: m.groupId,
      actorId: null,
      itemId: null,
      reportId: null,
      detail: m.state === "active" ? "accepted" : "declined",
    }));
}

/** Replies by others to a person's posts. */
function replies(db: Db, actorId: number): Notification[] {
  const parent = aliasedTable(items, "parent");
  return db
    .select({ reply: items })
    .from(items)
    .innerJoin(parent, eq(parent.id, items.parentId))
    .where(
      and(
        eq(parent.authorId, actorId),
        ne(items.authorId, actorId),
        isNull(items.deletedAt),
        isNull(items.removedAt),
        eq(items.status, "published"),
      ),
    )
    .orderBy(desc(items.id))
    .limit(PER_KIND)
    .all()
    .map(({ reply }) => ({
      kind: "reply" as const,
      at: reply.createdAt,
      groupId: null,
      actorId: reply.authorId,
      itemId: reply.id,
      reportId: null,
      detail: "",
    }));
}

/**
 * Posts by others that mention a person, as long as the person may see them: a mention in a
 * private community the person is not in tells them nothing, not even that it exists.
 */
function mentions(db: Db, actorId: number): Notification[] {
  return db
    .select({ item: items })
    .from(itemMentions)
    .innerJoin(items, eq(items.id, itemMentions.itemId))
    .where(
      and(
        eq(itemMentions.actorId, actorId),
        ne(items.authorId, actorId),
        isNull(items.deletedAt),
        eq(items.status, "published"),
      ),
    )
    .orderBy(desc(items.id))
    .limit(PER_KIND)
    .all()
    .filter(({ item }) => canView(db, item, actorId))
    .map(({ item }) => ({
      kind: "mention" as const,
      at: item.createdAt,
      groupId: null,
      actorId: item.authorId,
      itemId: item.id,
      reportId: null,
      detail: "",
    }));
}

/** Facilitators' removals of a person's posts, with the reason, from the moderation log. */
function removals(db: Db, actorId: number): Notification[] {
  return db
    .select({ entry: moderationLog })
    .from(moderationLog)
    .innerJoin(items, eq(items.id, moderationLog.targetItemId))
    .where(and(eq(items.authorId, actorId), eq(moderationLog.action, "remove-item")))
    .orderBy(desc(moderationLog.id))
    .limit(PER_KIND)
    .all()
    .map(({ entry }) => ({
      kind: "removal" as const,
      at: entry.createdAt,
      groupId: entry.groupId,
      actorId: null,
      itemId: entry.targetItemId,
      reportId: null,
      detail: entry.reason,
    }));
}

/** What became of a person's reports. */
function reportOutcomes(db: Db, actorId: number): Notification[] {
  return db
    .select()
    .from(reports)
    .where(and(eq(reports.reporterId, actorId), isNotNull(reports.decidedAt)))
    .orderBy(desc(reports.decidedAt))
    .limit(PER_KIND)
    .all()
    .map((r) => ({
      kind: "report-outcome" as const,
      at: r.decidedAt!,
      groupId: r.groupId,
      actorId: r.targetActorId,
      itemId: r.itemId,
      reportId: r.id,
      detail: r.outcome ?? r.state,
    }));
}

/** For administrators: the communities waiting for their approval. */
function pendingCommunities(db: Db, actorId: number): Notification[] {
  if (!isAdmin(db, actorId)) return [];
  return db
    .select({ groupId: communities.actorId, at: communities.createdAt })
    .from(communities)
    .where(eq(communities.state, "pending"))
    .orderBy(desc(communities.id))
    .limit(PER_KIND)
    .all()
    .map((r) => ({
      kind: "community-pending" as const,
      at: r.at,
      groupId: r.groupId,
      actorId: null,
      itemId: null,
      reportId: null,
      detail: "",
    }));
}

/** What administrators decided about communities the person created or belonged to. */
function communityNotices(db: Db, actorId: number): Notification[] {
  return communityNoticesFor(db, actorId, PER_KIND).map((n) => ({
    kind: "community" as const,
    at: n.createdAt,
    groupId: n.groupId,
    actorId: null,
    itemId: null,
    reportId: null,
    detail: n.kind,
    reason: n.reason,
  }));
}

/** A person's notifications, newest first. */
export function notificationsFor(db: Db, actorId: number): Notification[] {
  const answers = replies(db, actorId);
  // A reply to me that also names me is one piece of news, not two.
  const answered = new Set(answers.map((n) => n.itemId));
  return [
    ...forFacilitators(db, actorId),
    ...decidedRequests(db, actorId),
    ...answers,
    ...mentions(db, actorId).filter((n) => !answered.has(n.itemId)),
    ...removals(db, actorId),
    ...reportOutcomes(db, actorId),
    ...communityNotices(db, actorId),
    ...pendingCommunities(db, actorId),
  ].sort((a, b) => b.at.getTime() - a.at.getTime());
}
