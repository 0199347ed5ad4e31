import type { ActorRow } from "../../../domain/actors.ts";
import { PAGE_SIZES, type TopicSort, type TopicSummary } from "../../../domain/forum.ts";
import type { ItemRow } from "../../../domain/items.ts";
import type { CommunityAccess } from "../../community-access.tsx";
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
} from "../components.tsx";
import { communityFeedRef, FeedLinks } from "../feed-links.tsx";
import { ImageUpload } from "../image-upload.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { ListControls } from "../list-controls.tsx";
import { type PostExtras, PostMedia, PostVotes } from "../post-extras.tsx";
import { ReplyBox, type ReplyDraft } from "../reply-box.tsx";
import { ItemTags, type ItemTagsData } from "../tags.tsx";
import { ComposeButtons, FormattingHelp, PreviewPanel } from "../writing.tsx";
import { ActorLink, ItemBody, When } from "./items.tsx";

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
            <ActorLink actor={t.author} />,
            String(t.replies),
            <>
              <When date={t.lastActivityAt} /> by <ActorLink actor={t.lastActivityBy} />
            </>,
          ])}
        />
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
}) {
  const { item, extras } = props;
  const author = props.authors.get(item.authorId);
  const answers = props.children.get(item.id) ?? [];
  return (
    <li class="copse-post" id={`item-${item.id}`}>
      <article aria-labelledby={`item-${item.id}-by`}>
        <p class="govuk-body-s copse-post__meta" id={`item-${item.id}-by`}>
          {author ? <ActorLink actor={author} /> : "Someone"} wrote <When date={item.publishedAt} />
          {item.updatedAt.getTime() !== item.publishedAt.getTime() ? " (edited)" : ""}
        </p>
        <ItemBody item={item} />
        {item.deletedAt ? null : <PostMedia media={extras?.media.get(item.id)} />}
        {extras && !item.deletedAt ? (
          <PostVotes
            itemId={item.id}
            tally={extras.votes.get(item.id)}
            csrfToken={extras.mayVote(item) ? props.ctx.csrfToken : null}
            returnTo={props.topicPath}
          />
        ) : null}
        <PostActions {...props} />
      </article>
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
  ctx: PageContext;
  item: ItemRow;
  topicPath: string;
  canPost: boolean;
  mayModerate: (item: ItemRow) => boolean;
  moderationPath: string | null;
  reportPath: string | null;
}) {
  const { item, ctx } = props;
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
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="parent" value={String(item.id)} />
              <Textarea name="body" id={`reply-${item.id}`} label="Your reply" rows={4} />
              <Button>Post reply</Button>
            </form>
          </div>
        </details>
      ) : null}
      {props.mayModerate(item) ? (
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
      {props.reportPath && !props.mayModerate(item) ? (
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

/** A topic with its threaded replies. */
export function TopicPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  topic: ItemRow;
  replies: ItemRow[];
  authors: Map<number, ActorRow>;
  mayModerate: (item: ItemRow) => boolean;
  tags?: ItemTagsData;
  /** Whether the viewer facilitates the community (and so sees moderation links). */
  facilitates?: boolean;
  /** Votes, shared links and pictures of the posts. */
  extras?: PostExtras;
  /** A reply being written, sent back with its preview or its error. */
  draft?: ReplyDraft;
}) {
  const { topic, access } = props;
  const canPost = access.canPost && !topic.lockedAt && !topic.removedAt;
  const topicPath = `${access.path}/forum/${topic.id}`;
  // Replies whose parent was deleted hang from the topic, so nobody's answer disappears.
  const ids = new Set([topic.id, ...props.replies.map((r) => r.id)]);
  const children = new Map<number, ItemRow[]>();
  for (const reply of props.replies) {
    const parent = reply.parentId && ids.has(reply.parentId) ? reply.parentId : topic.id;
    children.set(parent, [...(children.get(parent) ?? []), reply]);
  }
  const author = props.authors.get(topic.authorId);
  return (
    <Layout
      ctx={props.ctx}
      title={`${topic.title} – ${access.group.name}`}
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
      <ul class="copse-thread copse-thread--root">
        <Post
          ctx={props.ctx}
          item={topic}
          authors={props.authors}
          children={children}
          topicPath={topicPath}
          canPost={canPost}
          mayModerate={props.mayModerate}
          moderationPath={props.facilitates ? `${access.path}/moderation/items` : null}
          reportPath={props.ctx.user ? `${access.path}/report/item` : null}
          extras={props.extras}
        />
      </ul>
      {canPost ? (
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
