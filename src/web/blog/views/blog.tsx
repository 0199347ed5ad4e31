import type { ActorRow } from "../../../domain/actors.ts";
import type { EntrySummary } from "../../../domain/blog.ts";
import type { ItemRow } from "../../../domain/items.ts";
import { entryPagePath, personPagePath } from "../../../domain/paths.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  Checkboxes,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  Pagination,
  Tag,
  Textarea,
  TextInput,
} from "../../views/components.tsx";
import { blogFeedRef, communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { ImageUpload } from "../../views/image-upload.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { Byline, ItemBody, When } from "../../views/pages/items.tsx";
import { FormattingHelp, PREVIEW_ACTION, PreviewPanel } from "../../views/writing.tsx";

/** Where an entry is read: its author's blog for local authors, else the community it is in. */
export function entryHref(entry: ItemRow, author: ActorRow, communityPath?: string): string {
  return author.isLocal || !communityPath
    ? entryPagePath(author.handle, entry.id)
    : `${communityPath}/blog/${entry.id}`;
}

/** The list of entries shared by a person's blog and a community's blog. */
function EntryList(props: {
  entries: EntrySummary[];
  showAuthor: boolean;
  communityPath?: string;
  headingLevel?: 2 | 3;
}) {
  const Heading = props.headingLevel === 3 ? "h3" : "h2";
  return (
    <ul class="govuk-list copse-entry-list">
      {props.entries.map(({ entry, author, comments }) => (
        <li class="copse-entry-list__item">
          <Heading class="govuk-heading-s govuk-!-margin-bottom-1">
            <a class="govuk-link" href={entryHref(entry, author, props.communityPath)}>
              {entry.title}
            </a>{" "}
            {entry.status === "draft" ? <Tag colour="grey">Draft</Tag> : null}
          </Heading>
          <p class="govuk-body-s copse-post__meta">
            {props.showAuthor ? (
              <>
                By <Byline actor={author} />,{" "}
              </>
            ) : null}
            <When date={entry.publishedAt} />,{" "}
            {comments === 1 ? "1 comment" : `${comments} comments`}
          </p>
          {entry.summary ? <p class="govuk-body">{entry.summary}</p> : null}
        </li>
      ))}
    </ul>
  );
}

/** A person's blog: their entries, with their drafts when they look at it themselves. */
export function BlogPage(props: {
  ctx: PageContext;
  person: ActorRow;
  entries: EntrySummary[];
  total: number;
  page: number;
  pageSize: number;
  isSelf: boolean;
}) {
  const { person } = props;
  const base = `${personPagePath(person.handle)}/blog`;
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout
      ctx={props.ctx}
      title={`Blog – ${person.name}`}
      backLink={personPagePath(person.handle)}
      feed={blogFeedRef(person)}
    >
      <span class="govuk-caption-l">{person.name}</span>
      <h1 class="govuk-heading-l">Blog</h1>
      {props.isSelf ? <ButtonLink href="/blog/new">Write an entry</ButtonLink> : null}
      {props.entries.length === 0 ? (
        <p class="govuk-body">No entries yet.</p>
      ) : (
        <EntryList entries={props.entries} showAuthor={false} />
      )}
      <Pagination
        currentPage={Math.min(props.page, totalPages)}
        totalPages={totalPages}
        hrefFor={(p) => `${base}?page=${p}`}
      />
      <FeedLinks feed={blogFeedRef(person)} />
    </Layout>
  );
}

