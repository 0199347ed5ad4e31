import { SECTION_NAMES } from "../../domain/metrics/export.ts";
import { percentOf } from "../../domain/metrics/participation.ts";
import { POST_SECTIONS } from "../../domain/metrics/posts.ts";
import type { MetricsReport } from "../../domain/metrics/report.ts";
import { BarChart, LineChart } from "./charts.tsx";
import { SummaryList, Table } from "./components.tsx";
import { ParticipationChart } from "./participation-chart.tsx";
import { ScrollRegion } from "./scroll-region.tsx";

// The figures both metrics pages show (a community's and the instance's), as headed blocks of
// text, tables and charts. They hold counts only: never a post, a name or a title.

const SHORT_WEEK = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "short",
  timeZone: "UTC",
});
const LONG_WEEK = new Intl.DateTimeFormat("en-GB", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: "UTC",
});

/** A duration in words, to the minute: "45 minutes", "3 hours 5 minutes", "2 days 4 hours". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;
  if (minutes < 60) return plural(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest ? `${plural(hours, "hour")} ${plural(rest, "minute")}` : plural(hours, "hour");
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? `${plural(days, "day")} ${plural(rest, "hour")}` : plural(days, "day");
}

/** A count with its share of a total: "3 (25%)". */
function withShare(count: number, total: number): string {
  return `${count} (${percentOf(count, total)})`;
}

/**
 * Active members: how many, local and remote, which instances the remote ones are on, and how
 * many joined each week.
 */
function Members(props: { report: MetricsReport }) {
  const { members, newMembers } = props.report;
  return (
    <>
      <h2 class="govuk-heading-m">Members</h2>
      <SummaryList
        rows={[
          { key: "Active members", value: String(members.total) },
          { key: "On this instance", value: withShare(members.local, members.total) },
          { key: "On other instances", value: withShare(members.remote, members.total) },
        ]}
      />
      {members.byHost.length > 0 ? (
        <Table
          caption="Members on other instances"
          captionSize="s"
          head={["Instance", "Members"]}
          rows={members.byHost.map((h) => [h.host, h.members])}
          firstCellIsHeader
          numericColumns={[1]}
        />
      ) : (
        <p class="govuk-body">No members are on other instances.</p>
      )}
      <p class="govuk-body">
        People who became members in each of the last {newMembers.length} weeks, here or on other
        instances, counted in the week they were let in. People who have since left are not counted.
      </p>
      <BarChart
        id="new-members-per-week"
        title="New members per week"
        points={newMembers.map((w) => ({ label: SHORT_WEEK.format(w.start), value: w.members }))}
        tableLabels={newMembers.map((w) => LONG_WEEK.format(w.start))}
        labelHeading="Week beginning"
        valueHeading="New members"
      />
    </>
  );
}

/** Posts per week (a bar chart), people posting per week (a line chart) and the section table. */
function Posts(props: { report: MetricsReport }) {
  const { weeks } = props.report;
  const labels = weeks.map((w) => SHORT_WEEK.format(w.start));
  const fullLabels = weeks.map((w) => LONG_WEEK.format(w.start));
  return (
    <>
      <h2 class="govuk-heading-m">Posts per week</h2>
      <p class="govuk-body">
        The last {weeks.length} weeks; each starts on a Monday (UTC) and the last is the current
        week so far. Replies and comments count in the section of their thread, and edits to wiki
        pages count in the wiki.
      </p>
      <BarChart
        id="posts-per-week"
        title="Posts per week, all sections"
        points={weeks.map((w, i) => ({ label: labels[i]!, value: w.total }))}
        tableLabels={fullLabels}
        labelHeading="Week beginning"
        valueHeading="Posts"
      />
      <LineChart
        id="people-per-week"
        title="People posting per week"
        points={weeks.map((w, i) => ({ label: labels[i]!, value: w.authors }))}
        tableLabels={fullLabels}
        labelHeading="Week beginning"
        valueHeading="People"
      />
      {/* Nine columns do not fit a phone: the table scrolls sideways, by keyboard too. */}
      <ScrollRegion label="Posts per section per week">
        <Table
          caption="Posts per section per week"
          captionSize="s"
          head={["Week beginning", ...POST_SECTIONS.map((s) => SECTION_NAMES[s]), "All"]}
          rows={weeks.map((w, i) => [
            fullLabels[i]!,
            ...POST_SECTIONS.map((s) => w.bySection[s]),
            w.total,
          ])}
          firstCellIsHeader
          numericColumns={POST_SECTIONS.map((_, i) => i + 1).concat(POST_SECTIONS.length + 1)}
        />
      </ScrollRegion>
    </>
  );
}

