import type { ConfirmationRefusal, PendingSignUp } from "../../../domain/sign-up.ts";
import { Button, CsrfField, Inset } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";

// The pages after the sign-up form: "check your email" (the same whether or not the address
// already had an account), the page a confirmation link opens, and what a link that no longer
// works says. The link's page asks for a click rather than acting on the visit, because mail
// scanners open links too, and must not spend them.

/** The page after a sign-up form is accepted; it says nothing about whether the address is new. */
export function CheckEmailPage(props: { ctx: PageContext; email: string; validHours: number }) {
  return (
    <Layout ctx={props.ctx} title="Check your email">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Check your email</h1>
          <p class="govuk-body">
            We have sent a message to <strong>{props.email}</strong>.
          </p>
          <p class="govuk-body">
            To finish creating your account, open the link in it within {props.validHours} hours. If
            you already have an account here, the message says so instead, and you can{" "}
            <a class="govuk-link" href="/signin">
              sign in
            </a>
            .
          </p>
          <Inset>
            If the message has not arrived after a few minutes, look in your spam or junk folder, or{" "}
            <a class="govuk-link" href="/signup">
              sign up again
            </a>{" "}
            to send a new one.
          </Inset>
        </div>
      </div>
    </Layout>
  );
}

/** The page a confirmation link opens: what will be created, and a button to do it. */
export function ConfirmSignUpPage(props: {
  ctx: PageContext;
  pending: PendingSignUp;
  action: string;
}) {
  return (
    <Layout ctx={props.ctx} title="Confirm your email address">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Confirm your email address</h1>
          <p class="govuk-body">
            You are creating the account <strong>@{props.pending.handle}</strong> (
            {props.pending.name}) with the email address <strong>{props.pending.email}</strong>.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Button>Confirm and sign in</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What a confirmation link that did not create an account says, and what to do instead. */
export function SignUpLinkProblemPage(props: { ctx: PageContext; refusal: ConfirmationRefusal }) {
  const { refusal } = props;
  const heading =
    refusal.reason === "handle-taken"
      ? "Your handle has been taken"
      : refusal.reason === "email-taken"
        ? "This email address already has an account"
        : "This link does not work";
  return (
    <Layout ctx={props.ctx} title={heading}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">{heading}</h1>
          {refusal.reason === "handle-taken" ? (
            <p class="govuk-body">
              Someone else took the handle @{refusal.handle} before you opened your link, so no
              account was created.{" "}
              <a class="govuk-link" href="/signup">
                Sign up again with another handle
              </a>
              .
            </p>
          ) : refusal.reason === "email-taken" ? (
            <p class="govuk-body">
              An account was made for this address before you opened your link.{" "}
              <a class="govuk-link" href="/signin">
                Sign in
              </a>{" "}
              with it instead.
            </p>
          ) : (
            <>
              <p class="govuk-body">
                Links to confirm an email address work once, for 24 hours, and only the newest link
                sent to an address works.
              </p>
              <p class="govuk-body">
                If you have already confirmed your address,{" "}
                <a class="govuk-link" href="/signin">
                  sign in
                </a>
                . Otherwise{" "}
                <a class="govuk-link" href="/signup">
                  sign up again
                </a>{" "}
                to get a new link.
              </p>
            </>
          )}
        </div>
      </div>
    </Layout>
  );
}
