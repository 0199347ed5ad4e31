import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { skipBlockedDomains } from "./blocked-delivery.ts";
import { buildFederation } from "./builder.ts";
import type { CopseFederation } from "./context.ts";
import { SqliteKvStore } from "./kv.ts";
import { SqliteMessageQueue } from "./queue.ts";

/**
 * Deliveries in flight at once. A delivery mostly waits on the remote server, so many are
 * kept going (a post to 1,000 servers would otherwise wait on the slowest few at a time);
 * signing each one is the CPU cost, and that is bounded by the core, not by this number.
 */
export const OUTBOX_CONCURRENCY = 64;
/** Incoming activities handled at once; each writes to the database and may fetch an actor. */
const INBOX_CONCURRENCY = 16;

/** Builds the federation object over a database, with Copse's durable KV store and queues. */
export function createInstanceFederation(config: Config, db: Db): CopseFederation {
  // Incoming activities and outgoing deliveries have a channel each, with their own workers:
  // a post fanned out to a thousand servers cannot hold up a Follow waiting for its Accept,
  // nor a flood of incoming activities the deliveries.
  const inbox = new SqliteMessageQueue(db, { channel: "inbox", concurrency: INBOX_CONCURRENCY });
  // Deliveries to blocked domains are dropped at the queue, whichever part of Copse sent them.
  const outbox = skipBlockedDomains(
    new SqliteMessageQueue(db, { channel: "outbox", concurrency: OUTBOX_CONCURRENCY }),
    db,
  );
  return buildFederation({ config, kv: new SqliteKvStore(db), queue: { inbox, outbox } });
}
