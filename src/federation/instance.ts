import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import { skipBlockedDomains } from "./blocked-delivery.ts";
import { buildFederation } from "./builder.ts";
import type { CopseFederation } from "./context.ts";
import { SqliteKvStore } from "./kv.ts";
import { SqliteMessageQueue } from "./queue.ts";

/** Builds the federation object over a database, with Copse's durable KV store and queue. */
export function createInstanceFederation(config: Config, db: Db): CopseFederation {
  // Deliveries to blocked domains are dropped at the queue, whichever part of Copse sent them.
  const queue = skipBlockedDomains(new SqliteMessageQueue(db), db);
  return buildFederation({ config, kv: new SqliteKvStore(db), queue });
}
