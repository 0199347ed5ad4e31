import type { Context } from "hono";
import { ValidationError } from "../domain/errors.ts";
import { editItem, type ItemRow } from "../domain/items.ts";
import { learnMentionedPeople } from "../federation/mentions.ts";
import { publishItemChange } from "../federation/publish.ts";
import { setFlash } from "./auth.ts";
import { DeleteBlogItemPage } from "./blog/views/blog.tsx";
import { CommentFormPage } from "./blog/views/blog-entry.tsx";
import type { AppEnv } from "./env.ts";
import { federationContext } from "./federation.ts";
import { formFields } from "./forms.ts";
import { pageContext, render } from "./render.ts";
import { replyPath } from "./views/thread-pager.tsx";

// Editing and deleting a comment look and behave the same under a blog entry as under a wiki
// page, event, document or poll; each section's routes find the comment and check who may
// change it, then hand over to these. `base` is the path of what the comment is under.

type C = Context<AppEnv>;

/** The form that edits a comment, filled with its text. */
export function commentEditPage(c: C, base: string, comment: ItemRow) {
  return render(
    c,
    <CommentFormPage
      ctx={pageContext(c)}
      action={`${base}/comments/${comment.id}/edit`}
      backLink={replyPath(base, comment.id)}
      body={comment.bodySource ?? ""}
    />,
  );
}

/** Saves a comment's edited text and federates the change; the form again on a bad body. */
export async function saveCommentEdit(c: C, base: string, comment: ItemRow) {
  const body = (await formFields(c)).body ?? "";
  try {
    await learnMentionedPeople(federationContext(c), body);
    const edited = editItem(c.get("deps").db, comment, c.get("account")!.actor.id, { body });
    await publishItemChange(federationContext(c), edited, "update");
  } catch (error) {
    if (error instanceof ValidationError) {
      return render(
        c,
        <CommentFormPage
          ctx={pageContext(c)}
          action={`${base}/comments/${comment.id}/edit`}
          backLink={replyPath(base, comment.id)}
          body={body}
          errors={error.errors}
        />,
        422,
      );
    }
    throw error;
  }
  setFlash(c, "Your comment has been saved.");
  return c.redirect(replyPath(base, comment.id), 303);
}

/** Asks whether to delete a comment. */
export function commentDeletePage(c: C, base: string, comment: ItemRow) {
  return render(
    c,
    <DeleteBlogItemPage
      ctx={pageContext(c)}
      item={comment}
      action={`${base}/comments/${comment.id}/delete`}
      cancel={replyPath(base, comment.id)}
    />,
  );
}
