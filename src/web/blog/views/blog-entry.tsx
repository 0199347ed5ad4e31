import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import { communityPagePath } from "../../../domain/paths.ts";
import {
  Button,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Tag,
  Textarea,
} from "../../views/components.tsx";
import { ImageUpload } from "../../views/image-upload.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { type PostExtras, PostMedia, PostVotes } from "../../views/post-extras.tsx";
import { reportItemPath } from "../../views/report-link.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import {
  type PagePlace,
  ThreadPageNote,
  ThreadPagination,
  threadPagePath,
} from "../../views/thread-pager.tsx";

/** What the viewer may do on an entry's page. */
export interface EntryPermissions {
  comment: boolean;
  editEntry: boolean;
  deleteEntry: boolean;
  editComment: (comment: ItemRow) => boolean;
  deleteComment: (comment: ItemRow) => boolean;
  /** Whether the viewer may report the entry or a comment to its communities' facilitators. */
  report: (item: ItemRow) => boolean;
}

/** A refused comment: which form it came from, what was typed and what was wrong. */
export interface CommentProblem {
  parentId: number;
  body: string;
  /** None when the form comes back only because a picture was added to the text. */
  error?: FieldError | undefined;
}

/** The field name (and so the textarea id) of the comment form answering an item. */
export function commentField(entry: ItemRow, parentId: number): string {
  return parentId === entry.id ? "comment" : `reply-${parentId}`;
}

/** A comment form: at the foot of the entry, or inside a comment's "Reply" disclosure. */
function CommentForm(props: {
  ctx: PageContext;
  entry: ItemRow;
  base: string;
  parentId: number;
  problem?: CommentProblem | undefined;
}) {
  const field = commentField(props.entry, props.parentId);
  const problem = props.problem?.parentId === props.parentId ? props.problem : undefined;
  return (
    <form
      method="post"
      action={`${props.base}/comment`}
      enctype={props.parentId === props.entry.id ? "multipart/form-data" : undefined}
      novalidate
    >
      <CsrfField token={props.ctx.csrfToken} />
      <input type="hidden" name="parent" value={String(props.parentId)} />
      <Textarea
        name="body"
        id={field}
        label={props.parentId === props.entry.id ? "Add a comment" : "Your reply"}
        labelClass={props.parentId === props.entry.id ? "govuk-label--m" : undefined}
        value={problem?.body}
        error={problem?.error?.message}
        rows={props.parentId === props.entry.id ? 5 : 4}
      />
      {/* Pictures go into the main comment form only: one set of fields per page is enough. */}
      {props.parentId === props.entry.id ? (
        <ImageUpload ctx={props.ctx} into="body" textareaId={field} />
      ) : null}
      <Button>{props.parentId === props.entry.id ? "Post comment" : "Post reply"}</Button>
    </form>
  );
}

/** A post's shared link and pictures, then its votes. */
function PostExtrasOf(props: {
  ctx: PageContext;
  item: ItemRow;
  extras: PostExtras;
  base: string;
}) {
  const { item, extras } = props;
  return (
    <>
      <PostMedia media={extras.media.get(item.id)} />
      <PostVotes
        itemId={item.id}
        tally={extras.votes.get(item.id)}
        csrfToken={extras.mayVote(item) ? props.ctx.csrfToken : null}
        returnTo={props.base}
      />
    </>
  );
}

