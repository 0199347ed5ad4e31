import { eq, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alertDigestCursors, alertEntries, alertNews } from "../../db/schema/index.ts";
import { communityPagePath } from "../paths.ts";
import type { AlertEntry, AlertLine } from "./line-parts.ts";
import type { AlertLookups } from "./lookups.ts";
import { type NewsRow, newsEntry, newsTopicFor } from "./news.ts";
import { communityTopic, parseTopic, sectionLabel } from "./topics.ts";

// The community news side of a digest. Each person's daily and weekly digest has a position in
// the news (alert_digest_cursors, two rows a person at most); a digest takes the news after it
// that the person hears of at that frequency and moves it, in the transaction that queues the
// mail. The news of one community is read once per run and shared by all its members' digests
// (AlertLookups.derive), so a run reads each piece of news once, not once per member.

type DigestFrequency = "daily" | "weekly";

/** The last news id, where a digest run stops reading. */
export function lastNewsId(db: Db): number {
  return (
    db
      .select({ n: max(alertNews.id) })
      .from(alertNews)
      .get()?.n ?? 0
  );
}

/** How far a person's digest of one frequency has read the news (0 before its first). */
function positionOf(db: Db, personId: number, frequency: DigestFrequency): number {
  return (
    (
      db.$client
        .prepare(
          "SELECT news_id AS n FROM alert_digest_cursors WHERE person_id = ? AND frequency = ?",
        )
        .get(personId, frequency) as { n: number } | undefined
    )?.n ?? 0
  );
}

/** Moves a person's digest position; call it in the transaction that queued their digest. */
export function moveDigestPosition(
  db: Db,
  personId: number,
  frequency: DigestFrequency,
  newsId: number,
): void {
  db.insert(alertDigestCursors)
    .values({ personId, frequency, newsId })
    .onConflictDoUpdate({
      target: [alertDigestCursors.personId, alertDigestCursors.frequency],
      set: { newsId },
    })
    .run();
}

/** One community section's news between two positions, shared by its members' digests. */
interface SectionNews {
  groupId: number;
  section: NewsRow["section"];
  /** Oldest first. */
  news: NewsRow[];
  /** Each piece of news by subject. */
  bySubject: Map<string, NewsRow>;
  /** How many pieces each author made. */
  authors: Map<number, number>;
  /** Whether every item in it is in this community alone (news in two needs the full rule). */
  alone: boolean;
  /** When the oldest piece was recorded. */
  firstAt: number;
}

/** A community's news between two positions, by section, read and indexed once per run. */
function sectionsOfGroup(
  db: Db,
  look: AlertLookups,
  groupId: number,
  from: number,
  to: number,
): SectionNews[] {
  return look.derive(`news:${groupId}:${from}:${to}`, () => {
    // CROSS JOIN keeps the news (a short range of ids) as the outer loop: a community's
    // item_groups rows run to tens of thousands.
    const rows = db.$client
      .prepare(
        `SELECT n.id, n.item_id AS itemId, n.subject, n.section, n.author_id AS authorId,
           n.recorded_at AS recordedAt,
           (SELECT COUNT(*) FROM item_groups o WHERE o.item_id = n.item_id) AS groups
         FROM alert_news n CROSS JOIN item_groups ig
         WHERE ig.item_id = n.item_id AND ig.group_id = ? AND n.id > ? AND n.id <= ?
         ORDER BY n.id`,
      )
      .all(groupId, from, to) as (NewsRow & { groups: number })[];
    const sections = new Map<string, SectionNews>();
    for (const { groups, ...news } of rows) {
      let list = sections.get(news.section);
      if (!list) {
        list = {
          groupId,
          section: news.section,
          news: [],
          bySubject: new Map(),
          authors: new Map(),
          alone: true,
          firstAt: news.recordedAt,
        };
        sections.set(news.section, list);
      }
      list.news.push(news);
      list.bySubject.set(news.subject, news);
      list.authors.set(news.authorId, (list.authors.get(news.authorId) ?? 0) + 1);
      list.alone &&= groups === 1;
      list.firstAt = Math.min(list.firstAt, news.recordedAt);
    }
    return [...sections.values()];
  });
}

/** News of one section left out of a digest beyond its line limit. */
export interface MoreNews {
  groupId: number;
  topic: string;
  count: number;
}

/**
 * At most this many lines of one community section in a digest; the rest are counted in a
 * closing line that links to the section. A busy community's day fills a digest with a
 * thousand lines otherwise, and a thousand digests like it fill the outbox with gigabytes.
 */
export const DIGEST_SECTION_LINES = 10;

/**
 * The community news waiting for one person's digest of one frequency: the newest `limit`
 * pieces of each section as entries (without rows), in news order, and how many more each
 * section has. Left out: what they hear of personally (a reply to them is not also forum news),
 * what they made, news from before they joined, and news of a topic they have switched off
 * since (dropped, as a pending entry was).
 *
 * Most sections take the short way: a member since before all of it, with no earlier choice
 * to consult, of a section whose items are in this community alone, gets the whole list but
 * their own posts and personal news, so the newest lines are found from the end and the rest
 * counted by subtraction, without looking at every piece for every member. Otherwise each
 * piece goes through newsTopicFor, the rule the sweep uses.
 */
