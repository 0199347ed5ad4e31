import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Other servers an administrator has blocked (nothing is accepted from or delivered to them)
 * or limited (their people need a facilitator's approval to join any local community). One
 * row per domain, in lower case; a block covers the domain's subdomains too.
 */
export const domainBlocks = sqliteTable("domain_blocks", {
  domain: text("domain").primaryKey(),
  severity: text("severity", { enum: ["block", "limit"] }).notNull(),
  /** Why, as the administrator wrote it; exported as Mastodon's public comment. */
  reason: text("reason").notNull().default(""),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});
