import type { Context } from "hono";
import { type ActorRow, findLocalActor, getActor } from "../../domain/actors.ts";
import { findEntry, visibleGroupsOf } from "../../domain/blog.ts";
import {
  findInThread,
  mayComment,
  mayDeleteComment,
  mayEditComment,
} from "../../domain/blog-comments.ts";
import { authorsOf, canModerate, canView, groupsOfItem, type ItemRow } from "../../domain/items.ts";
import { mayModerateGroup } from "../../domain/moderation/ranks.ts";
import { entryPagePath, personPagePath } from "../../domain/paths.ts";
import {
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { postExtras } from "../post-extras.ts";
import { pageContext, render } from "../render.ts";
import { requestedThreadPage } from "../thread-paging.ts";
import { NotFoundPage } from "../views/errors.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { type CommentProblem, EntryPage } from "./views/blog-entry.tsx";

type C = Context<AppEnv>;

/** An entry as the viewer reached it: from its author's blog or from a community's blog. */
export interface EntryScene {
  entry: ItemRow;
  author: ActorRow;
  /** The entry's canonical page: on its author's blog here, or in the community for remote ones. */
  base: string;
  /** The list the viewer came from, for the back link. */
  listPath: string;
}

/** The 404 page for an entry that does not exist or that the viewer may not know about. */
export function entryNotFound(c: C) {
  // Drafts and members-only entries answer like missing ones, so nothing leaks to outsiders.
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That blog entry does not exist, or was deleted." />,
    404,
  );
}

/**
 * Resolves `/people/:handle/blog/:id` or `/c/:ref/blog/:id` to an entry the viewer may read,
 * or answers with the right error page.
 */
export function entryScene(c: C): EntryScene | Promise<Response> {
  const { db } = c.get("deps");
  const viewerId = c.get("account")?.actor.id;
  const id = Number(c.req.param("id"));
  const entry = Number.isInteger(id) ? findEntry(db, id) : undefined;
  const handle = c.req.param("handle");
  if (handle !== undefined) {
    const person = findLocalActor(db, handle.toLowerCase());
    if (!entry || person?.type !== "Person" || entry.authorId !== person.id) {
      return entryNotFound(c);
    }
    if (!canView(db, entry, viewerId)) return entryNotFound(c);
    return {
      entry,
      author: person,
      base: entryPagePath(person.handle, entry.id),
      listPath: `${personPagePath(person.handle)}/blog`,
    };
  }
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  const off = sectionOff(c, access, "blog");
  if (off) return off;
  if (!entry || !groupsOfItem(db, entry.id).some((g) => g.id === access.group.id)) {
    return entryNotFound(c);
  }
  if (!canView(db, entry, viewerId)) return entryNotFound(c);
  const author = getActor(db, entry.authorId)!;
  return {
    entry,
    author,
    base: author.isLocal
      ? entryPagePath(author.handle, entry.id)
      : `${access.path}/blog/${entry.id}`,
    listPath: `${access.path}/blog`,
  };
}

/** The comment named by the path (`:cid`), if it belongs to the entry's thread. */
export function commentIn(c: C, entry: ItemRow): ItemRow | undefined {
  const raw = c.req.param("cid") ?? "";
  const comment = /^\d+$/.test(raw)
    ? findInThread(c.get("deps").db, entry, Number(raw))
    : undefined;
  return comment && comment.id !== entry.id ? comment : undefined;
}

/** Draws an entry's page with its comments, optionally with a refused comment in place. */
export function renderEntry(c: C, scene: EntryScene, problem?: CommentProblem) {
  const { db } = c.get("deps");
  const viewer = c.get("account")?.actor;
  const { entry } = scene;
  // A refused comment comes back where its form was: the last page for a comment on the
  // entry, the page of the comment it answers otherwise.
  const shown = requestedThreadPage(c, entry, {
    last: problem?.parentId === entry.id,
    at: problem && problem.parentId !== entry.id ? problem.parentId : undefined,
  });
  const comments = shown.replies;
  return render(
    c,
    <EntryPage
      ctx={pageContext(c)}
      entry={entry}
      author={scene.author}
      groups={visibleGroupsOf(db, entry, viewer?.id)}
      comments={comments}
      place={shown}
      authors={authorsOf(db, [entry, ...comments])}
      base={scene.base}
      backLink={scene.listPath}
      problem={problem}
      tags={entry.status === "published" ? itemTagsData(db, entry, viewer?.id) : undefined}
      extras={
        entry.status === "published" ? postExtras(db, [entry, ...comments], viewer?.id) : undefined
      }
      moderatedGroups={
        viewer && entry.status === "published"
          ? groupsOfItem(db, entry.id).filter(
              (g) => g.isLocal && mayModerateGroup(db, g.id, viewer.id),
            )
          : []
      }
      may={{
        comment: mayComment(db, entry, viewer?.id),
        editEntry: entry.isLocal && entry.authorId === viewer?.id,
        deleteEntry: viewer !== undefined && entry.isLocal && canModerate(db, entry, viewer.id),
        editComment: (comment) => mayEditComment(comment, viewer?.id),
        deleteComment: (comment) => mayDeleteComment(db, entry, comment, viewer?.id),
        // Authors and facilitators act directly; everyone else signed in may report.
        report: (item) =>
          viewer !== undefined &&
          item.status === "published" &&
          !item.deletedAt &&
          !canModerate(db, item, viewer.id),
      }}
    />,
    problem?.error ? 422 : 200,
  );
}
