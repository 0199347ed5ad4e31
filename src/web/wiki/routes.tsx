import { type Context, Hono } from "hono";
import { getActor } from "../../domain/actors.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { htmlToPlainText } from "../../domain/html.ts";
import { canView, type ItemRow } from "../../domain/items.ts";
import { diffLines } from "../../domain/wiki/diff.ts";
import { renderWikiText } from "../../domain/wiki/links.ts";
import {
  dismissPendingEdit,
  getPendingEdit,
  openPendingEdits,
  openPendingPages,
  type PendingWikiEdit,
} from "../../domain/wiki/remote.ts";
import {
  createWikiPage,
  editWikiPage,
  listWikiPages,
  relatedCandidates,
  relatedPages,
  WikiConflictError,
} from "../../domain/wiki/wiki.ts";
import { proposeWikiEdit, proposeWikiPage, publishWikiRevision } from "../../federation/wiki.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, membersOnly, threadRefusal } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { pageContext, render } from "../render.ts";
import { itemCommentsData } from "../routes/item-comments.tsx";
import { ForbiddenPage } from "../views/errors.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { PREVIEW_ACTION } from "../views/writing.tsx";
import { wikiHistoryRoutes } from "./history-routes.tsx";
import { latestWithAuthor, wikiPageIn, wikiPageNotFound, wikiReadable } from "./shared.tsx";
import {
  type WikiConflictView,
  WikiFormPage,
  type WikiFormValues,
  WikiListPage,
  WikiPageView,
} from "./views/wiki.tsx";

type C = Context<AppEnv>;

