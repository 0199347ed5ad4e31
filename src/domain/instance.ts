import { and, count, countDistinct, eq, gt, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, communities, items, sessions } from "../db/schema/index.ts";

/** Counts reported in NodeInfo, which anyone may read: nothing members-only is counted. */
export interface InstanceUsage {
  users: number;
  activeMonth: number;
  activeHalfyear: number;
  /** Every local community, private ones included: a count names none of them. */
  communities: number;
  /** Local public top-level posts (topics, entries, pages, events, documents). */
  localPosts: number;
  /** Local public replies and comments. */
  localComments: number;
}

/** Counts accounts, recently signed-in accounts, communities and public local content. */
export function instanceUsage(db: Db, now = Date.now()): InstanceUsage {
  const activeSince = (days: number) =>
    db
      .select({ n: countDistinct(sessions.accountId) })
      .from(sessions)
      .where(gt(sessions.createdAt, new Date(now - days * 86_400_000)))
      .get()?.n ?? 0;
  return {
    users: db.select({ n: count() }).from(accounts).get()?.n ?? 0,
    activeMonth: activeSince(30),
    activeHalfyear: activeSince(182),
    communities: db.select({ n: count() }).from(communities).get()?.n ?? 0,
    localPosts: countLocalItems(db, false),
    localComments: countLocalItems(db, true),
  };
}

// Members-only content is left out: NodeInfo is public, and a count that moves when someone
// posts in a private community tells outsiders when that community is active.
function countLocalItems(db: Db, replies: boolean): number {
  return (
    db
      .select({ n: count() })
      .from(items)
      .where(
        and(
          eq(items.isLocal, true),
          isNull(items.deletedAt),
          eq(items.status, "published"),
          eq(items.visibility, "public"),
          replies ? eq(items.kind, "reply") : ne(items.kind, "reply"),
        ),
      )
      .get()?.n ?? 0
  );
}
