// The contract between the news domain and whatever fetches feeds over HTTP. The domain never
// opens connections itself: src/federation/news-fetch.ts does, with the address checks, size
// cap and timeout, and tests may pass any function of this shape.

/** What the last good fetch said about a feed, sent back so its server can answer 304. */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

/** The result of fetching a feed: its body, or word that nothing changed since last time. */
export type FetchOutcome =
  | { status: "not-modified" }
  | {
      status: "fetched";
      /** The body decoded to text. */
      body: string;
      /** Where the body finally came from, after any redirects. */
      url: string;
      etag: string | null;
      lastModified: string | null;
    };

/** Fetches a feed's URL; fails with a FeedError whose message is fit for facilitators. */
export type FeedFetcher = (url: string, validators?: FeedValidators) => Promise<FetchOutcome>;
