import type { ActorRow } from "../../../domain/actors.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { DiffLine } from "../../../domain/wiki/diff.ts";
import type { PendingWikiEdit } from "../../../domain/wiki/remote.ts";
import { MAX_RELATED, type WikiPageSummary, type WikiRevision } from "../../../domain/wiki/wiki.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  NotificationBanner,
  Pagination,
  Table,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import { FacilitatorActions } from "../../views/facilitator-actions.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { ImageUpload } from "../../views/image-upload.tsx";
import { ItemComments, type ItemCommentsData } from "../../views/item-comments.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { ActorLink, Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { ReportLink } from "../../views/report-link.tsx";
import { ItemTags, type ItemTagsData } from "../../views/tags.tsx";
import { FormattingHelp, PREVIEW_ACTION, PreviewPanel } from "../../views/writing.tsx";
import { DiffTable } from "./wiki-history.tsx";

/** A community's wiki: its pages from A to Z with their last edit, a page of them at a time. */
export function WikiListPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  /** This page of the list. */
  pages: WikiPageSummary[];
  /** Wiki pages in all. */
  total: number;
  page: number;
  totalPages: number;
  /** The viewer's new pages still waiting for (or refused by) a remote community. */
  pending: PendingWikiEdit[];
}) {
  const { access } = props;
  const base = `${access.path}/wiki`;
  return (
    <Layout
      ctx={props.ctx}
      title={`Wiki – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "wiki")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Wiki</h1>
      <PendingNotices
        ctx={props.ctx}
        base={base}
        host={access.group.host}
        pending={props.pending}
      />
      {access.canStartThreads ? <ButtonLink href={`${base}/new`}>Create a page</ButtonLink> : null}
      {props.pages.length === 0 ? (
        <p class="govuk-body">No pages yet.</p>
      ) : (
        <Table
          caption={`Pages (${props.total})`}
          captionSize="m"
          head={["Page", "Last edited", "Revisions"]}
          numericColumns={[2]}
          rows={props.pages.map((p) => [
            <a class="govuk-link" href={`${base}/${p.page.id}`}>
              {p.page.title}
            </a>,
            <>
              <When date={p.lastEditedAt} /> by <Byline actor={p.lastEditedBy} />
            </>,
            String(p.lastRevision),
          ])}
        />
      )}
      <Pagination
        currentPage={props.page}
        totalPages={props.totalPages}
        hrefFor={(n) => (n > 1 ? `${base}?page=${n}` : base)}
        label="Pages of the wiki list"
      />
      <FeedLinks feed={communityFeedRef(access, "wiki")} />
    </Layout>
  );
}

/**
 * Notices about the viewer's own edits (or new pages) still waiting for, or refused by, the
 * community's home server. A refused edit keeps the text and offers to start again from it.
 */
function PendingNotices(props: {
  ctx: PageContext;
  /** The wiki's path, e.g. `/c/garden@other.example/wiki`. */
  base: string;
  host: string;
  pending: PendingWikiEdit[];
}) {
  return (
    <>
      {props.pending.map((edit) => {
        const isNewPage = edit.itemId === null;
        const formPath = isNewPage ? `${props.base}/new` : `${props.base}/${edit.itemId}/edit`;
        return edit.state === "pending" ? (
          <NotificationBanner title="Waiting" id={`pending-${edit.id}`}>
            <p class="govuk-notification-banner__heading">
              {isNewPage ? `Your new page “${edit.title}”` : `Your edit (“${edit.reason}”)`} has
              been sent to {props.host}.
            </p>
            <p class="govuk-body">It will show here once the community's home server accepts it.</p>
          </NotificationBanner>
        ) : (
          <NotificationBanner
            title={isNewPage ? "Your page was not created" : "Your edit was not applied"}
            id={`pending-${edit.id}`}
          >
            <p class="govuk-notification-banner__heading">
              {isNewPage
                ? `${props.host} did not create your page “${edit.title}”.`
                : "Your edit was not applied because the page changed."}
            </p>
            <p class="govuk-body">{edit.message}</p>
            <details class="govuk-details">
              <summary class="govuk-details__summary">
                <span class="govuk-details__summary-text">Your text</span>
              </summary>
              <div class="govuk-details__text">
                <pre class="copse-source">{edit.bodySource}</pre>
              </div>
            </details>
            <p class="govuk-body">
              <a class="govuk-link" href={`${formPath}?draft=${edit.id}`}>
                Try again, starting from your text
              </a>
            </p>
            <form method="post" action={`${props.base}/pending/${edit.id}/dismiss`}>
              <CsrfField token={props.ctx.csrfToken} />
              <Button variant="secondary">Dismiss this notice</Button>
            </form>
          </NotificationBanner>
        );
      })}
    </>
  );
}

/** A wiki page with its related pages and links to edit it and see its history. */
export function WikiPageView(props: {
  ctx: PageContext;
  access: CommunityAccess;
  page: ItemRow;
  latest: { revision: WikiRevision; author: ActorRow } | undefined;
  related: ItemRow[];
  pending: PendingWikiEdit[];
  tags?: ItemTagsData;
  comments?: ItemCommentsData;
}) {
  const { access, page, latest } = props;
  const pagePath = `${access.path}/wiki/${page.id}`;
  return (
    <Layout
      ctx={props.ctx}
      title={`${page.title} – ${access.group.name}`}
      backLink={`${access.path}/wiki`}
    >
      <PendingNotices
        ctx={props.ctx}
        base={`${access.path}/wiki`}
        host={access.group.host}
        pending={props.pending}
      />
      <span class="govuk-caption-l">{access.group.name} wiki</span>
      <h1 class="govuk-heading-l">{page.title}</h1>
      {latest ? (
        <p class="govuk-body-s copse-post__meta">
          Revision {latest.revision.number}, last edited by <Byline actor={latest.author} />{" "}
          <When date={latest.revision.createdAt} />: “{latest.revision.reason}”
        </p>
      ) : null}
      <ItemBody item={page} />
      <FacilitatorActions access={props.access} item={page} />
      <ReportLink access={props.access} item={page} what="this page" />
      {props.tags ? <ItemTags ctx={props.ctx} data={props.tags} returnTo={pagePath} /> : null}
      {props.related.length > 0 ? (
        <>
          <h2 class="govuk-heading-m">Related pages</h2>
          <ul class="govuk-list govuk-list--bullet">
            {props.related.map((r) => (
              <li>
                <a class="govuk-link" href={`${access.path}/wiki/${r.id}`}>
                  {r.title}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <div class="govuk-button-group">
        {access.canPost ? (
          <ButtonLink href={`${pagePath}/edit`} variant="secondary">
            Edit<span class="govuk-visually-hidden"> {page.title}</span>
          </ButtonLink>
        ) : null}
        <a class="govuk-link" href={`${pagePath}/history`}>
          History<span class="govuk-visually-hidden"> of {page.title}</span>
        </a>
      </div>
      {props.comments ? <ItemComments ctx={props.ctx} data={props.comments} /> : null}
    </Layout>
  );
}

/** What the wiki form holds: the editor's text and choices. */
export interface WikiFormValues {
  title: string;
  body: string;
  reason: string;
  related: number[];
  baseRevision: number;
}

/** The latest revision shown beside the editor's text when someone else saved first. */
export interface WikiConflictView {
  latest: WikiRevision;
  author: ActorRow | undefined;
  /** From the latest revision's text to the editor's. */
  lines: DiffLine[];
}

/** The form to start or edit a page: title, text, reason for update and related pages. */
export function WikiFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  heading: string;
  action: string;
  cancel: string;
  isNew: boolean;
  values: WikiFormValues;
  candidates: ItemRow[];
  errors?: FieldError[];
  conflict?: WikiConflictView;
  /** The text as it would be shown, when the writer asked for a preview. */
  preview?: string;
}) {
  const errors = props.errors ?? [];
  const { values, conflict } = props;
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={props.cancel}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name} wiki</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          {conflict ? <ConflictPanel conflict={conflict} /> : null}
          <PreviewPanel html={props.preview} />
          <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            {props.isNew ? null : (
              <input type="hidden" name="base" value={String(values.baseRevision)} />
            )}
            <TextInput
              name="title"
              label="Title"
              value={values.title}
              error={errorFor(errors, "title")}
            />
            <Textarea
              name="body"
              label={conflict ? "Your text" : "Text"}
              hint="You can use Markdown: **bold**, _italic_, [links](https://example.org), lists and headings."
              value={values.body}
              error={errorFor(errors, "body")}
              rows={15}
            />
            <FormattingHelp wiki />
            <ImageUpload ctx={props.ctx} into="body" textareaId="body" />
            <TextInput
              name="reason"
              label={props.isNew ? "Reason (optional)" : "Reason for update"}
              hint="Say what you changed and why, for example “Added the winter rota”. It is shown in the page's history."
              value={values.reason}
              error={errorFor(errors, "reason")}
            />
            {props.candidates.length > 0 ? (
              <Checkboxes
                name="related"
                legend="Related pages"
                legendSize="s"
                hint={`Choose up to ${MAX_RELATED} pages readers of this one may want next.`}
                small
                items={props.candidates.map((p) => ({ value: String(p.id), text: p.title }))}
                values={values.related.map(String)}
                error={errorFor(errors, "related")}
              />
            ) : null}
            <div class="govuk-button-group">
              <Button>{props.isNew ? "Create page" : "Save changes"}</Button>
              <Button name="action" value={PREVIEW_ACTION} variant="secondary">
                Preview
              </Button>
              <a class="govuk-link" href={props.cancel}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** The newest version and how the editor's text differs from it. */
function ConflictPanel(props: { conflict: WikiConflictView }) {
  const { latest, author, lines } = props.conflict;
  return (
    <section class="copse-wiki-conflict" aria-labelledby="latest-heading">
      <h2 class="govuk-heading-m" id="latest-heading">
        The latest version (revision {latest.number})
      </h2>
      <p class="govuk-body">
        Saved{" "}
        {author ? (
          <>
            by <ActorLink actor={author} />{" "}
          </>
        ) : null}
        <When date={latest.createdAt} />: “{latest.reason}”. Your text is kept in the form below;
        copy in anything you need from the latest version, then save again.
      </p>
      <details class="govuk-details" open>
        <summary class="govuk-details__summary">
          <span class="govuk-details__summary-text">Text of the latest version</span>
        </summary>
        <div class="govuk-details__text">
          <pre class="copse-source">{latest.bodySource ?? ""}</pre>
        </div>
      </details>
      <DiffTable
        lines={lines}
        caption="How your text differs from the latest version"
        oldLabel={`Line in revision ${latest.number}`}
        newLabel="Line in your text"
      />
    </section>
  );
}
