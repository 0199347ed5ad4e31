import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Local and cached remote ActivityPub actors (Person, Group, Application, Service...). */
export const actors = sqliteTable(
  "actors",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    iri: text("iri").notNull().unique(),
    type: text("type", {
      enum: ["Person", "Group", "Application", "Service", "Organization"],
    }).notNull(),
    /** Preferred username; for local actors also the WebFinger name and the URL identifier. */
    handle: text("handle").notNull(),
    /** Host part of the fediverse handle (with port when not default). */
    host: text("host").notNull(),
    isLocal: integer("is_local", { mode: "boolean" }).notNull(),
    name: text("name").notNull().default(""),
    summary: text("summary").notNull().default(""),
    jobTitle: text("job_title").notNull().default(""),
    organisation: text("organisation").notNull().default(""),
    url: text("url"),
    inboxUrl: text("inbox_url"),
    sharedInboxUrl: text("shared_inbox_url"),
    followersUrl: text("followers_url"),
    manuallyApprovesFollowers: integer("manually_approves_followers", { mode: "boolean" })
      .notNull()
      .default(false),
    /** A remote Group's Lemmy `postingRestrictedToMods`: only its moderators start threads. */
    postingRestrictedToMods: integer("posting_restricted_to_mods", { mode: "boolean" })
      .notNull()
      .default(false),
    createdAt: integer("created_at", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`(unixepoch('subsec') * 1000)`),
    fetchedAt: integer("fetched_at", { mode: "timestamp_ms" }),
    /**
     * When the person deleted their account (local) or their server sent Delete{Person}
     * (remote). The row stays so that the id answers 410 and is never given to anyone else.
     */
    deletedAt: integer("deleted_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("actors_handle_host_idx").on(t.handle, t.host),
    index("actors_local_idx").on(t.isLocal, t.type),
  ],
);

/** Key pairs of local actors, generated on first use and kept for good. */
export const actorKeys = sqliteTable(
  "actor_keys",
  {
    actorId: integer("actor_id")
      .notNull()
      .references(() => actors.id, { onDelete: "cascade" }),
    algorithm: text("algorithm", { enum: ["RSASSA-PKCS1-v1_5", "Ed25519"] }).notNull(),
    privateKeyJwk: text("private_key_jwk").notNull(),
    publicKeyJwk: text("public_key_jwk").notNull(),
  },
  (t) => [uniqueIndex("actor_keys_actor_alg_idx").on(t.actorId, t.algorithm)],
);
