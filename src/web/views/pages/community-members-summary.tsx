import type { ActorRow } from "../../../domain/actors.ts";
import type { MemberEntry } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import { Byline } from "./items.tsx";

// The short members summary on a community's home page: how many, the first few (facilitators
// first) and a link to the full list, which has the roles, instances and report links.

/** "Members (n)", the first few names and a link to everyone; a note when they are private. */
export function CommunityMembersSummary(props: {
  group: ActorRow;
  instanceName: string;
  members: { total: number; first: MemberEntry[] } | null;
}) {
  const g = props.group;
  if (props.members === null) {
    return g.isLocal ? (
      <p class="govuk-body">Only members can see who is in this community.</p>
    ) : null;
  }
  const { total, first } = props.members;
  const path = communityPagePath(g.handle, g.isLocal ? undefined : g.host);
  return (
    <>
      <h2 class="govuk-heading-s" id="members-summary">
        {g.isLocal ? `Members (${total})` : `Members from ${props.instanceName} (${total})`}
      </h2>
      <ul class="govuk-list copse-member-summary" aria-labelledby="members-summary">
        {first.map(({ member, membership }) => (
          <li>
            <Byline actor={member} />
            {membership.role === "facilitator" ? (
              <span class="govuk-body-s"> (facilitator)</span>
            ) : null}
          </li>
        ))}
      </ul>
      {total > 0 ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${path}/people`}>
            See all {total} members
          </a>
        </p>
      ) : null}
    </>
  );
}
