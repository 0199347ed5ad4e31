import { type Context, Hono } from "hono";
import type { Config } from "../../config.ts";
import { findMail, listOutbox, retryFailedMail } from "../../domain/mail/delivery.ts";
import {
  emlFileName,
  mailDirectory,
  readStoredEml,
  storedEmlPath,
} from "../../domain/mail/files.ts";
import { logger } from "../../logging.ts";
import { setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import type { FieldError } from "../views/components.tsx";
import { NotFoundPage } from "../views/errors.tsx";
import {
  ADMIN_MAIL_PATH,
  AdminMailPage,
  type MailDestination,
  mailRowId,
} from "../views/pages/admin-mail.tsx";

const log = logger("web", "admin", "mail");

type C = Context<AppEnv>;

const PAGE_SIZE = 25;

/** A page number from the query or a form, at least 1. */
function pageNumber(value: unknown): number {
  return Math.max(1, Number.parseInt(typeof value === "string" ? value : "1", 10) || 1);
}

/** The mail id in the path, or undefined when it is not a plain positive number. */
function mailId(c: C): number | undefined {
  const raw = c.req.param("id") ?? "";
  return /^[1-9]\d{0,15}$/.test(raw) ? Number(raw) : undefined;
}

/** Where mail goes, for the page; an SMTP URL is shown without its user name and password. */
function destination(config: Config): MailDestination {
  if (!config.smtpUrl) return { kind: "eml", directory: mailDirectory(config.dataDir) };
  const url = new URL(config.smtpUrl);
  const port = url.port || (url.protocol === "smtps:" ? "465" : "587");
  return { kind: "smtp", server: `${url.hostname}:${port}` };
}

/** Renders the outbox page, with form errors (and their status) when a retry was refused. */
function outboxPage(c: C, page: number, errors: FieldError[] = []) {
  const { db, config } = c.get("deps");
  const { mails, total } = listOutbox(db, { page, pageSize: PAGE_SIZE });
  return render(
    c,
    <AdminMailPage
      ctx={pageContext(c)}
      destination={destination(config)}
      mails={mails.map((mail) => ({
        mail,
        hasEml: storedEmlPath(config.dataDir, mail) !== undefined,
      }))}
      total={total}
      page={page}
      pageSize={PAGE_SIZE}
      errors={errors}
    />,
    errors.length > 0 ? 409 : 200,
  );
}

/** The outbox page, a sent mail's .eml file, and "Retry now"; adminRoutes() guards them. */
export function adminMailRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(ADMIN_MAIL_PATH, (c) => outboxPage(c, pageNumber(c.req.query("page"))));

  app.get(`${ADMIN_MAIL_PATH}/:id/eml`, async (c) => {
    const { db, config } = c.get("deps");
    const id = mailId(c);
    const mail = id === undefined ? undefined : findMail(db, id);
    // The file is found from the row's id and send time alone, never from the request's text.
    const text = mail ? await readStoredEml(config.dataDir, mail) : undefined;
    if (!mail || text === undefined || mail.sentAt === null) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no .eml file for this mail." />,
        404,
      );
    }
    return c.body(text, 200, {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": `inline; filename="${emlFileName(mail.id, mail.sentAt)}"`,
      "Cache-Control": "private, no-store",
    });
  });

  app.post(`${ADMIN_MAIL_PATH}/:id/retry`, async (c) => {
    const { db } = c.get("deps");
    const body = await c.req.parseBody();
    const page = pageNumber(body.page);
    const id = mailId(c);
    const refusal = id === undefined ? "not-found" : retryFailedMail(db, id);
    if (refusal === "not-found" || id === undefined) {
      return render(
        c,
        <NotFoundPage ctx={pageContext(c)} message="There is no mail with that number." />,
        404,
      );
    }
    if (refusal === "not-failed") {
      const state = findMail(db, id)?.state ?? "gone";
      return outboxPage(c, page, [
        {
          field: mailRowId(id),
          message: `Mail number ${id} was not retried: only failed mail can be retried, and it is ${state}.`,
        },
      ]);
    }
    log.info("{who} queued mail {id} again", { who: c.get("account")?.actor.handle, id });
    setFlash(c, `Mail number ${id} is queued again and will be sent shortly.`);
    return c.redirect(`${ADMIN_MAIL_PATH}?page=${page}`, 303);
  });

  return app;
}
