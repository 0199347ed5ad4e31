import type { Db } from "../../db/client.ts";
import { findLocalActor, getActor } from "../actors.ts";
import { listEntries } from "../blog.ts";
import { personPagePath } from "../paths.ts";
import { absolute, FEED_SIZE, type FeedData, feedOf } from "./feed-data.ts";
import { itemEntries } from "./feed-items.ts";

/**
 * A local person's blog as a viewer may see it: published entries only (drafts never reach a
 * feed, not even the author's own), members-only ones just for members of their communities.
 * Null when there is no such person here.
 */
export function personBlogFeed(
  db: Db,
  origin: string,
  handle: string,
  viewerId: number | null,
): FeedData | null {
  const person = findLocalActor(db, handle.toLowerCase());
  if (person?.type !== "Person") return null;
  const { entries } = listEntries(db, person.id, {
    viewerId,
    publishedOnly: true,
    pageSize: FEED_SIZE,
  });
  const page = absolute(origin, `${personPagePath(person.handle)}/blog`);
  const name = person.name || person.handle;
  return feedOf(
    { id: page, title: `${name}: blog`, description: `Blog entries by ${name}`, link: page },
    itemEntries(db, origin, {
      where: "i.id IN (SELECT value FROM json_each(@ids))",
      params: { ids: JSON.stringify(entries.map((e) => e.entry.id)) },
      viewerId,
    }),
    person.createdAt,
  );
}

/**
 * "Activity in my communities": everything new (topics, replies, entries, pages, events,
 * documents, polls) in every community, here or elsewhere, the person is an active member of.
 */
export function myActivityFeed(db: Db, origin: string, personId: number): FeedData | null {
  const person = getActor(db, personId);
  if (!person?.isLocal) return null;
  const page = absolute(origin, personPagePath(person.handle));
  return feedOf(
    {
      id: `${page}#activity`,
      title: `Activity in ${person.name || person.handle}'s communities`,
      description: "New posts in every community you are a member of",
      link: absolute(origin, "/"),
    },
    itemEntries(db, origin, {
      where: `EXISTS (SELECT 1 FROM item_groups fg JOIN memberships fm ON fm.group_id = fg.group_id
        WHERE fg.item_id = i.id AND fm.member_id = @viewer AND fm.state = 'active')`,
      viewerId: personId,
    }),
    person.createdAt,
  );
}
