import type { ActorRow } from "../../../domain/actors.ts";
import type { Membership } from "../../../domain/membership.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import type { SuggestedPerson } from "../../../domain/people-finder.ts";
import { ButtonLink, Tag } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { PeopleSuggestions } from "../people-suggestions.tsx";
import { AdminSetUp, type HomeStart, ProfileSteps, SuggestedCommunities } from "../start-page.tsx";

export type { HomeStart } from "../start-page.tsx";

/** The front page: an introduction, or the signed-in person's communities. */
export function HomePage(props: {
  ctx: PageContext;
  memberships: { membership: Membership; group: ActorRow }[];
  suggestions?: SuggestedPerson[];
  start?: HomeStart;
}) {
  const { ctx, start } = props;
  return (
    <Layout ctx={ctx} title="Home">
      <h1 class="govuk-heading-xl">{ctx.instanceName}</h1>
      {ctx.user ? (
        <>
          {start?.newcomer ? (
            <p class="govuk-body-l">
              Welcome to {ctx.instanceName}, {ctx.user.name}. Here is how to get started.
            </p>
          ) : (
            <p class="govuk-body-l">Welcome back, {ctx.user.name}.</p>
          )}
          <AdminSetUp steps={start?.admin ?? []} />
          {start?.newcomer ? (
            <>
              <ProfileSteps steps={start.profile} newcomer />
              <SuggestedCommunities suggestions={start.communities} />
            </>
          ) : (
            <>
              <ProfileSteps steps={start?.profile ?? []} newcomer={false} />
              <h2 class="govuk-heading-m">Your communities</h2>
              <ul class="govuk-list">
                {props.memberships.map(({ membership, group }) => (
                  <li>
                    <a
                      class="govuk-link"
                      href={communityPagePath(group.handle, group.isLocal ? undefined : group.host)}
                    >
                      {group.name}
                    </a>
                    {group.isLocal ? null : (
                      <span class="govuk-hint copse-inline-hint"> on {group.host}</span>
                    )}{" "}
                    {membership.state === "pending" ? <Tag colour="yellow">Pending</Tag> : null}
                    {membership.state === "rejected" ? <Tag colour="red">Not accepted</Tag> : null}
                    {membership.role === "facilitator" ? <Tag>Facilitator</Tag> : null}
                  </li>
                ))}
              </ul>
            </>
          )}
          <ButtonLink href="/communities/new" variant="secondary">
            Create a community
          </ButtonLink>
          <PeopleSuggestions people={props.suggestions ?? []} />
        </>
      ) : (
        <>
          <p class="govuk-body-l">
            Communities of practice for people who deliver public services: share what works, ask
            the people who have solved it before, and work with colleagues on other councils'
            servers as if they were here.
          </p>
          <ButtonLink href="/signup">Create an account</ButtonLink>
          <p class="govuk-body">
            Already have an account?{" "}
            <a class="govuk-link" href="/signin">
              Sign in
            </a>
            . Or{" "}
            <a class="govuk-link" href="/communities">
              browse all communities
            </a>
            .
          </p>
        </>
      )}
    </Layout>
  );
}
