import type { ActorRow } from "../../../domain/actors.ts";
import type { DocumentRow } from "../../../domain/documents.ts";
import { describeSize } from "../../../domain/files.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { RatingSummary } from "../../../domain/ratings.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Radios,
  SummaryList,
  Textarea,
} from "../../views/components.tsx";
import { FacilitatorActions } from "../../views/facilitator-actions.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { ReportLink } from "../../views/report-link.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import { type PagePlace, ThreadPageNote, ThreadPagination } from "../../views/thread-pager.tsx";
import { ratingText, typeLabel } from "./documents.tsx";

/** Everything the document page shows. */
export interface DocumentView {
  item: ItemRow;
  document: DocumentRow;
  /** One page of the comments (threadPage). */
  comments: ItemRow[];
  /** Which page of the comments this is; all of them fit on one when absent. */
  place?: PagePlace;
  authors: Map<number, ActorRow>;
  rating: RatingSummary;
}

/** What the comment thread needs to draw each comment and its controls. */
interface ThreadProps {
  ctx: PageContext;
  basePath: string;
  authors: Map<number, ActorRow>;
  children: Map<number, ItemRow[]>;
  canPost: boolean;
  errors: FieldError[];
  mayModerate: (item: ItemRow) => boolean;
  /** The community, for its facilitators' actions on each comment. */
  access: CommunityAccess;
}

/** One comment with the answers to it nested below, as forum threads are drawn. */
function Comment(props: ThreadProps & { item: ItemRow }) {
  const { item } = props;
  const author = props.authors.get(item.authorId);
  const answers = props.children.get(item.id) ?? [];
  const replyField = `reply-${item.id}`;
  const replyError = errorFor(props.errors, replyField);
  return (
    <li class="copse-post" id={`item-${item.id}`}>
      <article aria-labelledby={`item-${item.id}-by`}>
        <p class="govuk-body-s copse-post__meta" id={`item-${item.id}-by`}>
          {author ? <Byline actor={author} /> : "Someone"} wrote <When date={item.publishedAt} />
          {item.updatedAt.getTime() !== item.publishedAt.getTime() ? " (edited)" : ""}
        </p>
        <ItemBody item={item} />
        {props.canPost ? (
          <details class="govuk-details" open={replyError !== undefined}>
            <summary class="govuk-details__summary">
              <span class="govuk-details__summary-text">Reply</span>
            </summary>
            <div class="govuk-details__text">
              <form method="post" action={`${props.basePath}/comment`} novalidate>
                <CsrfField token={props.ctx.csrfToken} />
                <input type="hidden" name="parent" value={String(item.id)} />
                <Textarea
                  name="body"
                  id={replyField}
                  label="Your reply"
                  rows={4}
                  error={replyError}
                />
                <Button>Post reply</Button>
              </form>
            </div>
          </details>
        ) : null}
        {props.mayModerate(item) ? (
          <p class="govuk-body-s">
            <a class="govuk-link" href={`${props.basePath}/edit?item=${item.id}`}>
              Edit<span class="govuk-visually-hidden"> this comment</span>
            </a>{" "}
            <a class="govuk-link" href={`${props.basePath}/delete?item=${item.id}`}>
              Delete<span class="govuk-visually-hidden"> this comment</span>
            </a>
          </p>
        ) : null}
        <FacilitatorActions access={props.access} item={item} />
        <ReportLink access={props.access} item={item} what="this comment" />
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

const STAR_CHOICES = [1, 2, 3, 4, 5].map((n) => ({
  value: String(n),
  text: `${n} ${n === 1 ? "star" : "stars"}`,
}));

/** A document: its details, download button, rating and comments. */
export function DocumentPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  view: DocumentView;
  mayModerate: (item: ItemRow) => boolean;
  errors?: FieldError[];
  values?: { stars?: string; body?: string };
  /** The document's tags and what the viewer may do with them. */
  tags?: ItemTagsData | undefined;
}) {
  const { access, view } = props;
  const { item, document, rating } = view;
  const errors = props.errors ?? [];
  const basePath = `${access.path}/documents/${item.id}`;
  const author = view.authors.get(item.authorId);
  // Comments whose parent was deleted hang from the document, so nobody's answer disappears.
  const ids = new Set([item.id, ...view.comments.map((r) => r.id)]);
  const children = new Map<number, ItemRow[]>();
  for (const comment of view.comments) {
    const parent = comment.parentId && ids.has(comment.parentId) ? comment.parentId : item.id;
    children.set(parent, [...(children.get(parent) ?? []), comment]);
  }
  const thread: ThreadProps = {
    ctx: props.ctx,
    basePath,
    authors: view.authors,
    children,
    canPost: access.canPost,
    errors,
    mayModerate: props.mayModerate,
    access,
  };
  const place = view.place ?? { page: 1, totalPages: 1, total: view.comments.length };
  const pagination = (
    <ThreadPagination threadPath={basePath} place={place} label="Pages of comments" />
  );
  const likes =
    rating.likes > 0
      ? ` and ${rating.likes} ${rating.likes === 1 ? "like" : "likes"} from other servers`
      : "";
  return (
    <Layout
      ctx={props.ctx}
      title={`${item.title} – ${access.group.name}`}
      errors={errors.length > 0}
      backLink={`${access.path}/documents`}
    >
      <ErrorSummary errors={errors} />
      <span class="govuk-caption-l">{access.group.name} documents</span>
      <h1 class="govuk-heading-l">{item.title}</h1>
      <SummaryList
        rows={[
          { key: "File", value: document.fileName },
          {
            key: "Type",
            value: `${typeLabel(document.mediaType)}${document.size === null ? "" : `, ${describeSize(document.size)}`}`,
          },
          {
            key: "Uploaded by",
            value: (
              <>
                {author ? <Byline actor={author} /> : "Someone"}, <When date={item.publishedAt} />
              </>
            ),
          },
          { key: "Rating", value: `${ratingText(rating.average, rating.count)}${likes}` },
        ]}
      />
      <ButtonLink href={`${basePath}/download`}>
        Download<span class="govuk-visually-hidden"> {document.fileName}</span>
      </ButtonLink>
      {document.remoteUrl ? (
        <p class="govuk-body-s">This file is kept on {new URL(document.remoteUrl).host}.</p>
      ) : null}
      {props.mayModerate(item) ? (
        <p class="govuk-body">
          <a class="govuk-link" href={`${basePath}/edit?item=${item.id}`}>
            Edit<span class="govuk-visually-hidden"> this document's details</span>
          </a>{" "}
          <a class="govuk-link" href={`${basePath}/delete?item=${item.id}`}>
            Delete<span class="govuk-visually-hidden"> this document</span>
          </a>
        </p>
      ) : null}
      {item.bodyHtml || item.removedAt ? (
        <>
          <h2 class="govuk-heading-m">Description</h2>
          <ItemBody item={item} />
        </>
      ) : null}
      <FacilitatorActions access={access} item={item} />
      <ReportLink access={access} item={item} what="this document" />
      {access.canPost ? (
        <form method="post" action={`${basePath}/rate`} id="rating" novalidate>
          <CsrfField token={props.ctx.csrfToken} />
          <Radios
            name="stars"
            legend="Rate this document"
            legendSize="m"
            hint={
              rating.mine
                ? `You gave it ${rating.mine} out of 5.`
                : "1 star is poor, 5 is excellent."
            }
            inline
            items={STAR_CHOICES}
            value={props.values?.stars ?? (rating.mine ? String(rating.mine) : undefined)}
            error={errorFor(errors, "stars")}
          />
          <Button variant="secondary">Save rating</Button>
        </form>
      ) : null}
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={basePath} /> : null}
      <h2 class="govuk-heading-m" id="comments">
        Comments ({place.total})
      </h2>
      <ThreadPageNote
        threadPath={basePath}
        place={place}
        noun="comments"
        boxId={access.canPost ? "body" : undefined}
      />
      {place.page > 1 ? pagination : null}
      {view.comments.length === 0 ? <p class="govuk-body">No comments yet.</p> : null}
      <ul class="copse-thread copse-thread--root">
        {(children.get(item.id) ?? []).map((comment) => (
          <Comment {...thread} item={comment} />
        ))}
      </ul>
      {pagination}
      {access.canPost && place.page === place.totalPages ? (
        <form method="post" action={`${basePath}/comment`} novalidate>
          <CsrfField token={props.ctx.csrfToken} />
          <input type="hidden" name="parent" value={String(item.id)} />
          <Textarea
            name="body"
            label="Add a comment"
            labelClass="govuk-label--s"
            value={props.values?.body}
            error={errorFor(errors, "body")}
            rows={4}
          />
          <Button>Post comment</Button>
        </form>
      ) : null}
    </Layout>
  );
}

