import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Inset,
  SummaryList,
  TextInput,
} from "../../components.tsx";
import { ACCOUNT_PATH, Layout, type PageContext } from "../../layout.tsx";

// The person's own account: their address and password (each changed only with the current
// password), the download of their data and the way to delete the account. One page, plain
// forms, so it all works without JavaScript.

/** What the account page shows about the signed-in account. */
export interface AccountSummary {
  handle: string;
  email: string;
  /** A new address waiting for its confirmation link to be used. */
  pendingEmail?: string | undefined;
  /** How the organisation's provider signs this account in ("Oakshire ID as ..."), if it does. */
  linkedSignIn?: string | undefined;
}

/** The account settings page, with any refused form's typed values and errors. */
export function AccountSettingsPage(props: {
  ctx: PageContext;
  account: AccountSummary;
  typedEmail?: string | undefined;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const { account } = props;
  return (
    <Layout ctx={props.ctx} title="Your account" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Your account</h1>
          <SummaryList
            rows={[
              { key: "Handle", value: `@${account.handle}` },
              { key: "Email address", value: account.email },
              ...(account.linkedSignIn
                ? [{ key: "Also signs in with", value: account.linkedSignIn }]
                : []),
            ]}
          />
          {account.pendingEmail ? (
            <Inset>
              We sent a link to <strong>{account.pendingEmail}</strong>. Your address changes when
              you open it.
            </Inset>
          ) : null}

          <h2 class="govuk-heading-m" id="email">
            Change your email address
          </h2>
          <form method="post" action={`${ACCOUNT_PATH}/email`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="email"
              type="email"
              label="New email address"
              hint="We send a link to it; your address changes when you open the link. Your old address is told."
              value={props.typedEmail}
              error={errorFor(errors, "email")}
              autocomplete="email"
              spellcheck={false}
            />
            <TextInput
              name="email-password"
              type="password"
              label="Your current password"
              error={errorFor(errors, "email-password")}
              autocomplete="current-password"
            />
            <Button>Change email address</Button>
          </form>

          <h2 class="govuk-heading-m" id="password">
            Change your password
          </h2>
          <form method="post" action={`${ACCOUNT_PATH}/password`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <input type="hidden" name="username" value={account.handle} autocomplete="username" />
            <TextInput
              name="current-password"
              type="password"
              label="Current password"
              error={errorFor(errors, "current-password")}
              autocomplete="current-password"
            />
            <TextInput
              name="new-password"
              type="password"
              label="New password"
              hint="At least 10 characters. Everywhere else you are signed in will be signed out."
              error={errorFor(errors, "new-password")}
              autocomplete="new-password"
            />
            <Button>Change password</Button>
          </form>

          <h2 class="govuk-heading-m" id="download">
            Download your data
          </h2>
          <p class="govuk-body">
            A ZIP file of JSON files: your profile, memberships, everything you wrote, your
            messages, event replies and poll votes, with the files you uploaded.
          </p>
          <ButtonLink href={`${ACCOUNT_PATH}/export`} variant="secondary">
            Download your data
          </ButtonLink>

          <h2 class="govuk-heading-m" id="delete">
            Delete your account
          </h2>
          <p class="govuk-body">
            Deleting your account cannot be undone. You choose what happens to what you wrote.
          </p>
          <ButtonLink href={`${ACCOUNT_PATH}/delete`} variant="warning">
            Delete your account
          </ButtonLink>
        </div>
      </div>
    </Layout>
  );
}

/** What the change-email form answers: look in the new address's inbox. */
export function EmailLinkSentPage(props: { ctx: PageContext; email: string; validHours: number }) {
  return (
    <Layout ctx={props.ctx} title="Check your new email address" backLink={ACCOUNT_PATH}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Check your new email address</h1>
          <p class="govuk-body">
            We have sent a message to <strong>{props.email}</strong>. Open the link in it within{" "}
            {props.validHours} hours to make it your address. Until then, your old address stays.
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** The page a confirmation link opens: a button, because mail scanners open links. */
export function ConfirmEmailPage(props: {
  ctx: PageContext;
  handle: string;
  newEmail: string;
  action: string;
}) {
  return (
    <Layout ctx={props.ctx} title="Confirm your new email address">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Confirm your new email address</h1>
          <p class="govuk-body">
            Use <strong>{props.newEmail}</strong> for the account <strong>@{props.handle}</strong>.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Button>Confirm new address</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What a confirmation link that does not work says. */
export function EmailLinkProblemPage(props: { ctx: PageContext; taken: boolean }) {
  return (
    <Layout ctx={props.ctx} title="This link does not work">
      <h1 class="govuk-heading-l">This link does not work</h1>
      <p class="govuk-body">
        {props.taken
          ? "That address now belongs to another account, so your address was not changed."
          : "Links that confirm a new address work once, for a day, and only the newest one works."}
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={`${ACCOUNT_PATH}#email`}>
          Go to your account
        </a>
        .
      </p>
    </Layout>
  );
}