/** Creators, contributors and readers as shares of the members, over each period. */
function TakingPart(props: { report: MetricsReport }) {
  const periods = props.report.participation;
  const row = (label: string, pick: (p: (typeof periods)[number]) => number) => [
    label,
    ...periods.map((p) => withShare(pick(p), p.members)),
  ];
  return (
    <>
      <h2 class="govuk-heading-m">Who takes part</h2>
      <p class="govuk-body">
        Of the active members: <strong>creators</strong> started a topic, blog entry, wiki page,
        event, document or poll; <strong>contributors</strong> only replied, commented, edited a
        wiki page or voted in a poll; <strong>readers</strong> did none of these in the period.
        Communities often see about 1% creators, 10% contributors and 89% readers.
      </p>
      <ParticipationChart periods={periods} />
      {/* A few pixels too wide for a 320-pixel screen, so it may scroll too. */}
      <ScrollRegion label="Members by how they took part">
        <Table
          caption="Members by how they took part"
          captionSize="s"
          head={["Members", ...periods.map((p) => `Last ${p.days} days`)]}
          rows={[
            row("Creators", (p) => p.creators),
            row("Contributors", (p) => p.contributors),
            row("Readers", (p) => p.readers),
            ["All active members", ...periods.map((p) => String(p.members))],
          ]}
          firstCellIsHeader
          numericColumns={periods.map((_, i) => i + 1)}
        />
      </ScrollRegion>
    </>
  );
}

/** The forum's response rate and median time to first reply. */
function Responses(props: { report: MetricsReport }) {
  const r = props.report.responses;
  return (
    <>
      <h2 class="govuk-heading-m">Forum responses</h2>
      <p class="govuk-body">
        Topics started in the last {r.days} days, and how many got a reply from someone other than
        the person who started them.
      </p>
      <SummaryList
        rows={[
          { key: "Topics started", value: String(r.topics) },
          {
            key: "Response rate",
            value:
              r.topics === 0
                ? "No topics were started"
                : `${percentOf(r.answered, r.topics)} (${r.answered} of ${r.topics} answered)`,
          },
          {
            key: "Median time to first reply",
            value:
              r.medianFirstReplyMs === null
                ? "No topic has been answered yet"
                : formatDuration(r.medianFirstReplyMs),
          },
        ]}
      />
    </>
  );
}

/** The headline figures of the chosen period, before the detail. */
function AtAGlance(props: { report: MetricsReport }) {
  const { report } = props;
  const r = report.responses;
  const posts = report.weeks.reduce((sum, w) => sum + w.total, 0);
  const joined = report.newMembers.reduce((sum, w) => sum + w.members, 0);
  return (
    <>
      <h2 class="govuk-heading-m">At a glance: {report.period.label.toLowerCase()}</h2>
      <SummaryList
        rows={[
          { key: "Active members", value: String(report.members.total) },
          { key: "New members", value: String(joined) },
          { key: "Posts", value: String(posts) },
          {
            key: "Forum topics answered",
            value: r.topics === 0 ? "No topics were started" : `${r.answered} of ${r.topics}`,
          },
          {
            key: "Median time to first reply",
            value:
              r.medianFirstReplyMs === null
                ? "No topic has been answered yet"
                : formatDuration(r.medianFirstReplyMs),
          },
        ]}
      />
    </>
  );
}

/** Every figure of a report, the headline first, each under its own second-level heading. */
export function MetricsFigures(props: { report: MetricsReport }) {
  return (
    <>
      <AtAGlance report={props.report} />
      <Members report={props.report} />
      <Posts report={props.report} />
      <TakingPart report={props.report} />
      <Responses report={props.report} />
    </>
  );
}
