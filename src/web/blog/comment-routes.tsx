import { type Context, Hono } from "hono";
import {
  composeComment,
  deleteComment,
  findInThread,
  mayDeleteComment,
  mayEditComment,
} from "../../domain/blog-comments.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import type { ItemRow } from "../../domain/items.ts";
import { learnMentionedPeople } from "../../federation/mentions.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { commentDeletePage, commentEditPage, saveCommentEdit } from "../comment-editing.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { pageContext, render } from "../render.ts";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import { replyPath } from "../views/thread-pager.tsx";
import { wantsPreview } from "../views/writing.tsx";
import { commentIn, type EntryScene, entryScene, renderEntry } from "./access.tsx";
import { commentField } from "./views/blog-entry.tsx";

type C = Context<AppEnv>;

// The same comment actions hang off both addresses of an entry: its author's blog (entries
// written here) and the community it arrived through (entries written elsewhere).
const ENTRY_PATHS = ["/people/:handle/blog/:id{[0-9]+}", "/c/:ref/blog/:id{[0-9]+}"];

function forbidden(c: C, message: string) {
  return render(c, <ForbiddenPage ctx={pageContext(c)} message={message} />, 403);
}

function commentNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That comment does not exist, or was deleted." />,
    404,
  );
}

/** Finds the entry and the comment named by the path, checking the viewer may act on it. */
function commentScene(
  c: C,
  may: (scene: EntryScene, comment: ItemRow) => boolean,
): { scene: EntryScene; comment: ItemRow } | Promise<Response> {
  const scene = entryScene(c);
  if (scene instanceof Promise) return scene;
  const comment = commentIn(c, scene.entry);
  if (!comment) return commentNotFound(c);
  if (!may(scene, comment)) return forbidden(c, "You can only change your own comments.");
  return { scene, comment };
}

/** Comments on blog entries: post, answer, edit and delete. */
export function blogCommentRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const mayEdit = (c: C) => (_scene: EntryScene, comment: ItemRow) =>
    mayEditComment(comment, c.get("account")?.actor.id);
  const mayDelete = (c: C) => (scene: EntryScene, comment: ItemRow) =>
    mayDeleteComment(c.get("deps").db, scene.entry, comment, c.get("account")?.actor.id);

  for (const path of ENTRY_PATHS) {
    app.post(`${path}/comment`, requireSignIn(), async (c) => {
      const scene = entryScene(c);
      if (scene instanceof Promise) return scene;
      const { db, config } = c.get("deps");
      const { entry } = scene;
      const f = await formFields(c);
      const raw = f.parent ?? String(entry.id);
      const parent = /^\d+$/.test(raw) ? findInThread(db, entry, Number(raw)) : undefined;
      if (!parent) return commentNotFound(c);
      const body = f.body ?? "";
      // "Add image" put a picture into the text (src/web/images/uploads.tsx): the form comes
      // back with it, to be described and posted.
      if (wantsPreview(f)) return renderEntry(c, scene, { parentId: parent.id, body });
      try {
        await learnMentionedPeople(federationContext(c), body);
        const comment = composeComment(db, config.origin, {
          author: c.get("account")!.actor,
          entry,
          parent,
          body,
        });
        await publishItemChange(federationContext(c), comment, "create");
        return c.redirect(replyPath(scene.base, comment.id), 303);
      } catch (error) {
        if (error instanceof ValidationError) {
          const message = error.errors[0]?.message ?? "Write your comment";
          return renderEntry(c, scene, {
            parentId: parent.id,
            body,
            error: { field: commentField(entry, parent.id), message },
          });
        }
        if (error instanceof ForbiddenError) return forbidden(c, error.message);
        if (error instanceof NotFoundError) return commentNotFound(c);
        throw error;
      }
    });

    app.get(`${path}/comments/:cid{[0-9]+}/edit`, requireSignIn(), (c) => {
      const found = commentScene(c, mayEdit(c));
      if (found instanceof Promise) return found;
      return commentEditPage(c, found.scene.base, found.comment);
    });

    app.post(`${path}/comments/:cid{[0-9]+}/edit`, requireSignIn(), async (c) => {
      const found = commentScene(c, mayEdit(c));
      if (found instanceof Promise) return found;
      return saveCommentEdit(c, found.scene.base, found.comment);
    });

    app.get(`${path}/comments/:cid{[0-9]+}/delete`, requireSignIn(), (c) => {
      const found = commentScene(c, mayDelete(c));
      if (found instanceof Promise) return found;
      return commentDeletePage(c, found.scene.base, found.comment);
    });

    app.post(`${path}/comments/:cid{[0-9]+}/delete`, requireSignIn(), async (c) => {
      const found = commentScene(c, mayDelete(c));
      if (found instanceof Promise) return found;
      const { scene, comment } = found;
      try {
        const deleted = deleteComment(
          c.get("deps").db,
          scene.entry,
          comment,
          c.get("account")!.actor.id,
        );
        await publishItemChange(federationContext(c), deleted, "delete");
      } catch (error) {
        if (error instanceof ForbiddenError) return forbidden(c, error.message);
        throw error;
      }
      setFlash(c, "The comment has been deleted.");
      return c.redirect(scene.base, 303);
    });
  }

  return app;
}
