import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import { inIdList, preparedQuery } from "../db/prepared.ts";
import { actors, itemGroups, items } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import type { ItemKind, ItemRow } from "./items.ts";

/** How the topic list is ordered or filtered. */
export type TopicSort = "current" | "az" | "mine";

/** One line of a community's topic list. */
export interface TopicSummary {
  topic: ItemRow;
  author: ActorRow;
  replies: number;
  lastActivityAt: Date;
  lastActivityBy: ActorRow;
}

/** Page sizes offered in the topic list. */
export const PAGE_SIZES = [10, 25, 50] as const;

/**
 * Lists a community's forum topics with their reply counts and who last posted, one page at a
 * time, in one query (no per-topic look-ups).
 */
export function listTopics(
  db: Db,
  groupId: number,
  options: { sort: TopicSort; viewerId?: number | null; page: number; pageSize: number },
): { topics: TopicSummary[]; total: number } {
  // Only "mine" depends on the viewer; every other order is the same list for everyone.
  const viewer = options.sort === "mine" ? (options.viewerId ?? 0) : "";
  const key = `${groupId}:${options.sort}:${viewer}:${options.page}:${options.pageSize}`;
  return keptLists(db, key, () => readTopicList(db, groupId, options));
}

// Each view of a forum reads its page of topics with their authors, reply counts and last
// replies (four statements, whole rows); the page is the same until the database changes
// (src/db/generation.ts), so it is kept till then, frozen since requests share it. At most 200
// pages of some 25-100 KB each.
const keptLists = cachedUntilChange<string, { topics: TopicSummary[]; total: number }>(200);

function readTopicList(
  db: Db,
  groupId: number,
  options: { sort: TopicSort; viewerId?: number | null; page: number; pageSize: number },
): { topics: TopicSummary[]; total: number } {
  const { total, pageIds } =
    options.sort === "current"
      ? currentTopicIds(db, groupId, options)
      : sortedTopicIds(db, groupId, options);
  if (pageIds.length === 0) return { total, topics: [] };

  const ids = JSON.stringify(pageIds);
  const found = new Map(
    topicDetails(db)
      .all({ ids })
      .map((r) => [r.topic.id, r]),
  );
  const rows = pageIds.flatMap((id) => found.get(id) ?? []);

  const lastIds = rows.map((r) => r.lastReplyId).filter((id): id is number => id !== null);
  const lastReplies = new Map(
    lastIds.length === 0
      ? []
      : lastReplyDetails(db)
          .all({ ids: JSON.stringify(lastIds) })
          .map((r) => [r.id, r]),
  );
  const topics = rows.map((r) => {
    const last = r.lastReplyId !== null ? lastReplies.get(r.lastReplyId) : undefined;
    return {
      topic: r.topic,
      author: r.author,
      replies: r.replies,
      lastActivityAt: last?.at ?? r.topic.publishedAt,
      lastActivityBy: last?.by ?? r.author,
    };
  });
  return frozen({ total, topics });
}

/** Where a page of a list starts and how long it is. */
type PageOf = { page: number; pageSize: number };

/**
 * One page of the topics by last activity, pinned ones first, and how many there are. Both
 * come from the community's own copy of the topics' keys (item_groups_threads_idx): the pinned
 * topics (a few) in full, then the others walked newest first and stopped at the page, so the
 * work is the page's, whatever the community's size.
 */
function currentTopicIds(db: Db, groupId: number, options: PageOf) {
  const pinned = pinnedTopicIds(db, groupId, "activity_at DESC, item_id DESC");
  const pageIds = afterPinned(pinned, options, (limit, offset) =>
    idsOf(
      db,
      `SELECT item_id AS id FROM item_groups INDEXED BY item_groups_threads_idx
       WHERE group_id = @group AND kind = 'topic' AND live = 1 AND pinned_at IS NULL
       ORDER BY activity_at DESC, item_id DESC LIMIT @limit OFFSET @offset`,
      { group: groupId, limit, offset },
    ),
  );
  return { total: topicTotal(db, groupId), pageIds };
}

