import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { PollResults, PollSummary } from "../../../domain/polls/polls.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Inset,
  NotificationBanner,
  Pagination,
  Radios,
  SummaryList,
  Table,
  Tag,
} from "../../views/components.tsx";
import { FacilitatorActions } from "../../views/facilitator-actions.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { ItemComments, type ItemCommentsData } from "../../views/item-comments.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody } from "../../views/pages/items.tsx";
import { ReportLink } from "../../views/report-link.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import { PollActions, type PollManagement } from "./poll-changes.tsx";
import { closesInText, closingText, pollClosingStatus } from "./poll-closing.tsx";
import { PollResultsChart, votersText } from "./poll-results.tsx";

/** One table of polls, open or closed; open ones say how long they have left. */
function PollTable(props: {
  caption: string;
  base: string;
  polls: PollSummary[];
  closed: boolean;
  timeZone: string;
  now: Date;
}) {
  return (
    <Table
      caption={props.caption}
      captionSize="m"
      head={["Question", "Closing", "Voters"]}
      numericColumns={[2]}
      rows={props.polls.map((p) => [
        <a class="govuk-link" href={`${props.base}/${p.item.id}`}>
          {p.item.title}
        </a>,
        props.closed ? (
          pollClosingStatus(p.poll.endsAt, props.timeZone, props.now)
        ) : (
          <>
            {closesInText(p.poll.endsAt, props.now)}
            <br />
            <span class="govuk-body-s">{closingText(p.poll.endsAt, props.timeZone)}</span>
          </>
        ),
        String(p.voters),
      ])}
    />
  );
}

