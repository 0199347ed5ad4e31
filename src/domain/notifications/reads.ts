import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { cachedUntilChange } from "../../db/generation.ts";
import { notificationReads } from "../../db/schema/index.ts";
import { notificationsFor } from "./feed.ts";

/** When a person last viewed their notifications, if ever. */
export function notificationsSeenAt(db: Db, actorId: number): Date | null {
  return (
    db.select().from(notificationReads).where(eq(notificationReads.actorId, actorId)).get()
      ?.seenAt ?? null
  );
}

/** How many notifications arrived since the person last looked (the header's count). */
export function unreadNotificationCount(db: Db, actorId: number): number {
  // Every signed-in page shows the count, and it takes a dozen queries to make: it is kept
  // while the database is unchanged (nothing else, such as the time, changes it).
  return unreadCounts(db, actorId, () => {
    const seen = notificationsSeenAt(db, actorId);
    const all = notificationsFor(db, actorId);
    return seen ? all.filter((n) => n.at > seen).length : all.length;
  });
}

/** Unread counts by person, kept while the database is unchanged (see above). */
const unreadCounts = cachedUntilChange<number, number>(5_000);

/** Marks everything up to now as read: the person has viewed the page. */
export function markNotificationsSeen(db: Db, actorId: number, now = new Date()): void {
  db.insert(notificationReads)
    .values({ actorId, seenAt: now })
    .onConflictDoUpdate({ target: notificationReads.actorId, set: { seenAt: now } })
    .run();
}
