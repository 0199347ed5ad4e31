import { eq, inArray } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, alertEntries } from "../../db/schema/index.ts";
import { queueMail } from "../mail/outbox.ts";
import { type AlertEntry, type AlertLine, headlineOf, lineForEntry } from "./entry-lines.ts";
import { describeTopic } from "./labels.ts";
import type { AlertLookups } from "./lookups.ts";
import { alertMail } from "./mail-body.ts";
import { createUnsubscribeToken } from "./tokens.ts";

/** What alert mails need to know about the instance sending them. */
export interface AlertSite {
  origin: string;
  instanceName: string;
}

/** The address of a local person's account, if they have one. */
export function emailOf(db: Db, personId: number): string | undefined {
  return db.select().from(accounts).where(eq(accounts.actorId, personId)).get()?.email;
}

/**
 * Queues one alert mail carrying some entries, with a fresh unsubscribe token for `topic`, and
 * marks the entries as carried by it. Call it inside the transaction that decided to send them,
 * so the mail and the marks are saved together or not at all.
 */
export function queueAlertMail(
  db: Db,
  site: AlertSite,
  input: {
    personId: number;
    to: string;
    topic: string;
    subject: string;
    intro: string;
    entries: AlertEntry[];
    lines: AlertLine[];
  },
): number {
  const token = createUnsubscribeToken(db, input.personId, input.topic);
  const mail = queueMail(
    db,
    alertMail({
      to: input.to,
      subject: input.subject,
      intro: input.intro,
      lines: input.lines,
      instanceName: site.instanceName,
      unsubscribeUrl: `${site.origin}/alerts/unsubscribe/${token}`,
      unsubscribeLabel: describeTopic(db, input.topic),
      settingsUrl: `${site.origin}/settings/alerts`,
    }),
    site.origin,
  );
  // Community news has no entry row of its own (its id is 0): nothing to mark.
  const ids = input.entries.map((e) => e.id).filter((id) => id > 0);
  if (ids.length > 0) {
    db.update(alertEntries).set({ mailId: mail.id }).where(inArray(alertEntries.id, ids)).run();
  }
  return mail.id;
}

/**
 * Queues the mail that tells one person of one thing at once, if they have an address and may
 * still see it; returns whether a mail was queued. Call it inside the sweep's transaction.
 */
export function mailAtOnce(
  db: Db,
  site: AlertSite,
  entry: AlertEntry,
  look: AlertLookups,
): boolean {
  const to = emailOf(db, entry.personId);
  const line = lineForEntry(db, site.origin, entry, "immediate", look);
  if (!to || !line) return false;
  queueAlertMail(db, site, {
    personId: entry.personId,
    to,
    topic: entry.topic,
    subject: line.community ? `${line.community}: ${headlineOf(line)}` : headlineOf(line),
    intro: `New from ${line.by} on ${site.instanceName}:`,
    entries: [entry],
    lines: [line],
  });
  return true;
}
