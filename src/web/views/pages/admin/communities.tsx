import type { CommunityListing } from "../../../../domain/admin/communities.ts";
import type { CommunityState } from "../../../../domain/communities.ts";
import { communityPagePath } from "../../../../domain/paths.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Pagination,
  Radios,
  SummaryList,
  Table,
  Tag,
  Textarea,
  TextInput,
  Warning,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { ScrollRegion } from "../../scroll-region.tsx";
import { ADMIN_PATH } from "../admin.tsx";
import { When } from "../items.tsx";

// The administrators' communities pages: the approval setting, the queue of communities waiting
// for approval, every community (searchable, in pages), and one community's page with what can
// be done to it. Rejecting, closing and deleting ask for a reason on a page of their own.

/** The communities list's address. */
export const ADMIN_COMMUNITIES_PATH = `${ADMIN_PATH}/communities`;

/** A community's page in the administration pages. */
export function adminCommunityPath(groupId: number): string {
  return `${ADMIN_COMMUNITIES_PATH}/${groupId}`;
}

const STATE_TAGS: Record<
  CommunityState,
  { text: string; colour: "green" | "yellow" | "red" | "grey" }
> = {
  open: { text: "Open", colour: "green" },
  pending: { text: "Awaiting approval", colour: "yellow" },
  rejected: { text: "Not approved", colour: "grey" },
  closed: { text: "Closed", colour: "red" },
  deleted: { text: "Deleted", colour: "grey" },
};

function StateTag(props: { state: CommunityState }) {
  const tag = STATE_TAGS[props.state];
  return <Tag colour={tag.colour}>{tag.text}</Tag>;
}

/** The approval setting, the pending queue and the list of every community. */
export function AdminCommunitiesPage(props: {
  ctx: PageContext;
  needApproval: boolean;
  pending: CommunityListing[];
  communities: CommunityListing[];
  query: string;
  total: number;
  page: number;
  pageSize: number;
}) {
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const q = props.query ? `q=${encodeURIComponent(props.query)}&` : "";
  const link = (c: CommunityListing) => (
    <a class="govuk-link" href={adminCommunityPath(c.groupId)}>
      {c.name}
    </a>
  );
  return (
    <Layout ctx={props.ctx} title="Communities" backLink={ADMIN_PATH}>
      <span class="govuk-caption-l">Administration</span>
      <h1 class="govuk-heading-l">Communities</h1>
      <form method="post" action={`${ADMIN_COMMUNITIES_PATH}/approval`} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <Radios
          name="approval"
          legend="Do new communities need an administrator's approval?"
          legendIsHeading
          legendSize="m"
          hint="Until approved, a new community is not listed, other servers cannot see it and nobody can join. Administrators' own communities need no approval."
          value={props.needApproval ? "on" : "off"}
          inline
          items={[
            { value: "on", text: "Yes" },
            { value: "off", text: "No" },
          ]}
        />
        <Button variant="secondary">Save setting</Button>
      </form>
      <h2 class="govuk-heading-m">Waiting for approval</h2>
      {props.pending.length === 0 ? (
        <p class="govuk-body">No community is waiting for approval.</p>
      ) : (
        <ScrollRegion label="Communities waiting for approval">
          <Table
            caption={`${props.pending.length} waiting, newest first`}
            captionSize="s"
            head={["Community", "Handle", "Visibility", "Created"]}
            rows={props.pending.map((c) => [
              link(c),
              `@${c.handle}`,
              c.visibility === "private" ? "Private" : "Public",
              <When date={c.createdAt} />,
            ])}
            firstCellIsHeader
          />
        </ScrollRegion>
      )}
      <h2 class="govuk-heading-m">All communities</h2>
      <form method="get" action={ADMIN_COMMUNITIES_PATH}>
        <TextInput
          name="q"
          type="search"
          label="Search by handle or name"
          value={props.query}
          spellcheck={false}
          width="two-thirds"
        />
        <Button variant="secondary">Search</Button>
      </form>
      {props.communities.length === 0 ? (
        <p class="govuk-body">
          {props.query ? `No community matches "${props.query}".` : "There are no communities yet."}
        </p>
      ) : (
        <ScrollRegion label="All communities">
          <Table
            caption={`${props.total} ${props.total === 1 ? "community" : "communities"}${props.query ? ` matching "${props.query}"` : ""}, newest first`}
            captionSize="s"
            head={["Community", "Handle", "Standing", "Members", "Created"]}
            rows={props.communities.map((c) => [
              link(c),
              `@${c.handle}`,
              <StateTag state={c.state} />,
              String(c.memberCount),
              <When date={c.createdAt} />,
            ])}
            firstCellIsHeader
            numericColumns={[3]}
          />
        </ScrollRegion>
      )}
      <Pagination
        currentPage={props.page}
        totalPages={totalPages}
        hrefFor={(n) => `${ADMIN_COMMUNITIES_PATH}?${q}page=${n}`}
        label="Community pages"
      />
    </Layout>
  );
}

