import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { skipBlockedDomains } from "./blocked-delivery.ts";
import { buildFederation } from "./builder.ts";
import type { CopseFederation } from "./context.ts";
import { deliverDirectly, directDelivery } from "./direct-delivery.ts";
import { SqliteKvStore } from "./kv.ts";
import { guardedPoster } from "./outbound/guarded-post.ts";
import { outboundPolicy } from "./outbound/policy.ts";
import { SqliteMessageQueue } from "./queue.ts";

/**
 * Deliveries in flight at once. A delivery mostly waits on the remote server, so many are
 * kept going (a post to 1,000 servers would otherwise wait on the slowest few at a time);
 * signing each one is the CPU cost, and that is bounded by the core, not by this number.
 */
export const OUTBOX_CONCURRENCY = 64;
/**
 * Free delivery slots claimed together: one claim transaction per eight deliveries instead of
 * one each, while at least 56 of the 64 stay in flight.
 */
const OUTBOX_MIN_CLAIM = 8;
/** Incoming activities handled at once; each writes to the database and may fetch an actor. */
const INBOX_CONCURRENCY = 16;

/** Builds the federation object over a database, with Copse's durable KV store and queues. */
export function createInstanceFederation(config: Config, db: Db): CopseFederation {
  // Incoming activities and outgoing deliveries have a channel each, with their own workers:
  // a post fanned out to a thousand servers cannot hold up a Follow waiting for its Accept,
  // nor a flood of incoming activities the deliveries.
  const inbox = new SqliteMessageQueue(db, { channel: "inbox", concurrency: INBOX_CONCURRENCY });
  const kv = new SqliteKvStore(db);
  // Deliveries to blocked domains are dropped at the queue, whichever part of Copse sent them;
  // the rest are sent by Copse's lean sender when they can be (src/federation/direct-delivery.ts).
  const outbox = skipBlockedDomains(
    deliverDirectly(
      new SqliteMessageQueue(db, {
        channel: "outbox",
        concurrency: OUTBOX_CONCURRENCY,
        minClaim: OUTBOX_MIN_CLAIM,
      }),
      directDelivery(kv, guardedPoster(outboundPolicy(config))),
    ),
    db,
  );
  return buildFederation({ config, kv, queue: { inbox, outbox } });
}
