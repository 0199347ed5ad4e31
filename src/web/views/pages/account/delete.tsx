import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  TextInput,
  Warning,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";

// Deleting an account, asked of its owner (with their password) or of an administrator (who
// types the handle to be sure). Either way the same choice is offered: remove what the person
// wrote, or keep it under "A former member".

/** The choice of what happens to the person's posts. */
function KeepChoice(props: {
  value?: string | undefined;
  error?: string | undefined;
  own: boolean;
}) {
  return (
    <Radios
      name="keep"
      legend={
        props.own ? "What should happen to what you wrote?" : "What should happen to their posts?"
      }
      legendSize="m"
      value={props.value}
      error={props.error}
      items={[
        {
          value: "anonymise",
          text: "Keep it, shown as by “A former member”",
          hint: "Discussions keep their shape; the name, profile and photo go.",
        },
        {
          value: "remove",
          text: "Remove it",
          hint: "Forum posts, replies, comments, blog entries, events, documents, polls and sent messages are deleted here and on other servers. Wiki edits stay, as shared work.",
        },
      ]}
    />
  );
}

/** The page asking a person, or an administrator, to confirm deleting an account. */
export function DeleteAccountPage(props: {
  ctx: PageContext;
  handle: string;
  action: string;
  backLink: string;
  /** True when the person deletes their own account (asks for the password). */
  own: boolean;
  keep?: string | undefined;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const title = props.own ? "Delete your account" : `Delete @${props.handle}`;
  return (
    <Layout ctx={props.ctx} title={title} errors={errors.length > 0} backLink={props.backLink}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">
            {props.own ? "Delete your account" : `Delete @${props.handle} permanently?`}
          </h1>
          <Warning>
            {props.own
              ? "This cannot be undone. You will be signed out everywhere, your profile, contacts and memberships go, and other servers that know you are told your account is gone."
              : "This cannot be undone. They are signed out everywhere, their profile, contacts and memberships go, and other servers that know them are told the account is gone."}
          </Warning>
          {props.own ? (
            <p class="govuk-body">
              You may want to{" "}
              <a class="govuk-link" href="/account/export">
                download your data
              </a>{" "}
              first.
            </p>
          ) : null}
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <KeepChoice value={props.keep} error={errorFor(errors, "keep")} own={props.own} />
            {props.own ? (
              <>
                <input type="hidden" name="username" value={props.handle} autocomplete="username" />
                <TextInput
                  name="password"
                  type="password"
                  label="Your password"
                  error={errorFor(errors, "password")}
                  autocomplete="current-password"
                />
              </>
            ) : (
              <TextInput
                name="confirm"
                label={`Type the handle ${props.handle} to confirm`}
                error={errorFor(errors, "confirm")}
                autocomplete="off"
                spellcheck={false}
              />
            )}
            <div class="govuk-button-group">
              <Button variant="warning">
                {props.own ? "Delete my account" : "Delete account"}
              </Button>
              <a class="govuk-link" href={props.backLink}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
