import { and, count, countDistinct, eq, gt, isNull, ne } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { accounts, communities, items, sessions } from "../db/schema/index.ts";

/** Counts reported in NodeInfo and on the admin pages. */
export interface InstanceUsage {
  users: number;
  activeMonth: number;
  activeHalfyear: number;
  communities: number;
  /** Local top-level posts (topics, entries, pages, events, documents). */
  localPosts: number;
  /** Local replies and comments. */
  localComments: number;
}

/** Counts accounts, recently signed-in accounts and communities. */
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
          replies ? eq(items.kind, "reply") : ne(items.kind, "reply"),
        ),
      )
      .get()?.n ?? 0
  );
}
