import { asc, eq, gt, inArray, max } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  alertEntries,
  items,
  memberships,
  messages,
  scheduledTasks,
} from "../../db/schema/index.ts";
import { type AlertSite, emailOf, queueAlertMail } from "./deliver.ts";
import { lineForEntry } from "./entry-lines.ts";
import { itemAlerts, membershipAlerts, messageAlerts, type PlannedAlert } from "./recipients.ts";

// The sweep finds what is new by reading the tables rather than by hooks in every code path,
// so content written here and content arriving from other servers are alerted alike. Its
// position is a cursor of last-seen ids kept in the task's scheduled_tasks row and moved in the
// same transaction that records the entries, so a crash means a clean rerun, never a double.

/** The name of the sweep task; its schedule row also holds its cursor. */
export const SWEEP_TASK = "alerts.sweep";

/** How many new rows of each table one transaction takes on. */
const BATCH = 200;

/** Where the sweep has got to. */
interface SweepCursor {
  items: number;
  messages: number;
  memberships: number;
  /** Drafts already passed: they are alerted when published, which keeps their old id. */
  drafts: number[];
}

/** What one sweep did. */
export interface SweepResult {
  entries: number;
  mails: number;
}

function readCursor(db: Db): SweepCursor | undefined {
  const row = db.select().from(scheduledTasks).where(eq(scheduledTasks.name, SWEEP_TASK)).get();
  if (!row?.cursor) return undefined;
  const parsed = JSON.parse(row.cursor) as Partial<SweepCursor>;
  return {
    items: parsed.items ?? 0,
    messages: parsed.messages ?? 0,
    memberships: parsed.memberships ?? 0,
    drafts: parsed.drafts ?? [],
  };
}

function writeCursor(db: Db, cursor: SweepCursor): void {
  const value = JSON.stringify(cursor);
  db.insert(scheduledTasks)
    .values({ name: SWEEP_TASK, nextRunAt: Date.now(), cursor: value })
    .onConflictDoUpdate({ target: scheduledTasks.name, set: { cursor: value } })
    .run();
}

/** The current highest ids, where a new install starts so it does not mail old news. */
function currentMaxima(db: Db): SweepCursor {
  return {
    items:
      db
        .select({ n: max(items.id) })
        .from(items)
        .get()?.n ?? 0,
    messages:
      db
        .select({ n: max(messages.id) })
        .from(messages)
        .get()?.n ?? 0,
    memberships:
      db
        .select({ n: max(memberships.id) })
        .from(memberships)
        .get()?.n ?? 0,
    drafts: [],
  };
}

/** Records the planned entries; immediate ones are mailed at once. Returns [entries, mails]. */
function record(db: Db, site: AlertSite, planned: PlannedAlert[]): [number, number] {
  let entries = 0;
  let mails = 0;
  const now = Date.now();
  for (const alert of planned) {
    // The unique index keeps one entry per person and subject, whatever lists them twice.
    const entry = db
      .insert(alertEntries)
      .values({ ...alert, createdAt: now })
      .onConflictDoNothing()
      .returning()
      .get();
    if (!entry) continue;
    entries++;
    if (entry.frequency !== "immediate") continue;
    const to = emailOf(db, entry.personId);
    const line = lineForEntry(db, site.origin, entry);
    if (!to || !line) {
      // Nobody to write to, or nothing they may see: an entry left here would wait for ever.
      db.delete(alertEntries).where(eq(alertEntries.id, entry.id)).run();
      entries--;
      continue;
    }
    queueAlertMail(db, site, {
      personId: entry.personId,
      to,
      topic: entry.topic,
      subject: line.community ? `${line.community}: ${line.title}` : line.title,
      intro: `${line.by} — new on ${site.instanceName}:`,
      entries: [entry],
      lines: [line],
    });
    mails++;
  }
  return [entries, mails];
}

/** One transaction's worth of the sweep; returns whether more rows are waiting. */
function sweepBatch(db: Db, site: AlertSite, result: SweepResult): boolean {
  return db.transaction(() => {
    const cursor = readCursor(db)!;
    const planned: PlannedAlert[] = [];
    const drafts: number[] = [];

    // Drafts seen earlier are news once published; deleted ones are forgotten.
    const waiting =
      cursor.drafts.length > 0
        ? db.select().from(items).where(inArray(items.id, cursor.drafts)).all()
        : [];
    for (const item of waiting) {
      if (item.deletedAt) continue;
      if (item.status === "draft") drafts.push(item.id);
      else planned.push(...itemAlerts(db, item));
    }

    const newItems = db
      .select()
      .from(items)
      .where(gt(items.id, cursor.items))
      .orderBy(asc(items.id))
      .limit(BATCH)
      .all();
    for (const item of newItems) {
      if (item.deletedAt) continue;
      if (item.status === "draft") drafts.push(item.id);
      else planned.push(...itemAlerts(db, item));
    }
    const newMessages = db
      .select()
      .from(messages)
      .where(gt(messages.id, cursor.messages))
      .orderBy(asc(messages.id))
      .limit(BATCH)
      .all();
    for (const message of newMessages) planned.push(...messageAlerts(db, message));
    const newMemberships = db
      .select()
      .from(memberships)
      .where(gt(memberships.id, cursor.memberships))
      .orderBy(asc(memberships.id))
      .limit(BATCH)
      .all();
    for (const membership of newMemberships) planned.push(...membershipAlerts(db, membership));

    const [entries, mails] = record(db, site, planned);
    result.entries += entries;
    result.mails += mails;
    writeCursor(db, {
      items: newItems.at(-1)?.id ?? cursor.items,
      messages: newMessages.at(-1)?.id ?? cursor.messages,
      memberships: newMemberships.at(-1)?.id ?? cursor.memberships,
      drafts,
    });
    return (
      newItems.length === BATCH || newMessages.length === BATCH || newMemberships.length === BATCH
    );
  });
}

/**
 * Turns everything new since the last sweep into alert entries, and mails the immediate ones.
 * The very first sweep only notes where things stand, so a new install does not mail history.
 */
export function sweepAlerts(db: Db, site: AlertSite): SweepResult {
  const result: SweepResult = { entries: 0, mails: 0 };
  if (!readCursor(db)) {
    writeCursor(db, currentMaxima(db));
    return result;
  }
  while (sweepBatch(db, site, result)) {
    // Each batch is its own transaction, so a long backlog does not hold the database.
  }
  return result;
}
