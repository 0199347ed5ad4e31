import type { Context } from "hono";
import { type DocumentRow, getDocument } from "../../domain/documents.ts";
import {
  authorsOf,
  canModerate,
  canView,
  getItem,
  groupsOfItem,
  type ItemRow,
} from "../../domain/items.ts";
import { ratingSummary } from "../../domain/ratings.ts";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { pageContext, render } from "../render.ts";
import { requestedThreadPage } from "../thread-paging.ts";
import type { FieldError } from "../views/components.tsx";
import { NotFoundPage } from "../views/errors.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { DocumentPage } from "./views/document.tsx";

// Helpers shared by the document library's routes (routes.tsx and action-routes.tsx).

/** Hono's context for Copse's web routes. */
export type C = Context<AppEnv>;

/** Resolves the community and checks the viewer may read its library, or answers with a page. */
export function readableLibrary(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, "documents") ?? access;
}

/** The document named by the path, if it is in this community and the viewer may see it. */
export function documentIn(
  c: C,
  access: CommunityAccess,
): { item: ItemRow; document: DocumentRow } | undefined {
  const { db } = c.get("deps");
  const id = Number(c.req.param("id"));
  const item = Number.isInteger(id) ? getItem(db, id) : undefined;
  if (item?.kind !== "document" || item.deletedAt) return undefined;
  if (!groupsOfItem(db, item.id).some((g) => g.id === access.group.id)) return undefined;
  if (!canView(db, item, c.get("account")?.actor.id)) return undefined;
  const document = getDocument(db, item.id);
  return document ? { item, document } : undefined;
}

/** A live item of the document's thread (the document or a comment) named by a field. */
export function threadItemIn(c: C, root: ItemRow, raw: string | undefined): ItemRow | undefined {
  const item = raw && /^\d+$/.test(raw) ? getItem(c.get("deps").db, Number(raw)) : undefined;
  return item && (item.id === root.id || item.rootId === root.id) && !item.deletedAt
    ? item
    : undefined;
}

/** The 404 page for a document that is not there (or not for this viewer). */
export function documentNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That document does not exist, or was deleted." />,
    404,
  );
}

/** Renders the document page, with form errors (422) when a rating or comment was refused. */
export function renderDocumentPage(
  c: C,
  access: CommunityAccess,
  found: { item: ItemRow; document: DocumentRow },
  form?: { errors: FieldError[]; values: { stars?: string; body?: string } },
) {
  const { db } = c.get("deps");
  const viewer = c.get("account")?.actor;
  // A refused comment comes back where its form was: the last page for a comment on the
  // document, the page of the comment it answers otherwise.
  const replyTo = form?.errors.find((e) => e.field.startsWith("reply-"))?.field.slice(6);
  const shown = requestedThreadPage(c, found.item, {
    last: form?.values.body !== undefined,
    at: replyTo ? Number(replyTo) : undefined,
  });
  const comments = shown.replies;
  return render(
    c,
    <DocumentPage
      ctx={pageContext(c)}
      access={access}
      view={{
        ...found,
        comments,
        place: shown,
        authors: authorsOf(db, [found.item, ...comments]),
        rating: ratingSummary(db, found.item.id, viewer?.id),
      }}
      mayModerate={(item) =>
        viewer !== undefined && item.isLocal && canModerate(db, item, viewer.id)
      }
      errors={form?.errors}
      values={form?.values}
      tags={itemTagsData(db, found.item, viewer?.id)}
    />,
    form ? 422 : 200,
  );
}
