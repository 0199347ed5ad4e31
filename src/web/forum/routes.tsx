import { type Context, Hono } from "hono";
import { ForbiddenError, NotFoundError, ValidationError } from "../../domain/errors.ts";
import { listTopics, PAGE_SIZES, type TopicSort } from "../../domain/forum.ts";
import {
  authorsOf,
  canModerate,
  canView,
  composeItem,
  deleteItem,
  editItem,
  getItem,
  groupsOfItem,
  type ItemRow,
} from "../../domain/items.ts";
import { renderWithMentions } from "../../domain/mentions.ts";
import { threadPostsById } from "../../domain/thread-pages.ts";
import { learnMentionedPeople } from "../../federation/mentions.ts";
import { publishItemChange } from "../../federation/publish.ts";
import { requireSignIn, setFlash } from "../auth.ts";
import {
  type CommunityAccess,
  communityAccess,
  communityNotFound,
  membersOnly,
  sectionOff,
  threadRefusal,
} from "../community-access.tsx";
import type { AppEnv } from "../env.ts";
import { federationContext } from "../federation.ts";
import { formFields } from "../forms.ts";
import { fragmentCache } from "../fragment-cache.ts";
import { postExtras } from "../post-extras.ts";
import { pageContext, render } from "../render.ts";
import { requestedThreadPage } from "../thread-paging.ts";
import type { FieldError } from "../views/components.tsx";
import { ForbiddenPage, NotFoundPage } from "../views/errors.tsx";
import type { ReplyDraft } from "../views/reply-box.tsx";
import { itemTagsData } from "../views/tags.tsx";
import { replyPath } from "../views/thread-pager.tsx";
import { wantsPreview } from "../views/writing.tsx";
import { DeleteItemPage, ForumPage, TopicFormPage } from "./views/forum.tsx";
import { TopicPage } from "./views/forum-thread.tsx";

type C = Context<AppEnv>;

/** Resolves the community and checks the viewer may read it, or answers with the right page. */
function readable(c: C): CommunityAccess | Promise<Response> {
  const access = communityAccess(c);
  if (!access) return communityNotFound(c);
  if (!access.canRead) return membersOnly(c, access);
  return sectionOff(c, access, "forum") ?? access;
}

/** The topic named by the path, if it belongs to this community and the viewer may see it. */
function topicIn(c: C, access: CommunityAccess): ItemRow | undefined {
  const { db } = c.get("deps");
  const id = Number(c.req.param("id"));
  const topic = Number.isInteger(id) ? getItem(db, id) : undefined;
  if (topic?.kind !== "topic" || topic.deletedAt) return undefined;
  if (!groupsOfItem(db, topic.id).some((g) => g.id === access.group.id)) return undefined;
  return canView(db, topic, c.get("account")?.actor.id) ? topic : undefined;
}

/** A post of the topic's thread (the topic itself or a reply) named by a form or query field. */
function postIn(c: C, topic: ItemRow, raw: string | undefined): ItemRow | undefined {
  const item = raw && /^\d+$/.test(raw) ? getItem(c.get("deps").db, Number(raw)) : undefined;
  return item && (item.id === topic.id || item.rootId === topic.id) && !item.deletedAt
    ? item
    : undefined;
}

/** The text as it would be published, for a preview: nothing is saved or looked up. */
function preview(c: C, body: string): string {
  const { db, config } = c.get("deps");
  return renderWithMentions(db, config.origin, body).html;
}

function topicNotFound(c: C) {
  return render(
    c,
    <NotFoundPage ctx={pageContext(c)} message="That topic does not exist, or was deleted." />,
    404,
  );
}

