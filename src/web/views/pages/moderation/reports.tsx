import type { Child } from "hono/jsx";
import type { ReportDetails } from "../../../../domain/moderation/report-details.ts";
import type { ReportState } from "../../../../domain/moderation/reports.ts";
import { itemPagePath } from "../../../../domain/paths.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  SummaryList,
  Table,
  Tag,
  Textarea,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { ActorLink, When } from "../items.tsx";

const STATE_LABELS: Record<ReportState, string> = {
  open: "Open",
  resolved: "Resolved",
  dismissed: "Dismissed",
};

/** What came of a report, in words: "Post removed", "Member banned" or "Dismissed". */
export function outcomeText(outcome: string | null, state: ReportState): string {
  if (outcome === "removed") return "Post removed";
  if (outcome === "banned") return "Member banned";
  return STATE_LABELS[state];
}

/** What a report is about: the post (linked) or the person. */
export function ReportSubject(props: { d: ReportDetails }) {
  const { item, group, target, rootKind } = props.d;
  if (item && group) {
    return (
      <>
        <a class="govuk-link" href={itemPagePath(item, group, rootKind)}>
          {item.title || `A ${item.kind === "reply" ? "reply" : item.kind}`}
        </a>
        {target ? (
          <>
            {" by "}
            <ActorLink actor={target} />
          </>
        ) : null}
      </>
    );
  }
  return target ? <ActorLink actor={target} /> : <>Something since deleted</>;
}

