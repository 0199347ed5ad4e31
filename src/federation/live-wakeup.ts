import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type pg from "pg";
import { notificationsFor } from "./postgres/notify.ts";
import { ensurePostgresSchema } from "./postgres/schema.ts";

const logger = getLogger(["copse", "live"]);

// The live stream (/live/events) is read from the database, which every web process polls
// every 2 seconds while someone listens (src/web/live-hub.ts), so what a worker stores reaches
// every web process without any of this. With the queue on PostgreSQL, its LISTEN connection
// also carries a wake-up: a worker that has applied an incoming activity says so, and web
// processes look at once instead of at their next poll. A lost wake-up costs only those 2 s.

/** How long a worker gathers announcements into one NOTIFY. */
const GATHER_MS = 100;

/** How web processes hear that a worker may have stored something the live stream shows. */
export interface LiveWakeups {
  /** Says something may have been stored; announcements close together make one wake-up. */
  announce(): void;
  /** Calls `wake` on each wake-up from any process; resolves to the function that stops it. */
  subscribe(wake: () => void): Promise<() => void>;
}

/** No wake-ups (the queue in SQLite): web processes find new activity by polling alone. */
export const NO_LIVE_WAKEUPS: LiveWakeups = {
  announce() {},
  subscribe: async () => () => {},
};

/** Wake-ups over the queue database's NOTIFY channel, as the payload "live". */
export function postgresLiveWakeups(pool: pg.Pool): LiveWakeups {
  let gathering: NodeJS.Timeout | undefined;
  const notify = async () => {
    gathering = undefined;
    try {
      const { notifyChannel } = await ensurePostgresSchema(pool);
      await pool.query("SELECT pg_notify($1, 'live')", [notifyChannel]);
    } catch (error) {
      logger.debug("Could not wake the live streams: {error}", { error });
    }
  };
  return {
    announce() {
      if (gathering || pool.ending) return;
      gathering = setTimeout(notify, GATHER_MS);
      gathering.unref();
    },
    async subscribe(wake) {
      const { notifyChannel } = await ensurePostgresSchema(pool);
      return notificationsFor(pool, notifyChannel).subscribe("live", wake);
    },
  };
}

/** The queue, announcing a wake-up after each message its listener has handled. */
export function announcingLive(queue: MessageQueue, wakeups: LiveWakeups): MessageQueue {
  return {
    get nativeRetrial() {
      return queue.nativeRetrial;
    },
    enqueue: (message: unknown, options?: MessageQueueEnqueueOptions) =>
      queue.enqueue(message, options),
    async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions) {
      if (queue.enqueueMany) await queue.enqueueMany(messages, options);
      else for (const m of messages) await queue.enqueue(m, options);
    },
    listen(
      handler: (message: unknown) => Promise<void> | void,
      options?: MessageQueueListenOptions,
    ) {
      return queue.listen(async (message) => {
        await handler(message);
        wakeups.announce();
      }, options);
    },
    async getDepth(): Promise<MessageQueueDepth> {
      if (!queue.getDepth) throw new Error("The wrapped queue cannot tell its depth");
      return queue.getDepth();
    },
  };
}
