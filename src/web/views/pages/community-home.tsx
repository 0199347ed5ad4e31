import type { ActorRow } from "../../../domain/actors.ts";
import type { CommunityState } from "../../../domain/communities.ts";
import type { RecentItem } from "../../../domain/forum.ts";
import { itemPlacePath } from "../../../domain/item-links.ts";
import type { MemberEntry, Membership } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import type { CloudTag } from "../../../domain/tag-cloud.ts";
import { FlaggedFeedsNotice } from "../../news/views/news-notice.tsx";
import { PollClosingNote, type PollClosingTimes } from "../../polls/views/poll-closing.tsx";
import { CommunityPlace, type Lineage, SubCommunities } from "../community-tree.tsx";
import { Tag } from "../components.tsx";
import { FeedLinks, wholeCommunityFeedRef } from "../feed-links.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { CommunityTags } from "../tags.tsx";
import { MultilineText } from "../text.tsx";
import { CommunityAlertsLink } from "./alerts.tsx";
import { CommunityMembersSummary } from "./community-members-summary.tsx";
import { LeaveControl, MembershipControl, StandingNotice } from "./community-membership.tsx";
import { Byline, When } from "./items.tsx";
import { MetricsNavItem } from "./metrics.tsx";

// A community's home page: who it is (name, description, where it stands, the viewer's
// membership) and what is new in its main column; its rules, members, feeds and the tools of
// those who run it in a side column; leaving at the very end. The section tabs above come
// from the layout, which draws them on every page of the community (src/web/community-nav.ts).

/** What each kind of item is called in "What's new", beside its title. */
const KIND_NAMES: Record<string, string> = {
  topic: "Forum topic",
  entry: "Blog entry",
  wiki: "Wiki page",
  event: "Event",
  document: "Document",
  poll: "Poll",
};

/** A "What's new" line's title: a reply or comment borrows its thread's, as "Re: …". */
export function recentTitle(entry: Pick<RecentItem, "item" | "rootTitle">): string {
  if (entry.item.kind !== "reply") return entry.item.title || "Untitled";
  return entry.rootTitle ? `Re: ${entry.rootTitle}` : "Reply";
}

/** What a "What's new" line is: "Forum topic", "Reply", "Comment"... */
function recentKind(entry: RecentItem): string {
  if (entry.item.kind === "reply") return entry.rootKind === "topic" ? "Reply" : "Comment";
  return KIND_NAMES[entry.item.kind] ?? "Post";
}

/** The newest items with their real titles, kinds, authors and dates. */
function WhatsNew(props: {
  recent: RecentItem[];
  group: ActorRow;
  path: string;
  pollClosing: PollClosingTimes | undefined;
}) {
  return (
    <>
      <h2 class="govuk-heading-m">What's new</h2>
      {props.recent.length === 0 ? (
        <p class="govuk-body">Nothing has been posted yet.</p>
      ) : (
        <ul class="govuk-list govuk-list--spaced copse-whats-new">
          {props.recent.map((entry) => (
            <li>
              <a
                class="govuk-link"
                href={
                  itemPlacePath({
                    item: entry.item,
                    rootKind: entry.rootKind,
                    group: props.group,
                  }) ?? props.path
                }
              >
                {recentTitle(entry)}
              </a>
              <span class="govuk-body-s copse-whats-new__meta">
                {recentKind(entry)} by <Byline actor={entry.author} />,{" "}
                <When date={entry.item.publishedAt} />
              </span>
              <PollClosingNote item={entry.item} times={props.pollClosing} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The tools of those who run the community, and the links every reader may follow. */
function CommunityTools(props: {
  group: ActorRow;
  path: string;
  canModerate: boolean;
  facilitatesRemote: boolean;
  isMember: boolean;
  pendingCount: number | null;
}) {
  const { group: g, path } = props;
  const runs = props.canModerate && g.isLocal;
  const link = (href: string, text: string) => (
    <li>
      <a class="govuk-link" href={href}>
        {text}
      </a>
    </li>
  );
  return (
    <nav aria-label="Community tools">
      <h2 class="govuk-heading-s">{runs ? "Run this community" : "More"}</h2>
      <ul class="govuk-list">
        <CommunityAlertsLink show={props.isMember} group={g} />
        {props.pendingCount !== null
          ? link(`${path}/requests`, `Membership requests (${props.pendingCount})`)
          : null}
        {runs ? link(`${path}/settings`, "Community settings") : null}
        {runs ? <MetricsNavItem path={path} /> : null}
        {runs || props.facilitatesRemote ? link(`${path}/members`, "Manage members") : null}
        {runs ? link(`${path}/reports`, "Reports") : null}
        {g.isLocal ? link(`${path}/modlog`, "Moderation log") : null}
      </ul>
    </nav>
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
  recent: RecentItem[] | null;
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
  // Only readers get the feed: a private community's needs the reader's own token.
  const feed = props.recent
    ? wholeCommunityFeedRef({ group: g, isPrivate: props.isPrivate })
    : undefined;
  return (
    <Layout ctx={props.ctx} title={g.name} feed={feed}>
      <span class="govuk-caption-l">
        @{g.handle}@{g.host}
      </span>
      <h1 class="govuk-heading-l">
        {g.name}{" "}
        {props.isPrivate ? <Tag colour="grey">Private</Tag> : <Tag colour="green">Public</Tag>}
        {state === "closed" ? <Tag colour="red">Closed</Tag> : null}
      </h1>
      <StandingNotice state={state} reason={props.standing?.reason ?? ""} />
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          {g.summary ? <MultilineText text={g.summary} /> : null}
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
            <WhatsNew recent={props.recent} group={g} path={path} pollClosing={props.pollClosing} />
          ) : null}
          {props.recent && props.tagCloud ? <CommunityTags tags={props.tagCloud} /> : null}
          <SubCommunities
            lineage={props.lineage}
            path={path}
            canCreate={props.canModerate && g.isLocal}
          />
        </div>
        <div class="govuk-grid-column-one-third copse-community-aside">
          {props.rules ? (
            <>
              <h2 class="govuk-heading-s">Rules</h2>
              <MultilineText text={props.rules} />
            </>
          ) : null}
          <h2 class="govuk-heading-s">About</h2>
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
          <CommunityMembersSummary
            group={g}
            instanceName={props.ctx.instanceName}
            members={props.members}
          />
          {feed ? (
            <>
              <h2 class="govuk-heading-s">Feeds</h2>
              <FeedLinks feed={feed} />
            </>
          ) : null}
          {props.recent ? (
            <CommunityTools
              group={g}
              path={path}
              canModerate={props.canModerate}
              facilitatesRemote={props.facilitatesRemote ?? false}
              isMember={props.membership?.state === "active"}
              pendingCount={props.pendingCount}
            />
          ) : null}
          <LeaveControl ctx={props.ctx} path={path} membership={props.membership} />
        </div>
      </div>
    </Layout>
  );
}
