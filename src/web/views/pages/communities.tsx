import type { ActorRow } from "../../../domain/actors.ts";
import type { CommunityState, CommunitySummary } from "../../../domain/communities.ts";
import { itemPlacePath } from "../../../domain/item-links.ts";
import type { ItemKind, ItemRow } from "../../../domain/items.ts";
import type { Stage } from "../../../domain/lifecycle.ts";
import type { MemberEntry, Membership } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { SECTIONS, type SectionId } from "../../../domain/sections.ts";
import type { CloudTag } from "../../../domain/tags.ts";
import { CommunityFields } from "../community-fields.tsx";
import {
  CommunityDirectory,
  CommunityPlace,
  directoryTitle,
  type Lineage,
  StageFilter,
  SubCommunities,
} from "../community-tree.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Table,
  Tag,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { FlaggedFeedsNotice } from "../news-notice.tsx";
import { PollClosingNote, type PollClosingTimes } from "../poll-closing.tsx";
import { CommunityTags } from "../tags.tsx";
import { MultilineText } from "../text.tsx";
import { CommunityAlertsLink } from "./alerts.tsx";
import { ActorLink, When } from "./items.tsx";
import { AllMembersLink, MembersTable } from "./members.tsx";
import { MetricsNavItem } from "./metrics.tsx";

/** "All communities": every community hosted here, and a way to find one elsewhere. */
export function CommunitiesPage(props: {
  ctx: PageContext;
  communities: CommunitySummary[];
  /** The lifecycle stage the list is filtered by (src/web/views/community-tree.tsx). */
  stage?: Stage | undefined;
  findValue?: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title={directoryTitle(props.stage)} errors={errors.length > 0}>
      <ErrorSummary errors={errors} />
      <h1 class="govuk-heading-l">All communities</h1>
      {props.ctx.user ? <ButtonLink href="/communities/new">Create a community</ButtonLink> : null}
      <StageFilter stage={props.stage} error={errorFor(errors, "stage")} />
      <CommunityDirectory communities={props.communities} stage={props.stage} />
      <h2 class="govuk-heading-m">Find a community on another instance</h2>
      <form method="get" action="/communities/find" novalidate>
        <TextInput
          name="handle"
          label="Community handle"
          hint="For example, @planning@somerset.example.gov.uk"
          value={props.findValue}
          error={errorFor(errors, "handle")}
          spellcheck={false}
          width={30}
        />
        <Button variant="secondary">Find community</Button>
      </form>
    </Layout>
  );
}

