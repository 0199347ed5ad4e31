import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import type { Db } from "../db/client.ts";
import { blockedDomainChecker } from "../domain/admin/servers.ts";
import { logger } from "../logging.ts";

const log = logger("federation", "blocked-delivery");

// Copse sends activities from some twenty places, and all of them end up as one queued
// message per inbox. Filtering here, rather than at each sender, means no new sender can
// forget a blocked domain; and checking again when a message is handled also drops
// deliveries queued before the domain was blocked.

/** The host of a queued outbox message's inbox, or undefined for any other message. */
function outboxHost(message: unknown): string | undefined {
  const m = message as { type?: unknown; inbox?: unknown } | null;
  if (m?.type !== "outbox" || typeof m.inbox !== "string") return undefined;
  try {
    return new URL(m.inbox).host;
  } catch {
    return undefined;
  }
}

/** Wraps a message queue so that nothing is delivered to a blocked domain's inboxes. */
export function skipBlockedDomains(queue: MessageQueue, db: Db): MessageQueue {
  const isBlocked = blockedDomainChecker(db);
  const blocked = (message: unknown): boolean => {
    const host = outboxHost(message);
    if (!host || !isBlocked(host)) return false;
    const { activityId, inbox } = message as { activityId?: string; inbox: string };
    log.info("Dropped delivery of {activityId} to {inbox}: the domain is blocked", {
      activityId,
      inbox,
    });
    return true;
  };
  return {
    get nativeRetrial() {
      return queue.nativeRetrial;
    },
    async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
      if (!blocked(message)) await queue.enqueue(message, options);
    },
    async enqueueMany(messages: readonly unknown[], options?: MessageQueueEnqueueOptions) {
      const kept = messages.filter((m) => !blocked(m));
      if (kept.length === 0) return;
      if (queue.enqueueMany) await queue.enqueueMany(kept, options);
      else for (const m of kept) await queue.enqueue(m, options);
    },
    listen(
      handler: (message: unknown) => Promise<void> | void,
      options?: MessageQueueListenOptions,
    ) {
      return queue.listen((message) => (blocked(message) ? undefined : handler(message)), options);
    },
    async getDepth(): Promise<MessageQueueDepth> {
      if (!queue.getDepth) throw new Error("The wrapped queue cannot tell its depth");
      return queue.getDepth();
    },
  };
}