/** A community's forum: list, start, read, reply, edit and delete. */
export function forumRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/c/:ref/forum", (c) => {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const sortParam = c.req.query("sort");
    const sort: TopicSort =
      sortParam === "az" || (sortParam === "mine" && c.get("account"))
        ? (sortParam as TopicSort)
        : "current";
    const size = Number(c.req.query("size"));
    const pageSize = (PAGE_SIZES as readonly number[]).includes(size) ? size : 25;
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    // Before anything is read, so that no part is kept under a newer stamp than its rows.
    const part = fragmentCache(c.get("deps").db, c.get("csrfToken") ?? "");
    const { topics, total } = listTopics(c.get("deps").db, access.group.id, {
      sort,
      viewerId: c.get("account")?.actor.id,
      page,
      pageSize,
    });
    return render(
      c,
      <ForumPage
        ctx={pageContext(c)}
        access={access}
        topics={topics}
        total={total}
        sort={sort}
        page={page}
        pageSize={pageSize}
        part={part}
      />,
    );
  });

  app.get("/c/:ref/forum/new", requireSignIn(), (c) => {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    return render(
      c,
      <TopicFormPage
        ctx={pageContext(c)}
        access={access}
        action={`${access.path}/forum/new`}
        heading="Start a topic"
        withTitle
      />,
    );
  });

  app.post("/c/:ref/forum/new", requireSignIn(), async (c) => {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const refused = threadRefusal(c, access);
    if (refused) return refused;
    const { db, config } = c.get("deps");
    const f = await formFields(c);
    const values = { title: f.title ?? "", body: f.body ?? "" };
    // The form again, with a preview or with what was wrong.
    const again = (extra: { preview?: ReturnType<typeof preview>; errors?: FieldError[] }) => (
      <TopicFormPage
        ctx={pageContext(c)}
        access={access}
        action={`${access.path}/forum/new`}
        heading="Start a topic"
        withTitle
        values={values}
        {...extra}
      />
    );
    if (wantsPreview(f)) return render(c, again({ preview: preview(c, values.body) }));
    try {
      await learnMentionedPeople(federationContext(c), values.body);
      const topic = composeItem(db, config.origin, {
        kind: "topic",
        author: c.get("account")!.actor,
        groups: [access.group],
        title: values.title,
        body: values.body,
      });
      await publishItemChange(federationContext(c), topic, "create");
      setFlash(c, "Your topic has been posted.");
      return c.redirect(`${access.path}/forum/${topic.id}`, 303);
    } catch (error) {
      if (error instanceof ValidationError) return render(c, again({ errors: error.errors }), 422);
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  app.get("/c/:ref/forum/:id{[0-9]+}", (c) => {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const topic = topicIn(c, access);
    if (!topic) return topicNotFound(c);
    return topicPage(c, access, topic);
  });

  /**
   * A topic with one page of its replies: the page asked for, the one holding `?reply=`, or
   * with a reply being written, the last page, where the reply box is.
   */
  function topicPage(c: C, access: CommunityAccess, topic: ItemRow, draft?: ReplyDraft) {
    const { db } = c.get("deps");
    // Before anything is read, so that no part is kept under a newer stamp than its rows.
    const part = fragmentCache(db, c.get("csrfToken") ?? "");
    const viewer = c.get("account")?.actor;
    const shown = requestedThreadPage(c, topic, { last: draft !== undefined });
    const onPage = new Set(shown.replies.map((r) => r.id));
    const earlier = threadPostsById(
      db,
      topic,
      shown.replies
        .map((r) => r.parentId)
        .filter((id): id is number => id !== null && id !== topic.id && !onPage.has(id)),
    );
    const posts = shown.page === 1 ? [topic, ...shown.replies] : shown.replies;
    return render(
      c,
      <TopicPage
        ctx={pageContext(c)}
        access={access}
        topic={topic}
        replies={shown.replies}
        page={shown.page}
        totalPages={shown.totalPages}
        total={shown.total}
        earlier={earlier}
        authors={authorsOf(db, [...posts, ...earlier.values()])}
        mayModerate={(item) =>
          viewer !== undefined && item.isLocal && canModerate(db, item, viewer.id)
        }
        tags={itemTagsData(db, topic, viewer?.id)}
        facilitates={(access.canModerate && access.group.isLocal) || access.facilitatesRemote}
        extras={postExtras(db, posts, viewer?.id)}
        draft={draft}
        part={part}
      />,
      draft?.error ? 422 : 200,
    );
  }

  app.post("/c/:ref/forum/:id{[0-9]+}/reply", requireSignIn(), async (c) => {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const topic = topicIn(c, access);
    if (!topic) return topicNotFound(c);
    const { db, config } = c.get("deps");
    const f = await formFields(c);
    const parent = postIn(c, topic, f.parent) ?? topic;
    if (topic.lockedAt) {
      return render(
        c,
        <ForbiddenPage
          ctx={pageContext(c)}
          message="This topic is locked: a facilitator has closed it to new replies."
        />,
        403,
      );
    }
    if (wantsPreview(f)) {
      const body = f.body ?? "";
      return topicPage(c, access, topic, { parentId: parent.id, body, preview: preview(c, body) });
    }
    try {
      await learnMentionedPeople(federationContext(c), f.body ?? "");
      const reply = composeItem(db, config.origin, {
        kind: "reply",
        author: c.get("account")!.actor,
        groups: groupsOfItem(db, topic.id),
        parent,
        body: f.body ?? "",
      });
      await publishItemChange(federationContext(c), reply, "create");
      return c.redirect(replyPath(`${access.path}/forum/${topic.id}`, reply.id), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return topicPage(c, access, topic, {
          parentId: parent.id,
          body: f.body ?? "",
          error: error.errors[0]?.message ?? "Write your reply",
        });
      }
      if (error instanceof ForbiddenError) return membersOnly(c, access);
      throw error;
    }
  });

  /** Finds the post to edit or delete and checks the viewer may change it. */
  function changeable(
    c: C,
    raw: string | undefined,
  ): { access: CommunityAccess; topic: ItemRow; item: ItemRow } | Promise<Response> {
    const access = readable(c);
    if (access instanceof Promise) return access;
    const topic = topicIn(c, access);
    const item = topic ? postIn(c, topic, raw) : undefined;
    if (!topic || !item) return topicNotFound(c);
    if (!item.isLocal || !canModerate(c.get("deps").db, item, c.get("account")!.actor.id)) {
      return render(
        c,
        <ForbiddenPage ctx={pageContext(c)} message="You can only change your own posts." />,
        403,
      );
    }
    return { access, topic, item };
  }

  app.get("/c/:ref/forum/:id{[0-9]+}/edit", requireSignIn(), (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    const { access, topic, item } = found;
    return render(
      c,
      <TopicFormPage
        ctx={pageContext(c)}
        access={access}
        action={`${access.path}/forum/${topic.id}/edit?item=${item.id}`}
        heading={item.kind === "topic" ? "Edit topic" : "Edit reply"}
        withTitle={item.kind === "topic"}
        values={{ title: item.title, body: item.bodySource ?? "" }}
      />,
    );
  });

  app.post("/c/:ref/forum/:id{[0-9]+}/edit", requireSignIn(), async (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    const { access, topic, item } = found;
    const f = await formFields(c);
    const values = { title: f.title ?? item.title, body: f.body ?? "" };
    // The form again, with a preview or with what was wrong.
    const again = (shown: { preview?: string; errors?: FieldError[] }, status?: 422) =>
      render(
        c,
        <TopicFormPage
          ctx={pageContext(c)}
          access={access}
          action={`${access.path}/forum/${topic.id}/edit?item=${item.id}`}
          heading={item.kind === "topic" ? "Edit topic" : "Edit reply"}
          withTitle={item.kind === "topic"}
          values={values}
          {...shown}
        />,
        status,
      );
    if (wantsPreview(f)) return again({ preview: preview(c, values.body) });
    try {
      await learnMentionedPeople(federationContext(c), values.body);
      const edited = editItem(c.get("deps").db, item, c.get("account")!.actor.id, values);
      await publishItemChange(federationContext(c), edited, "update");
      setFlash(c, "Your changes have been saved.");
      const topicPath = `${access.path}/forum/${topic.id}`;
      return c.redirect(item.id === topic.id ? topicPath : replyPath(topicPath, item.id), 303);
    } catch (error) {
      if (error instanceof ValidationError) {
        return again({ errors: error.errors }, 422);
      }
      throw error;
    }
  });

  app.get("/c/:ref/forum/:id{[0-9]+}/delete", requireSignIn(), (c) => {
    const found = changeable(c, c.req.query("item"));
    if (found instanceof Promise) return found;
    const { access, topic, item } = found;
    const topicPath = `${access.path}/forum/${topic.id}`;
    return render(
      c,
      <DeleteItemPage
        ctx={pageContext(c)}
        access={access}
        item={item}
        action={`${topicPath}/delete`}
        cancel={`${topicPath}#item-${item.id}`}
      />,
    );
  });

  app.post("/c/:ref/forum/:id{[0-9]+}/delete", requireSignIn(), async (c) => {
    const f = await formFields(c);
    const found = changeable(c, f.item);
    if (found instanceof Promise) return found;
    const { access, topic, item } = found;
    try {
      const deleted = deleteItem(c.get("deps").db, item, c.get("account")!.actor.id);
      await publishItemChange(federationContext(c), deleted, "delete");
    } catch (error) {
      if (error instanceof ForbiddenError || error instanceof NotFoundError) {
        return render(c, <ForbiddenPage ctx={pageContext(c)} message={error.message} />, 403);
      }
      throw error;
    }
    setFlash(c, "The post has been deleted.");
    return c.redirect(
      item.id === topic.id ? `${access.path}/forum` : `${access.path}/forum/${topic.id}`,
      303,
    );
  });

  return app;
}
