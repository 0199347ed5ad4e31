import { Button, CsrfField, ErrorSummary, type FieldError } from "../components.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { AccountFields, type AccountFieldValues } from "./auth.tsx";

// The first-run pages: the form the set-up link opens, which creates the administrator, and
// what a used or replaced set-up link says.

/** The set-up form that creates the instance's administrator. */
export function SetupPage(props: {
  ctx: PageContext;
  action: string;
  values?: AccountFieldValues;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  const title = `Set up ${props.ctx.instanceName}`;
  return (
    <Layout ctx={props.ctx} title={title} errors={errors.length > 0}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">{title}</h1>
          <p class="govuk-body">
            Create the administrator's account. The link you followed works once; sign-up opens to
            everyone as soon as this account exists.
          </p>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <AccountFields values={props.values ?? {}} errors={errors} />
            <Button>Create administrator account</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** What a set-up link says once it has been used or replaced. */
export function SetupLinkUsedPage(props: { ctx: PageContext; setUp: boolean }) {
  return (
    <Layout ctx={props.ctx} title="This set-up link does not work">
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <h1 class="govuk-heading-l">This set-up link does not work</h1>
          {props.setUp ? (
            <p class="govuk-body">
              This instance already has an administrator.{" "}
              <a class="govuk-link" href="/signin">
                Sign in
              </a>{" "}
              instead.
            </p>
          ) : (
            <p class="govuk-body">
              Set-up links work once, and only the newest one works. To get a new link, restart the
              server or run <code>npm run admin -- setup-link</code> on it.
            </p>
          )}
        </div>
      </div>
    </Layout>
  );
}