/** The form for creating a community. */
export function NewCommunityPage(props: {
  ctx: PageContext;
  values?: { name?: string; handle?: string; description?: string; visibility?: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values ?? {};
  return (
    <Layout ctx={props.ctx} title="Create a community" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Create a community</h1>
          <form method="post" action="/communities/new" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <CommunityFields
              noun="community"
              values={{ ...v, visibility: v.visibility ?? "public" }}
              errors={errors}
            />
            <Button>Create community</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The join, request, withdraw or leave control for the viewer. */
function MembershipControl(props: {
  ctx: PageContext;
  path: string;
  membership: Membership | undefined;
  isPrivate: boolean;
  banReason?: string | undefined;
  /** Whether the community takes new members (not closed or waiting for approval). */
  open: boolean;
}) {
  if (!props.ctx.user) {
    return (
      <p class="govuk-body">
        <a class="govuk-link" href={`/signin?return=${encodeURIComponent(props.path)}`}>
          Sign in
        </a>{" "}
        to join this community.
      </p>
    );
  }
  const m = props.membership;
  const form = (action: string, label: string, variant?: "secondary" | "warning") => (
    <form method="post" action={`${props.path}/${action}`}>
      <CsrfField token={props.ctx.csrfToken} />
      <Button variant={variant}>{label}</Button>
    </form>
  );
  if (m?.state === "active") {
    return (
      <>
        <p class="govuk-body">
          You are a {m.role === "facilitator" ? "facilitator" : "member"} of this community.
        </p>
        {form("leave", "Leave community", "secondary")}
      </>
    );
  }
  if (m?.state === "banned" && (!m.bannedUntil || m.bannedUntil > new Date())) {
    return (
      <div class="govuk-inset-text">
        <p class="govuk-body">
          A facilitator has banned you from this community
          {m.bannedUntil ? (
            <>
              {" "}
              until <When date={m.bannedUntil} />
            </>
          ) : null}
          .
        </p>
        {props.banReason ? <p class="govuk-body">Reason: {props.banReason}</p> : null}
      </div>
    );
  }
  if (m?.state === "pending") {
    return (
      <>
        <p class="govuk-body">
          <Tag colour="yellow">Request pending</Tag> A facilitator will decide on your request.
        </p>
        {form("leave", "Withdraw request", "secondary")}
      </>
    );
  }
  // Nobody may join a closed community (its members, answered above, may still leave).
  if (!props.open) return null;
  return (
    <>
      {m?.state === "rejected" ? (
        <p class="govuk-body">Your last request to join was not accepted. You can ask again.</p>
      ) : null}
      {form("join", props.isPrivate ? "Ask to join" : "Join community")}
    </>
  );
}

/** What the administrators decided about a community, for everyone who can see its page. */
function StandingNotice(props: { state: CommunityState; reason: string }) {
  if (props.state === "open") return null;
  const text =
    props.state === "pending"
      ? "This community is awaiting an administrator's approval. Until then it is not listed, other servers cannot see it and nobody can join."
      : props.state === "rejected"
        ? "An administrator did not approve this community."
        : "This community is closed: you can read it, but nothing new can be posted and nobody can join.";
  return (
    <div class="govuk-inset-text">
      <p class="govuk-body">{text}</p>
      {props.reason ? <p class="govuk-body">Reason: {props.reason}</p> : null}
    </div>
  );
}

/** A community's home page, local or remote. */
export function CommunityPage(props: {
  ctx: PageContext;
  group: ActorRow;
  isPrivate: boolean;
  membership: Membership | undefined;
  /** How many members there are and the first few, or null when the viewer may not see them. */
  members: { total: number; first: MemberEntry[] } | null;
  pendingCount: number | null;
  /** The newest items, or null when the viewer may not read the community. */
  recent: { item: ItemRow; author: ActorRow; rootKind: ItemKind }[] | null;
  /** The sections the community shows. */
  sections: Set<SectionId>;
  /** Whether the viewer may change the community's settings. */
  canModerate: boolean;
  /** Whether the viewer facilitates this community hosted on another server. */
  facilitatesRemote?: boolean;
  /** The community's tag cloud, when the viewer may read it (src/domain/tags.ts). */
  tagCloud?: CloudTag[] | undefined;
  /** How many of its news feeds keep failing (src/domain/news/feeds.ts), for facilitators. */
  flaggedNewsFeeds?: number;
  /** Its parents, sub-communities and lifecycle stage (src/web/views/community-tree.tsx). */
  lineage?: Lineage | undefined;
  /** When the polls among the newest items close (src/web/views/poll-closing.tsx). */
  pollClosing?: PollClosingTimes | undefined;
  /** The community's rules, set by its facilitators (local communities only). */
  rules?: string | undefined;
  /** Why the viewer was banned, when they are (local communities only). */
  banReason?: string | undefined;
  /** Where the community stands with the administrators, and their reason. */
  standing?: { state: CommunityState; reason: string };
}) {
  const g = props.group;
  const state = props.standing?.state ?? "open";
  const path = communityPagePath(g.handle, g.isLocal ? undefined : g.host);
  return (
    <Layout ctx={props.ctx} title={g.name}>
      <span class="govuk-caption-l">
        @{g.handle}@{g.host}
      </span>
      <h1 class="govuk-heading-l">
        {g.name}{" "}
        {props.isPrivate ? <Tag colour="grey">Private</Tag> : <Tag colour="green">Public</Tag>}
        {state === "closed" ? <Tag colour="red">Closed</Tag> : null}
      </h1>
      <StandingNotice state={state} reason={props.standing?.reason ?? ""} />
      {g.summary ? <MultilineText text={g.summary} /> : null}
      {props.rules ? (
        <>
          <h2 class="govuk-heading-m">Rules</h2>
          <MultilineText text={props.rules} />
        </>
      ) : null}
      <CommunityPlace lineage={props.lineage} />
      {!g.isLocal ? (
        <p class="govuk-body">
          This community is hosted on {g.host}.{" "}
          {g.url ? (
            <a class="govuk-link" href={g.url} rel="noopener">
              See it on its home server
            </a>
          ) : null}
        </p>
      ) : (
        <p class="govuk-body">
          People on Mastodon, Lemmy and other servers can follow it as{" "}
          <strong>
            @{g.handle}@{g.host}
          </strong>
          .
        </p>
      )}
      <MembershipControl
        ctx={props.ctx}
        path={path}
        membership={props.membership}
        isPrivate={props.isPrivate}
        banReason={props.banReason}
        open={state === "open"}
      />
      {props.canModerate ? (
        <FlaggedFeedsNotice count={props.flaggedNewsFeeds ?? 0} communityPath={path} />
      ) : null}
      {props.recent ? (
        <>
          {/* The sections come from SECTIONS in src/domain/sections.ts; add new ones there. */}
          <nav aria-label="Community sections">
            <ul class="govuk-list copse-section-nav">
              {SECTIONS.filter((s) => props.sections.has(s.id)).map((s) => (
                <li>
                  <a class="govuk-link govuk-!-font-weight-bold" href={`${path}/${s.id}`}>
                    {s.label}
                  </a>
                </li>
              ))}
              <li>
                <a class="govuk-link" href={`${path}/search`}>
                  Search this community
                </a>
              </li>
              <CommunityAlertsLink show={props.membership?.state === "active"} group={g} />
              {props.canModerate && g.isLocal ? (
                <li>
                  <a class="govuk-link" href={`${path}/settings`}>
                    Community settings
                  </a>
                </li>
              ) : null}
              {props.canModerate && g.isLocal ? <MetricsNavItem path={path} /> : null}
              {(props.canModerate && g.isLocal) || props.facilitatesRemote ? (
                <li>
                  <a class="govuk-link" href={`${path}/members`}>
                    Manage members
                  </a>
                </li>
              ) : null}
              {props.canModerate && g.isLocal ? (
                <li>
                  <a class="govuk-link" href={`${path}/reports`}>
                    Reports
                  </a>
                </li>
              ) : null}
              {g.isLocal ? (
                <li>
                  <a class="govuk-link" href={`${path}/modlog`}>
                    Moderation log
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
          <h2 class="govuk-heading-m">What's new</h2>
          {props.recent.length === 0 ? (
            <p class="govuk-body">Nothing has been posted yet.</p>
          ) : (
            <ul class="govuk-list govuk-list--spaced">
              {props.recent.map(({ item, author, rootKind }) => (
                <li>
                  <a class="govuk-link" href={itemPlacePath({ item, rootKind, group: g }) ?? path}>
                    {item.kind === "reply"
                      ? rootKind === "topic"
                        ? "Reply"
                        : "Comment"
                      : item.title}
                  </a>{" "}
                  <span class="govuk-body-s">
                    by <ActorLink actor={author} />, <When date={item.publishedAt} />
                  </span>
                  <PollClosingNote item={item} times={props.pollClosing} />
                </li>
              ))}
            </ul>
          )}
          {props.tagCloud ? <CommunityTags tags={props.tagCloud} /> : null}
        </>
      ) : null}
      <SubCommunities
        lineage={props.lineage}
        path={path}
        canCreate={props.canModerate && g.isLocal}
      />
      {props.pendingCount !== null ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${path}/requests`}>
            Membership requests ({props.pendingCount})
          </a>
        </p>
      ) : null}
      {props.members === null ? (
        g.isLocal ? (
          <p class="govuk-body">Only members can see who is in this community.</p>
        ) : null
      ) : (
        <>
          <MembersTable
            group={g}
            instanceName={props.ctx.instanceName}
            members={props.members.first}
            total={props.members.total}
            viewer={props.ctx.user}
          />
          <AllMembersLink
            group={g}
            shown={props.members.first.length}
            total={props.members.total}
          />
        </>
      )}
    </Layout>
  );
}

/** Pending requests to join, for facilitators to approve or reject. */
export function RequestsPage(props: { ctx: PageContext; group: ActorRow; pending: MemberEntry[] }) {
  const path = communityPagePath(props.group.handle);
  const decide = (memberId: number, name: string) => (
    <form method="post" action={`${path}/requests/decide`} class="copse-inline-form">
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="member" value={String(memberId)} />
      <Button name="decision" value="approve" class="govuk-!-margin-bottom-0">
        Approve<span class="govuk-visually-hidden"> {name}</span>
      </Button>{" "}
      <Button name="decision" value="reject" variant="warning" class="govuk-!-margin-bottom-0">
        Reject<span class="govuk-visually-hidden"> {name}</span>
      </Button>
    </form>
  );
  return (
    <Layout ctx={props.ctx} title={`Membership requests – ${props.group.name}`} backLink={path}>
      <h1 class="govuk-heading-l">Membership requests</h1>
      {props.pending.length === 0 ? (
        <p class="govuk-body">There are no requests waiting.</p>
      ) : (
        <Table
          caption={`Waiting to join ${props.group.name}`}
          captionSize="m"
          head={["Name", "Handle", "Asked", "Decision"]}
          rows={props.pending.map(({ member, membership }) => [
            member.name,
            `@${member.handle}@${member.host}`,
            membership.createdAt.toISOString().slice(0, 10),
            decide(member.id, member.name),
          ])}
        />
      )}
    </Layout>
  );
}
