import { and, eq, lt } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, wikiRevisions } from "../../db/schema/index.ts";
import { findCommunityByActorId } from "../communities.ts";
import { canView, getItem, groupsOfItem, type ItemRow } from "../items.ts";
import type { Membership } from "../membership.ts";
import { mentionedIn } from "../mentions.ts";
import type { MessageRow } from "../messages.ts";
import { enabledSections } from "../sections.ts";
import { visibleItemSql } from "../visible-items.ts";
import type { WikiRevision } from "../wiki.ts";
import { sectionOfItem } from "./item-section.ts";
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
 * The local people with an account who are active members of a group (or only its
 * facilitators) and have not switched `topic` off, with their frequency, in membership order.
 * With `itemId`, only those who may see that item, by the same rule as canView. One query
 * answers for a whole community: asking for each member's setting and visibility in turn cost
 * two queries per member per item, most of a sweep's time in a large community.
 */
function listeners(
  db: Db,
  groupId: number,
  topic: string,
  only: { itemId: number } | { facilitators: true },
): Listener[] {
  const condition =
    "itemId" in only
      ? `EXISTS (SELECT 1 FROM items i WHERE i.id = @item AND ${visibleItemSql("i", "m.member_id")})`
      : "m.role = 'facilitator'";
  return db.$client
    .prepare(
      `SELECT m.member_id AS personId, COALESCE(s.frequency, @fallback) AS frequency
       FROM memberships m
       JOIN accounts a ON a.actor_id = m.member_id
       LEFT JOIN alert_settings s ON s.person_id = m.member_id AND s.topic = @topic
       WHERE m.group_id = @group AND m.state = 'active' AND ${condition}
         AND COALESCE(s.frequency, @fallback) <> 'off'
       ORDER BY m.id`,
    )
    .all({
      group: groupId,
      topic,
      fallback: defaultFrequency(topic),
      ...("itemId" in only ? { item: only.itemId } : {}),
    }) as Listener[];
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
  planListeners(db, item, subject, item.authorId, planned);
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

/**
 * Plans news of an item for each local member of its communities who may see it and has not
 * switched its section off there, except `skip` (who made it) and anyone already planned.
 */
function planListeners(
  db: Db,
  item: ItemRow,
  subject: string,
  skip: number,
  planned: Map<number, PlannedAlert>,
): void {
  const section = sectionOfItem(db, item);
  for (const group of groupsOfItem(db, item.id)) {
    // A section the community switched off sends no news, even if old content remains.
    if (group.isLocal && !enabledSections(db, group.id).has(section)) continue;
    const topic = communityTopic(group.id, section);
    for (const { personId, frequency } of listeners(db, group.id, topic, { itemId: item.id })) {
      if (personId === skip || planned.has(personId)) continue;
      planned.set(personId, { personId, topic, frequency, subject, groupId: group.id });
    }
  }
}

/**
 * Who hears about an edit of a wiki page: the local members of its community who may see the
 * page and have not switched the wiki off, except the editor. The first revision a page has
 * here is not an edit: it arrived with the page, which is told as a new item.
 */
export function revisionAlerts(db: Db, revision: WikiRevision): PlannedAlert[] {
  const page = getItem(db, revision.itemId);
  if (!page || page.deletedAt || page.status !== "published") return [];
  const earlier = db
    .select({ id: wikiRevisions.id })
    .from(wikiRevisions)
    .where(and(eq(wikiRevisions.itemId, page.id), lt(wikiRevisions.number, revision.number)))
    .get();
  if (!earlier) return [];
  const planned = new Map<number, PlannedAlert>();
  planListeners(db, page, `revision:${revision.id}`, revision.authorId, planned);
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
  return listeners(db, groupId, topic, { facilitators: true })
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