export function digestNews(
  db: Db,
  look: AlertLookups,
  personId: number,
  frequency: DigestFrequency,
  upTo: number,
  limit = DIGEST_SECTION_LINES,
): { shown: AlertEntry[]; more: MoreNews[] } {
  const shown: AlertEntry[] = [];
  const more: MoreNews[] = [];
  const from = positionOf(db, personId, frequency);
  if (from >= upTo) return { shown, more };
  let personal: Set<string> | undefined;
  for (const groupId of look.groupsOfMember(personId)) {
    const isLocal = look.actor(groupId)?.isLocal ?? false;
    for (const list of sectionsOfGroup(db, look, groupId, from, upTo)) {
      personal ??= personalSubjects(db, personId);
      const topic = communityTopic(groupId, list.section);
      const told = { groupId, topic, frequency } as const;
      const since = look.activeSince(groupId, personId) ?? Number.POSITIVE_INFINITY;
      let picked: NewsRow[];
      let total: number;
      if (list.alone && since <= list.firstAt && !look.hasEarlierChoice(personId, topic)) {
        if (look.frequency(personId, topic) !== frequency) continue;
        if (isLocal && !look.sectionOn(groupId, list.section)) continue;
        picked = newestOf(list, personId, personal, limit);
        total = list.news.length - excludedFrom(list, personId, personal);
      } else {
        const mine = list.news.filter((news) => {
          if (personal!.has(news.subject)) return false;
          const topicOf = newsTopicFor(look, personId, news);
          return topicOf?.groupId === groupId && topicOf.frequency === frequency;
        });
        if (look.frequency(personId, topic) === "off") continue;
        picked = mine.slice(Math.max(0, mine.length - limit));
        total = mine.length;
      }
      shown.push(...picked.map((news) => newsEntry(news, personId, told)));
      if (total > picked.length) more.push({ groupId, topic, count: total - picked.length });
    }
  }
  return { shown, more };
}

/** Everything waiting for a person's digest, every line; what a digest would say in full. */
export function newsForDigest(
  db: Db,
  look: AlertLookups,
  personId: number,
  frequency: DigestFrequency,
  upTo: number,
): AlertEntry[] {
  return digestNews(db, look, personId, frequency, upTo, Number.POSITIVE_INFINITY).shown;
}

/** The subjects a person has entries for (news about them), to leave out of community news. */
function personalSubjects(db: Db, personId: number): Set<string> {
  return new Set(
    db
      .select({ subject: alertEntries.subject })
      .from(alertEntries)
      .where(eq(alertEntries.personId, personId))
      .all()
      .map((e) => e.subject),
  );
}

/** The newest `limit` pieces of a section a person did not make nor hear of personally. */
function newestOf(
  list: SectionNews,
  personId: number,
  personal: Set<string>,
  limit: number,
): NewsRow[] {
  const picked: NewsRow[] = [];
  for (let i = list.news.length - 1; i >= 0 && picked.length < limit; i--) {
    const news = list.news[i]!;
    if (news.authorId !== personId && !personal.has(news.subject)) picked.push(news);
  }
  return picked.reverse();
}

/** How many pieces of a section a person made or hears of personally, each counted once. */
function excludedFrom(list: SectionNews, personId: number, personal: Set<string>): number {
  let excluded = list.authors.get(personId) ?? 0;
  for (const subject of personal) {
    const news = list.bySubject.get(subject);
    if (news && news.authorId !== personId) excluded++;
  }
  return excluded;
}

/**
 * The people whose digest of one frequency may have community news: local members with an
 * account of a community with news after their position. Reads each piece of news once and
 * each membership once.
 */
export function peopleWithNews(db: Db, frequency: DigestFrequency, upTo: number): number[] {
  return (
    db.$client
      .prepare(
        `WITH fresh AS (
           SELECT ig.group_id AS groupId, MAX(n.id) AS last
           FROM alert_news n CROSS JOIN item_groups ig
           WHERE ig.item_id = n.item_id AND n.id <= @upTo
           GROUP BY ig.group_id)
         SELECT DISTINCT m.member_id AS personId
         FROM fresh f
         JOIN memberships m ON m.group_id = f.groupId AND m.state = 'active'
         JOIN accounts a ON a.actor_id = m.member_id
         LEFT JOIN alert_digest_cursors c ON c.person_id = m.member_id AND c.frequency = @frequency
         WHERE f.last > COALESCE(c.news_id, 0)`,
      )
      .all({ upTo, frequency }) as { personId: number }[]
  ).map((r) => r.personId);
}

/** The closing line of a capped section: how many more, linked to the section's page. */
export function moreLine(
  look: AlertLookups,
  origin: string,
  more: MoreNews,
): AlertLine | undefined {
  const group = look.actor(more.groupId);
  const topic = parseTopic(more.topic);
  if (!group || topic?.kind !== "community") return undefined;
  const community = communityPagePath(group.handle, group.isLocal ? undefined : group.host);
  return {
    entryId: 0,
    community: group.name || group.handle,
    heading: sectionLabel(topic.section),
    title: `${more.count} earlier ${more.count === 1 ? "post" : "posts"} not listed here`,
    by: "",
    url: `${origin}${community}/${topic.section}`,
    summary: true,
  };
}
