import { and, countDistinct, eq, gt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { reports } from "../../db/schema/index.ts";

/** How many Flags one remote actor may send in an hour. */
export const FLAGS_PER_ACTOR_PER_HOUR = 10;
/** How many Flags one remote server (all its actors together) may send in an hour. */
export const FLAGS_PER_HOST_PER_HOUR = 50;

const HOUR = 3_600_000;

/**
 * Why a received Flag must be refused as part of a flood, or null when it may be taken.
 * Counted from the reports themselves (distinct Flags in the last hour), so the limit holds
 * across restarts and needs no table of its own.
 */
export function flagFloodReason(
  db: Db,
  sender: { reporterId: number; fromHost: string },
  now = new Date(),
): string | null {
  const since = new Date(now.getTime() - HOUR);
  const flagsWhere = (where: ReturnType<typeof eq>) =>
    db
      .select({ n: countDistinct(reports.activityIri) })
      .from(reports)
      .where(and(where, gt(reports.createdAt, since)))
      .get()?.n ?? 0;
  if (flagsWhere(eq(reports.reporterId, sender.reporterId)) >= FLAGS_PER_ACTOR_PER_HOUR) {
    return `more than ${FLAGS_PER_ACTOR_PER_HOUR} reports from this actor in an hour`;
  }
  if (flagsWhere(eq(reports.fromHost, sender.fromHost)) >= FLAGS_PER_HOST_PER_HOUR) {
    return `more than ${FLAGS_PER_HOST_PER_HOUR} reports from ${sender.fromHost} in an hour`;
  }
  return null;
}