/** Asks before deleting a document or one of its comments. */
export function DeleteDocumentItemPage(props: {
  ctx: PageContext;
  item: ItemRow;
  action: string;
  cancel: string;
}) {
  const what = props.item.kind === "document" ? "document" : "comment";
  return (
    <Layout ctx={props.ctx} title={`Delete this ${what}?`} backLink={props.cancel}>
      <h1 class="govuk-heading-l">Delete this {what}?</h1>
      {props.item.kind === "document" ? (
        <p class="govuk-body">{props.item.title}</p>
      ) : (
        <ItemBody item={props.item} />
      )}
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span>
          {props.item.kind === "document"
            ? "Deleting removes the document and its file here and on other servers."
            : "Deleting removes it here and on other servers. Replies to it stay."}
        </strong>
      </div>
      <form method="post" action={props.action}>
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="item" value={String(props.item.id)} />
        <Button variant="warning">Delete {what}</Button>{" "}
        <a class="govuk-link" href={props.cancel}>
          Cancel
        </a>
      </form>
    </Layout>
  );
}

/** The form for editing a comment on a document. */
export function CommentFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  action: string;
  cancel: string;
  value?: string;
  errors?: FieldError[];
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={`Edit comment – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">Edit comment</h1>
          <form method="post" action={props.action} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Textarea
              name="body"
              label="Comment"
              hint="You can use Markdown."
              value={props.value}
              error={errorFor(errors, "body")}
              rows={8}
            />
            <Button>Save</Button>
          </form>
        </div>
      </div>
    </Layout>
  );
}
