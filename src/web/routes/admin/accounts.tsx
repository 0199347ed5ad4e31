import { type Context, Hono } from "hono";
import {
  type AccountListing,
  findAccountListing,
  listAccounts,
  setAdministrator,
  suspendAccount,
  unsuspendAccount,
} from "../../../domain/admin/accounts.ts";
import {
  ConflictError,
  type FieldError,
  NotFoundError,
  ValidationError,
} from "../../../domain/errors.ts";
import { sendPasswordReset } from "../../../domain/password-reset.ts";
import { logger } from "../../../logging.ts";
import { setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { NotFoundPage } from "../../views/errors.tsx";
import { DeleteAccountPage } from "../../views/pages/account/delete.tsx";
import { RevokeAdminPage, SuspendAccountPage } from "../../views/pages/admin/account-confirm.tsx";
import {
  ADMIN_ACCOUNTS_PATH,
  AdminAccountPage,
  AdminAccountsPage,
  adminAccountPath,
} from "../../views/pages/admin/accounts.tsx";
import { keepChoice, performAccountDeletion } from "../account/deletion.tsx";

const log = logger("web", "admin", "accounts");

type C = Context<AppEnv>;

const PAGE_SIZE = 25;

/** The account id in the path, or undefined when it is not a plain positive number. */
function accountId(c: C): number | undefined {
  const raw = c.req.param("id") ?? "";
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/** The signed-in administrator's account id (adminRoutes() guarantees one). */
function me(c: C): number {
  return c.get("account")?.id ?? 0;
}

function notFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="There is no account with that number." />,
    404,
  );
}

/** An account's page, with an error at the top (409) when an action was refused. */
function accountPage(c: C, id: number, refusal?: string) {
  const account = findAccountListing(c.get("deps").db, id);
  if (!account) return notFound(c);
  const errors = refusal ? [{ field: "actions", message: refusal }] : [];
  return render(
    c,
    <AdminAccountPage ctx={pageContext(c)} account={account} own={id === me(c)} errors={errors} />,
    refusal ? 409 : 200,
  );
}

/** Runs an account action, turning the domain's refusals into the account page with an error. */
function attempt(c: C, id: number, action: () => string) {
  try {
    setFlash(c, action());
    return c.redirect(adminAccountPath(id), 303);
  } catch (error) {
    if (error instanceof NotFoundError) return notFound(c);
    if (error instanceof ConflictError) return accountPage(c, id, error.message);
    throw error;
  }
}

