import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { htmlToPlainText } from "../../domain/html.ts";
import { diffLines } from "../../domain/wiki/diff.ts";
import {
  countRevisions,
  getRevision,
  listRevisions,
  type RevisionWithAuthor,
  restoreRevision,
  restoringEdit,
  type WikiRevision,
} from "../../domain/wiki/wiki.ts";
import { proposeWikiEdit, publishWikiRevision } from "../../federation/wiki.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage } from "../views/errors.tsx";
import { latestWithAuthor, wikiPageIn, wikiPageNotFound, wikiReadable } from "./shared.tsx";
import { WikiDiffPage, WikiHistoryPage, WikiRevisionPage } from "./views/wiki-history.tsx";

type C = Context<AppEnv>;

/** Revisions on one page of a wiki page's history; a much-edited page has thousands. */
export const HISTORY_PAGE_SIZE = 50;

/** A revision number from a query or form field, if it is a positive whole number. */
function revisionNumber(raw: string | undefined): number | null {
  return raw && /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}

/** The text a revision is compared by: its Markdown, or the plain text of remote HTML. */
function comparable(revision: WikiRevision): string {
  return revision.bodySource ?? htmlToPlainText(revision.bodyHtml);
}

/** A wiki page's history: every revision, comparisons, old revisions and restoring them. */
export function wikiHistoryRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/wiki/:id{[0-9]+}/history", (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    const { db } = c.get("deps");
    const total = countRevisions(db, page.id);
    const totalPages = Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE));
    // A page number past the end (the history is shorter than a saved link remembers) shows
    // the last page rather than an empty table.
    const requested = Number.parseInt(c.req.query("page") ?? "1", 10) || 1;
    const current = Math.min(totalPages, Math.max(1, requested));
    return render(
      c,
      <WikiHistoryPage
        ctx={pageContext(c)}
        access={access}
        page={page}
        revisions={listRevisions(db, page.id, {
          offset: (current - 1) * HISTORY_PAGE_SIZE,
          limit: HISTORY_PAGE_SIZE,
        })}
        total={total}
        newestTwo={listRevisions(db, page.id, { offset: 0, limit: 2 }).map(
          (r) => r.revision.number,
        )}
        currentPage={current}
        totalPages={totalPages}
      />,
    );
  });

  /** One revision of the page with its author, by number. */
  function revisionWithAuthor(c: C, pageId: number, n: number | null): RevisionWithAuthor | null {
    const { db } = c.get("deps");
    const revision = n === null ? undefined : getRevision(db, pageId, n);
    const author = revision ? getActor(db, revision.authorId) : undefined;
    return revision && author ? { revision, author } : null;
  }

  app.get("/c/:ref/wiki/:id{[0-9]+}/diff", (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    const from = revisionWithAuthor(c, page.id, revisionNumber(c.req.query("from")));
    const to = revisionWithAuthor(c, page.id, revisionNumber(c.req.query("to")));
    if (!from || !to) {
      return wikiPageNotFound(c, "Choose two revisions of this page from its history to compare.");
    }
    return render(
      c,
      <WikiDiffPage
        ctx={pageContext(c)}
        access={access}
        page={page}
        from={from}
        to={to}
        lines={diffLines(comparable(from.revision), comparable(to.revision))}
      />,
    );
  });

  app.get("/c/:ref/wiki/:id{[0-9]+}/revisions/:n{[0-9]+}", (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    const entry = revisionWithAuthor(c, page.id, revisionNumber(c.req.param("n")));
    if (!entry) return wikiPageNotFound(c, "This page has no revision with that number.");
    return render(
      c,
      <WikiRevisionPage
        ctx={pageContext(c)}
        access={access}
        page={page}
        entry={entry}
        latest={latestWithAuthor(c, page)?.revision.number ?? entry.revision.number}
      />,
    );
  });

  app.post("/c/:ref/wiki/:id{[0-9]+}/restore", requireSignIn(), async (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    const forbidden = () =>
      render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message={`Only members of ${access.group.name} can edit its wiki.`}
        />,
        403,
      );
    if (!access.canPost) return forbidden();
    const { db } = c.get("deps");
    const number = revisionNumber((await formFields(c)).revision);
    const editor = c.get("account")!.actor;
    const pagePath = `${access.path}/wiki/${page.id}`;
    try {
      if (number === null) throw new NotFoundError("Choose a revision to restore.");
      if (page.isLocal) {
        const saved = restoreRevision(db, page, editor, number);
        await publishWikiRevision(federationContext(c), saved.page, saved.revision);
        setFlash(c, `Revision ${number} has been restored as revision ${saved.revision.number}.`);
      } else {
        await proposeWikiEdit(federationContext(c), page, restoringEdit(db, page, editor, number));
        setFlash(
          c,
          `Restoring revision ${number} has been sent to ${access.group.host}. It will show here once accepted.`,
        );
      }
      return c.redirect(pagePath, 303);
    } catch (error) {
      if (error instanceof NotFoundError) return wikiPageNotFound(c, error.message);
      if (error instanceof ForbiddenError) return forbidden();
      // Someone saved while the restore was being sent; the history shows the new state.
      if (error instanceof ConflictError) {
        setFlash(c, error.message);
        return c.redirect(`${pagePath}/history`, 303);
      }
      throw error;
    }
  });

  return app;
}
