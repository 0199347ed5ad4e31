import { isStage, stageInfo } from "../../../domain/lifecycle.ts";
import {
  type InstanceMetricsReport,
  METRICS_PERIODS,
  type MetricsReport,
} from "../../../domain/metrics/report.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { Button, SummaryList, Table, Tag } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { MetricsFigures } from "../metrics-figures.tsx";
import { ScrollRegion } from "../scroll-region.tsx";
import { When } from "./items.tsx";

// The metrics pages: one per local community, for its facilitators and the instance's admins,
// and one for the whole instance, for admins. Both show counts only and offer the same figures
// as a CSV download.

/** Where a community's metrics page lives. */
export function communityMetricsPath(communityPath: string): string {
  return `${communityPath}/metrics`;
}

/** Where the instance's metrics page lives. */
export const INSTANCE_METRICS_PATH = "/admin/metrics";

/** The "Metrics" entry of a community's section navigation, for those who may see them. */
export function MetricsNavItem(props: { path: string }) {
  return (
    <li>
      <a class="govuk-link" href={communityMetricsPath(props.path)}>
        Metrics
      </a>
    </li>
  );
}

/** The period picker: a GET form, so it works without JavaScript and the URL can be shared. */
function PeriodForm(props: { report: MetricsReport; action: string }) {
  return (
    <form method="get" action={props.action} class="copse-inline-form" novalidate>
      <div class="govuk-form-group">
        <label class="govuk-label" for="period">
          Show figures for
        </label>
        <select class="govuk-select" id="period" name="period">
          {METRICS_PERIODS.map((p) => (
            <option value={p.id} selected={p.id === props.report.period.id}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <Button variant="secondary">Show</Button>
    </form>
  );
}

/** When the figures were worked out, the period picker and the link to download them. */
function AboutFigures(props: { report: MetricsReport; path: string; scope: string }) {
  const query = `?period=${props.report.period.id}`;
  return (
    <>
      <p class="govuk-body">
        Figures for {props.scope} as at <When date={props.report.at} />. They count members and
        posts; they never show what anyone wrote.
      </p>
      <PeriodForm report={props.report} action={props.path} />
      <p class="govuk-body">
        <a class="govuk-link" href={`${props.path}.csv${query}`} download>
          Download these figures (CSV)
        </a>
      </p>
    </>
  );
}

/** A local community's metrics. */
export function CommunityMetricsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  report: MetricsReport;
}) {
  const { access } = props;
  const path = communityMetricsPath(access.path);
  return (
    <Layout ctx={props.ctx} title={`Metrics – ${access.group.name}`} backLink={access.path}>
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Metrics</h1>
      <AboutFigures report={props.report} path={path} scope="this community" />
      <MetricsFigures report={props.report} />
    </Layout>
  );
}

/** The instance's metrics: its totals, a row per community, then every community together. */
export function InstanceMetricsPage(props: { ctx: PageContext; report: InstanceMetricsReport }) {
  const { report } = props;
  const { totals } = report;
  return (
    <Layout ctx={props.ctx} title="Instance metrics">
      <span class="govuk-caption-l">{props.ctx.instanceName}</span>
      <h1 class="govuk-heading-l">Instance metrics</h1>
      <AboutFigures
        report={report}
        path={INSTANCE_METRICS_PATH}
        scope="all the communities on this instance"
      />
      <h2 class="govuk-heading-m">This instance</h2>
      <SummaryList
        rows={[
          { key: "Local accounts", value: String(totals.localAccounts) },
          { key: "Communities", value: String(totals.localCommunities) },
          { key: "People and groups from other servers", value: String(totals.remoteActors) },
          { key: "Other servers known", value: String(totals.knownInstances) },
        ]}
      />
      <h2 class="govuk-heading-m">Communities</h2>
      {report.communities.length === 0 ? (
        <p class="govuk-body">There are no communities yet.</p>
      ) : (
        <ScrollRegion label="Each community's members and recent posts">
          <Table
            caption="Each community's members and recent posts"
            captionSize="s"
            head={["Community", "Visibility", "Stage", "Members", "Posts in the last 30 days"]}
            rows={report.communities.map((c) => [
              <a class="govuk-link" href={communityMetricsPath(communityPagePath(c.handle))}>
                {c.name}
                <span class="govuk-visually-hidden"> metrics</span>
              </a>,
              c.visibility === "private" ? (
                <Tag colour="grey">Private</Tag>
              ) : (
                <Tag colour="green">Public</Tag>
              ),
              isStage(c.stage) ? stageInfo(c.stage).label : c.stage,
              c.members,
              c.recentPosts,
            ])}
            firstCellIsHeader
            numericColumns={[3, 4]}
          />
        </ScrollRegion>
      )}
      <p class="govuk-body">
        The figures below are for all the communities together: someone who belongs to several is
        counted once, and so is a post published into several.
      </p>
      <MetricsFigures report={report} />
    </Layout>
  );
}
