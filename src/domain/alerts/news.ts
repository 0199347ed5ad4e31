import { and, eq, isNotNull, lt, min } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  alertEntries,
  alertNews,
  alertSettingChanges,
  wikiRevisions,
} from "../../db/schema/index.ts";
import type { ItemRow } from "../items.ts";
import type { WikiRevision } from "../wiki/wiki.ts";
import { type AlertSite, mailAtOnce } from "./deliver.ts";
import { sectionOfItem } from "./item-section.ts";
import type { AlertEntry } from "./line-parts.ts";
import type { AlertLookups } from "./lookups.ts";
import { type AlertFrequency, communityTopic } from "./topics.ts";

// Community news (a new item or a wiki edit in a community) is recorded once, whoever hears of
// it: one alert_news row, not one entry per member. Who gets what is decided when a mail is
// built: the sweep mails the few who chose "immediately" at once, and each digest reads the
// news since its own position (news-digest.ts), from memberships and settings as they then
// stand. Storage grows with items plus members, never with their product.
//
// What is not news: content dated more than ALERT_WINDOW_MS before the sweep finds it (a
// restored backup, an import, a remote community's history arriving late) or before the
// instance's restore point (see sweep-cursor.ts). It stays readable on the site; it is simply
// not mailed, so an old backlog cannot flood the alert tables or the outbox.

/** Content found later than this after its date is history rather than news. */
export const ALERT_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;

/**
 * How long news is kept for the digests. Longer than a week, so a weekly digest delayed by a
 * stopped server still finds its news; news a digest has not taken by then is not mailed.
 */
export const NEWS_KEPT_MS = 15 * 24 * 60 * 60 * 1000;

/** A row of the alert_news table. */
export type NewsRow = typeof alertNews.$inferSelect;

/** Whether something dated `at` is still news when the sweep finds it at `now`. */
export function isFresh(at: Date | number, now: number, notBefore: number): boolean {
  const time = typeof at === "number" ? at : at.getTime();
  return time >= Math.max(now - ALERT_WINDOW_MS, notBefore);
}

/** Records a published item in a community as news; undefined when it is in none. */
export function recordItemNews(
  db: Db,
  look: AlertLookups,
  item: ItemRow,
  now: number,
): NewsRow | undefined {
  if (look.groupsOf(item.id).length === 0) return undefined;
  return db
    .insert(alertNews)
    .values({
      itemId: item.id,
      subject: `item:${item.id}`,
      section: sectionOfItem(db, item),
      authorId: item.authorId,
      recordedAt: now,
    })
    .returning()
    .get();
}

/**
 * Records an edit of a wiki page in a community as news. The page's first revision here is not
 * an edit: it arrived with the page, which is told as a new item.
 */
export function recordRevisionNews(
  db: Db,
  look: AlertLookups,
  revision: WikiRevision,
  now: number,
): NewsRow | undefined {
  const page = look.item(revision.itemId);
  if (!page || page.deletedAt || page.status !== "published") return undefined;
  if (look.groupsOf(page.id).length === 0) return undefined;
  const earlier = db
    .select({ id: wikiRevisions.id })
    .from(wikiRevisions)
    .where(and(eq(wikiRevisions.itemId, page.id), lt(wikiRevisions.number, revision.number)))
    .get();
  if (!earlier) return undefined;
  return db
    .insert(alertNews)
    .values({
      itemId: page.id,
      subject: `revision:${revision.id}`,
      section: "wiki",
      authorId: revision.authorId,
      recordedAt: now,
    })
    .returning()
    .get();
}

/** The community a person hears of a piece of news through, its topic and their frequency. */
export interface NewsTopic {
  groupId: number;
  topic: string;
  frequency: Exclude<AlertFrequency, "off">;
}

/**
 * Which of an item's communities a person hears of a piece of news through: the first (in the
 * item's order) where they were an active member when it was recorded, the section is on and
 * they had not switched it off. One rule for the sweep and the digests, so news posted to two
 * communities reaches a member of both once. Undefined when they hear of it through none.
 */
export function newsTopicFor(
  look: AlertLookups,
  personId: number,
  news: NewsRow,
): NewsTopic | undefined {
  if (news.authorId === personId) return undefined;
  for (const group of look.groupsOf(news.itemId)) {
    const since = look.activeSince(group.id, personId);
    // Joined after it was recorded: news from before the subscription is not theirs.
    if (since === undefined || since > news.recordedAt) continue;
    if (group.isLocal && !look.sectionOn(group.id, news.section)) continue;
    const topic = communityTopic(group.id, news.section);
    const frequency = look.frequencyAt(personId, topic, news.id);
    if (frequency === "off") continue;
    return { groupId: group.id, topic, frequency };
  }
  return undefined;
}

/** A piece of news for one person, in the shape alert lines are made from (it has no row). */
export function newsEntry(news: NewsRow, personId: number, topic: NewsTopic): AlertEntry {
  return {
    id: 0,
    personId,
    topic: topic.topic,
    frequency: topic.frequency,
    subject: news.subject,
    groupId: topic.groupId,
    createdAt: news.recordedAt,
    mailId: null,
  };
}

/**
 * The local members with an account who chose to hear of a community section immediately.
 * Community sections default to the daily digest, so they all have a setting row, and the
 * topic index finds them without reading the community's whole membership.
 */
function immediateListeners(db: Db, groupId: number, topic: string): number[] {
  return (
    db.$client
      .prepare(
        `SELECT s.person_id AS personId FROM alert_settings s
         JOIN memberships m ON m.member_id = s.person_id AND m.group_id = @group
           AND m.state = 'active'
         JOIN accounts a ON a.actor_id = s.person_id
         WHERE s.topic = @topic AND s.frequency = 'immediate'
         ORDER BY m.id`,
      )
      .all({ group: groupId, topic }) as { personId: number }[]
  ).map((r) => r.personId);
}

/**
 * Mails a piece of news at once to those who chose that, except `told` (people who already
 * hear of it personally, as a reply or a mention). Returns the number of mails queued.
 */
export function mailNewsAtOnce(
  db: Db,
  site: AlertSite,
  look: AlertLookups,
  news: NewsRow,
  told: Set<number>,
): number {
  let mails = 0;
  for (const group of look.groupsOf(news.itemId)) {
    for (const personId of immediateListeners(
      db,
      group.id,
      communityTopic(group.id, news.section),
    )) {
      if (told.has(personId)) continue;
      told.add(personId);
      const topic = newsTopicFor(look, personId, news);
      if (topic?.groupId !== group.id || topic.frequency !== "immediate") continue;
      if (mailAtOnce(db, site, newsEntry(news, personId, topic), look)) mails++;
    }
  }
  return mails;
}

/**
 * Forgets news older than NEWS_KEPT_MS, the earlier choices only it needed, and mailed
 * entries as old (they were kept to tell a reply from the community news of the same item).
 */
export function pruneNews(db: Db, now = Date.now()): void {
  const before = now - NEWS_KEPT_MS;
  db.transaction(() => {
    db.delete(alertNews).where(lt(alertNews.recordedAt, before)).run();
    const oldest = db
      .select({ n: min(alertNews.id) })
      .from(alertNews)
      .get()?.n;
    // With no news left, no earlier choice has anything to decide.
    db.delete(alertSettingChanges)
      .where(oldest == null ? undefined : lt(alertSettingChanges.untilNewsId, oldest))
      .run();
    db.delete(alertEntries)
      .where(and(isNotNull(alertEntries.mailId), lt(alertEntries.createdAt, before)))
      .run();
  });
}
