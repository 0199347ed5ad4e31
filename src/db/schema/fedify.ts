import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Fedify's key-value store (caches, idempotency records); keys are JSON-encoded arrays. */
export const fedifyKv = sqliteTable(
  "fedify_kv",
  {
    key: text("key").primaryKey(),
    value: text("value").notNull(),
    expiresAt: integer("expires_at"),
  },
  (t) => [index("fedify_kv_expires_idx").on(t.expiresAt)],
);

/**
 * Fedify's durable message queue. A row is deleted only after its handler finishes, so a crash
 * mid-delivery leaves it to be claimed again after restart.
 */
export const fedifyQueue = sqliteTable(
  "fedify_queue",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /**
     * Which listener takes the message: Copse keeps incoming activities ("inbox") and
     * deliveries ("outbox") apart, each with its own workers, so neither can starve the other.
     */
    channel: text("channel").notNull().default("default"),
    message: text("message").notNull(),
    orderingKey: text("ordering_key"),
    /** Epoch milliseconds before which the message must not run (delayed retries). */
    availableAt: integer("available_at").notNull(),
    /**
     * Worker that holds the message now, null when free, or "(waiting)" while an earlier
     * message with the same ordering key is still queued (it is freed when that one is done).
     */
    claimedBy: text("claimed_by"),
    claimedAt: integer("claimed_at"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("fedify_queue_ready_idx").on(t.channel, t.claimedBy, t.availableAt),
    index("fedify_queue_ordering_idx").on(t.orderingKey, t.id),
  ],
);
