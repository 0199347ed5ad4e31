import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import type { RenderPart } from "../../fragment-cache.ts";
import { Button, CsrfField, Tag, Textarea } from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { type PostExtras, PostMedia, PostVotes } from "../../views/post-extras.tsx";
import { ReplyBox, type ReplyDraft } from "../../views/reply-box.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import {
  replyPath,
  ThreadPageNote,
  ThreadPagination,
  threadPagePath,
} from "../../views/thread-pager.tsx";

// A forum topic and one page of its replies. Replies are paged oldest first
// (src/domain/thread-pages.ts); on a page, each reply sits under the post it answers when that
// post is on the same page, and otherwise says what it answers with a link to it.

/** One post in a thread, with its answers nested below it. */
function Post(props: {
  ctx: PageContext;
  item: ItemRow;
  authors: Map<number, ActorRow>;
  children: Map<number, ItemRow[]>;
  topicPath: string;
  canPost: boolean;
  mayModerate: (item: ItemRow) => boolean;
  /** Where the facilitators' actions on posts live, when the viewer facilitates. */
  moderationPath: string | null;
  /** Where a signed-in viewer reports a post (`{reportPath}/{id}`), or null. */
  reportPath: string | null;
  extras: PostExtras | undefined;
  /** Where forms on this page send the reader back to: this page of the thread. */
  pagePath: string;
  /** Posts on earlier pages that replies on this one answer, by id. */
  earlier: Map<number, ItemRow>;
  /** Renders the post's own part, or reuses it (src/web/fragment-cache.ts). */
  part: RenderPart;
}) {
  const { item, extras } = props;
  const author = props.authors.get(item.authorId);
  const answers = props.children.get(item.id) ?? [];
  const answered = item.parentId ? props.earlier.get(item.parentId) : undefined;
  const answeredAuthor = answered ? props.authors.get(answered.authorId) : undefined;
  const mayVote = extras ? extras.mayVote(item) : false;
  const mayModerate = props.mayModerate(item);
  // Everything the post's part depends on besides the database, which the part is kept only
  // as long as is unchanged: the page it is on, what this viewer may do with it, and how they
  // voted on it. The form token is put in on the way out.
  const key = [
    "forum-post",
    item.id,
    answered?.id ?? 0,
    props.pagePath,
    props.canPost,
    mayModerate,
    props.moderationPath ?? "",
    props.reportPath ?? "",
    extras === undefined ? "no extras" : mayVote,
    extras?.votes.get(item.id)?.mine ?? "",
  ].join("|");
  const article = props.part(key, (csrfToken) => (
    <article aria-labelledby={`item-${item.id}-by`}>
      <p class="govuk-body-s copse-post__meta" id={`item-${item.id}-by`}>
        {author ? <Byline actor={author} /> : "Someone"} wrote <When date={item.publishedAt} />
        {item.updatedAt.getTime() !== item.publishedAt.getTime() ? " (edited)" : ""}
      </p>
      {answered ? (
        <p class="govuk-body-s copse-post__context">
          <a class="govuk-link" href={replyPath(props.topicPath, answered.id)}>
            In reply to a post by{" "}
            {answeredAuthor ? answeredAuthor.name || answeredAuthor.handle : "someone"}
          </a>
        </p>
      ) : null}
      <ItemBody item={item} />
      {item.deletedAt ? null : <PostMedia media={extras?.media.get(item.id)} />}
      {extras && !item.deletedAt ? (
        <PostVotes
          itemId={item.id}
          tally={extras.votes.get(item.id)}
          csrfToken={mayVote ? csrfToken : null}
          returnTo={props.pagePath}
        />
      ) : null}
      <PostActions
        item={item}
        topicPath={props.topicPath}
        canPost={props.canPost}
        mayModerate={mayModerate}
        moderationPath={props.moderationPath}
        reportPath={props.reportPath}
        csrfToken={csrfToken}
      />
    </article>
  ));
  return (
    <li class="copse-post" id={`item-${item.id}`}>
      {article}
      {answers.length > 0 ? (
        <ul class="copse-thread">
          {answers.map((answer) => (
            <Post {...props} item={answer} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** Reply (a disclosure that works without JavaScript), edit and delete for one post. */
function PostActions(props: {
  item: ItemRow;
  topicPath: string;
  canPost: boolean;
  mayModerate: boolean;
  moderationPath: string | null;
  reportPath: string | null;
  csrfToken: string;
}) {
  const { item } = props;
  return (
    <div class="copse-post__actions">
      {/* The topic is answered in the reply box under the thread; replies are answered here. */}
      {props.canPost && item.kind !== "topic" ? (
        <details class="govuk-details">
          <summary class="govuk-details__summary">
            <span class="govuk-details__summary-text">Reply</span>
          </summary>
          <div class="govuk-details__text">
            <form method="post" action={`${props.topicPath}/reply`} novalidate>
              <CsrfField token={props.csrfToken} />
              <input type="hidden" name="parent" value={String(item.id)} />
              <Textarea name="body" id={`reply-${item.id}`} label="Your reply" rows={4} />
              <Button>Post reply</Button>
            </form>
          </div>
        </details>
      ) : null}
      {props.mayModerate ? (
        <p class="govuk-body-s">
          <a class="govuk-link" href={`${props.topicPath}/edit?item=${item.id}`}>
            Edit<span class="govuk-visually-hidden"> this post</span>
          </a>{" "}
          <a class="govuk-link" href={`${props.topicPath}/delete?item=${item.id}`}>
            Delete<span class="govuk-visually-hidden"> this post</span>
          </a>
        </p>
      ) : null}
      {props.moderationPath ? (
        <ModerationLinks item={item} path={`${props.moderationPath}/${item.id}`} />
      ) : null}
      {/* Authors and facilitators have their own means; everyone else may report a post. */}
      {props.reportPath && !props.mayModerate ? (
        <p class="govuk-body-s">
          <a class="govuk-link" href={`${props.reportPath}/${item.id}`}>
            Report<span class="govuk-visually-hidden"> this post</span>
          </a>
        </p>
      ) : null}
    </div>
  );
}

/** A facilitator's actions on one post: remove or restore, and for the topic lock and pin. */
function ModerationLinks(props: { item: ItemRow; path: string }) {
  const { item } = props;
  const link = (verb: string, text: string) => (
    <li>
      <a class="govuk-link" href={`${props.path}/${verb}`}>
        {text}
        <span class="govuk-visually-hidden"> (as facilitator)</span>
      </a>
    </li>
  );
  return (
    <ul class="govuk-list govuk-body-s">
      {item.removedAt ? link("restore", "Restore") : link("remove", "Remove")}
      {item.kind === "topic"
        ? item.lockedAt
          ? link("unlock", "Unlock")
          : link("lock", "Lock")
        : null}
      {item.kind === "topic" ? (item.pinnedAt ? link("unpin", "Unpin") : link("pin", "Pin")) : null}
    </ul>
  );
}

/** A topic with one page of its threaded replies, and the reply box on the last page. */
export function TopicPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  topic: ItemRow;
  /** This page's replies, oldest first. */
  replies: ItemRow[];
  page: number;
  totalPages: number;
  /** Replies in the whole thread. */
  total: number;
  /** Posts on earlier pages that this page's replies answer. */
  earlier: Map<number, ItemRow>;
  authors: Map<number, ActorRow>;
  mayModerate: (item: ItemRow) => boolean;
  tags?: ItemTagsData;
  /** Whether the viewer facilitates the community (and so sees moderation links). */
  facilitates?: boolean;
  /** Votes, shared links and pictures of the posts. */
  extras?: PostExtras;
  /** A reply being written, sent back with its preview or its error. */
  draft?: ReplyDraft;
  /** Renders (or reuses) each post's own part (src/web/fragment-cache.ts). */
  part: RenderPart;
}) {
  const { topic, access, page, totalPages } = props;
  const canPost = access.canPost && !topic.lockedAt && !topic.removedAt;
  const topicPath = `${access.path}/forum/${topic.id}`;
  const lastPage = page === totalPages;
  // A reply hangs under its parent when both are on this page; otherwise it starts a branch
  // of this page (with "in reply to" when its parent is on an earlier page).
  const onPage = new Set([topic.id, ...props.replies.map((r) => r.id)]);
  const children = new Map<number, ItemRow[]>();
  const branches: ItemRow[] = [];
  for (const reply of props.replies) {
    const parent = reply.parentId;
    if (parent && parent !== topic.id && onPage.has(parent)) {
      children.set(parent, [...(children.get(parent) ?? []), reply]);
    } else if (page === 1) {
      children.set(topic.id, [...(children.get(topic.id) ?? []), reply]);
    } else {
      branches.push(reply);
    }
  }
  const author = props.authors.get(topic.authorId);
  const pageNote = totalPages > 1 ? ` (page ${page} of ${totalPages})` : "";
  const postProps = {
    ctx: props.ctx,
    authors: props.authors,
    children,
    topicPath,
    canPost,
    mayModerate: props.mayModerate,
    moderationPath: props.facilitates ? `${access.path}/moderation/items` : null,
    reportPath: props.ctx.user ? `${access.path}/report/item` : null,
    extras: props.extras,
    pagePath: threadPagePath(topicPath, page),
    earlier: props.earlier,
    part: props.part,
  };
  const place = { page, totalPages, total: props.total };
  const pagination = (
    <ThreadPagination threadPath={topicPath} place={place} label="Pages of replies" />
  );
  return (
    <Layout
      ctx={props.ctx}
      title={`${topic.title}${pageNote} – ${access.group.name}`}
      backLink={`${access.path}/forum`}
    >
      <span class="govuk-caption-l">{access.group.name} forum</span>
      <h1 class="govuk-heading-l">
        {topic.pinnedAt ? (
          <>
            <Tag colour="turquoise">Pinned</Tag>{" "}
          </>
        ) : null}
        {topic.title}
      </h1>
      {topic.lockedAt ? (
        <div class="govuk-inset-text">
          This topic is locked. A facilitator has closed it to new replies.
        </div>
      ) : null}
      <ThreadPageNote
        threadPath={topicPath}
        place={place}
        noun="replies"
        boxId={canPost ? "reply" : undefined}
      />
      {page > 1 ? pagination : null}
      <ul class="copse-thread copse-thread--root">
        {page === 1 ? (
          <Post {...postProps} item={topic} />
        ) : (
          branches.map((reply) => <Post {...postProps} item={reply} />)
        )}
      </ul>
      {pagination}
      {canPost && lastPage ? (
        <ReplyBox ctx={props.ctx} topicPath={topicPath} topic={topic} draft={props.draft} />
      ) : null}
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={topicPath} /> : null}
      {author && !author.isLocal && topic.url ? (
        <p class="govuk-body-s">
          Posted on {author.host}.{" "}
          <a class="govuk-link" href={topic.url} rel="nofollow noopener">
            See the original
          </a>
        </p>
      ) : null}
    </Layout>
  );
}
