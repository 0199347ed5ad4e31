import { type Context, Hono } from "hono";
import { linkedIdentityEmails } from "../../../domain/account/identities.ts";
import {
  changePassword,
  confirmEmailChange,
  EMAIL_CHANGE_HOURS,
  emailChangePath,
  findEmailChange,
  pendingEmailChange,
  requestEmailChange,
} from "../../../domain/account/settings.ts";
import { type FieldError, ThrottledError, ValidationError } from "../../../domain/errors.ts";
import { logger } from "../../../logging.ts";
import { requireSignIn, setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { clientKey, formFields } from "../../forms.ts";
import { pageContext, render } from "../../render.ts";
import { ACCOUNT_PATH } from "../../views/layout.tsx";
import {
  AccountSettingsPage,
  ConfirmEmailPage,
  EmailLinkProblemPage,
  EmailLinkSentPage,
} from "../../views/pages/account/settings.tsx";

const log = logger("web", "account");

type C = Context<AppEnv>;

/** What the mails about an account need to know about this instance. */
export function siteOf(c: C) {
  const { config } = c.get("deps");
  return { origin: config.origin, instanceName: config.instanceName };
}

/** The account page, with a refused form's errors (422, or 429 when throttled). */
export function accountPage(
  c: C,
  refusal?: { errors: FieldError[]; typedEmail?: string; status: 422 | 429 },
) {
  const account = c.get("account")!;
  return render(
    c,
    <AccountSettingsPage
      ctx={pageContext(c)}
      account={{
        handle: account.actor.handle,
        email: account.email,
        pendingEmail: pendingEmailChange(c.get("deps").db, account.id),
        linkedSignIn: linkedSignIn(c, account.id),
      }}
      typedEmail={refusal?.typedEmail}
      errors={refusal?.errors}
    />,
    refusal?.status ?? 200,
  );
}

/** "<label> as <address>" for each provider identity linked to the account, if any. */
function linkedSignIn(c: C, accountId: number): string | undefined {
  const { db, config } = c.get("deps");
  const emails = linkedIdentityEmails(db, accountId);
  if (!config.oidc || emails.length === 0) return undefined;
  return emails.map((email) => `${config.oidc!.label} as ${email}`).join(", ");
}

/** Turns a refused settings form into the account page with its errors, or rethrows. */
export function refused(c: C, error: unknown, field: string, typedEmail?: string) {
  if (error instanceof ValidationError) {
    return accountPage(c, { errors: error.errors, typedEmail, status: 422 });
  }
  if (error instanceof ThrottledError) {
    c.header("Retry-After", String(Math.ceil(error.retryAfterSeconds)));
    return accountPage(c, { errors: [{ field, message: error.message }], typedEmail, status: 429 });
  }
  throw error;
}

/** Keeps a token in the address bar from leaking to other sites through the Referer header. */
function noReferrer(c: C): void {
  c.header("Referrer-Policy", "no-referrer");
}

/** The person's own account page: changing the address and the password. */
export function accountSettingsRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(ACCOUNT_PATH, requireSignIn());
  app.use(`${ACCOUNT_PATH}/password`, requireSignIn());
  app.use(`${ACCOUNT_PATH}/email`, requireSignIn());

  app.get(ACCOUNT_PATH, (c) => accountPage(c));

  app.post(`${ACCOUNT_PATH}/password`, async (c) => {
    const account = c.get("account")!;
    const f = await formFields(c);
    try {
      await changePassword(c.get("deps").db, siteOf(c), {
        accountId: account.id,
        current: f["current-password"] ?? "",
        next: f["new-password"] ?? "",
        clientKey: clientKey(c),
        keepToken: c.get("sessionToken") ?? undefined,
      });
    } catch (error) {
      log.info("Refused a password change for {handle}: {reason}", {
        handle: account.actor.handle,
        reason: (error as Error).message,
      });
      return refused(c, error, "current-password");
    }
    log.info("{handle} changed their password", { handle: account.actor.handle });
    setFlash(c, "Your password is changed. Everywhere else you were signed in is signed out.");
    return c.redirect(ACCOUNT_PATH, 303);
  });

  app.post(`${ACCOUNT_PATH}/email`, async (c) => {
    const account = c.get("account")!;
    const f = await formFields(c);
    const typed = (f.email ?? "").trim();
    try {
      const email = await requestEmailChange(c.get("deps").db, siteOf(c), {
        accountId: account.id,
        current: f["email-password"] ?? "",
        newEmail: typed,
        clientKey: clientKey(c),
      });
      log.info("{handle} asked to change their email address", { handle: account.actor.handle });
      return render(
        c,
        <EmailLinkSentPage ctx={pageContext(c)} email={email} validHours={EMAIL_CHANGE_HOURS} />,
      );
    } catch (error) {
      log.info("Refused an address change for {handle}: {reason}", {
        handle: account.actor.handle,
        reason: (error as Error).message,
      });
      return refused(c, error, "email-password", typed);
    }
  });

  app.get(`${ACCOUNT_PATH}/email/confirm/:token`, (c) => {
    noReferrer(c);
    const token = c.req.param("token");
    const change = findEmailChange(c.get("deps").db, token);
    if (!change) return render(c, <EmailLinkProblemPage ctx={pageContext(c)} taken={false} />, 404);
    return render(
      c,
      <ConfirmEmailPage
        ctx={pageContext(c)}
        handle={change.handle}
        newEmail={change.newEmail}
        action={emailChangePath(token)}
      />,
    );
  });

  app.post(`${ACCOUNT_PATH}/email/confirm/:token`, (c) => {
    noReferrer(c);
    const result = confirmEmailChange(c.get("deps").db, siteOf(c), c.req.param("token"));
    if ("reason" in result) {
      log.info("Refused an address confirmation: {reason}", { reason: result.reason });
      const taken = result.reason === "taken";
      return render(
        c,
        <EmailLinkProblemPage ctx={pageContext(c)} taken={taken} />,
        taken ? 409 : 404,
      );
    }
    log.info("Account {id} now uses a new email address", { id: result.accountId });
    setFlash(c, `Your email address is now ${result.newEmail}.`);
    return c.redirect(c.get("account") ? ACCOUNT_PATH : "/signin", 303);
  });

  return app;
}
