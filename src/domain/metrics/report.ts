import type { Db } from "../../db/client.ts";
import {
  type CommunityFigures,
  communityFigures,
  type InstanceTotals,
  instanceTotals,
} from "./instance.ts";
import { type MemberCounts, memberCounts } from "./members.ts";
import { newMembersPerWeek, type WeekOfNewMembers } from "./new-members.ts";
import { type Participation, participationOver } from "./participation.ts";
import { postsPerWeek, type WeekOfPosts } from "./posts.ts";
import { type ForumResponses, forumResponses } from "./responses.ts";
import { communityScope, INSTANCE_SCOPE, type MetricsScope } from "./scope.ts";

/** The periods, in days, over which participation is measured. */
export const PARTICIPATION_PERIODS = [30, 90] as const;

/** Topics started within this many days count towards the forum response figures. */
export const RESPONSE_PERIOD_DAYS = 90;

/** Every figure shown for a community, or for all of the instance's communities together. */
export interface MetricsReport {
  /** When the figures were computed. */
  at: Date;
  members: MemberCounts;
  /** People who became members, per week, over the same weeks as `weeks`. */
  newMembers: WeekOfNewMembers[];
  weeks: WeekOfPosts[];
  participation: Participation[];
  responses: ForumResponses;
}

/** The instance's report adds its totals and a row per community. */
export interface InstanceMetricsReport extends MetricsReport {
  totals: InstanceTotals;
  communities: CommunityFigures[];
}

function report(db: Db, scope: MetricsScope, now: number): MetricsReport {
  return {
    at: new Date(now),
    members: memberCounts(db, scope),
    newMembers: newMembersPerWeek(db, scope, now),
    weeks: postsPerWeek(db, scope, now),
    participation: participationOver(db, scope, now, PARTICIPATION_PERIODS),
    responses: forumResponses(db, scope, now, RESPONSE_PERIOD_DAYS),
  };
}

/** The metrics of one local community (its Group actor's id). Counts only, never content. */
export function communityMetrics(db: Db, groupId: number, now = Date.now()): MetricsReport {
  return report(db, communityScope(groupId), now);
}

/** The metrics of every local community together, with per-community rows and totals. */
export function instanceMetrics(db: Db, now = Date.now()): InstanceMetricsReport {
  return {
    ...report(db, INSTANCE_SCOPE, now),
    totals: instanceTotals(db),
    communities: communityFigures(db, now),
  };
}