/** A community's blog: the entries its members published into it. */
export function CommunityBlogPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  entries: EntrySummary[];
  total: number;
  page: number;
  pageSize: number;
}) {
  const { access } = props;
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  return (
    <Layout
      ctx={props.ctx}
      title={`Blog – ${access.group.name}`}
      backLink={access.path}
      feed={communityFeedRef(access, "blog")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">Blog</h1>
      {access.canStartThreads ? (
        <ButtonLink href={`/blog/new?group=${access.group.id}`}>Write an entry</ButtonLink>
      ) : null}
      {props.entries.length === 0 ? (
        <p class="govuk-body">No entries have been published here yet.</p>
      ) : (
        <EntryList entries={props.entries} showAuthor communityPath={access.path} />
      )}
      <Pagination
        currentPage={Math.min(props.page, totalPages)}
        totalPages={totalPages}
        hrefFor={(p) => `${access.path}/blog?page=${p}`}
      />
      <FeedLinks feed={communityFeedRef(access, "blog")} />
    </Layout>
  );
}

/** The newest entries on a profile page, with a link to the whole blog. */
export function BlogTeaser(props: { person: ActorRow; entries: EntrySummary[] }) {
  const { person } = props;
  return (
    <>
      <h2 class="govuk-heading-m">
        <a class="govuk-link" href={`${personPagePath(person.handle)}/blog`}>
          Blog
        </a>
      </h2>
      {props.entries.length === 0 ? (
        <p class="govuk-body">No entries yet.</p>
      ) : (
        <EntryList entries={props.entries} showAuthor={false} headingLevel={3} />
      )}
    </>
  );
}

/** What the entry form shows (as typed, so a refused form comes back as it was). */
export interface EntryFormValues {
  title: string;
  summary: string;
  body: string;
  groupIds: string[];
}

/** The form for writing or editing an entry, with its communities and publish or draft. */
export function EntryFormPage(props: {
  ctx: PageContext;
  action: string;
  heading: string;
  backLink: string;
  /** "new" for a new entry, else the status of the entry being edited. */
  status: "new" | "draft" | "published";
  choices: { group: ActorRow; isPrivate: boolean }[];
  values: EntryFormValues;
  errors?: FieldError[];
  /** The entry as it would be published, when the writer asked for a preview. */
  preview?: string;
}) {
  const errors = props.errors ?? [];
  const v = props.values;
  return (
    <Layout
      ctx={props.ctx}
      title={props.heading}
      errors={errors.length > 0}
      backLink={props.backLink}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <h1 class="govuk-heading-l">{props.heading}</h1>
          <PreviewPanel html={props.preview} />
          <form method="post" action={props.action} enctype="multipart/form-data" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="title"
              label="Title"
              value={v.title}
              error={errorFor(errors, "title")}
            />
            <Textarea
              name="summary"
              label="Summary (optional)"
              hint="One or two sentences shown in lists and on other servers."
              value={v.summary}
              error={errorFor(errors, "summary")}
              rows={3}
            />
            <Textarea
              name="body"
              label="Entry"
              hint="You can use Markdown: **bold**, _italic_, [links](https://example.org), lists and headings."
              value={v.body}
              error={errorFor(errors, "body")}
              rows={15}
            />
            <FormattingHelp />
            <ImageUpload ctx={props.ctx} into="body" textareaId="body" mainAction="publish" />
            {props.choices.length === 0 ? (
              <p class="govuk-body">
                This entry will be on your blog only. Join a community to publish entries into it.
              </p>
            ) : (
              <Checkboxes
                name="groups"
                legend="Publish in communities (optional)"
                legendSize="m"
                hint="Leave them all unticked to publish on your blog only. An entry in a private community is seen only by that community's members."
                values={v.groupIds}
                error={errorFor(errors, "groups")}
                items={props.choices.map(({ group, isPrivate }) => ({
                  value: String(group.id),
                  text: group.name,
                  hint: [group.isLocal ? null : `On ${group.host}`, isPrivate ? "Private" : null]
                    .filter(Boolean)
                    .join(". "),
                }))}
              />
            )}
            <div class="govuk-button-group">
              <Button name="action" value="publish">
                {props.status === "published" ? "Save changes" : "Publish"}
              </Button>
              <Button name="action" value="draft" variant="secondary">
                {props.status === "published" ? "Withdraw and save as draft" : "Save as draft"}
              </Button>
              <Button name="action" value={PREVIEW_ACTION} variant="secondary">
                Preview
              </Button>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Asks before deleting an entry or a comment. */
export function DeleteBlogItemPage(props: {
  ctx: PageContext;
  item: ItemRow;
  action: string;
  cancel: string;
}) {
  const what = props.item.kind === "entry" ? "entry" : "comment";
  return (
    <Layout ctx={props.ctx} title={`Delete this ${what}?`} backLink={props.cancel}>
      <h1 class="govuk-heading-l">Delete this {what}?</h1>
      {props.item.title ? <h2 class="govuk-heading-m">{props.item.title}</h2> : null}
      <ItemBody item={props.item} />
      <div class="govuk-warning-text">
        <span class="govuk-warning-text__icon" aria-hidden="true">
          !
        </span>
        <strong class="govuk-warning-text__text">
          <span class="govuk-visually-hidden">Warning</span>
          Deleting removes it here and on other servers.
          {what === "entry" ? " Its comments will no longer be shown." : " Answers to it stay."}
        </strong>
      </div>
      <form method="post" action={props.action}>
        <CsrfField token={props.ctx.csrfToken} />
        <div class="govuk-button-group">
          <Button variant="warning">Delete {what}</Button>
          <a class="govuk-link" href={props.cancel}>
            Cancel
          </a>
        </div>
      </form>
    </Layout>
  );
}
