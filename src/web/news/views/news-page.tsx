import type { NewsEntryWithFeed, NewsFeedRow } from "../../../domain/news/feeds.ts";
import type { CommunityAccess } from "../../community-access.tsx";
import { Button, ButtonLink, Pagination } from "../../views/components.tsx";
import { communityFeedRef, FeedLinks } from "../../views/feed-links.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { When } from "../../views/pages/items.tsx";
import { FlaggedFeedsNotice } from "./news-notice.tsx";

/** "Show news from" as a GET form, so choosing one feed works without JavaScript. */
function FeedFilter(props: { action: string; feeds: NewsFeedRow[]; feedId: number | undefined }) {
  return (
    <form method="get" action={props.action} class="copse-inline-form" novalidate>
      <div class="govuk-form-group">
        <label class="govuk-label" for="feed">
          Show news from
        </label>
        <select class="govuk-select" id="feed" name="feed">
          <option value="" selected={props.feedId === undefined}>
            All feeds
          </option>
          {props.feeds.map((f) => (
            <option value={String(f.id)} selected={f.id === props.feedId}>
              {f.title}
            </option>
          ))}
        </select>
      </div>
      <Button variant="secondary">Show news</Button>
    </form>
  );
}

/** One entry: its title linking to the original, where and when it came from, and its summary. */
function NewsEntry(props: { item: NewsEntryWithFeed }) {
  const { entry, feedTitle } = props.item;
  return (
    <article class="copse-news-entry">
      <h2 class="govuk-heading-s govuk-!-margin-bottom-1">
        {entry.link ? (
          <a class="govuk-link" href={entry.link} rel="noopener noreferrer">
            {entry.title}
          </a>
        ) : (
          entry.title
        )}
      </h2>
      <p class="govuk-body-s copse-news-entry__meta">
        From {feedTitle}
        {entry.author ? `, by ${entry.author}` : ""}, <When date={new Date(entry.publishedAt)} />
      </p>
      {entry.summaryHtml ? (
        // Sanitized by the allow-list in src/domain/html.ts before it was stored.
        <div
          class="copse-content govuk-body"
          dangerouslySetInnerHTML={{ __html: entry.summaryHtml }}
        />
      ) : null}
    </article>
  );
}

/** A community's News page: entries from its feeds, newest first, from all feeds or one. */
export function NewsPage(props: {
  ctx: PageContext;
  access: CommunityAccess;
  feeds: NewsFeedRow[];
  feedId: number | undefined;
  entries: NewsEntryWithFeed[];
  total: number;
  page: number;
  pageSize: number;
}) {
  const { access, feeds } = props;
  const base = `${access.path}/news`;
  const totalPages = Math.max(1, Math.ceil(props.total / props.pageSize));
  const href = (p: number) =>
    `${base}?${props.feedId === undefined ? "" : `feed=${props.feedId}&`}page=${p}`;
  const chosen = feeds.find((f) => f.id === props.feedId);
  const flagged = feeds.filter((f) => f.flaggedAt !== null).length;
  // Each feed and page has its own title, so history and tabs can tell them apart.
  const title = [
    chosen ? `News from ${chosen.title}` : "News",
    props.page > 1 ? ` (page ${props.page})` : "",
    ` – ${access.group.name}`,
  ].join("");
  return (
    <Layout
      ctx={props.ctx}
      title={title}
      backLink={access.path}
      feed={communityFeedRef(access, "news")}
    >
      <span class="govuk-caption-l">{access.group.name}</span>
      <h1 class="govuk-heading-l">News</h1>
      {access.canModerate ? (
        <>
          <FlaggedFeedsNotice count={flagged} communityPath={access.path} />
          <div class="govuk-button-group">
            <ButtonLink href={`${base}/feeds/new`}>Add a new news feed</ButtonLink>
            <a class="govuk-link" href={`${base}/feeds`}>
              Manage news feeds
            </a>
          </div>
        </>
      ) : null}
      {feeds.length === 0 ? (
        <p class="govuk-body">This community does not follow any news feeds yet.</p>
      ) : (
        <>
          {feeds.length > 1 ? (
            <FeedFilter action={base} feeds={feeds} feedId={props.feedId} />
          ) : null}
          <p class="govuk-body">
            {props.total === 1 ? "1 entry" : `${props.total} entries`}
            {chosen ? ` from ${chosen.title}` : ""}, newest first.
          </p>
          {props.entries.length === 0 ? (
            <p class="govuk-body">There is nothing to show here yet.</p>
          ) : (
            props.entries.map((item) => <NewsEntry item={item} />)
          )}
          <Pagination
            currentPage={Math.min(props.page, totalPages)}
            totalPages={totalPages}
            hrefFor={href}
          />
        </>
      )}
      <FeedLinks feed={communityFeedRef(access, "news")} />
    </Layout>
  );
}
