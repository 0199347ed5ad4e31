import type { ActorRow } from "../../domain/actors.ts";
import type { ItemRow } from "../../domain/items.ts";
import type { CommunityAccess } from "../community-access.tsx";
import { Button, CsrfField, Tag, Textarea } from "./components.tsx";
import { ImageUpload } from "./image-upload.tsx";
import type { PageContext } from "./layout.tsx";
import { Byline, ItemBody, When } from "./pages/items.tsx";
import { type PostExtras, PostMedia, PostVotes } from "./post-extras.tsx";
import { ReportLink } from "./report-link.tsx";
import {
  type PagePlace,
  ThreadPageNote,
  ThreadPagination,
  threadPagePath,
} from "./thread-pager.tsx";

// Comments under a wiki page, event or poll: the replies stored in its thread, from members
// here and from other servers, drawn threaded as blog comments and forum replies are, 50 a
// page with the comment box on the last page. A comment whose parent is on another page
// hangs from the item. Anchors
// are `item-{id}`, the place itemPlacePath (src/domain/item-links.ts) links every list to.

/** What the comments under an item need: the thread as the viewer may see it and their rights. */
export interface ItemCommentsData {
  root: ItemRow;
  /** One page of them (threadPage): removed ones only for their authors and facilitators. */
  comments: ItemRow[];
  /** Which page of the comments this is; all of them fit on one when absent. */
  place?: PagePlace;
  authors: Map<number, ActorRow>;
  /** The item's page; its comment actions hang below it. */
  base: string;
  /** Whether the viewer may comment (an active member, and the thread not locked). */
  mayComment: boolean;
  /** Whether the viewer may edit and delete a comment (its author, a facilitator, an admin). */
  mayChange: (comment: ItemRow) => boolean;
  /** The community the comments are read in, where a comment is reported. */
  access: CommunityAccess;
  /** The comments' votes, shared links and pictures. */
  extras?: PostExtras;
}

/** The form that comments on the item, or answers one of its comments. */
function CommentForm(props: { ctx: PageContext; data: ItemCommentsData; parentId: number }) {
  const top = props.parentId === props.data.root.id;
  return (
    <form
      method="post"
      action={`${props.data.base}/comment`}
      enctype={top ? "multipart/form-data" : undefined}
      novalidate
    >
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="parent" value={String(props.parentId)} />
      <Textarea
        name="body"
        id={top ? "comment" : `reply-${props.parentId}`}
        label={top ? "Add a comment" : "Your reply"}
        labelClass={top ? "govuk-label--m" : undefined}
        rows={top ? 5 : 4}
      />
      {/* Pictures go into the main comment form only: one set of fields per page is enough. */}
      {top ? <ImageUpload ctx={props.ctx} into="body" textareaId="comment" /> : null}
      <Button>{top ? "Post comment" : "Post reply"}</Button>
    </form>
  );
}

/** One comment with the answers to it nested below. */
function Comment(props: {
  ctx: PageContext;
  data: ItemCommentsData;
  item: ItemRow;
  children: Map<number, ItemRow[]>;
}) {
  const { item, data } = props;
  const author = data.authors.get(item.authorId);
  const answers = props.children.get(item.id) ?? [];
  return (
    <li class="copse-post" id={`item-${item.id}`}>
      <article aria-labelledby={`item-${item.id}-by`}>
        <p class="govuk-body-s copse-post__meta" id={`item-${item.id}-by`}>
          {author ? <Byline actor={author} /> : "Someone"} wrote <When date={item.publishedAt} />
          {item.updatedAt.getTime() !== item.publishedAt.getTime() ? " (edited)" : ""}
          {item.removedAt ? (
            <>
              {" "}
              <Tag colour="red">Removed by a facilitator</Tag>
            </>
          ) : null}
        </p>
        <ItemBody item={item} />
        {item.deletedAt ? null : <PostMedia media={data.extras?.media.get(item.id)} />}
        {data.extras && !item.deletedAt ? (
          <PostVotes
            itemId={item.id}
            tally={data.extras.votes.get(item.id)}
            csrfToken={data.extras.mayVote(item) ? props.ctx.csrfToken : null}
            returnTo={threadPagePath(data.base, data.place?.page ?? 1)}
          />
        ) : null}
        <div class="copse-post__actions">
          {data.mayComment && !item.removedAt ? (
            <details class="govuk-details">
              <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">Reply</span>
              </summary>
              <div class="govuk-details__text">
                <CommentForm ctx={props.ctx} data={data} parentId={item.id} />
              </div>
            </details>
          ) : null}
          {item.isLocal && data.mayChange(item) ? (
            <p class="govuk-body-s">
              <a class="govuk-link" href={`${data.base}/comments/${item.id}/edit`}>
                Edit<span class="govuk-visually-hidden"> this comment</span>
              </a>{" "}
              <a class="govuk-link" href={`${data.base}/comments/${item.id}/delete`}>
                Delete<span class="govuk-visually-hidden"> this comment</span>
              </a>
            </p>
          ) : null}
          <ReportLink access={data.access} item={item} what="this comment" />
        </div>
      </article>
      {answers.length > 0 ? (
        <ul class="copse-thread">
          {answers.map((answer) => (
            <Comment {...props} item={answer} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

/** The comments section under an item: heading, threaded comments and the comment form. */
export function ItemComments(props: { ctx: PageContext; data: ItemCommentsData }) {
  const { data } = props;
  // Comments whose parent is gone (deleted, removed or never fetched) hang from the item, so
  // nobody's answer disappears.
  const ids = new Set([data.root.id, ...data.comments.map((r) => r.id)]);
  const children = new Map<number, ItemRow[]>();
  for (const comment of data.comments) {
    const parent = comment.parentId && ids.has(comment.parentId) ? comment.parentId : data.root.id;
    children.set(parent, [...(children.get(parent) ?? []), comment]);
  }
  const topLevel = children.get(data.root.id) ?? [];
  const place = data.place ?? { page: 1, totalPages: 1, total: data.comments.length };
  const lastPage = place.page === place.totalPages;
  const pagination = (
    <ThreadPagination threadPath={data.base} place={place} label="Pages of comments" />
  );
  return (
    <section aria-labelledby="comments">
      <h2 class="govuk-heading-m" id="comments">
        Comments ({place.total})
      </h2>
      <ThreadPageNote
        threadPath={data.base}
        place={place}
        noun="comments"
        boxId={data.mayComment ? "comment" : undefined}
      />
      {place.page > 1 ? pagination : null}
      {topLevel.length === 0 ? (
        <p class="govuk-body">No comments yet.</p>
      ) : (
        <ul class="copse-thread copse-thread--root">
          {topLevel.map((item) => (
            <Comment ctx={props.ctx} data={data} item={item} children={children} />
          ))}
        </ul>
      )}
      {pagination}
      {data.mayComment && lastPage ? (
        <CommentForm ctx={props.ctx} data={data} parentId={data.root.id} />
      ) : data.mayComment ? null : !props.ctx.user ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`/signin?return=${encodeURIComponent(data.base)}`}>
            Sign in
          </a>{" "}
          to comment.
        </p>
      ) : (
        <p class="govuk-body">Only members of this community can comment.</p>
      )}
    </section>
  );
}
