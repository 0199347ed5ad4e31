import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { alertEntries } from "../../db/schema/index.ts";
import { type AlertSite, emailOf, queueAlertMail } from "./deliver.ts";
import { type AlertEntry, type AlertLine, lineForEntry } from "./entry-lines.ts";
import { AlertLookups } from "./lookups.ts";
import { pruneNews } from "./news.ts";
import {
  digestNews,
  lastNewsId,
  moreLine,
  moveDigestPosition,
  peopleWithNews,
} from "./news-digest.ts";
import { digestTopic } from "./topics.ts";

/** What one digest run did. */
export interface DigestResult {
  mails: number;
  /** People whose digest failed; their entries wait for the next run, untouched. */
  failed: number;
}

/** Raised when some people's digests could not be queued; the others were. */
export class DigestError extends Error {
  constructor(readonly causes: unknown[]) {
    super(`${causes.length} digest(s) could not be queued: ${causes.map(String).join("; ")}`);
    this.name = "DigestError";
  }
}

/** The people with entries or community news waiting for a digest of this frequency. */
function peopleWaiting(db: Db, frequency: "daily" | "weekly", upTo: number): number[] {
  const withEntries = db
    .selectDistinct({ personId: alertEntries.personId })
    .from(alertEntries)
    .where(and(eq(alertEntries.frequency, frequency), isNull(alertEntries.mailId)))
    .all()
    .map((r) => r.personId);
  const people = new Set([...withEntries, ...peopleWithNews(db, frequency, upTo)]);
  return [...people].sort((a, b) => a - b);
}

/**
 * Builds and queues one person's digest in one transaction: either the mail is queued, its
 * entries are marked and their digest position moves past the community news up to `upTo`,
 * or nothing changes. What the person may no longer see (they left the private community, the
 * item was deleted, they switched the topic off) is left out and its entry removed; membership
 * and visibility are checked here, when the mail is built, not only when the news was found.
 * Returns whether a mail was queued. A run over many people passes one `look`, so the items,
 * authors, communities and news their digests share are read once.
 */
export function queuePersonDigest(
  db: Db,
  site: AlertSite,
  personId: number,
  frequency: "daily" | "weekly",
  look = new AlertLookups(db),
  upTo = lastNewsId(db),
): boolean {
  return db.transaction(() => {
    const entries = db
      .select()
      .from(alertEntries)
      .where(
        and(
          eq(alertEntries.personId, personId),
          eq(alertEntries.frequency, frequency),
          isNull(alertEntries.mailId),
        ),
      )
      .orderBy(alertEntries.id)
      .all();
    const news = digestNews(db, look, personId, frequency, upTo);
    entries.push(...news.shown);
    moveDigestPosition(db, personId, frequency, upTo);
    const kept: AlertEntry[] = [];
    const lines: AlertLine[] = [];
    const dropped: number[] = [];
    for (const entry of entries) {
      const line =
        look.frequency(personId, entry.topic) === "off"
          ? undefined
          : lineForEntry(db, site.origin, entry, "digest", look);
      if (line) {
        kept.push(entry);
        lines.push(line);
      } else {
        dropped.push(entry.id);
      }
    }
    const to = emailOf(db, personId);
    if (!to) dropped.push(...kept.splice(0).map((e) => e.id));
    const droppedRows = dropped.filter((id) => id > 0);
    if (droppedRows.length > 0)
      db.delete(alertEntries).where(inArray(alertEntries.id, droppedRows)).run();
    if (!to || kept.length === 0) return false;
    let count = kept.length;
    for (const more of news.more) {
      const line = moreLine(look, site.origin, more);
      if (!line) continue;
      lines.push(line);
      count += more.count;
    }
    const period = frequency === "daily" ? "daily" : "weekly";
    queueAlertMail(db, site, {
      personId,
      to,
      topic: digestTopic(frequency),
      subject: `Your ${period} digest from ${site.instanceName}: ${count} new`,
      intro: `Here is what is new for you on ${site.instanceName} since your last ${period} digest.`,
      entries: kept,
      lines,
    });
    return true;
  });
}

/**
 * Sends everyone their digest of one frequency. Each person is a transaction of their own, so
 * a failure or crash part-way leaves everyone either done or untouched, and a rerun sends each
 * digest once. Failures are collected and thrown at the end, after the others went out.
 */
export function sendDigests(db: Db, site: AlertSite, frequency: "daily" | "weekly"): DigestResult {
  const result: DigestResult = { mails: 0, failed: 0 };
  const causes: unknown[] = [];
  // The run is synchronous and writes only entries, mails and tokens, so what it reads of
  // items, people and memberships stays true from the first digest to the last.
  const look = new AlertLookups(db);
  pruneNews(db);
  const upTo = lastNewsId(db);
  for (const personId of peopleWaiting(db, frequency, upTo)) {
    try {
      if (queuePersonDigest(db, site, personId, frequency, look, upTo)) result.mails++;
    } catch (error) {
      result.failed++;
      causes.push(error);
    }
  }
  if (causes.length > 0) throw new DigestError(causes);
  return result;
}
