import type { PrivateFeedCommunity } from "../../../domain/feeds/private-communities.ts";
import { personPagePath } from "../../../domain/paths.ts";
import { Button, CsrfField, Table } from "../components.tsx";
import {
  blogFeedRef,
  communityFeedRef,
  FEED_SETTINGS_PATH,
  type FeedRef,
  myActivityFeedRef,
  wholeCommunityFeedRef,
  withToken,
} from "../feed-links.tsx";
import { Layout, type PageContext } from "../layout.tsx";

/** Where "Revoke and make new links" posts to. */
export const REVOKE_FEEDS_PATH = `${FEED_SETTINGS_PATH}/revoke`;

/** The RSS and Atom links of one feed, with the person's token, named for screen readers. */
function TokenLinks(props: { feed: FeedRef; token: string; origin: string }) {
  const { feed, token, origin } = props;
  const href = (path: string) => new URL(withToken(path, token), origin).href;
  return (
    <>
      <a class="govuk-link" href={href(feed.rss)} type="application/rss+xml">
        RSS feed<span class="govuk-visually-hidden"> of {feed.title}</span>
      </a>{" "}
      <a
        class="govuk-link govuk-!-margin-left-3"
        href={href(feed.atom)}
        type="application/atom+xml"
      >
        Atom feed<span class="govuk-visually-hidden"> of {feed.title}</span>
      </a>
    </>
  );
}

/** "Your feed links": the person's private feed addresses, and a way to replace them all. */
export function FeedSettingsPage(props: {
  ctx: PageContext;
  origin: string;
  token: string;
  person: { handle: string; name: string };
  communities: PrivateFeedCommunity[];
}) {
  const { ctx, token, origin } = props;
  const blog = blogFeedRef({ ...props.person, isLocal: true });
  return (
    <Layout ctx={ctx} title="Your feed links" backLink={personPagePath(props.person.handle)}>
      <h1 class="govuk-heading-l">Your feed links</h1>
      <p class="govuk-body">
        Add these links to a feed reader to follow your communities without signing in. Each link
        carries a secret that is yours alone: anyone who has it can read what you can see in that
        feed, including private communities. Do not share them.
      </p>
      <p class="govuk-body">
        Feeds of public communities, blogs, tags and searches need no secret: use the "RSS feed" and
        "Atom feed" links on their pages.
      </p>

      <h2 class="govuk-heading-m">Activity in your communities</h2>
      <p class="govuk-body">New posts in every community you are a member of.</p>
      <p class="govuk-body">
        <TokenLinks feed={myActivityFeedRef()} token={token} origin={origin} />
      </p>

      {blog ? (
        <>
          <h2 class="govuk-heading-m">Your blog</h2>
          <p class="govuk-body">
            Your published entries, including those only members of your communities can see.
          </p>
          <p class="govuk-body">
            <TokenLinks feed={blog} token={token} origin={origin} />
          </p>
        </>
      ) : null}

      <h2 class="govuk-heading-m">Your private communities</h2>
      {props.communities.length === 0 ? (
        <p class="govuk-body">You are not a member of any private community here.</p>
      ) : (
        props.communities.map((community) => (
          <Table
            caption={community.name}
            captionSize="s"
            head={["Section", "Feeds"]}
            firstCellIsHeader
            rows={[
              [
                "Everything new",
                <TokenLinks
                  feed={
                    wholeCommunityFeedRef({
                      group: { ...community, isLocal: true },
                      isPrivate: true,
                    })!
                  }
                  token={token}
                  origin={origin}
                />,
              ],
              ...community.sections.map((section) => {
                const feed = communityFeedRef(
                  { group: { ...community, isLocal: true }, isPrivate: true },
                  section,
                )!;
                return [
                  feed.title.slice(community.name.length + 2),
                  <TokenLinks feed={feed} token={token} origin={origin} />,
                ];
              }),
            ]}
          />
        ))
      )}

      <h2 class="govuk-heading-m">If a link got out</h2>
      <p class="govuk-body">
        Revoking stops every link on this page at once and gives you new ones. You will need to put
        the new links in your feed reader.
      </p>
      <form method="post" action={REVOKE_FEEDS_PATH}>
        <CsrfField token={ctx.csrfToken} />
        <Button variant="warning">Revoke and make new links</Button>
      </form>
    </Layout>
  );
}
