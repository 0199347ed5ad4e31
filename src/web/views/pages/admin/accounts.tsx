import type { AccountListing } from "../../../../domain/admin/accounts.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  type FieldError,
  Pagination,
  SummaryList,
  Table,
  Tag,
  TextInput,
} from "../../components.tsx";
import { Layout, type PageContext } from "../../layout.tsx";
import { ScrollRegion } from "../../scroll-region.tsx";
import { ADMIN_PATH } from "../admin.tsx";
import { When } from "../items.tsx";

/** The accounts list's address. */
export const ADMIN_ACCOUNTS_PATH = `${ADMIN_PATH}/accounts`;

/** An account's page in the administration pages. */
export function adminAccountPath(id: number): string {
  return `${ADMIN_ACCOUNTS_PATH}/${id}`;
}

/** The tags saying what an account is: administrator, suspended. */
function Standing(props: { account: AccountListing }) {
  const { account } = props;
  if (!account.isAdmin && !account.suspendedAt) return <>Member</>;
  return (
    <>
      {account.isAdmin ? <Tag colour="purple">Administrator</Tag> : null}{" "}
      {account.suspendedAt ? <Tag colour="red">Suspended</Tag> : null}
    </>
  );
}

/** The list of local accounts, with a search box and pages. */
export function AdminAccountsPage(props: {
  ctx: PageContext;
  accounts: AccountListing[];
  query: string;
  total: number;
  page: number;
  pageSize: number;
}) {
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const q = props.query ? `q=${encodeURIComponent(props.query)}&` : "";
  return (
    <Layout ctx={props.ctx} title="Accounts" backLink={ADMIN_PATH}>
      <span class="govuk-caption-l">Administration</span>
      <h1 class="govuk-heading-l">Accounts</h1>
      <p class="govuk-body">
        <a class="govuk-link" href={`${ADMIN_PATH}/invitations`}>
          Invite someone by email
        </a>
      </p>
      <form method="get" action={ADMIN_ACCOUNTS_PATH}>
        <TextInput
          name="q"
          type="search"
          label="Search by handle, name or email address"
          value={props.query}
          spellcheck={false}
          width="two-thirds"
        />
        <Button variant="secondary">Search</Button>
      </form>
      {props.accounts.length === 0 ? (
        <p class="govuk-body">
          {props.query ? `No account matches "${props.query}".` : "There are no accounts yet."}
        </p>
      ) : (
        <ScrollRegion label="Accounts">
          <Table
            caption={`${props.total} ${props.total === 1 ? "account" : "accounts"}${props.query ? ` matching "${props.query}"` : ""}, newest first`}
            captionSize="m"
            head={["Handle", "Name", "Email address", "Standing", "Created", "Last sign-in"]}
            rows={props.accounts.map((account) => [
              <a class="govuk-link" href={adminAccountPath(account.id)}>
                @{account.handle}
              </a>,
              account.name,
              account.email,
              <Standing account={account} />,
              <When date={account.createdAt} />,
              account.lastSignInAt ? <When date={account.lastSignInAt} /> : "Not known",
            ])}
            firstCellIsHeader
          />
        </ScrollRegion>
      )}
      <Pagination
        currentPage={props.page}
        totalPages={totalPages}
        hrefFor={(n) => `${ADMIN_ACCOUNTS_PATH}?${q}page=${n}`}
        label="Account pages"
      />
    </Layout>
  );
}

/** One account: its details and what an administrator can do to it. */
export function AdminAccountPage(props: {
  ctx: PageContext;
  account: AccountListing;
  /** Whether this is the signed-in administrator's own account. */
  own: boolean;
  errors?: FieldError[];
}) {
  const { account, ctx } = props;
  const errors = props.errors ?? [];
  const path = adminAccountPath(account.id);
  return (
    <Layout
      ctx={ctx}
      title={`@${account.handle}`}
      errors={errors.length > 0}
      backLink={ADMIN_ACCOUNTS_PATH}
    >
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Accounts</span>
      <h1 class="govuk-heading-l">@{account.handle}</h1>
      <SummaryList
        rows={[
          { key: "Name", value: account.name },
          { key: "Email address", value: account.email },
          { key: "Standing", value: <Standing account={account} /> },
          ...(account.suspendedAt
            ? [
                { key: "Suspended", value: <When date={account.suspendedAt} /> },
                { key: "Reason", value: account.suspensionReason },
              ]
            : []),
          { key: "Created", value: <When date={account.createdAt} /> },
          {
            key: "Last sign-in",
            value: account.lastSignInAt ? <When date={account.lastSignInAt} /> : "Not known",
          },
        ]}
      />
      <h2 class="govuk-heading-m" id="actions">
        What you can do
      </h2>
      {account.suspendedAt ? (
        <form method="post" action={`${path}/unsuspend`} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <p class="govuk-body">
            Unsuspending lets @{account.handle} sign in again, and other servers see their profile
            again.
          </p>
          <Button>Unsuspend</Button>
        </form>
      ) : (
        <>
          <form method="post" action={`${path}/password-reset`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <p class="govuk-body">
              Email @{account.handle} a link to set a new password. It works once, for a short time.
            </p>
            <Button variant="secondary">Send a password link</Button>
          </form>
          {account.isAdmin ? (
            <p class="govuk-body">
              <a class="govuk-link" href={`${path}/revoke-admin`}>
                Stop @{account.handle} being an administrator
              </a>
            </p>
          ) : (
            <form method="post" action={`${path}/make-admin`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <p class="govuk-body">
                Administrators can see every account, suspend people and block other servers.
              </p>
              <Button variant="secondary">Make administrator</Button>
            </form>
          )}
          {props.own ? (
            <p class="govuk-body">You cannot suspend your own account.</p>
          ) : (
            <>
              <p class="govuk-body">
                <a class="govuk-link" href={`${path}/suspend`}>
                  Suspend @{account.handle}
                </a>
              </p>
              <p class="govuk-body">
                <a class="govuk-link" href={`${path}/delete`}>
                  Delete @{account.handle} permanently
                </a>
              </p>
            </>
          )}
        </>
      )}
    </Layout>
  );
}
