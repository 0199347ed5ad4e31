import { InteractionPolicy, InteractionRule } from "@fedify/vocab";
import type { ItemRow } from "../../domain/items.ts";

const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/**
 * Who may reply to a topic, as GoToSocial's interaction policy: anyone, or once a facilitator
 * has locked it only its author (GoToSocial's way of saying "nobody else"; an empty rule would
 * vanish in JSON-LD). The home instance refuses even the author's replies to a locked topic.
 */
export function replyPolicy(item: ItemRow, authorIri: string): InteractionPolicy {
  return new InteractionPolicy({
    canReply: new InteractionRule({
      automaticApprovals: [new URL(item.lockedAt ? authorIri : PUBLIC)],
    }),
  });
}

/** Whether a policy closes a post to replies from the public; null if it says nothing. */
export function lockedByPolicy(policy: InteractionPolicy | null): boolean | null {
  const rule = policy?.canReply;
  if (!rule) return null;
  const open = [...rule.automaticApprovals, ...rule.manualApprovals].some((u) => u.href === PUBLIC);
  return !open;
}
