import type { ChecklistStep, SuggestedCommunity } from "../../domain/onboarding.ts";
import { communityPagePath } from "../../domain/paths.ts";
import { Checklist } from "./checklist.tsx";
import { Tag } from "./components.tsx";

/** What the home page offers a signed-in person beyond their communities. */
export interface HomeStart {
  /** They belong to no community yet: greet them as new and help them start. */
  newcomer: boolean;
  profile: ChecklistStep[];
  communities: SuggestedCommunity[];
  /** The administrator's set-up checklist; empty for everyone else. */
  admin: ChecklistStep[];
}

/** An administrator's checklist for a new instance, shown until every step is done. */
export function AdminSetUp(props: { steps: ChecklistStep[] }) {
  const left = props.steps.filter((s) => !s.done).length;
  if (left === 0) return null;
  return (
    <section aria-labelledby="admin-setup-heading">
      <h2 class="govuk-heading-m" id="admin-setup-heading">
        Set up this instance
      </h2>
      <p class="govuk-body">
        {left === 1 ? "One step is" : `${left} steps are`} left to make this instance ready for your
        colleagues.
      </p>
      <Checklist id="admin-setup" steps={props.steps} />
    </section>
  );
}

/** The profile steps still to do, so colleagues can find the person by what they know. */
export function ProfileSteps(props: { steps: ChecklistStep[]; newcomer: boolean }) {
  const left = props.steps.filter((s) => !s.done);
  if (left.length === 0) return null;
  if (!props.newcomer) {
    return (
      <div class="govuk-inset-text">
        Your profile is missing {left.length === 1 ? "one thing" : `${left.length} things`}:{" "}
        {left.map((s) => s.label.toLowerCase()).join("; ")}.{" "}
        <a class="govuk-link" href="/profile/edit">
          Complete your profile
        </a>
        .
      </div>
    );
  }
  return (
    <section aria-labelledby="profile-steps-heading">
      <h2 class="govuk-heading-m" id="profile-steps-heading">
        Complete your profile
      </h2>
      <p class="govuk-body">
        Colleagues find each other by job, organisation, expertise and the services they work in.
      </p>
      <Checklist id="profile-steps" steps={props.steps} />
    </section>
  );
}

/** Communities suggested to a newcomer, with what in their profile each matched. */
export function SuggestedCommunities(props: { suggestions: SuggestedCommunity[] }) {
  return (
    <section aria-labelledby="suggested-communities-heading">
      <h2 class="govuk-heading-m" id="suggested-communities-heading">
        Communities you could join
      </h2>
      {props.suggestions.length === 0 ? (
        <p class="govuk-body">There are no communities to join yet: you could start one.</p>
      ) : (
        <ul class="govuk-list govuk-list--spaced">
          {props.suggestions.map(({ community, matched }) => (
            <li>
              <a class="govuk-link" href={communityPagePath(community.actor.handle)}>
                {community.actor.name}
              </a>{" "}
              {community.visibility === "private" ? <Tag colour="grey">Private</Tag> : null}
              <span class="govuk-hint copse-inline-hint">
                {" "}
                {matched.length > 0
                  ? `matches ${matched.join(", ")}`
                  : `${community.memberCount} ${community.memberCount === 1 ? "member" : "members"}`}
              </span>
            </li>
          ))}
        </ul>
      )}
      <p class="govuk-body">
        <a class="govuk-link" href="/communities">
          Browse all communities
        </a>
      </p>
    </section>
  );
}
