import type { Child } from "hono/jsx";
import type { CommunityAccess } from "../community-access.tsx";
import { Button, CsrfField, ErrorSummary, type FieldError } from "./components.tsx";
import { Layout, type PageContext } from "./layout.tsx";

// The frame that a community's one-column forms (an event, a poll) share, so each page holds
// only its own fields: the page title and back link, the error summary above the community's
// name and the heading, and a form that carries the CSRF field and ends with its button beside
// a Cancel link to where the back link goes.

/** A community form page: heading, error summary, a posting form around the fields, Cancel. */
export function CommunityFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  heading: string;
  /** Where the form posts. */
  action: string;
  /** The text of the form's button. */
  submit: string;
  /** Where Cancel and the back link go. */
  cancel: string;
  errors: FieldError[];
  children: Child;
}) {
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.access.group.name}`}
      errors={props.errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={props.errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            {props.children}
            <div class="govuk-button-group">
              <Button>{props.submit}</Button>
              <a class="govuk-link" href={props.cancel}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
