import { and, asc, eq, gt, inArray, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { items, memberships, messages, wikiRevisions } from "../../db/schema/index.ts";
import type { ItemRow } from "../items.ts";
import { type AlertSite, mailAtOnce } from "./deliver.ts";
import { AlertLookups } from "./lookups.ts";
import { moderationNewsSince } from "./moderation-news.ts";
import {
  isFresh,
  mailNewsAtOnce,
  type NewsRow,
  recordItemNews,
  recordRevisionNews,
} from "./news.ts";
import { itemAlerts, membershipAlerts, messageAlerts, type PlannedAlert } from "./recipients.ts";
import { currentPosition, readCursor, type SweepCursor, writeCursor } from "./sweep-cursor.ts";

export { SWEEP_TASK } from "./sweep-cursor.ts";

// The sweep finds what is new by reading the tables rather than by hooks in every code path,
// so content written here and content arriving from other servers are alerted alike. Its
// position is a cursor (see sweep-cursor.ts) moved in the same transaction that records the
// entries and news and queues the immediate mails, so a crash means a clean rerun, never a
// double. Personal news (replies, mentions, messages, moderation) becomes one entry per person
// told; community news becomes one row whoever hears of it (news.ts).

/** How many new rows of each table one transaction takes on. */
const BATCH = 200;

/** What one sweep did. */
export interface SweepResult {
  /** Personal entries recorded (one per person told). */
  entries: number;
  /** Pieces of community news recorded (one per item or edit, whoever hears of it). */
  news: number;
  /** Immediate mails queued. */
  mails: number;
}

/** Records the planned entries; immediate ones are mailed at once. Returns [entries, mails]. */
function record(
  db: Db,
  site: AlertSite,
  look: AlertLookups,
  planned: PlannedAlert[],
): [number, number] {
  let entries = 0;
  let mails = 0;
  const now = Date.now();
  const insert = db.$client.prepare(
    `INSERT INTO alert_entries (person_id, topic, frequency, subject, group_id, created_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const remove = db.$client.prepare("DELETE FROM alert_entries WHERE id = ?");
  for (const alert of planned) {
    // The unique index keeps one entry per person and subject, whatever lists them twice.
    const { changes, lastInsertRowid } = insert.run(
      alert.personId,
      alert.topic,
      alert.frequency,
      alert.subject,
      alert.groupId,
      now,
    );
    if (changes === 0) continue;
    entries++;
    if (alert.frequency !== "immediate") continue;
    const entry = { id: Number(lastInsertRowid), ...alert, createdAt: now, mailId: null };
    if (mailAtOnce(db, site, entry, look)) {
      mails++;
    } else {
      // Nobody to write to, or nothing they may see: an entry left here would wait for ever.
      remove.run(entry.id);
      entries--;
    }
  }
  return [entries, mails];
}

/** Community news found in one batch, and who hears of it personally instead. */
interface FoundNews {
  record: () => NewsRow | undefined;
  told: Set<number>;
}

/**
 * Membership rows asked for since a position, in request order. Time rather than id, because
 * asking again after a rejection reuses the row; the id breaks ties within a millisecond.
 */
function requestsSince(db: Db, from: SweepCursor["requests"]) {
  const at = new Date(from.at);
  return db
    .select()
    .from(memberships)
    .where(
      or(
        gt(memberships.requestedAt, at),
        and(eq(memberships.requestedAt, at), gt(memberships.id, from.id)),
      ),
    )
    .orderBy(asc(memberships.requestedAt), asc(memberships.id))
    .limit(BATCH)
    .all();
}

/** One transaction's worth of the sweep; returns whether more rows are waiting. */
function sweepBatch(db: Db, site: AlertSite, result: SweepResult): boolean {
  return db.transaction(() => {
    const cursor = readCursor(db)!;
    const now = Date.now();
    const look = new AlertLookups(db);
    const planned: PlannedAlert[] = [];
    const found: FoundNews[] = [];
    const drafts: number[] = [];
    const take = (item: ItemRow) => {
      if (item.deletedAt) return;
      if (item.status === "draft") drafts.push(item.id);
      // Found long after its date (an import, a restored backup, history arriving late): not news.
      else if (isFresh(item.publishedAt, now, cursor.notBefore)) {
        const personal = itemAlerts(db, item);
        planned.push(...personal);
        found.push({
          record: () => recordItemNews(db, look, item, now),
          told: new Set(personal.map((p) => p.personId)),
        });
      }
    };

    // Drafts seen earlier are news once published; deleted ones are forgotten.
    if (cursor.drafts.length > 0) {
      db.select().from(items).where(inArray(items.id, cursor.drafts)).all().forEach(take);
    }
    const newItems = db
      .select()
      .from(items)
      .where(gt(items.id, cursor.items))
      .orderBy(asc(items.id))
      .limit(BATCH)
      .all();
    newItems.forEach(take);
    const newMessages = db
      .select()
      .from(messages)
      .where(gt(messages.id, cursor.messages))
      .orderBy(asc(messages.id))
      .limit(BATCH)
      .all();
    for (const message of newMessages) planned.push(...messageAlerts(db, message));
    // Each edit of a page already told about is news of its own; the page's first revision,
    // or any revision of a page the sweep has yet to reach, is told as the new page instead.
    const newRevisions = db
      .select()
      .from(wikiRevisions)
      .where(gt(wikiRevisions.id, cursor.revisions))
      .orderBy(asc(wikiRevisions.id))
      .limit(BATCH)
      .all();
    for (const revision of newRevisions) {
      if (revision.itemId > cursor.items) continue;
      if (!isFresh(revision.createdAt, now, cursor.notBefore)) continue;
      found.push({ record: () => recordRevisionNews(db, look, revision, now), told: new Set() });
    }
    const newRequests = requestsSince(db, cursor.requests);
    for (const membership of newRequests) planned.push(...membershipAlerts(db, membership));
    const moderation = moderationNewsSince(db, cursor.moderation);
    planned.push(...moderation.planned);

    const [entries, mails] = record(db, site, look, planned);
    result.entries += entries;
    result.mails += mails;
    // After the personal entries, so whoever hears of an item as a reply is left out here.
    for (const { record: recordNews, told } of found) {
      const news = recordNews();
      if (!news) continue;
      result.news++;
      result.mails += mailNewsAtOnce(db, site, look, news, told);
    }
    const lastRequest = newRequests.at(-1);
    writeCursor(db, {
      items: newItems.at(-1)?.id ?? cursor.items,
      messages: newMessages.at(-1)?.id ?? cursor.messages,
      revisions: newRevisions.at(-1)?.id ?? cursor.revisions,
      requests: lastRequest?.requestedAt
        ? { at: lastRequest.requestedAt.getTime(), id: lastRequest.id }
        : cursor.requests,
      drafts,
      moderation: moderation.next,
      notBefore: cursor.notBefore,
    });
    return (
      moderation.more ||
      [newItems, newMessages, newRevisions, newRequests].some((r) => r.length === BATCH)
    );
  });
}

/** Starts the cursor where things stand now if there is none yet; true if it did. */
function isFirstSweep(db: Db): boolean {
  if (readCursor(db)) return false;
  writeCursor(db, currentPosition(db));
  return true;
}

/**
 * Turns everything new since the last sweep into alert entries and community news, and mails
 * the immediate ones.
 * The very first sweep only notes where things stand, so a new install does not mail history.
 */
export function sweepAlerts(db: Db, site: AlertSite): SweepResult {
  const result: SweepResult = { entries: 0, news: 0, mails: 0 };
  if (isFirstSweep(db)) return result;
  while (sweepBatch(db, site, result)) {
    // Each batch is its own transaction, so a long backlog does not hold the database.
  }
  return result;
}

/**
 * The same sweep, letting the server answer requests between batches. A backlog (content
 * written under the cursor by an import, or a large community's busy hour) swept in one go
 * held the first page of a start for minutes, when it planned an entry per member per item.
 */
export async function sweepAlertsPaced(db: Db, site: AlertSite): Promise<SweepResult> {
  const result: SweepResult = { entries: 0, news: 0, mails: 0 };
  if (isFirstSweep(db)) return result;
  // Each batch reads and moves the cursor in its own transaction, so a digest's sweep that
  // runs in a pause simply takes the next batch.
  while (sweepBatch(db, site, result)) await new Promise((resolve) => setImmediate(resolve));
  return result;
}