/** Finding accounts, suspending them, administrators and password links; adminRoutes() guards them. */
export function adminAccountRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(ADMIN_ACCOUNTS_PATH, (c) => {
    const query = (c.req.query("q") ?? "").trim().slice(0, 200);
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const { accounts, total } = listAccounts(c.get("deps").db, {
      query,
      page,
      pageSize: PAGE_SIZE,
    });
    return render(
      c,
      <AdminAccountsPage
        ctx={pageContext(c)}
        accounts={accounts}
        query={query}
        total={total}
        page={page}
        pageSize={PAGE_SIZE}
      />,
    );
  });

  app.get(`${ADMIN_ACCOUNTS_PATH}/:id`, (c) => {
    const id = accountId(c);
    return id === undefined ? notFound(c) : accountPage(c, id);
  });

  app.get(`${ADMIN_ACCOUNTS_PATH}/:id/suspend`, (c) => {
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(c.get("deps").db, id);
    if (!account) return notFound(c);
    if (account.id === me(c))
      return accountPage(c, account.id, "You cannot suspend your own account.");
    return render(c, <SuspendAccountPage ctx={pageContext(c)} account={account} />);
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/suspend`, async (c) => {
    const { db } = c.get("deps");
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(db, id);
    if (!account) return notFound(c);
    const reason = (await formFields(c)).reason ?? "";
    try {
      return attempt(c, account.id, () => {
        suspendAccount(db, { by: me(c), accountId: account.id, reason });
        log.info("{who} suspended {handle}: {reason}", {
          who: c.get("account")?.actor.handle,
          handle: account.handle,
          reason,
        });
        return `@${account.handle} is suspended and has been signed out.`;
      });
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      return render(
        c,
        <SuspendAccountPage
          ctx={pageContext(c)}
          account={account}
          reason={reason}
          errors={error.errors}
        />,
        422,
      );
    }
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/unsuspend`, (c) => {
    const id = accountId(c);
    if (id === undefined) return notFound(c);
    return attempt(c, id, () => {
      const account = unsuspendAccount(c.get("deps").db, id);
      log.info("{who} unsuspended {handle}", {
        who: c.get("account")?.actor.handle,
        handle: account.handle,
      });
      return `@${account.handle} is no longer suspended.`;
    });
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/make-admin`, (c) => {
    const id = accountId(c);
    if (id === undefined) return notFound(c);
    return attempt(c, id, () => {
      const account = setAdministrator(c.get("deps").db, id, true);
      log.info("{who} made {handle} an administrator", {
        who: c.get("account")?.actor.handle,
        handle: account.handle,
      });
      return `@${account.handle} is now an administrator.`;
    });
  });

  app.get(`${ADMIN_ACCOUNTS_PATH}/:id/revoke-admin`, (c) => {
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(c.get("deps").db, id);
    if (!account) return notFound(c);
    return render(c, <RevokeAdminPage ctx={pageContext(c)} account={account} />);
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/revoke-admin`, (c) => {
    const id = accountId(c);
    if (id === undefined) return notFound(c);
    return attempt(c, id, () => {
      const account = setAdministrator(c.get("deps").db, id, false);
      log.info("{who} revoked {handle} as administrator", {
        who: c.get("account")?.actor.handle,
        handle: account.handle,
      });
      return `@${account.handle} is no longer an administrator.`;
    });
  });

  const deletePage = (
    c: C,
    account: AccountListing,
    typed?: Record<string, string>,
    errors: FieldError[] = [],
  ) =>
    render(
      c,
      <DeleteAccountPage
        ctx={pageContext(c)}
        handle={account.handle}
        action={`${adminAccountPath(account.id)}/delete`}
        backLink={adminAccountPath(account.id)}
        own={false}
        keep={typed?.keep}
        errors={errors}
      />,
      errors.length > 0 ? 422 : 200,
    );

  app.get(`${ADMIN_ACCOUNTS_PATH}/:id/delete`, (c) => {
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(c.get("deps").db, id);
    if (!account) return notFound(c);
    if (account.id === me(c)) {
      return accountPage(c, account.id, "Delete your own account from your account page.");
    }
    return deletePage(c, account);
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/delete`, async (c) => {
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(c.get("deps").db, id);
    if (!account) return notFound(c);
    if (account.id === me(c)) {
      return accountPage(c, account.id, "Delete your own account from your account page.");
    }
    const f = await formFields(c);
    const keep = keepChoice(f.keep);
    const errors: FieldError[] = typeof keep === "string" ? [] : [keep];
    if ((f.confirm ?? "").trim().replace(/^@/, "").toLowerCase() !== account.handle) {
      errors.push({ field: "confirm", message: `Type ${account.handle} to confirm` });
    }
    if (errors.length > 0 || typeof keep !== "string") return deletePage(c, account, f, errors);
    try {
      await performAccountDeletion(c, {
        accountId: account.id,
        handle: account.handle,
        keep,
        byAdmin: true,
      });
    } catch (error) {
      if (error instanceof ConflictError) return accountPage(c, account.id, error.message);
      throw error;
    }
    setFlash(c, `@${account.handle} has been deleted, and other servers are being told.`);
    return c.redirect(ADMIN_ACCOUNTS_PATH, 303);
  });

  app.post(`${ADMIN_ACCOUNTS_PATH}/:id/password-reset`, (c) => {
    const { db, config } = c.get("deps");
    const id = accountId(c);
    const account = id === undefined ? undefined : findAccountListing(db, id);
    if (!account) return notFound(c);
    return attempt(c, account.id, () => {
      const site = { origin: config.origin, instanceName: config.instanceName };
      if (!sendPasswordReset(db, site, account.id)) {
        throw new ConflictError(`@${account.handle} is suspended; unsuspend them first.`);
      }
      log.info("{who} sent {handle} a password link", {
        who: c.get("account")?.actor.handle,
        handle: account.handle,
      });
      return `A password link is on its way to ${account.email}.`;
    });
  });

  return app;
}
