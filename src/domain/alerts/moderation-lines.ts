import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { communityNotices, memberships, moderationLog, reports } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { communityPagePath } from "../paths.ts";
import { type AlertEntry, type AlertLine, nameOf } from "./line-parts.ts";
import type { AlertLookups } from "./lookups.ts";
import { parseTopic } from "./topics.ts";

// Mail lines for what facilitators and moderation decide, the same topics the notifications
// page shows (src/domain/notifications/feed.ts): a new report for a community's facilitators,
// and for a person the answer to their request to join, the removal of a post of theirs with
// the reason, and what came of a report they made. Each re-checks, when the mail is written,
// that it is still true and still theirs, as the content lines do.

/** Where a community's pages are, here or (for a remote community) as shown here. */
function groupPath(group: ActorRow): string {
  return communityPagePath(group.handle, group.isLocal ? undefined : group.host);
}

/** What a report's outcome says to the person who made it. */
function outcomeText(outcome: string | null): string {
  if (outcome === "removed") return "acted on: the post was removed";
  if (outcome === "banned") return "acted on: the member was banned";
  return "dismissed";
}

/** What every moderation line is made from: the entry, the row id its subject names, and more. */
interface LineArgs {
  db: Db;
  origin: string;
  entry: AlertEntry;
  look: AlertLookups;
  id: number;
  /** The subject's third part, such as the time a request was decided. */
  at: string | undefined;
}

/** A line for a report waiting in a community's queue, for one of its facilitators. */
function reportLine(args: LineArgs): AlertLine | undefined {
  const { db, origin, entry, look, id } = args;
  const report = db.select().from(reports).where(eq(reports.id, id)).get();
  const topic = parseTopic(entry.topic);
  if (report?.state !== "open" || report.groupId === null) return undefined;
  if (topic?.kind !== "community" || topic.groupId !== report.groupId) return undefined;
  const group = look.actor(report.groupId);
  if (!group?.isLocal || !look.isFacilitator(group.id, entry.personId)) return undefined;
  const item = report.itemId ? look.item(report.itemId) : undefined;
  const target = report.targetActorId ? look.actor(report.targetActorId) : undefined;
  const what = item ? `a post by ${nameOf(target)}` : nameOf(target);
  const reporter = nameOf(look.actor(report.reporterId));
  return {
    entryId: entry.id,
    community: group.name || group.handle,
    heading: "Reports",
    title: `${reporter} reported ${what}`,
    by: reporter,
    url: `${origin}${groupPath(group)}/reports/${report.id}`,
    excerpt: `Reason: ${report.reason}`,
  };
}

/** A line telling a person their request to join was answered, while the answer stands. */
function decidedLine(args: LineArgs): AlertLine | undefined {
  const { db, origin, entry, look, id, at } = args;
  const m = db.select().from(memberships).where(eq(memberships.id, id)).get();
  if (!m || m.memberId !== entry.personId || String(m.decidedAt?.getTime()) !== at) {
    return undefined;
  }
  if (m.state !== "active" && m.state !== "rejected") return undefined;
  const group = look.actor(m.groupId);
  if (!group) return undefined;
  const answer = m.state === "active" ? "accepted" : "declined";
  return {
    entryId: entry.id,
    community: group.name || group.handle,
    heading: "Decisions about you",
    title: `Your request to join ${group.name || group.handle} was ${answer}`,
    by: nameOf(group),
    url: `${origin}${groupPath(group)}`,
  };
}

/** A line telling a person that facilitators removed a post of theirs, and why. */
function removalLine(args: LineArgs): AlertLine | undefined {
  const { db, origin, entry, look, id } = args;
  const log = db.select().from(moderationLog).where(eq(moderationLog.id, id)).get();
  const item = log?.targetItemId ? look.item(log.targetItemId) : undefined;
  // A post restored since, or deleted outright, is no longer news.
  if (!log || !item || item.authorId !== entry.personId || !item.removedAt || item.deletedAt) {
    return undefined;
  }
  const group = look.actor(log.groupId);
  const name = group ? group.name || group.handle : "a community";
  return {
    entryId: entry.id,
    community: group ? name : null,
    heading: "Decisions about you",
    title: `The facilitators of ${name} removed ${item.title ? `“${item.title}”` : "your post"}`,
    by: `The facilitators of ${name}`,
    url: `${origin}/notifications`,
    excerpt: `Their reason: ${log.reason}`,
  };
}

/** A line telling a reporter what came of their report. */
function outcomeLine(args: LineArgs): AlertLine | undefined {
  const { db, origin, entry, look, id } = args;
  const report = db.select().from(reports).where(eq(reports.id, id)).get();
  if (!report || report.reporterId !== entry.personId || report.state === "open") return undefined;
  const group = report.groupId ? look.actor(report.groupId) : undefined;
  const name = group ? group.name || group.handle : "a community";
  return {
    entryId: entry.id,
    community: group ? name : null,
    heading: "Decisions about you",
    title: `Your report in ${name} was ${outcomeText(report.outcome)}`,
    by: `The facilitators of ${name}`,
    url: `${origin}/reports`,
    ...(report.state === "dismissed" && report.note ? { excerpt: report.note } : {}),
  };
}

/** What each community notice says happened. */
const NOTICE_TITLES: Record<string, (name: string) => string> = {
  approved: (name) => `An administrator approved ${name}`,
  rejected: (name) => `An administrator did not approve ${name}`,
  closed: (name) => `${name} was closed by an administrator: it is read-only now`,
  deleted: (name) => `${name} was deleted`,
};

/** A line telling a person what administrators decided about a community of theirs. */
function noticeLine(args: LineArgs): AlertLine | undefined {
  const { db, origin, entry, look, id } = args;
  const notice = db.select().from(communityNotices).where(eq(communityNotices.id, id)).get();
  if (!notice || notice.personId !== entry.personId) return undefined;
  const group = look.actor(notice.groupId);
  const name = group ? group.name || group.handle : "A community";
  return {
    entryId: entry.id,
    community: group ? name : null,
    heading: "Decisions about you",
    title: NOTICE_TITLES[notice.kind]!(name),
    by: "The administrators",
    // A deleted community has no page left to link to.
    url: `${origin}${group && notice.kind !== "deleted" ? groupPath(group) : "/notifications"}`,
    ...(notice.reason ? { excerpt: `Reason: ${notice.reason}` } : {}),
  };
}

/** The line for a moderation entry (`report:`, `decided:`, `removal:`, `outcome:`), if still true. */
export function moderationLine(
  db: Db,
  origin: string,
  entry: AlertEntry,
  look: AlertLookups,
): AlertLine | undefined {
  const [kind, idText, extra] = entry.subject.split(":");
  const id = Number(idText);
  if (!Number.isInteger(id)) return undefined;
  const args: LineArgs = { db, origin, entry, look, id, at: extra };
  switch (kind) {
    case "report":
      return reportLine(args);
    case "decided":
      return decidedLine(args);
    case "removal":
      return removalLine(args);
    case "outcome":
      return outcomeLine(args);
    case "notice":
      return noticeLine(args);
    default:
      return undefined;
  }
}
