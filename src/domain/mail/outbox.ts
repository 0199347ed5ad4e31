import { randomUUID } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { mailOutbox } from "../../db/schema/index.ts";

/** A mail ready to be queued: plain text and HTML bodies, and any extra headers. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
}

/** A row of the mail outbox. */
export type QueuedMail = typeof mailOutbox.$inferSelect;

/**
 * Puts a mail in the durable outbox and returns its row. Call it inside the transaction that
 * records why the mail is sent, so the two are saved together or not at all; the mail sender
 * task delivers it later, retrying with backoff.
 */
export function queueMail(db: Db, mail: OutgoingMail, origin: string): QueuedMail {
  return db
    .insert(mailOutbox)
    .values({
      toAddress: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: JSON.stringify(mail.headers ?? {}),
      messageId: `<${randomUUID()}@${new URL(origin).hostname}>`,
      nextAttemptAt: Date.now(),
    })
    .returning()
    .get();
}
