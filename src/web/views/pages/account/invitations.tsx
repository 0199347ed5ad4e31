import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  TextInput,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { AccountFields } from "../auth.tsx";

// Invitations: the form an administrator or facilitator sends one from, what it answers, and
// the page the invited person's link opens to choose a handle and password.

/** The form inviting someone by email, to a community or (for administrators) the instance. */
export function InvitePage(props: {
  ctx: PageContext;
  action: string;
  backLink: string;
  community?: string | undefined;
  email?: string | undefined;
  errors?: FieldError[];
  /** The address just invited, for the banner after sending. */
  sent?: string | undefined;
  validDays: number;
}) {
  const errors = props.errors ?? [];
  const title = props.community ? `Invite someone to ${props.community}` : "Invite someone";
  return (
    <Layout ctx={props.ctx} title={title} errors={errors.length > 0} backLink={props.backLink}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">{title}</h1>
          {props.sent ? (
            <div class="govuk-inset-text" role="status">
              We have sent an invitation to <strong>{props.sent}</strong>.
            </div>
          ) : null}
          <p class="govuk-body">
            We email them a link that works once, for {props.validDays} days. It creates their
            account
            {props.community
              ? ` and makes them a member of ${props.community} straight away, even if the community is private.`
              : "."}{" "}
            If the address already has an account here, they get a note instead.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="email"
              type="email"
              label="Their email address"
              value={props.email}
              error={errorFor(errors, "email")}
              autocomplete="off"
              spellcheck={false}
            />
            <Button>Send invitation</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The page an invitation link opens: choose a name, handle and password. */
export function AcceptInvitationPage(props: {
  ctx: PageContext;
  action: string;
  email: string;
  community?: string | undefined;
  values?: { name?: string; handle?: string };
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const v = props.values ?? {};
  return (
    <Layout ctx={props.ctx} title="Accept your invitation" errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Accept your invitation</h1>
          <p class="govuk-body">
            Create your account on {props.ctx.instanceName} for <strong>{props.email}</strong>
            {props.community ? `, and join ${props.community}` : ""}.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <AccountFields values={v} errors={errors} askEmail={false} />
            <Button>Create my account</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What an invitation link that no longer works says. */
export function InvitationProblemPage(props: { ctx: PageContext }) {
  return (
    <Layout ctx={props.ctx} title="This invitation does not work">
      <h1 class="govuk-heading-l">This invitation does not work</h1>
      <p class="govuk-body">
        Invitations work once, for a week. Ask the person who invited you to send a new one.
      </p>
    </Layout>
  );
}
