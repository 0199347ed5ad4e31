import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";

const log = logger("federation", "inbox", "ignored");

/** Why each activity type Copse receives but does not act on yet is set aside. */
export const IGNORED_REASONS: Record<string, string> = {
  Block: "community bans are not handled yet",
  Add: "featured posts and moderator lists are not mirrored yet",
  Remove: "featured posts and moderator lists are not mirrored yet",
};

/** Logs, with its reason, an activity Copse deliberately does not act on. */
export async function onIgnored(
  _ctx: InboxContext<ContextData>,
  activity: Activity,
): Promise<void> {
  const type = activity.constructor.name;
  log.info("Ignored {type} {id} from {actor}: {reason}", {
    type,
    id: activity.id?.href,
    actor: activity.actorId?.href,
    reason: IGNORED_REASONS[type] ?? "not supported",
  });
}