/** Reads the wiki form, keeping every ticked related page (formFields keeps one value per name). */
async function readWikiForm(c: C): Promise<WikiFormValues & { preview: boolean }> {
  const body = await c.req.parseBody({ all: true });
  const one = (name: string): string => {
    const value = body[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === "string" ? first : "";
  };
  const related = [body.related]
    .flat()
    .filter((v): v is string => typeof v === "string" && /^\d+$/.test(v))
    .map(Number);
  const base = one("base");
  return {
    title: one("title"),
    body: one("body"),
    reason: one("reason"),
    related,
    baseRevision: /^\d+$/.test(base) ? Number(base) : -1,
    preview: one("action") === PREVIEW_ACTION,
  };
}

/** The viewer's own pending or refused edit named by `?draft=`, to start a form from. */
function draftOf(c: C): PendingWikiEdit | undefined {
  const id = Number(c.req.query("draft"));
  const viewer = c.get("account");
  if (!viewer || !Number.isInteger(id)) return undefined;
  return getPendingEdit(c.get("deps").db, id, viewer.actor.id);
}

/** The form page for a page, with errors or a conflict when a save did not go through. */
function formPage(
  c: C,
  access: CommunityAccess,
  page: ItemRow | undefined,
  values: WikiFormValues,
  extra: {
    errors?: { field: string; message: string }[];
    conflict?: WikiConflictView;
    preview?: boolean;
  } = {},
) {
  const { config } = c.get("deps");
  const { db } = c.get("deps");
  const base = `${access.path}/wiki`;
  return (
    <WikiFormPage
      ctx={pageContext(c)}
      access={access}
      heading={page ? `Edit ${page.title}` : "Create a wiki page"}
      action={page ? `${base}/${page.id}/edit` : `${base}/new`}
      cancel={page ? `${base}/${page.id}` : base}
      isNew={!page}
      values={values}
      candidates={relatedCandidates(db, access.group.id, page?.id)}
      errors={extra.errors}
      conflict={extra.conflict}
      preview={
        extra.preview
          ? renderWikiText(db, config.origin, access.group.id, base, values.body)
          : undefined
      }
    />
  );
}

/** Wiki pages the list shows at a time. */
const WIKI_PAGES_PER_PAGE = 50;

/** A community's wiki: list, create, read and edit pages; history lives in wiki-history.tsx. */
export function wikiRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/wiki", (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const { db } = c.get("deps");
    const viewerId = c.get("account")?.actor.id;
    const pages = listWikiPages(db, access.group.id).filter((p) => canView(db, p.page, viewerId));
    const pending =
      viewerId && !access.group.isLocal ? openPendingPages(db, access.group.id, viewerId) : [];
    // A big wiki is listed 50 pages at a time, A to Z; a page number past the end shows the last.
    const totalPages = Math.max(1, Math.ceil(pages.length / WIKI_PAGES_PER_PAGE));
    const requested = Number.parseInt(c.req.query("page") ?? "1", 10) || 1;
    const page = Math.min(Math.max(1, requested), totalPages);
    return render(
      c,
      <WikiListPage
        ctx={pageContext(c)}
        access={access}
        pages={pages.slice((page - 1) * WIKI_PAGES_PER_PAGE, page * WIKI_PAGES_PER_PAGE)}
        total={pages.length}
        page={page}
        totalPages={totalPages}
        pending={pending}
      />,
    );
  });

  app.get("/c/:ref/wiki/new", requireSignIn(), (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    // Trying again after the home server refused a new page starts from the refused text.
    const draft = draftOf(c);
    const mine = draft?.groupId === access.group.id && draft.itemId === null ? draft : undefined;
    const values = {
      // A link to a page not yet written brings its title along.
      title: mine?.title ?? c.req.query("title")?.trim().slice(0, 200) ?? "",
      body: mine?.bodySource ?? "",
      reason: mine?.reason ?? "",
      related: [],
      baseRevision: 0,
    };
    return render(c, formPage(c, access, undefined, values));
  });

  app.post("/c/:ref/wiki/new", requireSignIn(), async (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    const { db, config } = c.get("deps");
    const values = await readWikiForm(c);
    if (values.preview) return render(c, formPage(c, access, undefined, values, { preview: true }));
    const input = {
      author: c.get("account")!.actor,
      group: access.group,
      title: values.title,
      body: values.body,
      reason: values.reason,
      related: values.related,
    };
    try {
      if (!access.group.isLocal) {
        // The community's home server creates the page and gives it its id.
        await proposeWikiPage(federationContext(c), input);
        setFlash(
          c,
          `Your page has been sent to ${access.group.host}. It will appear in this list once the community's home server accepts it.`,
        );
        return c.redirect(`${access.path}/wiki`, 303);
      }
      const created = createWikiPage(db, config.origin, input);
      await publishWikiRevision(federationContext(c), created.page, created.revision);
      setFlash(c, "The page has been created.");
      return c.redirect(`${access.path}/wiki/${created.page.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return render(c, formPage(c, access, undefined, values, { errors: error.errors }), 422);
      }
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  app.get("/c/:ref/wiki/:id{[0-9]+}", (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    const { db, config } = c.get("deps");
    const viewer = c.get("account")?.actor;
    // A page written here is shown from its Markdown, so its [[links]] find today's pages.
    const shown =
      page.isLocal && page.bodySource !== null && !page.deletedAt
        ? {
            ...page,
            bodyHtml: renderWikiText(
              db,
              config.origin,
              access.group.id,
              `${access.path}/wiki`,
              page.bodySource,
            ),
          }
        : page;
    return render(
      c,
      <WikiPageView
        ctx={pageContext(c)}
        access={access}
        page={shown}
        latest={latestWithAuthor(c, page)}
        related={relatedPages(db, page.id)}
        pending={viewer && !page.isLocal ? openPendingEdits(db, page.id, viewer.id) : []}
        tags={itemTagsData(db, page, viewer?.id)}
        comments={itemCommentsData(c, access, page)}
      />,
    );
  });

  /** The page to edit, when the viewer may edit it (an active member); else the answer page. */
  function editable(c: C): { access: CommunityAccess; page: ItemRow } | Promise<Response> {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const page = wikiPageIn(c, access);
    if (!page) return wikiPageNotFound(c);
    if (!access.canPost) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message={`Only members of ${access.group.name} can edit its wiki.`}
        />,
        403,
      );
    }
    return { access, page };
  }

  app.get("/c/:ref/wiki/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const found = editable(c);
    if (found instanceof Promise) return found;
    const { access, page } = found;
    const { db } = c.get("deps");
    const latest = latestWithAuthor(c, page);
    const related = relatedPages(db, page.id).map((p) => p.id);
    // Editing again after the home server refused an edit starts from the refused text.
    const draft = draftOf(c);
    const source = draft?.itemId === page.id ? draft : undefined;
    return render(
      c,
      formPage(c, access, page, {
        title: source?.title ?? page.title,
        body: source?.bodySource ?? page.bodySource ?? htmlToPlainText(page.bodyHtml),
        reason: source?.reason ?? "",
        related,
        baseRevision: latest?.revision.number ?? 0,
      }),
    );
  });

  app.post("/c/:ref/wiki/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const found = editable(c);
    if (found instanceof Promise) return found;
    const { access, page } = found;
    const { db } = c.get("deps");
    const values = await readWikiForm(c);
    if (values.preview) return render(c, formPage(c, access, page, values, { preview: true }));
    const input = { ...values, editor: c.get("account")!.actor };
    const pagePath = `${access.path}/wiki/${page.id}`;
    try {
      if (page.isLocal) {
        const saved = editWikiPage(db, page, input);
        await publishWikiRevision(federationContext(c), saved.page, saved.revision);
        setFlash(c, "Your changes have been saved.");
      } else {
        await proposeWikiEdit(federationContext(c), page, input);
        setFlash(
          c,
          `Your edit has been sent to ${access.group.host}. It will show here once the community's home server accepts it.`,
        );
      }
      return c.redirect(pagePath, 303);
    } catch (error) {
      if (error instanceof WikiConflictError) {
        const latest = {
          ...error.latest,
          bodySource: error.latest.bodySource ?? htmlToPlainText(error.latest.bodyHtml),
        };
        // The form now builds on the latest revision, so saving again after merging succeeds.
        const kept = { ...values, baseRevision: latest.number };
        const conflict = {
          latest,
          author: getActor(db, latest.authorId),
          lines: diffLines(latest.bodySource, values.body),
        };
        const errors = [{ field: "body", message: error.message }];
        return render(c, formPage(c, access, page, kept, { errors, conflict }), 409);
      }
      if (error instanceof ValidationError) {
        return render(c, formPage(c, access, page, values, { errors: error.errors }), 422);
      }
      if (error instanceof ForbiddenError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      if (error instanceof NotFoundError) return wikiPageNotFound(c, error.message);
      throw error;
    }
  });

  app.post("/c/:ref/wiki/pending/:pending{[0-9]+}/dismiss", requireSignIn(), (c) => {
    const access = wikiReadable(c);
    if (access instanceof Promise) return access;
    const { db } = c.get("deps");
    const viewerId = c.get("account")!.actor.id;
    const edit = getPendingEdit(db, Number(c.req.param("pending")), viewerId);
    if (edit?.groupId === access.group.id) dismissPendingEdit(db, edit.id, viewerId);
    return c.redirect(`${access.path}/wiki${edit?.itemId ? `/${edit.itemId}` : ""}`, 303);
  });

  app.route("/", wikiHistoryRoutes());
  return app;
}