/** A button that posts an action at once (approve, reopen). */
function ActionButton(props: { ctx: PageContext; action: string; label: string; text: string }) {
  return (
    <form method="post" action={props.action} novalidate>
      <CsrfField token={props.ctx.csrfToken} />
      <p class="govuk-body">{props.text}</p>
      <Button>{props.label}</Button>
    </form>
  );
}

/** One community: its details and what an administrator can do to it. */
export function AdminCommunityPage(props: { ctx: PageContext; community: CommunityListing }) {
  const { community: c, ctx } = props;
  const path = adminCommunityPath(c.groupId);
  return (
    <Layout ctx={ctx} title={c.name} backLink={ADMIN_COMMUNITIES_PATH}>
      <span class="govuk-caption-l">Communities</span>
      <h1 class="govuk-heading-l">{c.name}</h1>
      <SummaryList
        rows={[
          {
            key: "Handle",
            value: (
              <a class="govuk-link" href={communityPagePath(c.handle)}>
                @{c.handle}
              </a>
            ),
          },
          { key: "Standing", value: <StateTag state={c.state} /> },
          ...(c.stateReason ? [{ key: "Reason", value: c.stateReason }] : []),
          { key: "Visibility", value: c.visibility === "private" ? "Private" : "Public" },
          { key: "Members", value: String(c.memberCount) },
          { key: "Created", value: <When date={c.createdAt} /> },
        ]}
      />
      <h2 class="govuk-heading-m">What you can do</h2>
      {c.state === "pending" || c.state === "rejected" ? (
        <ActionButton
          ctx={ctx}
          action={`${path}/approve`}
          label="Approve community"
          text="Approving lists the community, lets people join and lets other servers find it. Its creator is told."
        />
      ) : null}
      {c.state === "closed" ? (
        <ActionButton
          ctx={ctx}
          action={`${path}/reopen`}
          label="Reopen community"
          text="Reopening lets members post and people join again."
        />
      ) : null}
      <ul class="govuk-list">
        {c.state === "pending" ? (
          <li>
            <a class="govuk-link" href={`${path}/reject`}>
              Reject {c.name}
            </a>
          </li>
        ) : null}
        {c.state === "open" ? (
          <li>
            <a class="govuk-link" href={`${path}/close`}>
              Close {c.name}
            </a>
          </li>
        ) : null}
        <li>
          <a class="govuk-link" href={`${path}/delete`}>
            Delete {c.name}
          </a>
        </li>
      </ul>
    </Layout>
  );
}

/** The actions that ask for a reason first. */
export type ReasonedAction = "reject" | "close" | "delete";

const ACTIONS: Record<
  ReasonedAction,
  { title: string; warning: string; label: string; button: string }
> = {
  reject: {
    title: "Reject",
    warning:
      "The community will not be listed or federated. Its creator is told, with your reason.",
    label: "Why are you rejecting this community?",
    button: "Reject community",
  },
  close: {
    title: "Close",
    warning:
      "Members can still read everything, but nothing new can be posted and nobody can join. Every member is told, with your reason.",
    label: "Why are you closing this community?",
    button: "Close community",
  },
  delete: {
    title: "Delete",
    warning:
      "Every member is told, with your reason; then the community's pages are gone, other servers are told it was deleted and its memberships end. This cannot be undone.",
    label: "Why are you deleting this community?",
    button: "Delete community",
  },
};

/** Asks for a reason before rejecting, closing or deleting a community. */
export function CommunityActionPage(props: {
  ctx: PageContext;
  community: CommunityListing;
  action: ReasonedAction;
  reason?: string;
  errors?: FieldError[];
}) {
  const { community: c, action } = props;
  const text = ACTIONS[action];
  const errors = props.errors ?? [];
  const path = adminCommunityPath(c.groupId);
  return (
    <Layout
      ctx={props.ctx}
      title={`${text.title} ${c.name}`}
      errors={errors.length > 0}
      backLink={path}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">
            {text.title} {c.name}?
          </h1>
          <Warning>{text.warning}</Warning>
          <form method="post" action={`${path}/${action}`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="reason"
              label={text.label}
              hint="The members see this."
              value={props.reason}
              error={errorFor(errors, "reason")}
              rows={3}
            />
            <div class="govuk-button-group">
              <Button variant="warning">{text.button}</Button>
              <a class="govuk-link" href={path}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
