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

/** The periods, in days, over which participation is measured by default. */
export const PARTICIPATION_PERIODS = [30, 90] as const;

/** Topics started within this many days count towards the forum response figures by default. */
export const RESPONSE_PERIOD_DAYS = 90;

/** A span of time a facilitator can choose to see the figures over. */
export interface MetricsPeriod {
  id: string;
  label: string;
  /** Weeks of the per-week charts and tables. */
  weeks: number;
  /** Periods, in days, of the participation split. */
  participationDays: readonly number[];
  /** Days of forum topics counted in the response figures. */
  responseDays: number;
}

/** The periods offered, shortest first; the second is the default. */
export const METRICS_PERIODS: readonly MetricsPeriod[] = [
  { id: "4w", label: "Last 4 weeks", weeks: 4, participationDays: [28], responseDays: 28 },
  {
    id: "12w",
    label: "Last 12 weeks",
    weeks: 12,
    participationDays: PARTICIPATION_PERIODS,
    responseDays: RESPONSE_PERIOD_DAYS,
  },
  { id: "26w", label: "Last 6 months", weeks: 26, participationDays: [30, 182], responseDays: 182 },
  {
    id: "52w",
    label: "Last 12 months",
    weeks: 52,
    participationDays: [30, 364],
    responseDays: 364,
  },
];

/** The period a query names, or the default for a missing or unknown one. */
export function metricsPeriod(id: string | undefined): MetricsPeriod {
  return METRICS_PERIODS.find((p) => p.id === id) ?? METRICS_PERIODS[1]!;
}

/** Every figure shown for a community, or for all of the instance's communities together. */
export interface MetricsReport {
  /** When the figures were computed. */
  at: Date;
  /** The span of time the figures cover. */
  period: MetricsPeriod;
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

function report(db: Db, scope: MetricsScope, now: number, period: MetricsPeriod): MetricsReport {
  return {
    at: new Date(now),
    period,
    members: memberCounts(db, scope),
    newMembers: newMembersPerWeek(db, scope, now, period.weeks),
    weeks: postsPerWeek(db, scope, now, period.weeks),
    participation: participationOver(db, scope, now, period.participationDays),
    responses: forumResponses(db, scope, now, period.responseDays),
  };
}

/** The metrics of one local community (its Group actor's id). Counts only, never content. */
export function communityMetrics(
  db: Db,
  groupId: number,
  now = Date.now(),
  period = metricsPeriod(undefined),
): MetricsReport {
  return report(db, communityScope(groupId), now, period);
}

/** The metrics of every local community together, with per-community rows and totals. */
export function instanceMetrics(
  db: Db,
  now = Date.now(),
  period = metricsPeriod(undefined),
): InstanceMetricsReport {
  return {
    ...report(db, INSTANCE_SCOPE, now, period),
    totals: instanceTotals(db),
    communities: communityFigures(db, now),
  };
}
