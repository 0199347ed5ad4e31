import type { CommunitySettings } from "../../../../domain/moderation/settings.ts";
import {
  Button,
  Checkbox,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Textarea,
  TextInput,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";

/** The form for a community's name, description, rules and announcement-only setting. */
export function CommunityDetailsPage(props: {
  ctx: PageContext;
  path: string;
  values: CommunitySettings;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={`Name, description and rules – ${props.values.name}`}
      errors={errors.length > 0}
      backLink={`${props.path}/settings`}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Name, description and rules</h1>
          <form method="post" action={`${props.path}/settings/details`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="name"
              label="Name"
              value={props.values.name}
              error={errorFor(errors, "name")}
            />
            <Textarea
              name="description"
              label="Description"
              value={props.values.description}
              error={errorFor(errors, "description")}
              rows={5}
            />
            <Textarea
              name="rules"
              label="Rules"
              hint="Shown on the community's page and to people on other servers. Leave a blank line between rules."
              value={props.values.rules}
              error={errorFor(errors, "rules")}
              rows={8}
            />
            <Checkbox
              name="announcementOnly"
              label="Only facilitators can start new topics and posts (announcement-only)"
              hint="Members can still reply and comment. Other servers, such as Lemmy, are told too."
              checked={props.values.announcementOnly}
            />
            <Button>Save details</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The page a sole facilitator sees when they try to leave: an error with the way forward. */
export function LeaveRefusedPage(props: { ctx: PageContext; name: string; path: string }) {
  return (
    <Layout
      ctx={props.ctx}
      title={`You cannot leave ${props.name} yet`}
      errors
      backLink={props.path}
    >
      <div class="govuk-error-summary" data-module="govuk-error-summary">
        <div role="alert">
          <h2 class="govuk-error-summary__title">You cannot leave {props.name} yet</h2>
          <div class="govuk-error-summary__body">
            <ul class="govuk-list govuk-error-summary__list">
              <li>
                <a href={`${props.path}/members`}>
                  You are its only facilitator: appoint another facilitator first
                </a>
              </li>
            </ul>
          </div>
        </div>
      </div>
      <h1 class="govuk-heading-l">Appoint another facilitator before you leave</h1>
      <p class="govuk-body">
        A community needs someone to run it. On the{" "}
        <a class="govuk-link" href={`${props.path}/members`}>
          members page
        </a>
        , choose "Make facilitator" beside a member, then come back and leave.
      </p>
    </Layout>
  );
}
