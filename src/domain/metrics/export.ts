import type { CsvCell } from "./csv.ts";
import { POST_SECTIONS, type PostSection } from "./posts.ts";
import type { InstanceMetricsReport, MetricsReport } from "./report.ts";

// The CSV export is "long" (one figure per row: metric, breakdown, period, value) rather than
// a grid, so a spreadsheet can filter or pivot it and new figures never shift the columns.

/** The header row of every metrics CSV. */
export const CSV_HEADER = ["Metric", "Breakdown", "Period", "Value"] as const;

/** How sections are named in exports and on the pages. */
export const SECTION_NAMES: Record<PostSection, string> = {
  forum: "Forum",
  blog: "Blog",
  wiki: "Wiki",
  events: "Events",
  documents: "Documents",
  polls: "Polls",
};

/** A date as YYYY-MM-DD (UTC). */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The rows shared by community and instance exports (after the header). */
export function reportRows(report: MetricsReport): CsvCell[][] {
  const { members, newMembers, weeks, participation, responses } = report;
  const rows: CsvCell[][] = [
    ["Active members", "All", "Now", members.total],
    ["Active members", "Local", "Now", members.local],
    ["Active members", "Remote", "Now", members.remote],
    ...members.byHost.map((h) => ["Remote members by instance", h.host, "Now", h.members]),
    ...newMembers.map((w) => [
      "New members",
      "All",
      `Week beginning ${isoDay(w.start)}`,
      w.members,
    ]),
  ];
  for (const week of weeks) {
    const period = `Week beginning ${isoDay(week.start)}`;
    for (const section of POST_SECTIONS) {
      rows.push(["Posts", SECTION_NAMES[section], period, week.bySection[section]]);
    }
    rows.push(["Posts", "All sections", period, week.total]);
    rows.push(["People posting", "All sections", period, week.authors]);
  }
  for (const p of participation) {
    const period = `Last ${p.days} days`;
    rows.push(
      ["Participation", "Members", period, p.members],
      ["Participation", "Creators", period, p.creators],
      ["Participation", "Contributors", period, p.contributors],
      ["Participation", "Readers", period, p.readers],
    );
  }
  const period = `Topics started in the last ${responses.days} days`;
  rows.push(
    ["Forum topics", "Started", period, responses.topics],
    ["Forum topics", "Answered by someone else", period, responses.answered],
    [
      "Forum response rate (%)",
      "",
      period,
      responses.topics === 0 ? "" : Math.round((responses.answered / responses.topics) * 100),
    ],
    [
      "Median time to first reply (minutes)",
      "",
      period,
      responses.medianFirstReplyMs === null
        ? ""
        : Math.round(responses.medianFirstReplyMs / 60_000),
    ],
  );
  return rows;
}

/** A community's metrics as CSV rows, header first. */
export function communityCsvRows(report: MetricsReport): CsvCell[][] {
  return [[...CSV_HEADER], ...reportRows(report)];
}

/** The instance's metrics as CSV rows, header first: totals, each community, then the rest. */
export function instanceCsvRows(report: InstanceMetricsReport): CsvCell[][] {
  const { totals } = report;
  return [
    [...CSV_HEADER],
    ["Local accounts", "", "Now", totals.localAccounts],
    ["Local communities", "", "Now", totals.localCommunities],
    ["Remote actors", "", "Now", totals.remoteActors],
    ["Known instances", "", "Now", totals.knownInstances],
    ...report.communities.flatMap((c) => [
      ["Community members", `${c.name} (@${c.handle})`, "Now", c.members],
      ["Community posts", `${c.name} (@${c.handle})`, "Last 30 days", c.recentPosts],
    ]),
    ...reportRows(report),
  ];
}