/** A community's polls: open ones first, then closed ones; facilitators may create one. */
export function PollsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  open: PollSummary[];
  closed: PollSummary[];
  mayCreate: boolean;
  timeZone: string;
  /** The time the page is shown for, from which "Closes in 3 days" is counted. */
  now: Date;
  /** How many open and closed polls there are on all pages. */
  totals?: { open: number; closed: number };
  /** The page shown: open polls, then closed ones, 50 a page. */
  page?: number;
  totalPages?: number;
}) {
  const { access } = props;
  const base = `${access.path}/polls`;
  const totals = props.totals ?? { open: props.open.length, closed: props.closed.length };
  const page = props.page ?? 1;
  const totalPages = props.totalPages ?? 1;
  return (
    <Layout
      ctx={props.ctx}
      title={`Polls${totalPages > 1 ? ` (page ${page} of ${totalPages})` : ""} – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "polls")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Polls</h1>
      {props.mayCreate ? <ButtonLink href={`${base}/new`}>Create a poll</ButtonLink> : null}
      {totals.open === 0 ? (
        <>
          <h2 class="govuk-heading-m">Open polls</h2>
          <p class="govuk-body">No polls are open at the moment.</p>
        </>
      ) : props.open.length === 0 ? null : (
        <PollTable
          caption={`Open polls (${totals.open})`}
          base={base}
          polls={props.open}
          closed={false}
          timeZone={props.timeZone}
          now={props.now}
        />
      )}
      {props.closed.length === 0 ? null : (
        <PollTable
          caption={`Closed polls (${totals.closed})`}
          base={base}
          polls={props.closed}
          closed={true}
          timeZone={props.timeZone}
          now={props.now}
        />
      )}
      <Pagination
        currentPage={page}
        totalPages={totalPages}
        hrefFor={(n) => (n > 1 ? `${base}?page=${n}` : base)}
        label="Pages of polls"
      />
      <FeedLinks feed={communityFeedRef(access, "polls")} />
    </Layout>
  );
}

/** What the viewer may do about voting, worked out by the route. */
export type VoteState =
  | { kind: "closed" }
  | { kind: "signed-out" }
  | { kind: "not-member" }
  /** Showing the vote form: a first vote, or a change when `change` is true. */
  | { kind: "form"; change: boolean; chosen: number[]; errors: FieldError[] }
  /** Voted; results are shown, with "Change your vote" when changes are allowed. */
  | { kind: "voted"; mayChange: boolean };

/** The vote form: radios or checkboxes in a fieldset whose legend is the question. */
function VoteForm(props: {
  ctx: PageContext;
  pollPath: string;
  item: ItemRow;
  results: PollResults;
  state: Extract<VoteState, { kind: "form" }>;
}) {
  const { results, state } = props;
  const items = results.options.map((o) => ({ value: String(o.id), text: o.name }));
  const chosen = state.chosen.map(String);
  const error = errorFor(state.errors, "choice");
  const hint = results.multiple ? "Select all that apply." : "Select one option.";
  return (
    <form method="post" action={`${props.pollPath}/vote`} novalidate>
      <CsrfField token={props.ctx.csrfToken} />
      {state.change ? <input type="hidden" name="change" value="yes" /> : null}
      {results.multiple ? (
        <Checkboxes
          name="choice"
          legend={props.item.title}
          legendSize="m"
          hint={hint}
          items={items}
          values={chosen}
          error={error}
        />
      ) : (
        <Radios
          name="choice"
          legend={props.item.title}
          legendSize="m"
          hint={hint}
          items={items}
          value={chosen[0]}
          error={error}
        />
      )}
      <div class="govuk-button-group">
        <Button>{state.change ? "Save your new vote" : "Vote"}</Button>
        {state.change ? (
          <a class="govuk-link" href={props.pollPath}>
            Keep your vote
          </a>
        ) : null}
      </div>
    </form>
  );
}

/** The part of the page about voting, by state. */
function Voting(props: {
  ctx: PageContext;
  pollPath: string;
  item: ItemRow;
  results: PollResults;
  state: VoteState;
  chosen: number[];
}) {
  const { state } = props;
  switch (state.kind) {
    case "closed":
      return <p class="govuk-body">This poll has closed, so it no longer takes votes.</p>;
    case "signed-out":
      return (
        <p class="govuk-body">
          <a class="govuk-link" href={`/signin?return=${encodeURIComponent(props.pollPath)}`}>
            Sign in
          </a>{" "}
          to vote. Results are shown once you have voted or the poll has closed.
        </p>
      );
    case "not-member":
      return (
        <p class="govuk-body">
          Only members of this community can vote in this poll. Results are shown once the poll has
          closed.
        </p>
      );
    case "form":
      return <VoteForm {...props} state={state} />;
    case "voted": {
      const names = props.results.options
        .filter((o) => props.chosen.includes(o.id))
        .map((o) => o.name);
      return (
        <>
          <p class="govuk-body">You voted for {names.join(", ")}.</p>
          {state.mayChange ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`${props.pollPath}?change=yes`}>
                Change your vote
              </a>
            </p>
          ) : null}
        </>
      );
    }
  }
}

/** One poll: the question, when it closes, the vote form and, once voted or closed, results. */
export function PollPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  author: ActorRow | undefined;
  results: PollResults;
  state: VoteState;
  /** The options the viewer voted for. */
  chosen: number[];
  timeZone: string;
  /** Why the viewer's last vote was refused, shown at the top. */
  notice?: string | undefined;
  tags?: ItemTagsData;
  /** What a facilitator may do to the poll; absent for everyone else. */
  manage?: PollManagement | undefined;
  comments?: ItemCommentsData;
}) {
  const { access, item, results, state } = props;
  const pollPath = `${access.path}/polls/${item.id}`;
  const errors = state.kind === "form" ? state.errors : [];
  const showResults = results.closed || props.chosen.length > 0;
  return (
    <Layout
      ctx={props.ctx}
      title={`${item.title} – ${access.group.name}`}
      errors={errors.length > 0}
      backLink={`${access.path}/polls`}
    >
      <ErrorSummary errors={errors} />
      {props.notice ? <NotificationBanner>{props.notice}</NotificationBanner> : null}
      <span class="govuk-caption-l">{access.group.name} polls</span>
      <h1 class="govuk-heading-l">
        {item.title} {results.closed ? <Tag colour="grey">Closed</Tag> : null}
      </h1>
      <SummaryList
        rows={[
          {
            key: results.closed ? "Closed" : "Closes",
            value: closingText(results.endsAt, props.timeZone),
          },
          {
            key: "Choice",
            value: results.multiple ? "Choose one or more options" : "Choose one option",
          },
          { key: "Asked by", value: props.author ? <Byline actor={props.author} /> : "Unknown" },
          { key: "Votes", value: votersText(results.voters) },
        ]}
      />
      {item.bodyHtml || item.removedAt ? <ItemBody item={item} /> : null}
      <FacilitatorActions access={props.access} item={item} />
      <ReportLink access={props.access} item={item} what="this poll" />
      {!item.isLocal ? (
        <Inset>
          This poll is run on another server, which counts the votes; the totals here are the ones
          it last reported.
          {item.url ? (
            <>
              {" "}
              <a class="govuk-link" href={item.url} rel="nofollow noopener">
                See the original
              </a>
            </>
          ) : null}
        </Inset>
      ) : null}
      {state.kind === "form" ? null : (
        <h2 class="govuk-heading-m">{state.kind === "voted" ? "Your vote" : "Voting"}</h2>
      )}
      <Voting
        ctx={props.ctx}
        pollPath={pollPath}
        item={item}
        results={results}
        state={state}
        chosen={props.chosen}
      />
      {showResults ? (
        <>
          <h2 class="govuk-heading-m">Results</h2>
          <p class="govuk-body">{votersText(results.voters)}.</p>
          <PollResultsChart results={results} chosen={props.chosen} />
        </>
      ) : state.kind === "form" ? (
        <p class="govuk-body">Results are shown once you have voted or the poll has closed.</p>
      ) : null}
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={pollPath} /> : null}
      {props.manage ? (
        <PollActions pollPath={pollPath} closed={results.closed} manage={props.manage} />
      ) : null}
      {props.comments ? <ItemComments ctx={props.ctx} data={props.comments} /> : null}
    </Layout>
  );
}
