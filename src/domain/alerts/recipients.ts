import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts } from "../../db/schema/index.ts";
import { findCommunityByActorId } from "../communities.ts";
import { canView, getItem, type ItemRow } from "../items.ts";
import type { Membership } from "../membership.ts";
import { mentionedIn } from "../mentions.ts";
import type { MessageRow } from "../messages.ts";
import { frequencyFor } from "./settings.ts";
import { type AlertFrequency, communityTopic, defaultFrequency } from "./topics.ts";

/** One person to be told about one thing, at the frequency they chose. */
export interface PlannedAlert {
  personId: number;
  topic: string;
  frequency: Exclude<AlertFrequency, "off">;
  /**
   * What happened: `item:{id}`, `message:{id}`, `revision:{id}` (a wiki edit) or
   * `membership:{id}:{requestedAt}` (one request; the row is reused when someone asks again).
   */
  subject: string;
  /** The community the news is from; null for messages and replies. */
  groupId: number | null;
}

/** A local member who has not switched a topic off, and how often they hear about it. */
interface Listener {
  personId: number;
  frequency: PlannedAlert["frequency"];
}

/**
 * The local facilitators with an account of a group who have not switched `topic` off, with
 * their frequency, in membership order; one query for the whole community.
 */
function facilitatorListeners(db: Db, groupId: number, topic: string): Listener[] {
  return db.$client
    .prepare(
      `SELECT m.member_id AS personId, COALESCE(s.frequency, @fallback) AS frequency
       FROM memberships m
       JOIN accounts a ON a.actor_id = m.member_id
       LEFT JOIN alert_settings s ON s.person_id = m.member_id AND s.topic = @topic
       WHERE m.group_id = @group AND m.state = 'active' AND m.role = 'facilitator'
         AND COALESCE(s.frequency, @fallback) <> 'off'
       ORDER BY m.id`,
    )
    .all({ group: groupId, topic, fallback: defaultFrequency(topic) }) as Listener[];
}

/** Whether an actor is a local person with an account (only they can get mail). */
function hasAccount(db: Db, actorId: number): boolean {
  return db.select().from(accounts).where(eq(accounts.actorId, actorId)).get() !== undefined;
}

/**
 * Who hears about a new item personally: the author of what it answers, as a reply (unless they
 * switched replies off), and the local people it mentions. The members of its communities hear
 * of it as community news (news.ts), which leaves out whoever is planned here, so a reply in my
 * community to my own topic alerts me once. The author never hears of their own post.
 */
export function itemAlerts(db: Db, item: ItemRow): PlannedAlert[] {
  if (item.status !== "published" || item.deletedAt) return [];
  const subject = `item:${item.id}`;
  const planned = new Map<number, PlannedAlert>();
  const parent = item.parentId ? getItem(db, item.parentId) : undefined;
  const parentAuthor = parent && !parent.deletedAt ? parent.authorId : undefined;
  // Planned first, so they hear of it as a reply to them rather than as community news.
  if (
    parentAuthor !== undefined &&
    parentAuthor !== item.authorId &&
    hasAccount(db, parentAuthor)
  ) {
    const frequency = frequencyFor(db, parentAuthor, "replies");
    if (frequency !== "off" && canView(db, item, parentAuthor)) {
      planned.set(parentAuthor, {
        personId: parentAuthor,
        topic: "replies",
        frequency,
        subject,
        groupId: null,
      });
    }
  }
  planMentioned(db, item, subject, planned);
  return [...planned.values()];
}

/**
 * Plans news of an item for the local people it mentions, with their replies, as it is addressed
 * to them; never for someone who may not see it (a private community they are not in).
 */
function planMentioned(
  db: Db,
  item: ItemRow,
  subject: string,
  planned: Map<number, PlannedAlert>,
): void {
  for (const person of mentionedIn(db, item.id)) {
    if (!person.isLocal || person.id === item.authorId || planned.has(person.id)) continue;
    if (!hasAccount(db, person.id) || !canView(db, item, person.id)) continue;
    const frequency = frequencyFor(db, person.id, "replies");
    if (frequency === "off") continue;
    planned.set(person.id, {
      personId: person.id,
      topic: "replies",
      frequency,
      subject,
      groupId: null,
    });
  }
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
  const at = membership.requestedAt?.getTime();
  return facilitatorAlerts(
    db,
    membership.groupId,
    communityTopic(membership.groupId, "requests"),
    `membership:${membership.id}${at === undefined ? "" : `:${at}`}`,
    null,
  );
}

/**
 * Plans news for the facilitators of a local community who have not switched `topic` off, except
 * `skip` (a facilitator who is themselves the cause, such as the reporter).
 */
export function facilitatorAlerts(
  db: Db,
  groupId: number,
  topic: string,
  subject: string,
  skip: number | null,
): PlannedAlert[] {
  return facilitatorListeners(db, groupId, topic)
    .filter(({ personId }) => personId !== skip)
    .map(({ personId, frequency }) => ({ personId, topic, frequency, subject, groupId }));
}

/** Plans one piece of news about the person themselves (the `decisions` topic), if they get mail. */
export function personalAlert(
  db: Db,
  personId: number,
  subject: string,
  groupId: number | null,
): PlannedAlert[] {
  if (!hasAccount(db, personId)) return [];
  const frequency = frequencyFor(db, personId, "decisions");
  if (frequency === "off") return [];
  return [{ personId, topic: "decisions", frequency, subject, groupId }];
}
