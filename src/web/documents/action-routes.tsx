import { Hono } from "hono";
import { getDocument, unusedFileOf } from "../../domain/documents.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { removeStoredFile } from "../../domain/files.ts";
import {
  canModerate,
  composeItem,
  deleteItem,
  editItem,
  groupsOfItem,
  type ItemRow,
} from "../../domain/items.ts";
import { rateDocument } from "../../domain/ratings.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import { sendRatingLike } from "../../federation/documents.ts";
import { learnMentionedPeople } from "../../federation/mentions.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { sendRating } from "../../federation/ratings.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { type CommunityAccess, membersOnly } from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage } from "../views/errors.tsx";
import { replyPath } from "../views/thread-pager.tsx";
import {
  type C,
  documentIn,
  documentNotFound,
  readableLibrary,
  renderDocumentPage,
  threadItemIn,
} from "./shared.tsx";
import { CommentFormPage, DeleteDocumentItemPage } from "./views/document.tsx";
import { DocumentFormPage } from "./views/documents.tsx";

/** Finds the document or comment to edit or delete and checks the viewer may change it. */
function changeable(
  c: C,
  raw: string | undefined,
): { access: CommunityAccess; root: ItemRow; item: ItemRow } | Promise<Response> {
  const access = readableLibrary(c);
  if (access instanceof Promise) return access;
  const found = documentIn(c, access);
  const item = found ? threadItemIn(c, found.item, raw) : undefined;
  if (!found || !item) return documentNotFound(c);
  if (!item.isLocal || !canModerate(c.get("deps").db, item, c.get("account")!.actor.id)) {
    return render(
      c,
      <ForbiddenPage ctx={pageContext(c)} message="You can only change your own posts." />,
      403,
    );
  }
  return { access, root: found.item, item };
}

/** The edit form for a document's details or for a comment. */
function editForm(
  c: C,
  found: { access: CommunityAccess; root: ItemRow; item: ItemRow },
  values: { title: string; body: string },
  errors?: { field: string; message: string }[],
) {
  const { access, root, item } = found;
  const action = `${access.path}/documents/${root.id}/edit?item=${item.id}`;
  const page =
    item.kind === "document" ? (
      <DocumentFormPage
        ctx={pageContext(c)}
        access={access}
        action={action}
        heading="Edit document details"
        withFile={false}
        maxUploadBytes={c.get("deps").config.maxUploadBytes}
        values={{ title: values.title, description: values.body }}
        errors={errors?.map((e) => (e.field === "body" ? { ...e, field: "description" } : e))}
      />
    ) : (
      <CommentFormPage
        ctx={pageContext(c)}
        access={access}
        action={action}
        cancel={replyPath(`${access.path}/documents/${root.id}`, item.id)}
        value={values.body}
        errors={errors}
      />
    );
  return render(c, page, errors ? 422 : 200);
}

/** Rating, commenting, editing and deleting in a document library. */
export function documentActionRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/c/:ref/documents/:id{[0-9]+}/rate", requireSignIn(), async (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const found = documentIn(c, access);
    if (!found) return documentNotFound(c);
    if (!access.canPost) return membersOnly(c, access);
    const f = await formFields(c);
    const rater = c.get("account")!.actor;
    try {
      const { first } = rateDocument(c.get("deps").db, found.item, rater.id, f.stars);
      // Lemmy and Mastodon hear of a person's rating once, as a Like; the document's home
      // hears the stars each time, and publishes the new average (src/federation/ratings.ts).
      if (first) await sendRatingLike(federationContext(c), found.item, rater);
      await sendRating(federationContext(c), found.item, rater, Number(f.stars));
    } catch (error) {
      if (error instanceof ValidationError) {
        return renderDocumentPage(c, access, found, { errors: error.errors, values: {} });
      }
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      if (error instanceof NotFoundError) return documentNotFound(c);
      throw error;
    }
    setFlash(c, "Your rating has been saved.");
    return c.redirect(`${access.path}/documents/${found.item.id}#rating`, 303);
  });

  app.post("/c/:ref/documents/:id{[0-9]+}/comment", requireSignIn(), async (c) => {
    const access = readableLibrary(c);
    if (access instanceof Promise) return access;
    const found = documentIn(c, access);
    if (!found) return documentNotFound(c);
    const { db, config } = c.get("deps");
    const f = await formFields(c);
    const parent = threadItemIn(c, found.item, f.parent) ?? found.item;
    try {
      await learnMentionedPeople(federationContext(c), f.body ?? "");
      const comment = composeItem(db, config.origin, {
        kind: "reply",
        author: c.get("account")!.actor,
        groups: groupsOfItem(db, found.item.id),
        parent,
        body: f.body ?? "",
      });
      await publishItemChange(federationContext(c), comment, "create");
      return c.redirect(replyPath(`${access.path}/documents/${found.item.id}`, comment.id), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        const field = parent.id === found.item.id ? "body" : `reply-${parent.id}`;
        return renderDocumentPage(c, access, found, {
          errors: [{ field, message: "Write your comment" }],
          values: { body: field === "body" ? (f.body ?? "") : undefined },
        });
      }
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  app.get("/c/:ref/documents/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    return editForm(c, found, { title: found.item.title, body: found.item.bodySource ?? "" });
  });

  app.post("/c/:ref/documents/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    const { access, root, item } = found;
    const f = await formFields(c);
    const isDocument = item.kind === "document";
    const values = {
      title: isDocument ? (f.title ?? "") : item.title,
      body: (isDocument ? f.description : f.body) ?? "",
    };
    try {
      await learnMentionedPeople(federationContext(c), values.body);
      const edited = editItem(c.get("deps").db, item, c.get("account")!.actor.id, values);
      await publishItemChange(federationContext(c), edited, "update");
    } catch (error) {
      if (error instanceof ValidationError) return editForm(c, found, values, error.errors);
      throw error;
    }
    setFlash(c, "Your changes have been saved.");
    return c.redirect(
      isDocument
        ? `${access.path}/documents/${root.id}`
        : replyPath(`${access.path}/documents/${root.id}`, item.id),
      303,
    );
  });

  app.get("/c/:ref/documents/:id{[0-9]+}/delete", requireSignIn(), (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    const { access, root, item } = found;
    const rootPath = `${access.path}/documents/${root.id}`;
    return render(
      c,
      <DeleteDocumentItemPage
        ctx={pageContext(c)}
        item={item}
        action={`${rootPath}/delete`}
        cancel={item.id === root.id ? rootPath : replyPath(rootPath, item.id)}
      />,
    );
  });

  app.post("/c/:ref/documents/:id{[0-9]+}/delete", requireSignIn(), async (c) => {
    const f = await formFields(c);
    const found = changeable(c, f.item);
    if (found instanceof Promise) return found;
    const { access, root, item } = found;
    const { db, config } = c.get("deps");
    try {
      const deleted = deleteItem(db, item, c.get("account")!.actor.id);
      await publishItemChange(federationContext(c), deleted, "delete");
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof NotFoundError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    if (item.kind === "document") {
      // The bytes go too, unless another document holds the same file.
      const document = getDocument(db, item.id);
      const unused = document ? unusedFileOf(db, document) : null;
      if (unused) await removeStoredFile(fileStoreFor(config.files), unused);
      setFlash(c, "The document has been deleted.");
      return c.redirect(`${access.path}/documents`, 303);
    }
    setFlash(c, "The comment has been deleted.");
    return c.redirect(`${access.path}/documents/${root.id}`, 303);
  });

  return app;
}
