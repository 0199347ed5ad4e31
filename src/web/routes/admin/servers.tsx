import { type Context, Hono } from "hono";
import { domainBlocksCsv, parseDomainBlocksCsv } from "../../../domain/admin/domain-csv.ts";
import {
  checkDomainBlock,
  listDomainBlocks,
  removeDomainBlock,
  saveDomainBlocks,
} from "../../../domain/admin/servers.ts";
import type { FieldError } from "../../../domain/errors.ts";
import { ValidationError } from "../../../domain/errors.ts";
import { logger } from "../../../logging.ts";
import { setFlash } from "../../auth.ts";
import type { AppEnv } from "../../env.ts";
import { pageContext, render } from "../../render.ts";
import {
  ADMIN_SERVERS_PATH,
  AdminServersPage,
  ConfirmDomainPage,
  ConfirmImportPage,
  type DomainFormValues,
} from "../../views/pages/admin/servers.tsx";

const log = logger("web", "admin", "servers");

type C = Context<AppEnv>;

/** The page again with errors, and what was typed. */
function serversPage(c: C, errors: FieldError[] = [], values: DomainFormValues = {}) {
  const blocks = listDomainBlocks(c.get("deps").db);
  return render(
    c,
    <AdminServersPage ctx={pageContext(c)} blocks={blocks} values={values} errors={errors} />,
    errors.length > 0 ? 422 : 200,
  );
}

/** Blocking and limiting other servers, and the list as Mastodon CSV; adminRoutes() guards them. */
export function adminServerRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get(ADMIN_SERVERS_PATH, (c) => serversPage(c));

  app.post(ADMIN_SERVERS_PATH, async (c) => {
    const body = await c.req.parseBody();
    const values = {
      domain: String(body.domain ?? ""),
      severity: String(body.severity ?? ""),
      reason: String(body.reason ?? ""),
    };
    let entry: ReturnType<typeof checkDomainBlock>;
    try {
      entry = checkDomainBlock(values);
    } catch (error) {
      if (error instanceof ValidationError) return serversPage(c, error.errors, values);
      throw error;
    }
    if (body.confirmed !== "yes") {
      return render(c, <ConfirmDomainPage ctx={pageContext(c)} entry={entry} />);
    }
    const removed = saveDomainBlocks(c.get("deps").db, [entry]);
    log.info("{who} set {domain} to {severity} ({removed} memberships ended): {reason}", {
      who: c.get("account")?.actor.handle,
      ...entry,
      removed,
    });
    setFlash(
      c,
      entry.severity === "block"
        ? `${entry.domain} is blocked.${removed > 0 ? ` ${removed} ${removed === 1 ? "membership" : "memberships"} ended.` : ""}`
        : `${entry.domain} is limited.`,
    );
    return c.redirect(ADMIN_SERVERS_PATH, 303);
  });

  app.post(`${ADMIN_SERVERS_PATH}/:domain/remove`, (c) => {
    const domain = c.req.param("domain").toLowerCase();
    if (!removeDomainBlock(c.get("deps").db, domain)) {
      return serversPage(c, [{ field: "domain", message: `${domain} is not blocked or limited` }]);
    }
    log.info("{who} lifted the block or limit on {domain}", {
      who: c.get("account")?.actor.handle,
      domain,
    });
    setFlash(c, `${domain} is no longer blocked or limited.`);
    return c.redirect(ADMIN_SERVERS_PATH, 303);
  });

  app.get(`${ADMIN_SERVERS_PATH}/export.csv`, (c) =>
    c.body(domainBlocksCsv(listDomainBlocks(c.get("deps").db)), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="domain_blocks.csv"',
      "Cache-Control": "private, no-store",
    }),
  );

  // The first post carries the uploaded file and shows what it would do; the confirmation
  // carries the same text back in a hidden field, checked again before anything is saved.
  app.post(`${ADMIN_SERVERS_PATH}/import`, async (c) => {
    const body = await c.req.parseBody();
    const file = body.csv;
    const text =
      file instanceof File ? await file.text() : typeof body.text === "string" ? body.text : "";
    if (!text.trim()) {
      return serversPage(c, [{ field: "csv", message: "Choose a CSV file to import" }]);
    }
    let parsed: ReturnType<typeof parseDomainBlocksCsv>;
    try {
      parsed = parseDomainBlocksCsv(text);
    } catch (error) {
      if (error instanceof ValidationError) return serversPage(c, error.errors);
      throw error;
    }
    if (body.confirmed !== "yes") {
      return render(
        c,
        <ConfirmImportPage
          ctx={pageContext(c)}
          entries={parsed.entries}
          skipped={parsed.skipped}
          csv={text}
        />,
      );
    }
    const removed = saveDomainBlocks(c.get("deps").db, parsed.entries);
    log.info("{who} imported {count} domain decisions ({removed} memberships ended)", {
      who: c.get("account")?.actor.handle,
      count: parsed.entries.length,
      removed,
    });
    setFlash(
      c,
      `Imported ${parsed.entries.length} ${parsed.entries.length === 1 ? "server" : "servers"}.`,
    );
    return c.redirect(ADMIN_SERVERS_PATH, 303);
  });

  return app;
}
