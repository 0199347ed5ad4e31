import type { ActorRow } from "../../../domain/actors.ts";
import type { EntrySummary } from "../../../domain/blog.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Textarea,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { MultilineText } from "../text.tsx";
import { BlogTeaser } from "./blog.tsx";

/** A person's public profile with the communities the viewer may see. */
export function ProfilePage(props: {
  ctx: PageContext;
  person: ActorRow;
  communities: ActorRow[];
  isSelf: boolean;
  /** The newest entries of their blog the viewer may see. */
  entries?: EntrySummary[];
}) {
  const p = props.person;
  return (
    <Layout ctx={props.ctx} title={p.name}>
      <h1 class="govuk-heading-l">
        {p.name}
        <span class="govuk-caption-m">
          @{p.handle}@{p.host}
        </span>
      </h1>
      {props.isSelf ? (
        <p class="govuk-body">
          <a class="govuk-link" href="/profile/edit">
            Edit your profile
          </a>
        </p>
      ) : null}
      <dl class="govuk-summary-list">
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Job title</dt>
          <dd class="govuk-summary-list__value">{p.jobTitle || "Not given"}</dd>
        </div>
        <div class="govuk-summary-list__row">
          <dt class="govuk-summary-list__key">Organisation</dt>
          <dd class="govuk-summary-list__value">{p.organisation || "Not given"}</dd>
        </div>
      </dl>
      <h2 class="govuk-heading-m">About</h2>
      {p.summary ? <MultilineText text={p.summary} /> : <p class="govuk-body">Nothing here yet.</p>}
      <BlogTeaser person={p} entries={props.entries ?? []} />
      <h2 class="govuk-heading-m">Communities</h2>
      {props.communities.length === 0 ? (
        <p class="govuk-body">Not a member of any community yet.</p>
      ) : (
        <ul class="govuk-list govuk-list--bullet">
          {props.communities.map((g) => (
            <li>
              <a
                class="govuk-link"
                href={communityPagePath(g.handle, g.isLocal ? undefined : g.host)}
              >
                {g.name}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** The form for editing one's own basic profile. */
export function ProfileEditPage(props: {
  ctx: PageContext;
  values: { name: string; jobTitle: string; organisation: string; bio: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  return (
    <Layout ctx={props.ctx} title="Edit your profile" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Edit your profile</h1>
          <form method="post" action="/profile/edit" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="name"
              label="Display name"
              value={v.name}
              error={errorFor(errors, "name")}
              autocomplete="name"
              spellcheck={false}
            />
            <TextInput
              name="jobTitle"
              label="Job title"
              value={v.jobTitle}
              error={errorFor(errors, "jobTitle")}
              autocomplete="organization-title"
            />
            <TextInput
              name="organisation"
              label="Organisation"
              hint="For example, Somerset Council"
              value={v.organisation}
              error={errorFor(errors, "organisation")}
              autocomplete="organization"
            />
            <Textarea
              name="bio"
              label="About you"
              hint="What you work on and what you know about. Other people use this to find you."
              value={v.bio}
              error={errorFor(errors, "bio")}
              rows={6}
            />
            <Button>Save profile</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
