import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/**
 * Every piece of content, local or remote: forum topics and replies, blog entries and their
 * comments, wiki pages, events, documents. One table keeps threads, tags, search and the
 * "what's new" views simple; kind-specific details live in side tables keyed by item id.
 */
export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** ActivityPub id; local items get `${origin}/ap/items/{uuid}`. */
    iri: text("iri").notNull().unique(),
    kind: text("kind", {
      enum: ["topic", "reply", "entry", "wiki", "event", "document", "poll"],
    }).notNull(),
    authorId: integer("author_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** The item this one answers (replies and comments). */
    parentId: integer("parent_id").references((): AnySQLiteColumn => items.id, {
      onDelete: "cascade",
    }),
    /** The first item of the thread (itself for a thread's root); `context` in ActivityPub. */
    rootId: integer("root_id").references((): AnySQLiteColumn => items.id, {
      onDelete: "cascade",
    }),
    title: text("title").notNull().default(""),
    summary: text("summary").notNull().default(""),
    /** The author's Markdown (local items only; remote ones arrive as HTML). */
    bodySource: text("body_source"),
    /** Sanitized HTML, safe to show as is. */
    bodyHtml: text("body_html").notNull().default(""),
    /** Human-readable page of the item (remote items: on their home server). */
    url: text("url"),
    /** Public items are addressed to everyone; members-only ones to the group's followers. */
    visibility: text("visibility", { enum: ["public", "members"] }).notNull(),
    status: text("status", { enum: ["published", "draft"] })
      .notNull()
      .default("published"),
    isLocal: integer("is_local", { mode: "boolean" }).notNull(),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
    /** Last time anything happened in the thread (for "most current" sorting). */
    activityAt: integer("activity_at", { mode: "timestamp_ms" }).notNull(),
    /** Set when deleted: the row stays as a tombstone so ids keep resolving (410). */
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
    /**
     * Set when a facilitator removes the item. Unlike deletion the content stays, so that it
     * can be restored; only its author and the facilitators see it meanwhile.
     */
    removedAt: integer("removed_at", { mode: "timestamp_ms" }),
    removedReason: text("removed_reason"),
    /** Set when a facilitator locks a topic: no new replies, here or from other servers. */
    lockedAt: integer("locked_at", { mode: "timestamp_ms" }),
    /** Set when a facilitator pins a topic: pinned topics come first in the forum. */
    pinnedAt: integer("pinned_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
  },
  (t) => [
    index("items_kind_activity_idx").on(t.kind, t.activityAt),
    // Live items of a kind by last activity (the forum list) and by publication (section
    // feeds), holding only the index entries the filters need: the list walks topics newest
    // first and stops at the page, and counting a community's topics reads no table rows.
    index("items_live_kind_activity_idx").on(t.kind, t.activityAt).where(sql`deleted_at IS NULL`),
    index("items_live_kind_published_idx")
      .on(t.kind, t.publishedAt)
      .where(sql`deleted_at IS NULL AND status = 'published'`),
    // The forum list's topics of a kind, covering everything it sorts and filters on. A
    // wide item row keeps its later columns in overflow pages behind the body, so reading
    // removed_at or pinned_at from the table costs a chain of page reads per topic; with
    // this index, sorting and counting a community's topics reads no table rows at all.
    index("items_live_threads_idx")
      .on(t.kind, t.activityAt, t.pinnedAt, t.authorId)
      .where(sql`deleted_at IS NULL AND removed_at IS NULL`),
    // A thread's live replies in order: reply counts and the last reply without table rows.
    index("items_live_root_idx")
      .on(t.rootId, t.publishedAt)
      .where(sql`deleted_at IS NULL AND removed_at IS NULL`),
    index("items_parent_idx").on(t.parentId),
    index("items_root_idx").on(t.rootId),
    index("items_author_idx").on(t.authorId),
    // What the metrics read of every live post in a period, so they walk only that period of
    // this index instead of each community's whole history in the wide table rows.
    index("items_published_idx")
      .on(t.publishedAt, t.kind, t.authorId, t.rootId)
      .where(sql`deleted_at IS NULL AND status = 'published'`),
  ],
);

