import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { actors } from "./actors.ts";

/**
 * Personal secrets for feed URLs of private communities and personal feeds. Revoking sets revokedAt, and a new token can be made at any time.
 */
export const feedTokens = sqliteTable("feed_tokens", {
  /** Kept as is (not hashed): the person's feed links show it on every visit, like a calendar's secret address. */
  token: text("token").primaryKey(),
  personId: integer("person_id")
    .notNull()
    .references(() => actors.id, { onDelete: "cascade" }),
  createdAt: integer("created_at").notNull(),
  revokedAt: integer("revoked_at"),
  /** Optional expiry (epoch ms). */
  expiresAt: integer("expires_at"),
});