/** The form a person reports a post or a member with. */
export function ReportFormPage(props: {
  ctx: PageContext;
  communityName: string;
  heading: string;
  subject: Child;
  action: string;
  cancel: string;
  reason?: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.communityName}`}
      errors={errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.communityName}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <div class="govuk-inset-text">{props.subject}</div>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="reason"
              label="What is wrong?"
              hint="Only the community's facilitators and the instance's administrators see this. The person you report does not see it, or who reported them."
              value={props.reason}
              error={errorFor(errors, "reason")}
              rows={4}
            />
            <div class="govuk-button-group">
              <Button>Send report</Button>
              <a class="govuk-link" href={props.cancel}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** A queue of reports (one community's, or every community's for administrators). */
export function ReportQueuePage(props: {
  ctx: PageContext;
  title: string;
  caption: string;
  /** Where the queue lives; each report is at `${base}/{id}`. */
  base: string;
  backLink: string;
  state: ReportState;
  reports: ReportDetails[];
  showCommunity?: boolean;
}) {
  const states: ReportState[] = ["open", "resolved", "dismissed"];
  const head = ["Reported", "About", "Reason", props.state === "open" ? "" : "Outcome"];
  if (props.showCommunity) head.splice(1, 0, "Community");
  return (
    <Layout ctx={props.ctx} title={`${props.title} – ${props.caption}`} backLink={props.backLink}>
      <span class="govuk-caption-l">{props.caption}</span>
      <h1 class="govuk-heading-l">{props.title}</h1>
      <nav aria-label="Report states">
        <ul class="govuk-list">
          {states.map((s) => (
            <li>
              <a
                class="govuk-link"
                href={`${props.base}?state=${s}`}
                aria-current={s === props.state ? "page" : undefined}
              >
                {s === props.state ? <strong>{STATE_LABELS[s]}</strong> : STATE_LABELS[s]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.reports.length === 0 ? (
        <p class="govuk-body">There are no {props.state} reports.</p>
      ) : (
        <Table
          caption={`${STATE_LABELS[props.state]} reports`}
          captionSize="m"
          head={head.filter((h, i) => h !== "" || i < head.length - 1)}
          rows={props.reports.map((d) => {
            const cells: Child[] = [
              <a class="govuk-link" href={`${props.base}/${d.report.id}`}>
                <When date={d.report.createdAt} />
              </a>,
              <ReportSubject d={d} />,
              d.report.reason || "None given",
            ];
            if (props.showCommunity) cells.splice(1, 0, d.group?.name ?? "The whole instance");
            if (props.state !== "open") cells.push(outcomeText(d.report.outcome, d.report.state));
            return cells;
          })}
        />
      )}
    </Layout>
  );
}

/** One report, with what a facilitator can do about it. */
export function ReportPage(props: {
  ctx: PageContext;
  d: ReportDetails;
  /** The community's path when it is hosted here (its moderation pages), else undefined. */
  communityPath: string | undefined;
  queue: string;
  note?: string;
  errors?: FieldError[];
}) {
  const { d, communityPath } = props;
  const { report } = d;
  const errors = props.errors ?? [];
  const rows: { key: Child; value: Child }[] = [
    { key: "Community", value: d.group?.name ?? "The whole instance" },
    { key: "About", value: <ReportSubject d={d} /> },
    { key: "Reason", value: report.reason || "None given" },
    { key: "Reported by", value: d.reporter ? <ActorLink actor={d.reporter} /> : "Unknown" },
    { key: "Reported", value: <When date={report.createdAt} /> },
    {
      key: "Status",
      value: (
        <Tag colour={report.state === "open" ? undefined : "grey"}>
          {outcomeText(report.outcome, report.state)}
        </Tag>
      ),
    },
  ];
  if (report.decidedAt) {
    rows.push({
      key: "Decided",
      value: (
        <>
          {d.decidedBy ? <ActorLink actor={d.decidedBy} /> : "An administrator"},{" "}
          <When date={report.decidedAt} />
          {report.note ? `: ${report.note}` : ""}
        </>
      ),
    });
  }
  return (
    <Layout
      ctx={props.ctx}
      title={`Report – ${d.group?.name ?? "Reports"}`}
      errors={errors.length > 0}
      backLink={props.queue}
    >
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">{d.group?.name ?? "The whole instance"}</span>
      <h1 class="govuk-heading-l">Report</h1>
      <SummaryList rows={rows} />
      {report.state === "open" ? (
        <>
          <h2 class="govuk-heading-m">Act on it</h2>
          <p class="govuk-body">Removing the post or banning the member resolves this report.</p>
          <ul class="govuk-list">
            {communityPath && d.item && !d.item.removedAt ? (
              <li>
                <a
                  class="govuk-link"
                  href={`${communityPath}/moderation/items/${d.item.id}/remove`}
                >
                  Remove the post
                </a>
              </li>
            ) : null}
            {communityPath && d.target?.type === "Person" ? (
              <li>
                <a class="govuk-link" href={`${communityPath}/members/${d.target.id}/ban`}>
                  Ban {d.target.name}
                </a>
              </li>
            ) : null}
          </ul>
          <h2 class="govuk-heading-m">Or dismiss it</h2>
          <form method="post" action={`${props.queue}/${report.id}/dismiss`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="note"
              label="Why nothing needs doing"
              hint="The person who reported it sees this note."
              value={props.note}
              error={errorFor(errors, "note")}
              rows={3}
            />
            <Button variant="secondary">Dismiss report</Button>
          </form>
        </>
      ) : null}
    </Layout>
  );
}

/** The reports a person made here, and what came of each. */
export function YourReportsPage(props: { ctx: PageContext; reports: ReportDetails[] }) {
  return (
    <Layout ctx={props.ctx} title="Your reports">
      <h1 class="govuk-heading-l">Your reports</h1>
      {props.reports.length === 0 ? (
        <p class="govuk-body">You have not reported anything.</p>
      ) : (
        <Table
          caption="Reports you made, newest first"
          captionSize="m"
          head={["Reported", "Community", "About", "Outcome"]}
          rows={props.reports.map((d) => [
            <When date={d.report.createdAt} />,
            d.group?.name ?? "",
            <ReportSubject d={d} />,
            d.group && !d.group.isLocal
              ? "Sent to the community's own server, which decides"
              : `${outcomeText(d.report.outcome, d.report.state)}${d.report.state === "dismissed" && d.report.note ? `: ${d.report.note}` : ""}`,
          ])}
        />
      )}
    </Layout>
  );
}
