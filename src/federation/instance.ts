import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { buildFederation } from "./builder.ts";
import type { CopseFederation } from "./context.ts";
import { openQueueBackend, type QueueBackend } from "./queue-backend.ts";

export { OUTBOX_CONCURRENCY } from "./queue-backend.ts";

/**
 * Builds the federation object over a database, with Copse's durable KV store and queues: in
 * that database, or on PostgreSQL when COPSE_QUEUE_URL is set. The caller closes `backend`
 * after the queue has stopped; a backend of its own is opened when none is given.
 */
export function createInstanceFederation(
  config: Config,
  db: Db,
  backend: QueueBackend = openQueueBackend(config, db),
): CopseFederation {
  return buildFederation({
    config,
    kv: backend.kv,
    queue: { inbox: backend.inbox, outbox: backend.outbox },
  });
}
