import type { Db } from "../../db/client.ts";
import { ftsQuery } from "../search.ts";
import { findTag, itemsWithTag } from "../tags.ts";
import { absolute, FEED_SIZE, type FeedData, feedOf } from "./feed-data.ts";
import { itemEntries } from "./feed-items.ts";

/**
 * Everything carrying a tag that the viewer may see, newest first. Null for an unknown tag or
 * one only on items the viewer may not see, which the tag page answers the same way.
 */
export function tagFeed(
  db: Db,
  origin: string,
  name: string,
  viewerId: number | null,
): FeedData | null {
  const tag = findTag(db, name);
  if (!tag) return null;
  const { items, total } = itemsWithTag(db, viewerId, tag.name, 1, FEED_SIZE);
  if (total === 0) return null;
  const page = absolute(origin, `/tags/${encodeURIComponent(tag.name)}`);
  return feedOf(
    {
      id: page,
      title: `Tagged ${tag.display}`,
      description: `Posts tagged ${tag.display}`,
      link: page,
    },
    itemEntries(db, origin, {
      where: "i.id IN (SELECT value FROM json_each(@ids))",
      params: { ids: JSON.stringify(items.map((i) => i.id)) },
      viewerId,
    }),
    new Date(0),
  );
}

/**
 * A saved search: the newest content matching the words that the viewer may see. Feeds list
 * newest first rather than best match, because a reader polls for what is new. Null when the
 * words leave nothing to search for.
 */
export function searchFeed(
  db: Db,
  origin: string,
  q: string,
  viewerId: number | null,
): FeedData | null {
  const words = q.trim().slice(0, 200);
  const match = ftsQuery(words, { prefix: true });
  if (!match) return null;
  const page = absolute(origin, `/search?${new URLSearchParams({ q: words })}`);
  return feedOf(
    {
      id: page,
      title: `Search: ${words}`,
      description: `New posts matching "${words}"`,
      link: page,
    },
    itemEntries(db, origin, {
      where: "i.id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH @match)",
      params: { match },
      viewerId,
    }),
    new Date(0),
  );
}
