import type { Db } from "../db/client.ts";
import { isPostgres } from "../db/dialect.ts";

// Figures an administrator's monitoring reads (through /metrics and /readyz): how much work is
// waiting and whether mail and news feeds are failing. Counts only, never content.

/** What is waiting in the delivery queue, mail outbox and news feeds. */
export interface OperationsFigures {
  /** Messages in the federation queue, waiting or being handled. */
  queueDepth: number;
  /** Age of the oldest queued message in seconds; 0 when the queue is empty. */
  queueOldestSeconds: number;
  /** Outgoing mails by state (queued, sending, sent, failed). */
  mailByState: Record<string, number>;
  /** News feeds whose last refresh failed. */
  newsFeedsFailing: number;
  /** News feeds failing long enough to be flagged to their facilitators. */
  newsFeedsFlagged: number;
}

/** Reads the operations figures in one go. */
export function operationsFigures(db: Db, now = Date.now()): OperationsFigures {
  const sqlite = db.$client;
  // On PostgreSQL the queue is the queue backend's (src/federation/postgres), in another shape;
  // its figures come from there (QueueBackend.figures), so none are read here.
  const queue = isPostgres(db)
    ? { depth: 0, oldest: null }
    : (sqlite
        .prepare("SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM fedify_queue")
        .get() as { depth: number; oldest: number | null });
  const mail = sqlite
    .prepare("SELECT state, COUNT(*) AS n FROM mail_outbox GROUP BY state")
    .all() as { state: string; n: number }[];
  const feeds = sqlite
    .prepare(
      `SELECT COALESCE(SUM(CASE WHEN failures > 0 THEN 1 ELSE 0 END), 0) AS failing,
              COALESCE(SUM(CASE WHEN flagged_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS flagged
       FROM news_feeds`,
    )
    .get() as { failing: number; flagged: number };
  const mailByState: Record<string, number> = { queued: 0, sending: 0, sent: 0, failed: 0 };
  for (const row of mail) mailByState[row.state] = row.n;
  return {
    queueDepth: queue.depth,
    queueOldestSeconds: queue.oldest === null ? 0 : Math.max(0, (now - queue.oldest) / 1000),
    mailByState,
    newsFeedsFailing: feeds.failing,
    newsFeedsFlagged: feeds.flagged,
  };
}

/** Whether the database answers and the queue table can be read; the error otherwise. */
export function readiness(db: Db): { ready: true } | { ready: false; problem: string } {
  try {
    // On PostgreSQL the queue backend answers for its own table (QueueBackend.problem).
    db.$client
      .prepare(isPostgres(db) ? "SELECT 1 AS id" : "SELECT id FROM fedify_queue LIMIT 1")
      .get();
    return { ready: true };
  } catch (error) {
    return { ready: false, problem: String(error) };
  }
}
