import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/** Communities hosted on this instance; each is backed by a local Group actor. */
export const communities = sqliteTable("communities", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  actorId: integer("actor_id")
    .notNull()
    .unique()
    .references(() => actors.id, { onDelete: "cascade" }),
  visibility: text("visibility", { enum: ["public", "private"] }).notNull(),
  /** The community this one is a sub-community of (a local Group actor); null at the top. */
  parentGroupId: integer("parent_group_id").references(() => actors.id, { onDelete: "set null" }),
  /** Whether members of the parent may join at once, whatever this community's visibility. */
  inheritsMembership: integer("inherits_membership", { mode: "boolean" }).notNull().default(false),
  /** Where the community is in its life, set by its facilitators. */
  stage: text("stage", { enum: ["planning", "start-up", "nurture", "sustain", "closedown"] })
    .notNull()
    .default("start-up"),
  /** The community's rules in plain text, shown on its page and in its Group's summary. */
  rules: text("rules").notNull().default(""),
  /**
   * Announcement-only: only facilitators start new topics, entries, events, polls, documents
   * and wiki pages; members still reply. Published as Lemmy's `postingRestrictedToMods`.
   */
  announcementOnly: integer("announcement_only", { mode: "boolean" }).notNull().default(false),
  /**
   * Which servers' people a private community accepts as members: "anywhere", or "copse" for
   * Copse instances only (decided from the requester's NodeInfo), since some servers (Lemmy,
   * NodeBB) show members-only posts they receive to everyone.
   */
  memberServers: text("member_servers", { enum: ["anywhere", "copse"] })
    .notNull()
    .default("anywhere"),
  /** Host names accepted as well as Copse instances when memberServers is "copse", one a line. */
  allowedServers: text("allowed_servers").notNull().default(""),
  createdById: integer("created_by_id").references(() => actors.id, { onDelete: "set null" }),
  createdAt: integer("created_at", { mode: "timestamp_ms" })
    .notNull()
    .default(sql`(unixepoch('subsec') * 1000)`),
  /**
   * Where the community stands with the administrators: `open`; `pending` an administrator's
   * approval (not listed, not federated); `rejected`; `closed` (read-only); or `deleted` (its
   * Group answers 410 and it is gone from every page). See src/domain/admin/communities.ts.
   */
  state: text("state", { enum: ["open", "pending", "rejected", "closed", "deleted"] })
    .notNull()
    .default("open"),
  /** The administrator's reason for rejecting, closing or deleting it. */
  stateReason: text("state_reason").notNull().default(""),
});

/**
 * The parent a remote community's Group document links to (an attachment Link with rel "up",
 * see FEDERATION.md), kept by id so it can be shown once the parent is known here too.
 */
export const remoteGroupParents = sqliteTable(
  "remote_group_parents",
  {
    groupId: integer("group_id")
      .primaryKey()
      .references(() => actors.id, { onDelete: "cascade" }),
    parentIri: text("parent_iri").notNull(),
  },
  (t) => [index("remote_group_parents_parent_idx").on(t.parentIri)],
);

/**
 * Membership of an actor in a group, local or remote. For local groups this is the
 * authoritative record; for remote groups it mirrors what the home instance told us.
 */
export const memberships = sqliteTable(
  "memberships",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    groupId: integer("group_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    memberId: integer("member_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    /** `banned` keeps the row so that the person cannot simply ask again (src/domain/moderation/). */
    state: text("state", { enum: ["pending", "active", "rejected", "banned"] }).notNull(),
    role: text("role", { enum: ["member", "facilitator"] })
      .notNull()
      .default("member"),
    /** IRI of the Follow or Join that asked for membership; Accept/Reject/Undo refer to it. */
    requestIri: text("request_iri"),
    /** Activity type used to ask (Follow or Join), so replies mirror what the peer sent. */
    requestType: text("request_type", { enum: ["Follow", "Join"] })
      .notNull()
      .default("Follow"),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
    /** When a ban ends; null with state `banned` means it never does. */
    bannedUntil: integer("banned_until", { mode: "timestamp_ms" }),
    /**
     * When the member was made a facilitator. Seniority among facilitators follows it, so a
     * newer facilitator cannot remove an older one (src/domain/moderation/ranks.ts).
     */
    appointedAt: integer("appointed_at", { mode: "timestamp_ms" }),
    /**
     * When the current request was made. Asking again after a rejection reuses the row, so the
     * alert sweep follows this time rather than the id to hear of every request.
     */
    requestedAt: integer("requested_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("memberships_group_member_idx").on(t.groupId, t.memberId),
    index("memberships_requested_idx").on(t.requestedAt, t.id),
    index("memberships_member_idx").on(t.memberId),
    // The alert sweep follows answers to requests by the time they were decided.
    index("memberships_decided_idx").on(t.decidedAt, t.id),
    index("memberships_group_state_idx").on(t.groupId, t.state),
    // When each active membership began, written exactly as ACTIVE_SINCE_SQL in domain/live/cursor.ts
    // (a CASE: drizzle-kit splits index expressions at commas, so COALESCE cannot be used), so
    // the live stream's joins and position read walk it instead of scanning every membership.
    index("memberships_active_since_idx")
      .on(sql`CASE WHEN ${t.decidedAt} IS NULL THEN ${t.createdAt} ELSE ${t.decidedAt} END`, t.id)
      .where(sql`state = 'active'`),
  ],
);
