import { PAGE_SIZES, type TopicSort, type TopicSummary } from "../../../domain/forum.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import type { RenderPart } from "../../fragment-cache.ts";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Pagination,
  Table,
  Tag,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { ImageUpload } from "../../views/image-upload.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { ListControls } from "../../views/list-controls.tsx";
import { ActorLink, Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { ComposeButtons, FormattingHelp, PreviewPanel } from "../../views/writing.tsx";

const SORT_LABELS: Record<TopicSort, string> = {
  current: "Most current",
  az: "A to Z",
  mine: "My topics",
};

/** A community's forum: topics sortable, paginated, with replies and last update. */
export function ForumPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  topics: TopicSummary[];
  total: number;
  sort: TopicSort;
  page: number;
  pageSize: number;
  /** Renders the table of topics, or reuses it (src/web/fragment-cache.ts). */
  part: RenderPart;
}) {
  const { access, sort, page, pageSize } = props;
  const base = `${access.path}/forum`;
  const href = (p: number) => `${base}?sort=${sort}&size=${pageSize}&page=${p}`;
  const totalPages = Math.max(1, Math.ceil(props.total / pageSize));
  return (
    <Layout
      ctx={props.ctx}
      title={`Forum – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "forum")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Forum</h1>
      {access.canStartThreads ? <ButtonLink href={`${base}/new`}>Start a topic</ButtonLink> : null}
      <ListControls
        action={base}
        sorts={SORT_LABELS}
        sort={sort}
        pageSizes={PAGE_SIZES}
        pageSize={pageSize}
        signedIn={props.ctx.user !== null}
        noun="Topics"
      />
      {props.topics.length === 0 ? (
        <p class="govuk-body">
          {sort === "mine" ? "You have not started any topics here." : "No topics yet."}
        </p>
      ) : (
        // The table is the same for every viewer but in "my topics", whose list is the viewer's
        // own: kept while the database is unchanged (src/web/fragment-cache.ts).
        props.part(
          [
            "forum-topics",
            access.group.id,
            base,
            sort,
            page,
            pageSize,
            sort === "mine" ? (props.ctx.user?.handle ?? "") : "",
          ].join("|"),
          () => (
            <Table
              caption={`Topics (${props.total})`}
              captionSize="m"
              head={["Topic", "Started by", "Replies", "Last update"]}
              numericColumns={[2]}
              rows={props.topics.map((t) => [
                <>
                  {t.topic.pinnedAt ? (
                    <>
                      <Tag colour="turquoise">Pinned</Tag>{" "}
                    </>
                  ) : null}
                  <a class="govuk-link" href={`${base}/${t.topic.id}`}>
                    {t.topic.title}
                  </a>
                  {t.topic.lockedAt ? <span class="govuk-body-s"> (locked)</span> : null}
                </>,
                <Byline actor={t.author} />,
                String(t.replies),
                <>
                  <When date={t.lastActivityAt} /> by <ActorLink actor={t.lastActivityBy} />
                </>,
              ])}
            />
          ),
        )
      )}
      <Pagination currentPage={Math.min(page, totalPages)} totalPages={totalPages} hrefFor={href} />
      <FeedLinks feed={communityFeedRef(access, "forum")} />
    </Layout>
  );
}

/** The form for a new topic (or for editing a topic or reply). */
export function TopicFormPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  action: string;
  heading: string;
  withTitle: boolean;
  values?: { title?: string; body?: string };
  errors?: FieldError[];
  /** The body as it would be published, when the writer asked for a preview. */
  preview?: string;
}) {
  const errors = props.errors ?? [];
  return (
    <Layout
      ctx={props.ctx}
      title={`${props.heading} – ${props.access.group.name}`}
      errors={errors.length > 0}
      backLink={`${props.access.path}/forum`}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{props.access.group.name}</span>
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <PreviewPanel html={props.preview} />
          <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            {props.withTitle ? (
              <TextInput
                name="title"
                label="Title"
                value={props.values?.title}
                error={errorFor(errors, "title")}
              />
            ) : null}
            <Textarea
              name="body"
              label="Message"
              hint="You can use Markdown: **bold**, _italic_, [links](https://example.org), lists and headings."
              value={props.values?.body}
              error={errorFor(errors, "body")}
              rows={10}
            />
            <FormattingHelp />
            <ImageUpload ctx={props.ctx} into="body" textareaId="body" />
            <ComposeButtons>
              {props.withTitle && props.heading.startsWith("Start") ? "Post topic" : "Save"}
            </ComposeButtons>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Asks before deleting a post. */
export function DeleteItemPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  item: ItemRow;
  action: string;
  cancel: string;
}) {
  return (
    <Layout ctx={props.ctx} title="Delete this post?" backLink={props.cancel}>
      <h1 class="govuk-heading-l">Delete this post?</h1>
      <ItemBody item={props.item} />
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span>
          Deleting removes it here and on other servers. Replies to it stay.
        </strong>
      </div>
      <form method="post" action={props.action}>
        <CsrfField token={props.ctx.csrfToken} />
        <input type="hidden" name="item" value={String(props.item.id)} />
        <Button variant="warning">Delete post</Button>{" "}
        <a class="govuk-link" href={props.cancel}>
          Cancel
        </a>
      </form>
    </Layout>
  );
}