/**
 * One page of the topics by title, or of the viewer's own by last activity, pinned ones first,
 * and how many there are. As for the default order, pinned topics (a few) come whole from
 * item_groups_threads_idx; the others are walked in order from an index of the community's
 * unpinned topics and stopped at the page: by title (item_groups_titles_idx, the lower-cased
 * title copied by triggers) or, for "mine", within the viewer's own entries
 * (item_groups_authors_idx), which also count the viewer's topics without reading the others.
 */
function sortedTopicIds(
  db: Db,
  groupId: number,
  options: PageOf & { sort: TopicSort; viewerId?: number | null },
) {
  if (options.sort !== "mine") {
    const pinned = pinnedTopicIds(db, groupId, "title_key, item_id");
    const pageIds = afterPinned(pinned, options, (limit, offset) =>
      idsOf(
        db,
        `SELECT item_id AS id FROM item_groups INDEXED BY item_groups_titles_idx
         WHERE group_id = @group AND kind = 'topic' AND live = 1 AND pinned_at IS NULL
         ORDER BY title_key, item_id LIMIT @limit OFFSET @offset`,
        { group: groupId, limit, offset },
      ),
    );
    return { total: topicTotal(db, groupId), pageIds };
  }
  const author = options.viewerId ?? -1;
  const pinned = pinnedTopicIds(db, groupId, "activity_at DESC, item_id DESC", author);
  const from = `FROM item_groups INDEXED BY item_groups_authors_idx
    WHERE group_id = @group AND author_id = @author AND kind = 'topic' AND live = 1
      AND pinned_at IS NULL`;
  const unpinned = (
    db.$client.prepare(`SELECT count(*) AS n ${from}`).get({ group: groupId, author }) as {
      n: number;
    }
  ).n;
  const pageIds = afterPinned(pinned, options, (limit, offset) =>
    idsOf(
      db,
      `SELECT item_id AS id ${from} ORDER BY activity_at DESC, item_id DESC
       LIMIT @limit OFFSET @offset`,
      { group: groupId, author, limit, offset },
    ),
  );
  return { total: pinned.length + unpinned, pageIds };
}

/**
 * A community's pinned live topics (a few), most recently pinned first and then in `order`
 * (which ends with the id, so ties have one order); only those by `author` when given.
 */
function pinnedTopicIds(db: Db, groupId: number, order: string, author?: number): number[] {
  return idsOf(
    db,
    `SELECT item_id AS id FROM item_groups INDEXED BY item_groups_threads_idx
     WHERE group_id = @group AND kind = 'topic' AND live = 1 AND pinned_at IS NOT NULL
       ${author === undefined ? "" : "AND author_id = @author"}
     ORDER BY pinned_at DESC, ${order}`,
    author === undefined ? { group: groupId } : { group: groupId, author },
  );
}

/** The page's ids: the pinned ones that fall on it, then `rest` from where they end. */
function afterPinned(
  pinned: number[],
  options: PageOf,
  rest: (limit: number, offset: number) => number[],
): number[] {
  const offset = (Math.max(1, options.page) - 1) * options.pageSize;
  const pageIds = pinned.slice(offset, offset + options.pageSize);
  const left = options.pageSize - pageIds.length;
  if (left > 0) pageIds.push(...rest(left, Math.max(0, offset - pinned.length)));
  return pageIds;
}

/** The `id` column of a query's rows. */
function idsOf(db: Db, query: string, params: Record<string, number>): number[] {
  return (db.$client.prepare(query).all(params) as { id: number }[]).map((r) => r.id);
}

/** How many live topics a community has, from item_groups_threads_idx alone. */
function topicTotal(db: Db, groupId: number): number {
  return topicCounts(
    db,
    groupId,
    () =>
      (
        db.$client
          .prepare(
            `SELECT count(*) AS n FROM item_groups INDEXED BY item_groups_threads_idx
             WHERE group_id = @group AND kind = 'topic' AND live = 1`,
          )
          .get({ group: groupId }) as { n: number }
      ).n,
  );
}

// A community's topic count depends on the database alone, so it is kept until the next change.
const topicCounts = cachedUntilChange<number, number>(200);

/** Items whose ids are in a JSON array bound as `ids` (prepared once, whatever the count). */
const idInList = inIdList(items.id);