/** Which communities (Group actors) an item is published into; blog entries may have several. */
export const itemGroups = sqliteTable(
  "item_groups",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    // Copies of the item's sort keys and state, kept in step by triggers (src/db/item-group-keys.ts),
    // so a community's newest items and forum topics are read by walking one index of this
    // table in order and stopping at the page, instead of sorting all of the community's items.
    kind: text("kind"),
    status: text("status"),
    publishedAt: integer("published_at", { mode: "timestamp_ms" }),
    activityAt: integer("activity_at", { mode: "timestamp_ms" }),
    pinnedAt: integer("pinned_at", { mode: "timestamp_ms" }),
    visibility: text("visibility"),
    /** 1 while the item is neither deleted nor removed by a facilitator. */
    live: integer("live", { mode: "boolean" }),
    /** The title lower-cased (the database's lower()), the forum list's key when sorted by title. */
    titleKey: text("title_key"),
    /** The item's author, so a community's topics by one person are a range of an index. */
    authorId: integer("author_id"),
    /**
     * 1 when the item is linked to other communities too (cross-posted), kept by triggers
     * (src/db/tag-counts.ts): a tag cloud's few cross-posts are then read from an index.
     */
    crossPosted: integer("cross_posted").notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.groupId] }),
    index("item_groups_group_idx").on(t.groupId),
    // A community's live, published items newest first ("what's new").
    index("item_groups_recent_idx")
      .on(t.groupId, t.publishedAt, t.itemId)
      .where(sql`live = 1 AND status = 'published'`),
    // A community's live items of a kind, pinned ones apart, by last activity (the forum list):
    // covering, so the list's page and its count read no item rows.
    index("item_groups_threads_idx")
      .on(t.groupId, t.kind, t.pinnedAt, t.activityAt, t.itemId)
      .where(sql`live = 1`),
    // The same topics unpinned, by title (the forum list sorted A to Z): pinned ones are few
    // and come from item_groups_threads_idx, so this index leaves them out and is walked in
    // title order from the page's start on either database. pinned_at, always null here, is
    // the last column only so that SQLite sees the index as covering (it checks the columns
    // the query names, and the query names pinned_at).
    index("item_groups_titles_idx")
      .on(t.groupId, t.kind, t.titleKey, t.itemId, t.pinnedAt)
      .where(sql`live = 1 AND pinned_at IS NULL`),
    // One person's unpinned topics in a community by last activity ("my topics"), covering, so
    // the page and the count read that person's entries alone.
    index("item_groups_authors_idx")
      .on(t.groupId, t.authorId, t.kind, t.activityAt, t.itemId, t.pinnedAt)
      .where(sql`live = 1 AND pinned_at IS NULL`),
    // Whether an item is listed (live and published) in a community, and to whom, without
    // its row: what a community's tag cloud asks of each tagged item.
    index("item_groups_listed_idx")
      .on(t.itemId, t.groupId, t.visibility)
      .where(sql`live = 1 AND status = 'published'`),
    // A community's drafts (few), for adding a viewer's own to what members see counted.
    index("item_groups_drafts_idx").on(t.groupId, t.itemId).where(sql`status <> 'published'`),
    // A community's listed non-public items that are linked to other communities too (few):
    // the ones a tag cloud must not count twice, or counts through another community.
    index("item_groups_cross_posted_idx")
      .on(t.groupId, t.itemId)
      .where(
        sql`cross_posted = 1 AND live = 1 AND status = 'published' AND visibility <> 'public'`,
      ),
  ],
);

/** Sections a facilitator has switched off for a community (all are on by default). */
export const communitySections = sqliteTable(
  "community_sections",
  {
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    section: text("section", {
      enum: ["forum", "blog", "wiki", "events", "documents", "polls", "news"],
    }).notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.section] })],
);

/**
 * The people an item mentions (`@handle` or `@handle@host` in a local post, a Mention tag in a
 * remote one), kept so mentions can be federated, notified and shown without re-reading text.
 */
export const itemMentions = sqliteTable(
  "item_mentions",
  {
    itemId: integer("item_id")
      .notNull()
      .references(() => items.id, { onDelete: "cascade" }),
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.actorId] }),
    index("item_mentions_actor_idx").on(t.actorId),
  ],
);
