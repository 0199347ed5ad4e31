import { and, desc, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
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
  return {
    total,
    topics: rows.map((r) => {
      const last = r.lastReplyId !== null ? lastReplies.get(r.lastReplyId) : undefined;
      return {
        topic: r.topic,
        author: r.author,
        replies: r.replies,
        lastActivityAt: last?.at ?? r.topic.publishedAt,
        lastActivityBy: last?.by ?? r.author,
      };
    }),
  };
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
  const sqlite = db.$client;
  const from = `FROM item_groups INDEXED BY item_groups_threads_idx
    WHERE group_id = @group AND kind = 'topic' AND live = 1`;
  const total = topicCounts(
    db,
    groupId,
    () =>
      (sqlite.prepare(`SELECT count(*) AS n ${from}`).get({ group: groupId }) as { n: number }).n,
  );
  const pinned = (
    sqlite
      .prepare(
        `SELECT item_id AS id ${from} AND pinned_at IS NOT NULL
         ORDER BY pinned_at DESC, activity_at DESC, item_id DESC`,
      )
      .all({ group: groupId }) as { id: number }[]
  ).map((r) => r.id);
  const offset = (Math.max(1, options.page) - 1) * options.pageSize;
  const pageIds = pinned.slice(offset, offset + options.pageSize);
  const rest = options.pageSize - pageIds.length;
  if (rest > 0) {
    const others = sqlite
      .prepare(
        `SELECT item_id AS id ${from} AND pinned_at IS NULL
         ORDER BY activity_at DESC, item_id DESC LIMIT @limit OFFSET @offset`,
      )
      .all({ group: groupId, limit: rest, offset: Math.max(0, offset - pinned.length) }) as {
      id: number;
    }[];
    pageIds.push(...others.map((r) => r.id));
  }
  return { total, pageIds };
}

// A community's topic count depends on the database alone, so it is kept until the next change.
const topicCounts = cachedUntilChange<number, number>(200);

/** One page of the topics by title, or of the viewer's own, and how many there are. */
function sortedTopicIds(
  db: Db,
  groupId: number,
  options: PageOf & { sort: TopicSort; viewerId?: number | null },
) {
  // Written in SQL to name the covering index (items_live_threads_idx): SQLite's planner
  // prefers a narrower index of the same prefix, not knowing that every topic it then reads
  // from the table costs a chain of overflow pages. With it, sorting and counting a
  // community's topics read index entries only; the per-topic subqueries in listTopics then
  // run for the page's rows alone rather than for every topic before the sort.
  const mine = options.sort === "mine" ? "AND i.author_id = @author" : "";
  const from = `FROM items i INDEXED BY items_live_threads_idx
    JOIN item_groups ig ON ig.item_id = i.id
    WHERE ig.group_id = @group AND i.kind = 'topic' AND i.deleted_at IS NULL
      AND i.removed_at IS NULL ${mine}`;
  const params = { group: groupId, author: options.viewerId ?? -1 };
  const total = (db.$client.prepare(`SELECT count(*) AS n ${from}`).get(params) as { n: number }).n;
  // Pinned topics come first, most recently pinned at the top.
  const order = options.sort === "az" ? "lower(i.title)" : "i.activity_at DESC";
  const pageIds = (
    db.$client
      .prepare(
        `SELECT i.id ${from}
         ORDER BY i.pinned_at IS NULL, i.pinned_at DESC, ${order}, i.id DESC
         LIMIT @limit OFFSET @offset`,
      )
      .all({
        ...params,
        limit: options.pageSize,
        offset: (Math.max(1, options.page) - 1) * options.pageSize,
      }) as { id: number }[]
  ).map((r) => r.id);
  return { total, pageIds };
}

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