// The newest live reply of each topic and the reply count, by correlated subqueries on the
// live-thread index (written out in SQL: Drizzle cannot alias a table inside a raw subquery).
const topicDetails = preparedQuery((db) =>
  db
    .select({
      topic: items,
      author: actors,
      replies: sql<number>`(select count(*) from items r
        where r.root_id = ${items.id} and r.id != ${items.id} and r.deleted_at is null and r.removed_at is null)`,
      lastReplyId: sql<number | null>`(select r.id from items r
        where r.root_id = ${items.id} and r.id != ${items.id} and r.deleted_at is null and r.removed_at is null
        order by r.published_at desc limit 1)`,
    })
    .from(items)
    .innerJoin(actors, eq(actors.id, items.authorId))
    .where(idInList)
    .prepare(),
);

const lastReplyDetails = preparedQuery((db) =>
  db
    .select({ id: items.id, at: items.publishedAt, by: actors })
    .from(items)
    .innerJoin(actors, eq(actors.id, items.authorId))
    .where(idInList)
    .prepare(),
);

/** One line of a community's "what's new": the item, its author and its thread's first kind. */
export interface RecentItem {
  item: ItemRow;
  author: ActorRow;
  /** The kind of the item that starts its thread (its own kind when it starts one). */
  rootKind: ItemKind;
  /** The title of the item that starts its thread, so a reply can be shown as "Re: <title>". */
  rootTitle: string;
}

/** The thread's first item, joined to each reply or comment to learn which page it is on. */
const roots = alias(items, "roots");

/** The newest items of any kind in a community, for its home page's "what's new". */
export function recentInGroup(db: Db, groupId: number, limit = 10): RecentItem[] {
  // Every view of a community page shows it, the same for every viewer: kept until a change,
  // frozen as requests share it.
  return keptRecent(db, `${groupId}:${limit}`, () => frozen(readRecentInGroup(db, groupId, limit)));
}

const keptRecent = cachedUntilChange<string, RecentItem[]>(1_000);

function readRecentInGroup(db: Db, groupId: number, limit: number): RecentItem[] {
  // The community's copy of its items' keys (item_groups_recent_idx) is walked newest first
  // and stopped at the page: joining every item of the community to its row and sorting them
  // was linear in the community's size, and walking the instance's items newest first looking
  // for the community's was linear in the instance's for a community with no recent items.
  const ids = (
    db.$client
      .prepare(
        `SELECT item_id AS id FROM item_groups INDEXED BY item_groups_recent_idx
         WHERE group_id = @group AND live = 1 AND status = 'published'
         ORDER BY published_at DESC, item_id DESC LIMIT @limit`,
      )
      .all({ group: groupId, limit }) as { id: number }[]
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  // A reply's link depends on what it answers (a topic, a blog entry, a document, an event),
  // so the root comes in the same query rather than one look-up per reply.
  const found = new Map(
    recentItemsQuery(db)
      .all({ ids: JSON.stringify(ids) })
      .map((r) => [r.item.id, r]),
  );
  return ids.flatMap((id) => found.get(id) ?? []);
}

// Every community page shows it, so the query is prepared once.
const recentItemsQuery = preparedQuery((db) =>
  db
    .select({
      item: items,
      author: actors,
      rootKind: sql<ItemKind>`coalesce(${roots.kind}, ${items.kind})`,
      rootTitle: sql<string>`coalesce(${roots.title}, ${items.title}, '')`,
    })
    .from(items)
    .innerJoin(actors, eq(actors.id, items.authorId))
    .leftJoin(roots, eq(roots.id, items.rootId))
    .where(idInList)
    .prepare(),
);

/** A community's pinned topics (live ones only), most recently pinned first. */
export function pinnedTopics(db: Db, groupId: number): ItemRow[] {
  return db
    .select({ item: items })
    .from(items)
    .innerJoin(itemGroups, eq(itemGroups.itemId, items.id))
    .where(
      and(
        eq(itemGroups.groupId, groupId),
        eq(items.kind, "topic"),
        isNotNull(items.pinnedAt),
        isNull(items.deletedAt),
        isNull(items.removedAt),
      ),
    )
    .orderBy(desc(items.pinnedAt))
    .all()
    .map((r) => r.item);
}
