import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

// The "Forgot your password?" journey: ask for a link, "check your email" (the same whether or
// not the address has an account), and the page the link opens to choose a new password. The
// link's page shows a form rather than acting on the visit, because mail scanners open links.

/** The path of the form that asks for a reset link. */
export const FORGOT_PASSWORD_PATH = "/password/forgot";

/** The form asking for the address to send a reset link to. */
export function ForgotPasswordPage(props: {
  ctx: PageContext;
  email?: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title="Forgot your password?"
      errors={errors.length > 0}
      backLink="/signin"
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Forgot your password?</h1>
          <p class="govuk-body">
            Enter the email address of your account and we will send you a link to set a new
            password.
          </p>
          <form method="post" action={FORGOT_PASSWORD_PATH} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="email"
              type="email"
              label="Email address"
              value={props.email}
              error={errorFor(errors, "email")}
              autocomplete="email"
              spellcheck={false}
            />
            <Button>Send the link</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What the forgot-password form answers, whether or not the address has an account. */
export function ResetLinkSentPage(props: { ctx: PageContext; email: string; validHours: number }) {
  return (
    <Layout ctx={props.ctx} title="Check your email">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Check your email</h1>
          <p class="govuk-body">
            If <strong>{props.email}</strong> belongs to an account here, we have sent it a link to
            set a new password. The link works once, for {props.validHours} hours.
          </p>
          <p class="govuk-body">
            If nothing arrives after a few minutes, look in your spam or junk folder, check the
            address, or ask an administrator of {props.ctx.instanceName} for help.
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** The page a reset link opens: a new password for the account. */
export function ResetPasswordPage(props: {
  ctx: PageContext;
  handle: string;
  action: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title="Choose a new password" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Choose a new password</h1>
          <p class="govuk-body">
            For the account <strong>@{props.handle}</strong>. Everywhere you are signed in now will
            be signed out.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            {/* Lets password managers save the new password under the right account. */}
            <input type="hidden" name="username" value={props.handle} autocomplete="username" />
            <TextInput
              name="password"
              type="password"
              label="New password"
              hint="At least 10 characters. A few unrelated words make a strong password."
              error={errorFor(errors, "password")}
              autocomplete="new-password"
            />
            <Button>Set new password</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What a reset link that no longer works says. */
export function ResetLinkProblemPage(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="This link does not work">
      <h1 class="govuk-heading-l">This link does not work</h1>
      <p class="govuk-body">
        Password links work once, for a short time, and only the newest one sent works.
      </p>
      <p class="govuk-body">
        <a class="govuk-link" href={FORGOT_PASSWORD_PATH}>
          Ask for a new link
        </a>
        .
      </p>
    </Layout>
  );
}
