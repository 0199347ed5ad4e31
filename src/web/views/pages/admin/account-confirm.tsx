import type { AccountListing } from "../../../../domain/admin/accounts.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Textarea,
  Warning,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { adminAccountPath } from "./accounts.tsx";

// The confirmation pages for what cannot be quietly undone: suspending someone (which ends their
// sessions and tells other servers they are gone) and revoking an administrator.

/** Asks for a reason and confirmation before suspending an account. */
export function SuspendAccountPage(props: {
  ctx: PageContext;
  account: AccountListing;
  reason?: string;
  errors?: FieldError[];
}) {
  const { account } = props;
  const errors = props.errors ?? [];
  const path = adminAccountPath(account.id);
  return (
    <Layout
      ctx={props.ctx}
      title={`Suspend @${account.handle}`}
      errors={errors.length > 0}
      backLink={path}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">Suspend @{account.handle}?</h1>
          <Warning>
            {account.name} will be signed out everywhere and cannot sign in. Other servers will be
            told their profile is gone until you unsuspend them. Their posts stay.
          </Warning>
          <form method="post" action={`${path}/suspend`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="reason"
              label="Why are you suspending this account?"
              hint="Other administrators see this. The person does not."
              value={props.reason}
              error={errorFor(errors, "reason")}
              rows={3}
            />
            <div class="govuk-button-group">
              <Button variant="warning">Suspend account</Button>
              <a class="govuk-link" href={path}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Asks for confirmation before an administrator loses that role. */
export function RevokeAdminPage(props: { ctx: PageContext; account: AccountListing }) {
  const { account } = props;
  const path = adminAccountPath(account.id);
  return (
    <Layout ctx={props.ctx} title={`Revoke @${account.handle}'s administration`} backLink={path}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">Stop @{account.handle} being an administrator?</h1>
          <p class="govuk-body">
            They keep their account but can no longer reach the administration pages.
          </p>
          <form method="post" action={`${path}/revoke-admin`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <div class="govuk-button-group">
              <Button variant="warning">Revoke administrator</Button>
              <a class="govuk-link" href={path}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
