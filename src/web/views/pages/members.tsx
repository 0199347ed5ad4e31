import type { ActorRow } from "../../../domain/actors.ts";
import type { MemberEntry } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { Pagination } from "../components/pagination.tsx";
import { Table } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { ScrollRegion } from "../scroll-region.tsx";
import { Byline } from "./items.tsx";

/** Members shown on a community's page; the rest are on its members page. */
export const MEMBERS_ON_COMMUNITY_PAGE = 5;
/** Members a page of the members list shows. */
export const MEMBERS_PER_PAGE = 50;

/** A table of members with their role and instance, captioned with how many there are in all. */
export function MembersTable(props: {
  group: ActorRow;
  instanceName: string;
  members: MemberEntry[];
  total: number;
  /** The signed-in viewer, who gets a link to report each member (not themselves). */
  viewer?: { handle: string } | null | undefined;
}) {
  const path = communityPagePath(
    props.group.handle,
    props.group.isLocal ? undefined : props.group.host,
  );
  const viewer = props.viewer;
  return (
    <ScrollRegion label="Members">
      <Table
        caption={
          props.group.isLocal
            ? `Members (${props.total})`
            : `Members from ${props.instanceName} (${props.total})`
        }
        captionSize="m"
        head={viewer ? ["Name", "Role", "Instance", "Report"] : ["Name", "Role", "Instance"]}
        rows={props.members.map(({ member, membership }) => [
          <Byline actor={member} />,
          membership.role === "facilitator" ? "Facilitator" : "Member",
          member.host,
          ...(viewer
            ? [
                member.isLocal && member.handle === viewer.handle ? (
                  ""
                ) : (
                  <a class="govuk-link" href={`${path}/report/member/${member.id}`}>
                    Report<span class="govuk-visually-hidden"> {member.name}</span>
                  </a>
                ),
              ]
            : []),
        ])}
      />
    </ScrollRegion>
  );
}

/** The link from a community's page to its full members list, when the page shows only some. */
export function AllMembersLink(props: { group: ActorRow; shown: number; total: number }) {
  if (props.total <= props.shown) return null;
  const path = communityPagePath(
    props.group.handle,
    props.group.isLocal ? undefined : props.group.host,
  );
  return (
    <p class="govuk-body">
      <a class="govuk-link" href={`${path}/people`}>
        See all {props.total} members
      </a>
    </p>
  );
}

/** Every member of a community, a page at a time. */
export function MembersPage(props: {
  ctx: PageContext;
  group: ActorRow;
  members: MemberEntry[];
  total: number;
  page: number;
  /** Whether the viewer runs this community and may invite people into it. */
  canInvite?: boolean;
}) {
  const path = communityPagePath(
    props.group.handle,
    props.group.isLocal ? undefined : props.group.host,
  );
  return (
    <Layout ctx={props.ctx} title={`Members of ${props.group.name}`}>
      <a class="govuk-back-link" href={path}>
        Back to {props.group.name}
      </a>
      <h1 class="govuk-heading-l">Members of {props.group.name}</h1>
      {props.canInvite ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${path}/people/invite`}>
            Invite someone by email
          </a>
        </p>
      ) : null}
      <MembersTable
        group={props.group}
        instanceName={props.ctx.instanceName}
        members={props.members}
        total={props.total}
        viewer={props.ctx.user}
      />
      <Pagination
        currentPage={props.page}
        totalPages={Math.ceil(props.total / MEMBERS_PER_PAGE)}
        hrefFor={(n) => `${path}/people?page=${n}`}
        label="Members pages"
      />
    </Layout>
  );
}
