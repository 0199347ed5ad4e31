import type { NewsFeedRow } from "../../../domain/news/feeds.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import {
  Button,
  ButtonLink,
  CsrfField,
  ErrorSummary,
  errorFor,
  type FieldError,
  NotificationBanner,
  SummaryList,
  Tag,
  TextInput,
} from "../../views/components.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { When } from "../../views/pages/items.tsx";

/** A warning in govuk-frontend's style; the hidden word says what the icon means. */
function Warning(props: { children: string }) {
  return (
    <div class="govuk-warning-text">
      <span class="govuk-warning-text__icon" aria-hidden="true">
        !
      </span>
      <strong class="govuk-warning-text__text">
        <span class="govuk-visually-hidden">Warning</span>
        {props.children}
      </strong>
    </div>
  );
}

/** A feed's state in words (the tag's colour only repeats what the words say). */
function FeedStatus(props: { feed: NewsFeedRow }) {
  const { feed } = props;
  if (feed.flaggedAt !== null) return <Tag colour="red">Failing</Tag>;
  if (feed.failures > 0) return <Tag colour="yellow">Retrying</Tag>;
  return <Tag colour="green">Working</Tag>;
}

/** One feed's details, with "Refresh now" and "Remove". */
function FeedDetails(props: { ctx: PageContext; base: string; feed: NewsFeedRow }) {
  const { feed, base } = props;
  const rows = [
    {
      key: "Address",
      value: <span class="copse-break-words">{feed.url}</span>,
    },
    { key: "Status", value: <FeedStatus feed={feed} /> },
    {
      key: "Last fetched",
      value: feed.lastFetchedAt ? <When date={new Date(feed.lastFetchedAt)} /> : "Never",
    },
    { key: "Next refresh", value: <When date={new Date(feed.nextFetchAt)} /> },
    { key: "Failures in a row", value: String(feed.failures) },
  ];
  if (feed.lastError) rows.push({ key: "Last error", value: feed.lastError });
  return (
    <section class="copse-news-feed" aria-labelledby={`feed-${feed.id}`}>
      <h2 class="govuk-heading-m" id={`feed-${feed.id}`}>
        {feed.title}
      </h2>
      <SummaryList rows={rows} />
      <form method="post" action={`${base}/${feed.id}/refresh`} class="govuk-button-group">
        <CsrfField token={props.ctx.csrfToken} />
        <Button variant="secondary">
          Refresh now<span class="govuk-visually-hidden"> {feed.title}</span>
        </Button>
        <a class="govuk-link" href={`${base}/${feed.id}/remove`}>
          Remove<span class="govuk-visually-hidden"> {feed.title}</span>
        </a>
      </form>
    </section>
  );
}

/** The facilitators' list of a community's feeds, with their health and actions. */
export function ManageFeedsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  feeds: NewsFeedRow[];
  /** What went wrong with the last "Refresh now", shown at the top. */
  notice?: string | undefined;
}) {
  const { access, feeds } = props;
  const base = `${access.path}/news/feeds`;
  const flagged = feeds.filter((f) => f.flaggedAt !== null);
  return (
    <Layout
      ctx={props.ctx}
      title={`News feeds – ${access.group.name}`}
      backLink={`${access.path}/news`}
    >
      {props.notice ? <NotificationBanner>{props.notice}</NotificationBanner> : null}
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">News feeds</h1>
      {flagged.length > 0 ? (
        <Warning>
          {flagged.length === 1
            ? `“${flagged[0]!.title}” has failed to update several times in a row. Check its address still works, or remove it.`
            : `${flagged.length} feeds have failed to update several times in a row. Check their addresses still work, or remove them.`}
        </Warning>
      ) : null}
      <ButtonLink href={`${base}/new`}>Add a new news feed</ButtonLink>
      {feeds.length === 0 ? (
        <p class="govuk-body">This community does not follow any news feeds yet.</p>
      ) : (
        feeds.map((feed) => <FeedDetails ctx={props.ctx} base={base} feed={feed} />)
      )}
    </Layout>
  );
}

/** The "Add a new news feed" form. */
export function AddFeedPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  url?: string;
  errors?: FieldError[];
}) {
  const { access } = props;
  const errors = props.errors ?? [];
  const base = `${access.path}/news/feeds`;
  return (
    <Layout
      ctx={props.ctx}
      title={`Add a new news feed – ${access.group.name}`}
      errors={errors.length > 0}
      backLink={base}
    >
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <ErrorSummary errors={errors} />
          <span class="govuk-caption-l">{access.group.name}</span>
          <h1 class="govuk-heading-l">Add a new news feed</h1>
          <p class="govuk-body">
            Entries from the feed will appear on this community's News page. The feed is checked
            when you add it, then regularly after that.
          </p>
          <form method="post" action={`${base}/new`} novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <TextInput
              name="url"
              label="Feed address"
              labelClass="govuk-label--m"
              hint="The address of an RSS or Atom feed, for example https://www.example.gov.uk/news.xml"
              type="url"
              inputmode="url"
              autocomplete="url"
              spellcheck={false}
              value={props.url}
              error={errorFor(errors, "url")}
            />
            <div class="govuk-button-group">
              <Button>Add feed</Button>
              <a class="govuk-link" href={base}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}

/** Asks a facilitator to confirm removing a feed. */
export function RemoveFeedPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  feed: NewsFeedRow;
}) {
  const { access, feed } = props;
  const base = `${access.path}/news/feeds`;
  return (
    <Layout ctx={props.ctx} title={`Remove ${feed.title}? – ${access.group.name}`} backLink={base}>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-two-thirds">
          <span class="govuk-caption-l">{access.group.name}</span>
          <h1 class="govuk-heading-l">Remove “{feed.title}”?</h1>
          <Warning>
            Its entries will disappear from the News page. You can add the feed again later.
          </Warning>
          <form method="post" action={`${base}/${feed.id}/remove`}>
            <CsrfField token={props.ctx.csrfToken} />
            <div class="govuk-button-group">
              <Button variant="warning">Remove feed</Button>
              <a class="govuk-link" href={base}>
                Cancel
              </a>
            </div>
          </form>
        </div>
      </div>
    </Layout>
  );
}
