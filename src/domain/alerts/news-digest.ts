import { eq, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alertDigestCursors, alertEntries, alertNews } from "../../db/schema/index.ts";
import { communityPagePath } from "../paths.ts";
import type { AlertEntry, AlertLine } from "./line-parts.ts";
import type { AlertLookups } from "./lookups.ts";
import { type NewsRow, newsEntry, newsTopicFor } from "./news.ts";
import { parseTopic, sectionLabel } from "./topics.ts";

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

/** The news in one community between two positions, oldest first, read once per run. */
function newsOfGroup(
  db: Db,
  look: AlertLookups,
  groupId: number,
  from: number,
  to: number,
): NewsRow[] {
  return look.derive(`news:${groupId}:${from}:${to}`, () =>
    // CROSS JOIN keeps the news (a short range of ids) as the outer loop: a community's
    // item_groups rows run to tens of thousands.
    db.$client
      .prepare(
        `SELECT n.id, n.item_id AS itemId, n.subject, n.section, n.author_id AS authorId,
           n.recorded_at AS recordedAt
         FROM alert_news n CROSS JOIN item_groups ig
         WHERE ig.item_id = n.item_id AND ig.group_id = ? AND n.id > ? AND n.id <= ?
         ORDER BY n.id`,
      )
      .all(groupId, from, to),
  ) as NewsRow[];
}

/**
 * The community news waiting for one person's digest of one frequency, as entries (without
 * rows) in news order, and the position to move to once they are mailed. Left out: what they
 * hear of personally (a reply to them is not also forum news), what they made, and news of a
 * topic they have switched off since (dropped, as a pending entry was).
 */
export function newsForDigest(
  db: Db,
  look: AlertLookups,
  personId: number,
  frequency: DigestFrequency,
  upTo: number,
): AlertEntry[] {
  const from = positionOf(db, personId, frequency);
  if (from >= upTo) return [];
  const found = new Map<number, NewsRow>();
  for (const groupId of look.groupsOfMember(personId)) {
    for (const news of newsOfGroup(db, look, groupId, from, upTo)) found.set(news.id, news);
  }
  if (found.size === 0) return [];
  const personal = new Set(
    db
      .select({ subject: alertEntries.subject })
      .from(alertEntries)
      .where(eq(alertEntries.personId, personId))
      .all()
      .map((e) => e.subject),
  );
  const entries: AlertEntry[] = [];
  for (const news of [...found.values()].sort((a, b) => a.id - b.id)) {
    if (personal.has(news.subject)) continue;
    const topic = newsTopicFor(look, personId, news);
    if (topic?.frequency !== frequency) continue;
    if (look.frequency(personId, topic.topic) === "off") continue;
    entries.push(newsEntry(news, personId, topic));
  }
  return entries;
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

/**
 * At most this many lines of one community section in a digest; the rest are counted in a
 * closing line that links to the section. A busy community's day fills a digest with a
 * thousand lines otherwise, and a thousand digests like it fill the outbox with gigabytes.
 */
export const DIGEST_SECTION_LINES = 10;

/** News of one section left out of a digest beyond DIGEST_SECTION_LINES. */
export interface MoreNews {
  groupId: number;
  topic: string;
  count: number;
}

/**
 * Keeps the newest DIGEST_SECTION_LINES pieces of news of each topic, in news order, and
 * counts the rest by topic. Entries with rows (personal news) pass through untouched.
 */
export function capNews(entries: AlertEntry[]): { shown: AlertEntry[]; more: MoreNews[] } {
  const perTopic = new Map<string, number>();
  for (const e of entries) if (e.id === 0) perTopic.set(e.topic, (perTopic.get(e.topic) ?? 0) + 1);
  const seen = new Map<string, number>();
  const more = new Map<string, MoreNews>();
  const shown: AlertEntry[] = [];
  for (const e of entries) {
    const total = perTopic.get(e.topic);
    if (e.id !== 0 || total === undefined) {
      shown.push(e);
      continue;
    }
    const index = seen.get(e.topic) ?? 0;
    seen.set(e.topic, index + 1);
    if (index >= total - DIGEST_SECTION_LINES) {
      shown.push(e);
    } else {
      const m = more.get(e.topic) ?? { groupId: e.groupId!, topic: e.topic, count: 0 };
      m.count++;
      more.set(e.topic, m);
    }
  }
  return { shown, more: [...more.values()] };
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
