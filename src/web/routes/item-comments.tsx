import { type Context, Hono } from "hono";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import {
  authorsOf,
  canModerate,
  composeItem,
  deleteItem,
  getItem,
  groupsOfItem,
  type ItemKind,
  type ItemRow,
  threadIsLocked,
} from "../../domain/items.ts";
import { isActiveMember } from "../../domain/membership.ts";
import type { SectionId } from "../../domain/sections.ts";
import { learnMentionedPeople } from "../../federation/mentions.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import { CommentFormPage } from "../blog/views/blog-entry.tsx";
import { commentDeletePage, commentEditPage, saveCommentEdit } from "../comment-editing.tsx";
import {
  type CommunityAccess,
  itemIn,
  membersOnly,
  readableSection,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { postExtras } from "../post-extras.ts";
import { pageContext, render } from "../render.ts";
import { requestedThreadPage } from "../thread-paging.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import type { ItemCommentsData } from "../views/item-comments.tsx";
import { replyPath } from "../views/thread-pager.tsx";
import { wantsPreview } from "../views/writing.tsx";

// Comments on wiki pages, events and polls, shown a page at a time as forum replies are. Other servers' replies to them were stored but
// shown nowhere; members here had no way to comment. The rules are the forum's and the
// document library's: active members comment, authors edit and delete their own comments,
// facilitators and admins delete any; removed comments stay visible to their author and
// the facilitators only (src/domain/thread-pages.ts).

type C = Context<AppEnv>;

/** The sections whose items take comments here, by the path segment of their pages. */
const COMMENTED: { segment: string; section: SectionId; kind: ItemKind }[] = [
  { segment: "wiki", section: "wiki", kind: "wiki" },
  { segment: "events", section: "events", kind: "event" },
  { segment: "polls", section: "polls", kind: "poll" },
];

/** The path segment of a kind's pages in a community. */
function segmentOf(kind: ItemKind): string {
  return COMMENTED.find((s) => s.kind === kind)?.segment ?? "forum";
}

/** Whether the viewer may comment on an item: an active member, the thread open. */
function mayCommentOn(c: C, access: CommunityAccess, root: ItemRow): boolean {
  return (
    !!c.get("account") &&
    access.canPost &&
    !root.removedAt &&
    !threadIsLocked(c.get("deps").db, root)
  );
}

/** The comments under an item as this viewer may see them, for its page. */
export function itemCommentsData(c: C, access: CommunityAccess, root: ItemRow): ItemCommentsData {
  const { db } = c.get("deps");
  const viewer = c.get("account")?.actor;
  const shown = requestedThreadPage(c, root);
  const comments = shown.replies;
  return {
    root,
    comments,
    place: shown,
    authors: authorsOf(db, comments),
    base: `${access.path}/${segmentOf(root.kind)}/${root.id}`,
    mayComment: mayCommentOn(c, access, root),
    mayChange: (comment) =>
      viewer !== undefined && comment.isLocal && canModerate(db, comment, viewer.id),
    access,
    extras: postExtras(db, comments, viewer?.id),
  };
}

/** A live item of the root's thread (the root or one of its comments) named by a field. */
function inThread(c: C, root: ItemRow, raw: string | undefined): ItemRow | undefined {
  const item = raw && /^\d+$/.test(raw) ? getItem(c.get("deps").db, Number(raw)) : undefined;
  if (!item || item.deletedAt) return undefined;
  return item.id === root.id || item.rootId === root.id ? item : undefined;
}

function notFound(c: C, what = "That page does not exist, or was deleted.") {
  return render(c, <NotFoundPage ctx={pageContext(c)} message={what} />, 404);
}

/** Resolves the community and item of the path, or answers with the right page. */
function scene(
  c: C,
  section: SectionId,
  kind: ItemKind,
): { access: CommunityAccess; root: ItemRow; base: string } | Promise<Response> {
  const access = readableSection(c, section);
  if (access instanceof Promise) return access;
  const root = itemIn(c, access, kind);
  if (!root) return notFound(c);
  return { access, root, base: `${access.path}/${segmentOf(kind)}/${root.id}` };
}

/** The comment named by the path, when the viewer may change it. */
function changeable(
  c: C,
  section: SectionId,
  kind: ItemKind,
): { base: string; comment: ItemRow } | Promise<Response> {
  const found = scene(c, section, kind);
  if (found instanceof Promise) return found;
  const comment = inThread(c, found.root, c.req.param("cid"));
  if (!comment || comment.id === found.root.id)
    return notFound(c, "That comment does not exist, or was deleted.");
  const viewer = c.get("account")!.actor;
  if (!comment.isLocal || !canModerate(c.get("deps").db, comment, viewer.id)) {
    return render(
      c,
      <ForbiddenPage ctx={pageContext(c)} message="You can only change your own comments." />,
      403,
    );
  }
  return { base: found.base, comment };
}

/** Commenting on wiki pages, events and polls: post, answer, edit and delete. */
export function itemCommentRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  for (const { segment, section, kind } of COMMENTED) {
    const path = `/c/:ref/${segment}/:id{[0-9]+}`;

    app.post(`${path}/comment`, requireSignIn(), async (c) => {
      const found = scene(c, section, kind);
      if (found instanceof Promise) return found;
      const { access, root, base } = found;
      if (!mayCommentOn(c, access, root)) return membersOnly(c, access);
      const { db, config } = c.get("deps");
      const f = await formFields(c);
      const parent = inThread(c, root, f.parent ?? c.req.query("parent")) ?? root;
      const author = c.get("account")!.actor;
      const body = f.body ?? "";
      const form = (errors?: FieldError[]) => (
        <CommentFormPage
          ctx={pageContext(c)}
          heading={parent.id === root.id ? `Comment on “${root.title}”` : "Reply to a comment"}
          action={`${base}/comment?parent=${parent.id}`}
          backLink={parent.id === root.id ? base : replyPath(base, parent.id)}
          body={body}
          errors={errors}
          withImage={parent.id === root.id}
        />
      );
      // "Add image" put a picture into the text (src/web/images/uploads.tsx): the form comes
      // back with it, to be described and posted.
      if (wantsPreview(f)) return render(c, form());
      try {
        // The comment joins the item's communities its author belongs to, so it is listed,
        // delivered and protected with the item.
        const groups = groupsOfItem(db, root.id).filter((g) => isActiveMember(db, g.id, author.id));
        await learnMentionedPeople(federationContext(c), body);
        const comment = composeItem(db, config.origin, {
          kind: "reply",
          author,
          groups,
          parent,
          body,
        });
        await publishItemChange(federationContext(c), comment, "create");
        return c.redirect(replyPath(base, comment.id), 303);
      } catch (error) {
        if (error instanceof ValidationError) {
          // A picture without a description says so; any other problem is an empty comment.
          const errors = error.errors.map((e) =>
            e.message.startsWith("Describe") ? e : { ...e, message: "Write your comment" },
          );
          return render(c, form(errors), 422);
        }
        if (error instanceof ForbiddenError) return membersOnly(c, access);
        if (error instanceof NotFoundError) return notFound(c);
        throw error;
      }
    });

    app.get(`${path}/comments/:cid{[0-9]+}/edit`, requireSignIn(), (c) => {
      const found = changeable(c, section, kind);
      if (found instanceof Promise) return found;
      return commentEditPage(c, found.base, found.comment);
    });

    app.post(`${path}/comments/:cid{[0-9]+}/edit`, requireSignIn(), async (c) => {
      const found = changeable(c, section, kind);
      if (found instanceof Promise) return found;
      return saveCommentEdit(c, found.base, found.comment);
    });

    app.get(`${path}/comments/:cid{[0-9]+}/delete`, requireSignIn(), (c) => {
      const found = changeable(c, section, kind);
      if (found instanceof Promise) return found;
      return commentDeletePage(c, found.base, found.comment);
    });

    app.post(`${path}/comments/:cid{[0-9]+}/delete`, requireSignIn(), async (c) => {
      const found = changeable(c, section, kind);
      if (found instanceof Promise) return found;
      const { base, comment } = found;
      const deleted = deleteItem(c.get("deps").db, comment, c.get("account")!.actor.id);
      await publishItemChange(federationContext(c), deleted, "delete");
      setFlash(c, "The comment has been deleted.");
      return c.redirect(`${base}#comments`, 303);
    });
  }
  return app;
}
