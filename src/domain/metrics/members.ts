import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { type MetricsScope, scopedMembers } from "./scope.ts";

/** Who the active members are: how many, where from. */
export interface MemberCounts {
  total: number;
  local: number;
  remote: number;
  /** Remote members per instance host, most members first (then by host). */
  byHost: { host: string; members: number }[];
}

/** Counts the scope's active members, local and remote, and remote ones by their instance. */
export function memberCounts(db: Db, scope: MetricsScope): MemberCounts {
  const rows = db.all<{ is_local: number; host: string; members: number }>(sql`
    WITH ${scopedMembers(scope)}
    SELECT a.is_local, a.host, count(*) AS members
    FROM members m JOIN actors a ON a.id = m.id
    GROUP BY a.is_local, a.host`);
  const local = rows.filter((r) => r.is_local).reduce((n, r) => n + r.members, 0);
  const byHost = rows
    .filter((r) => !r.is_local)
    .map((r) => ({ host: r.host, members: r.members }))
    .sort((a, b) => b.members - a.members || a.host.localeCompare(b.host));
  const remote = byHost.reduce((n, r) => n + r.members, 0);
  return { total: local + remote, local, remote, byHost };
}