/** One comment with the answers to it nested below. */
function Comment(props: {
  ctx: PageContext;
  entry: ItemRow;
  item: ItemRow;
  base: string;
  authors: Map<number, ActorRow>;
  children: Map<number, ItemRow[]>;
  may: EntryPermissions;
  problem?: CommentProblem | undefined;
  /** Where a comment is reported: the first community the viewer sees the entry in. */
  reportTo: ActorRow | undefined;
  extras?: PostExtras | undefined;
  /** This page of the comments, where votes on them come back to. */
  pagePath: string;
}) {
  const { item, base, extras } = props;
  const author = props.authors.get(item.authorId);
  const answers = props.children.get(item.id) ?? [];
  return (
    <li class="copse-post" id={`item-${item.id}`}>
      <article aria-labelledby={`item-${item.id}-by`}>
        <p class="govuk-body-s copse-post__meta" id={`item-${item.id}-by`}>
          {author ? <Byline actor={author} /> : "Someone"} wrote <When date={item.publishedAt} />
          {item.updatedAt.getTime() !== item.publishedAt.getTime() ? " (edited)" : ""}
        </p>
        <ItemBody item={item} />
        {extras && !item.deletedAt ? (
          <PostExtrasOf ctx={props.ctx} item={item} extras={extras} base={props.pagePath} />
        ) : null}
        <div class="copse-post__actions">
          {props.may.comment ? (
            <details class="govuk-details" open={props.problem?.parentId === item.id}>
              <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">Reply</span>
              </summary>
              <div class="govuk-details__text">
                <CommentForm {...props} parentId={item.id} />
              </div>
            </details>
          ) : null}
          {props.may.editComment(item) || props.may.deleteComment(item) ? (
            <p class="govuk-body-s">
              {props.may.editComment(item) ? (
                <a class="govuk-link" href={`${base}/comments/${item.id}/edit`}>
                  Edit<span class="govuk-visually-hidden"> this comment</span>
                </a>
              ) : null}{" "}
              {props.may.deleteComment(item) ? (
                <a class="govuk-link" href={`${base}/comments/${item.id}/delete`}>
                  Delete<span class="govuk-visually-hidden"> this comment</span>
                </a>
              ) : null}
            </p>
          ) : null}
          {props.reportTo && props.may.report(item) ? (
            <p class="govuk-body-s">
              <a class="govuk-link" href={reportItemPath(groupPath(props.reportTo), item.id)}>
                Report<span class="govuk-visually-hidden"> this comment</span>
              </a>
            </p>
          ) : null}
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

/** A community's page path, local or remote. */
function groupPath(g: ActorRow): string {
  return communityPagePath(g.handle, g.isLocal ? undefined : g.host);
}

/** "Report" links for an entry: one per community it is in, each to that one's facilitators. */
function EntryReportLinks(props: { entry: ItemRow; groups: ActorRow[] }) {
  return (
    <ul class="govuk-list">
      {props.groups.map((g) => (
        <li class="govuk-body-s">
          <a class="govuk-link" href={reportItemPath(groupPath(g), props.entry.id)}>
            Report<span class="govuk-visually-hidden"> this entry</span> to the facilitators of{" "}
            {g.name}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** An entry with its threaded comments and, for those who may, a comment form. */
export function EntryPage(props: {
  ctx: PageContext;
  entry: ItemRow;
  author: ActorRow;
  /** The communities the viewer may see it is published in. */
  groups: ActorRow[];
  /** One page of the comments (threadPage). */
  comments: ItemRow[];
  /** Which page of the comments this is; all of them fit on one when absent. */
  place?: PagePlace;
  authors: Map<number, ActorRow>;
  /** The entry's canonical page, which its forms post to. */
  base: string;
  backLink: string;
  may: EntryPermissions;
  problem?: CommentProblem | undefined;
  /** The entry's tags and what the viewer may do with them (none for drafts). */
  tags?: ItemTagsData | undefined;
  /** The entry's communities here that the viewer facilitates, each offering remove/restore. */
  moderatedGroups?: ActorRow[];
  /** Votes, shared links and pictures of the entry and its comments (published entries). */
  extras?: PostExtras | undefined;
}) {
  const { entry, author, base } = props;
  // Comments whose parent was deleted hang from the entry, so nobody's answer disappears.
  const ids = new Set([entry.id, ...props.comments.map((r) => r.id)]);
  const children = new Map<number, ItemRow[]>();
  for (const comment of props.comments) {
    const parent = comment.parentId && ids.has(comment.parentId) ? comment.parentId : entry.id;
    children.set(parent, [...(children.get(parent) ?? []), comment]);
  }
  const topLevel = children.get(entry.id) ?? [];
  const errors = props.problem?.error ? [props.problem.error] : [];
  const place = props.place ?? { page: 1, totalPages: 1, total: props.comments.length };
  const pagination = <ThreadPagination threadPath={base} place={place} label="Pages of comments" />;
  return (
    <Layout
      ctx={props.ctx}
      title={entry.title}
      errors={errors.length > 0}
      backLink={props.backLink}
    >
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">Blog of {author.name}</span>
      <h1 class="govuk-heading-l">
        {entry.title} {entry.status === "draft" ? <Tag colour="grey">Draft</Tag> : null}
      </h1>
      {entry.status === "draft" ? (
        <div class="govuk-inset-text">
          This entry is a draft: only you can see it. Edit it and choose Publish to share it.
        </div>
      ) : null}
      <p class="govuk-body-s copse-post__meta">
        By <Byline actor={author} />, <When date={entry.publishedAt} />
        {entry.updatedAt.getTime() !== entry.publishedAt.getTime() ? (
          <>
            {" "}
            (updated <When date={entry.updatedAt} />)
          </>
        ) : null}
      </p>
      {entry.summary ? <p class="govuk-body-l">{entry.summary}</p> : null}
      <ItemBody item={entry} />
      {props.extras ? (
        <PostExtrasOf ctx={props.ctx} item={entry} extras={props.extras} base={base} />
      ) : null}
      {(props.moderatedGroups ?? []).map((g) => (
        <p class="govuk-body-s">
          <a
            class="govuk-link"
            href={`${communityPagePath(g.handle)}/moderation/items/${entry.id}/${entry.removedAt ? "restore" : "remove"}`}
          >
            {entry.removedAt ? "Restore" : "Remove"} this entry (as a facilitator of {g.name})
          </a>
        </p>
      ))}
      <p class="govuk-body-s">
        {props.groups.length === 0 ? (
          `Published on the blog of ${author.name}.`
        ) : (
          <>
            Published in{" "}
            {props.groups.map((g, i) => (
              <>
                {i > 0 ? ", " : ""}
                <a class="govuk-link" href={`${groupPath(g)}/blog`}>
                  {g.name}
                </a>
              </>
            ))}
            .
          </>
        )}
      </p>
      {!author.isLocal && entry.url ? (
        <p class="govuk-body-s">
          Written on {author.host}.{" "}
          <a class="govuk-link" href={entry.url} rel="nofollow noopener">
            See the original
          </a>
        </p>
      ) : null}
      {props.may.editEntry || props.may.deleteEntry ? (
        <p class="govuk-body">
          {props.may.editEntry ? (
            <a class="govuk-link" href={`${base}/edit`}>
              Edit<span class="govuk-visually-hidden"> this entry</span>
            </a>
          ) : null}{" "}
          {props.may.deleteEntry ? (
            <a class="govuk-link" href={`${base}/delete`}>
              Delete<span class="govuk-visually-hidden"> this entry</span>
            </a>
          ) : null}
        </p>
      ) : null}
      {props.may.report(entry) ? <EntryReportLinks entry={entry} groups={props.groups} /> : null}
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={base} /> : null}
      <h2 class="govuk-heading-m" id="comments">
        Comments ({place.total})
      </h2>
      <ThreadPageNote
        threadPath={base}
        place={place}
        noun="comments"
        boxId={props.may.comment ? "comment" : undefined}
      />
      {place.page > 1 ? pagination : null}
      {topLevel.length === 0 ? (
        <p class="govuk-body">No comments yet.</p>
      ) : (
        <ul class="copse-thread copse-thread--root">
          {topLevel.map((item) => (
            <Comment
              ctx={props.ctx}
              entry={entry}
              item={item}
              base={base}
              authors={props.authors}
              children={children}
              may={props.may}
              problem={props.problem}
              reportTo={props.groups[0]}
              extras={props.extras}
              pagePath={threadPagePath(base, place.page)}
            />
          ))}
        </ul>
      )}
      {pagination}
      {props.may.comment && place.page === place.totalPages ? (
        <CommentForm
          ctx={props.ctx}
          entry={entry}
          base={base}
          parentId={entry.id}
          problem={props.problem}
        />
      ) : props.may.comment ? null : entry.status === "published" && !props.ctx.user ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`/signin?return=${encodeURIComponent(base)}`}>
            Sign in
          </a>{" "}
          to comment.
        </p>
      ) : null}
    </Layout>
  );
}

/** The form for editing one's own comment (or, with a heading, for a refused new one). */
export function CommentFormPage(props: {
  ctx: PageContext;
  /** Defaults to "Edit comment". */
  heading?: string;
  action: string;
  backLink: string;
  body: string;
  errors?: FieldError[];
  /** Offers "Add an image"; only for routes that answer its Preview by showing this form. */
  withImage?: boolean;
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={props.heading ?? "Edit comment"}
      errors={errors.length > 0}
      backLink={props.backLink}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">{props.heading ?? "Edit comment"}</h1>
          <form
            method="post"
            action={props.action}
            enctype={props.withImage ? "multipart/form-data" : undefined}
            novalidate
          >
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="body"
              label="Comment"
              value={props.body}
              error={errorFor(errors, "body")}
              rows={6}
            />
            {props.withImage ? <ImageUpload ctx={props.ctx} into="body" textareaId="body" /> : null}
            <Button>Save comment</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
