import { and, eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, memberships } from "../../db/schema/index.ts";
import { findCommunityByActorId } from "../communities.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../items.ts";
import type { Membership } from "../membership.ts";
import type { MessageRow } from "../messages.ts";
import { enabledSections } from "../sections.ts";
import { sectionOfItem } from "./item-section.ts";
import { frequencyFor } from "./settings.ts";
import { type AlertFrequency, communityTopic } from "./topics.ts";

/** One person to be told about one thing, at the frequency they chose. */
export interface PlannedAlert {
  personId: number;
  topic: string;
  frequency: Exclude<AlertFrequency, "off">;
  /** What happened: `item:{id}`, `message:{id}` or `membership:{id}`. */
  subject: string;
  /** The community the news is from; null for messages and replies. */
  groupId: number | null;
}

/** Local people with an account who are active members of a group, optionally only facilitators. */
function localMembers(db: Db, groupId: number, facilitatorsOnly = false): number[] {
  return db
    .select({ id: memberships.memberId })
    .from(memberships)
    .innerJoin(accounts, eq(accounts.actorId, memberships.memberId))
    .where(
      and(
        eq(memberships.groupId, groupId),
        eq(memberships.state, "active"),
        facilitatorsOnly ? eq(memberships.role, "facilitator") : undefined,
      ),
    )
    .all()
    .map((r) => r.id);
}

/** Whether an actor is a local person with an account (only they can get mail). */
function hasAccount(db: Db, actorId: number): boolean {
  return db.select().from(accounts).where(eq(accounts.actorId, actorId)).get() !== undefined;
}

/**
 * Who hears about a new item. The author of what it answers hears of it as a reply (unless they
 * switched replies off); then every local member of its communities who may see it and has not
 * switched that section off. The author never hears of their own post, and each person is
 * listed once, so a reply in my community to my own topic alerts me once.
 */
export function itemAlerts(db: Db, item: ItemRow): PlannedAlert[] {
  if (item.status !== "published" || item.deletedAt) return [];
  const subject = `item:${item.id}`;
  const planned = new Map<number, PlannedAlert>();
  const consider = (personId: number, topic: string, groupId: number | null) => {
    if (personId === item.authorId || planned.has(personId)) return;
    const frequency = frequencyFor(db, personId, topic);
    if (frequency === "off" || !canView(db, item, personId)) return;
    planned.set(personId, { personId, topic, frequency, subject, groupId });
  };

  const parent = item.parentId ? getItem(db, item.parentId) : undefined;
  if (parent && !parent.deletedAt && hasAccount(db, parent.authorId)) {
    consider(parent.authorId, "replies", null);
  }
  const section = sectionOfItem(db, item);
  for (const group of groupsOfItem(db, item.id)) {
    // A section the community switched off sends no news, even if old content remains.
    if (group.isLocal && !enabledSections(db, group.id).has(section)) continue;
    for (const personId of localMembers(db, group.id)) {
      consider(personId, communityTopic(group.id, section), group.id);
    }
  }
  return [...planned.values()];
}

/** Who hears about a new direct message: its recipient, when they have an account here. */
export function messageAlerts(db: Db, message: MessageRow): PlannedAlert[] {
  if (message.senderId === message.recipientId || !hasAccount(db, message.recipientId)) return [];
  const frequency = frequencyFor(db, message.recipientId, "messages");
  if (frequency === "off") return [];
  return [
    {
      personId: message.recipientId,
      topic: "messages",
      frequency,
      subject: `message:${message.id}`,
      groupId: null,
    },
  ];
}

/** Who hears about a new membership request: the facilitators of the local community asked. */
export function membershipAlerts(db: Db, membership: Membership): PlannedAlert[] {
  if (membership.state !== "pending" || !findCommunityByActorId(db, membership.groupId)) return [];
  const topic = communityTopic(membership.groupId, "requests");
  return localMembers(db, membership.groupId, true).flatMap((personId) => {
    const frequency = frequencyFor(db, personId, topic);
    return frequency === "off"
      ? []
      : [
          {
            personId,
            topic,
            frequency,
            subject: `membership:${membership.id}`,
            groupId: membership.groupId,
          },
        ];
  });
}
