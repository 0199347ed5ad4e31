import type { CloudTag } from "../../../domain/tag-cloud.ts";
import type { TaggedItem } from "../../../domain/tags.ts";
import { Pagination } from "../components.tsx";
import { FeedLinks, tagFeedRef } from "../feed-links.tsx";
import { Layout, type PageContext } from "../layout.tsx";
import { TagCloud } from "../tags.tsx";
import { When } from "./items.tsx";

const KIND_NAMES: Record<string, string> = {
  topic: "Forum topic",
  reply: "Reply",
  entry: "Blog entry",
  wiki: "Wiki page",
  event: "Event",
  poll: "Poll",
  document: "Document",
};

/** The site-wide tag cloud. */
export function TagsPage(props: { ctx: PageContext; cloud: CloudTag[] }) {
  return (
    <Layout ctx={props.ctx} title="Tags">
      <h1 class="govuk-heading-l">Tags</h1>
      <p class="govuk-body">Members tagged items with these words. Bigger words are used more.</p>
      <TagCloud tags={props.cloud} />
    </Layout>
  );
}

/** Everything carrying one tag that the viewer may see, newest first. */
export function TagPage(props: {
  ctx: PageContext;
  display: string;
  items: TaggedItem[];
  total: number;
  page: number;
  /** Item id to the page path of the item, worked out by the route. */
  hrefOf: (item: TaggedItem) => string;
}) {
  return (
    <Layout
      ctx={props.ctx}
      title={`Tagged ${props.display}`}
      backLink="/tags"
      feed={tagFeedRef(props.display)}
    >
      <span class="govuk-caption-l">Tag</span>
      <h1 class="govuk-heading-l">{props.display}</h1>
      {props.items.length === 0 ? (
        <p class="govuk-body">Nothing you can see has this tag.</p>
      ) : (
        <ul class="govuk-list govuk-list--spaced">
          {props.items.map((item) => (
            <li>
              <a class="govuk-link govuk-!-font-weight-bold" href={props.hrefOf(item)}>
                {item.title || KIND_NAMES[item.kind]}
              </a>{" "}
              <span class="govuk-body-s">
                {KIND_NAMES[item.kind]} by {item.authorName}
                {item.groupName ? ` in ${item.groupName}` : ""}, <When date={item.publishedAt} />
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pagination
        currentPage={props.page}
        totalPages={Math.ceil(props.total / 20)}
        hrefFor={(p) => `?page=${p}`}
      />
      <FeedLinks feed={tagFeedRef(props.display)} />
    </Layout>
  );
}
