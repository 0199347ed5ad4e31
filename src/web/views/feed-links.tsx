import { communityPagePath } from "../../domain/paths.ts";
import { SECTIONS, type SectionId } from "../../domain/sections.ts";

// Where each feed lives (one scheme, documented in the README), and the links pages show to
// it: visible "RSS feed" / "Atom feed" links, and <link rel="alternate"> for autodiscovery.

/** A feed a page offers, in both formats. */
export interface FeedRef {
  /** What the feed is of, e.g. "Garden: Forum". */
  title: string;
  rss: string;
  atom: string;
  /** Whether it needs the reader's personal token (a private community's feeds). */
  personal: boolean;
}

/** The page that lists a person's private feed links and lets them revoke them. */
export const FEED_SETTINGS_PATH = "/settings/feeds";

/** A feed at `/feeds/<base>.rss` and `.atom`, with an optional query string after it. */
function feedAt(base: string, title: string, personal: boolean, query = ""): FeedRef {
  return {
    title,
    rss: `/feeds/${base}.rss${query}`,
    atom: `/feeds/${base}.atom${query}`,
    personal,
  };
}

/** The feed of a section of a local community (none for other servers' communities). */
export function communityFeedRef(
  access: { group: { handle: string; name: string; isLocal: boolean }; isPrivate: boolean },
  section: SectionId,
): FeedRef | undefined {
  if (!access.group.isLocal) return undefined;
  const label = SECTIONS.find((s) => s.id === section)?.label ?? section;
  const base = `${communityPagePath(access.group.handle).slice(1)}/${section}`;
  return feedAt(base, `${access.group.name}: ${label}`, access.isPrivate);
}

/** The feed of everything new in a local community (none for other servers' communities). */
export function wholeCommunityFeedRef(access: {
  group: { handle: string; name: string; isLocal: boolean };
  isPrivate: boolean;
}): FeedRef | undefined {
  if (!access.group.isLocal) return undefined;
  return feedAt(
    communityPagePath(access.group.handle).slice(1),
    access.group.name,
    access.isPrivate,
  );
}

/** The feed of a local person's blog. */
export function blogFeedRef(person: {
  handle: string;
  name: string;
  isLocal: boolean;
}): FeedRef | undefined {
  if (!person.isLocal) return undefined;
  return feedAt(
    `people/${encodeURIComponent(person.handle)}/blog`,
    `${person.name || person.handle}: blog`,
    false,
  );
}

/** The feed of everything with a tag (the feed finds the tag whatever the case of its name). */
export function tagFeedRef(display: string): FeedRef {
  return feedAt(`tags/${encodeURIComponent(display.toLowerCase())}`, `Tagged ${display}`, false);
}

/** The feed of a site-wide search (none without words to search for). */
export function searchFeedRef(q: string): FeedRef | undefined {
  if (!q.trim()) return undefined;
  return feedAt("search", `Search: ${q.trim()}`, false, `?${new URLSearchParams({ q: q.trim() })}`);
}

/** "Activity in my communities", which is always personal. */
export function myActivityFeedRef(): FeedRef {
  return feedAt("me", "Activity in your communities", true);
}

/** A feed link carrying a person's token. */
export function withToken(href: string, token: string): string {
  return `${href}${href.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}`;
}

/**
 * Visible feed links under a list. A private community's feeds need the reader's own token,
 * so its members are sent to their feed links page instead of a link that would not work.
 */
export function FeedLinks(props: { feed: FeedRef | undefined }) {
  const { feed } = props;
  if (!feed) return null;
  if (feed.personal) {
    return (
      <p class="govuk-body copse-feed-links">
        This community is private, so its feeds need your personal address:{" "}
        <a class="govuk-link" href={FEED_SETTINGS_PATH}>
          see your feed links
        </a>
        .
      </p>
    );
  }
  return (
    <p class="govuk-body copse-feed-links">
      Follow in a feed reader:{" "}
      <a class="govuk-link" href={feed.rss} type="application/rss+xml">
        RSS feed<span class="govuk-visually-hidden"> of {feed.title}</span>
      </a>{" "}
      or{" "}
      <a class="govuk-link" href={feed.atom} type="application/atom+xml">
        Atom feed<span class="govuk-visually-hidden"> of {feed.title}</span>
      </a>
    </p>
  );
}

/** `<link rel="alternate">` tags for the layout's head, so browsers and readers find the feed. */
export function FeedAlternates(props: { feed: FeedRef | undefined }) {
  const { feed } = props;
  // A personal feed's address holds a secret, which never goes into a page's head.
  if (!feed || feed.personal) return null;
  return (
    <>
      <link
        rel="alternate"
        type="application/rss+xml"
        title={`${feed.title} (RSS)`}
        href={feed.rss}
      />
      <link
        rel="alternate"
        type="application/atom+xml"
        title={`${feed.title} (Atom)`}
        href={feed.atom}
      />
    </>
  );
}
