import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  TextInput,
} from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** What a new account is made from, as typed (never the password). */
export interface AccountFieldValues {
  handle?: string;
  email?: string;
  name?: string;
}

/** The name, handle, email and password fields of the sign-up and set-up forms. */
export function AccountFields(props: {
  values: AccountFieldValues;
  errors: FieldError[];
  /** False where the address is already known (an invitation's), so it is not asked again. */
  askEmail?: boolean;
}) {
  const { values: v, errors } = props;
  return (
    <>
      <TextInput
        name="name"
        label="Your name"
        value={v.name}
        error={errorFor(errors, "name")}
        autocomplete="name"
        spellcheck={false}
      />
      <TextInput
        name="handle"
        label="Handle"
        hint="Your public name on the fediverse: 2 to 30 lower-case letters, numbers or underscores. It cannot be changed later."
        value={v.handle}
        error={errorFor(errors, "handle")}
        autocomplete="username"
        spellcheck={false}
        width={20}
      />
      {props.askEmail === false ? null : (
        <TextInput
          name="email"
          type="email"
          label="Email address"
          value={v.email}
          error={errorFor(errors, "email")}
          autocomplete="email"
          spellcheck={false}
        />
      )}
      <TextInput
        name="password"
        type="password"
        label="Password"
        hint="At least 10 characters. A few unrelated words make a strong password."
        error={errorFor(errors, "password")}
        autocomplete="new-password"
      />
    </>
  );
}

/** Why the sign-up form is not offered: closed by configuration, or waiting for set-up. */
export type SignUpClosure = "closed" | "awaiting-setup";

/** The sign-up form, with what was typed and any errors, or why sign-up is closed. */
export function SignUpPage(props: {
  ctx: PageContext;
  values?: AccountFieldValues;
  errors?: FieldError[];
  closed?: SignUpClosure | undefined;
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title="Create an account" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Create an account</h1>
          {props.closed === "awaiting-setup" ? (
            <p class="govuk-body">
              Sign-up is closed until this instance has been set up. Its administrator sets it up
              with the link the server printed when it started; after that, anyone may sign up.
            </p>
          ) : props.closed === "closed" ? (
            <p class="govuk-body">
              This instance is not taking new sign-ups. Ask its administrator to create an account
              for you.
            </p>
          ) : (
            <>
              <p class="govuk-body">
                We will send a link to your email address. Your account is created when you open it.
              </p>
              <form method="post" action="/signup" novalidate>
                <CsrfField token={props.ctx.csrfToken} />
                <AccountFields values={props.values ?? {}} errors={errors} />
                <Button>Create account</Button>
              </form>
            </>
          )}
          <p class="govuk-body">
            Already have an account?{" "}
            <a class="govuk-link" href="/signin">
              Sign in
            </a>
            .
          </p>
        </div>
      </div>
    </Layout>
  );
}

/** The sign-in form. */
export function SignInPage(props: {
  ctx: PageContext;
  login?: string;
  returnTo?: string;
  errors?: FieldError[];
  /** The provider's label when OpenID Connect sign-in is configured. */
  oidcLabel?: string | undefined;
}) {
  const errors = props.errors ?? [];
  return (
    <Layout ctx={props.ctx} title="Sign in" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Sign in</h1>
          <form method="post" action="/signin" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <input type="hidden" name="return" value={props.returnTo ?? "/"} />
            <TextInput
              name="login"
              label="Handle or email address"
              value={props.login}
              error={errorFor(errors, "login")}
              autocomplete="username"
              spellcheck={false}
            />
            <TextInput
              name="password"
              type="password"
              label="Password"
              error={errorFor(errors, "password")}
              autocomplete="current-password"
            />
            <Button>Sign in</Button>
          </form>
          {props.oidcLabel ? (
            // A link, not a form: the page's Content-Security-Policy (form-action 'self') would
            // stop a form's redirect to the provider and every hop the provider makes after it.
            <p class="govuk-body">
              <a
                id="oidc"
                href={`/signin/oidc?return=${encodeURIComponent(props.returnTo ?? "/")}`}
                draggable="false"
                class="govuk-button govuk-button--secondary"
                data-module="govuk-button"
              >
                Sign in with {props.oidcLabel}
              </a>
            </p>
          ) : null}
          <p class="govuk-body">
            <a class="govuk-link" href="/password/forgot">
              Forgot your password?
            </a>
          </p>
          <p class="govuk-body">
            New here?{" "}
            <a class="govuk-link" href="/signup">
              Create an account
            </a>
            .
          </p>
        </div>
      </div>
    </Layout>
  );
}
