import { and, count, desc, eq, lt, lte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { mailOutbox } from "../../db/schema/index.ts";
import { wakeTask } from "../scheduled-tasks.ts";
import type { QueuedMail } from "./outbox.ts";

// The life of a row in the mail outbox, as the sender moves it along:
//
//   queued --claim--> sending --accepted--> sent
//                        |
//                        +--refused or unreachable--> queued again, later (backoff)
//                        +--refused for the last time--> failed --"Retry now"--> queued
//
// Claiming is one UPDATE guarded by the row's current state, so two runs (or a run and an
// admin's retry) can never both send the same row. A claim counts as an attempt and already
// pushes nextAttemptAt out by the backoff, so a row left in `sending` by a crash is never lost:
// the next sender puts it back to `queued` (see releaseInterruptedMail). Delivery
// is therefore at least once; the row's stable Message-ID lets receivers drop a duplicate.

/** The name of the background task that sends the outbox; src/jobs registers it. */
export const MAIL_SEND_TASK = "mail.send";

/** After this many attempts a mail is marked failed and waits for an admin's "Retry now". */
export const MAX_MAIL_ATTEMPTS = 10;

const FIRST_RETRY_MS = 60_000;
const LONGEST_RETRY_MS = 6 * 60 * 60 * 1000;

/** How long to wait after the nth failed attempt: 1 minute, doubling, at most 6 hours. */
export function mailRetryDelay(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS);
}

/**
 * Takes the oldest due mail for sending, or returns undefined when none is due. The update only
 * succeeds while the row is still queued, so a row is claimed by exactly one caller.
 */
export function claimNextMail(db: Db, now = Date.now()): QueuedMail | undefined {
  for (;;) {
    const due = db
      .select({ id: mailOutbox.id, attempts: mailOutbox.attempts })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.state, "queued"), lte(mailOutbox.nextAttemptAt, now)))
      .orderBy(mailOutbox.nextAttemptAt, mailOutbox.id)
      .limit(1)
      .get();
    if (!due) return undefined;
    const attempts = due.attempts + 1;
    const claimed = db
      .update(mailOutbox)
      .set({ state: "sending", attempts, nextAttemptAt: now + mailRetryDelay(attempts) })
      .where(and(eq(mailOutbox.id, due.id), eq(mailOutbox.state, "queued")))
      .returning()
      .get();
    // Another process took it between the two statements: look for the next one.
    if (claimed) return claimed;
  }
}

/** Records that the mail server (or the .eml directory) accepted a claimed mail. */
export function recordMailSent(db: Db, id: number, sentAt: number): void {
  db.update(mailOutbox)
    .set({ state: "sent", sentAt, lastError: null })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, "sending")))
    .run();
}

/**
 * Records a failed attempt on a claimed mail: it is queued again after the backoff, or marked
 * failed once it has had MAX_MAIL_ATTEMPTS. Returns the row as it now stands.
 */
export function recordMailFailure(
  db: Db,
  id: number,
  error: string,
  now = Date.now(),
): QueuedMail | undefined {
  const row = db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).get();
  if (row?.state !== "sending") return row;
  const giveUp = row.attempts >= MAX_MAIL_ATTEMPTS;
  return db
    .update(mailOutbox)
    .set({
      state: giveUp ? "failed" : "queued",
      lastError: error.slice(0, 1000),
      nextAttemptAt: now + mailRetryDelay(row.attempts),
    })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, "sending")))
    .returning()
    .get();
}

/**
 * Puts mail left in `sending` by a process that stopped mid-send back in the queue, due now.
 * Call it only while no other sender can be running: at a process's first run of the sender,
 * and at a run after one whose worker died (runs hold the sender task's lease, src/jobs), so
 * every such row belongs to a sender that is gone. A row that has already had
 * its last attempt is marked failed instead, so a mail that crashes the sender cannot loop.
 */
export function releaseInterruptedMail(db: Db, now = Date.now()): number {
  const reason = "The server stopped while sending this mail.";
  return db.transaction((tx) => {
    const requeued = tx
      .update(mailOutbox)
      .set({ state: "queued", nextAttemptAt: now, lastError: reason })
      .where(and(eq(mailOutbox.state, "sending"), lt(mailOutbox.attempts, MAX_MAIL_ATTEMPTS)))
      .run();
    const failed = tx
      .update(mailOutbox)
      .set({ state: "failed", lastError: reason })
      .where(eq(mailOutbox.state, "sending"))
      .run();
    return requeued.changes + failed.changes;
  });
}

/** Brings the mail sender's next run forward to now, for code that cannot reach the runner. */
export function wakeMailSender(db: Db, now = Date.now()): void {
  wakeTask(db, MAIL_SEND_TASK, now);
}

/** Why an admin's "Retry now" did nothing. */
export type RetryRefusal = "not-found" | "not-failed";

/**
 * Queues a failed mail again, due now, with a fresh set of attempts. Only failed mail can be
 * retried: queued mail is already waiting and sent mail must not go out twice.
 */
export function retryFailedMail(db: Db, id: number, now = Date.now()): RetryRefusal | null {
  const retried = db
    .update(mailOutbox)
    .set({ state: "queued", attempts: 0, nextAttemptAt: now })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.state, "failed")))
    .run();
  if (retried.changes === 1) {
    wakeMailSender(db, now);
    return null;
  }
  return findMail(db, id) ? "not-failed" : "not-found";
}

/** One outbox row by id. */
export function findMail(db: Db, id: number): QueuedMail | undefined {
  return db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).get();
}

/** A page of the outbox, newest first, with the total number of rows. */
export function listOutbox(
  db: Db,
  options: { page: number; pageSize: number },
): { mails: QueuedMail[]; total: number } {
  const total = db.select({ n: count() }).from(mailOutbox).get()?.n ?? 0;
  const mails = db
    .select()
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.id))
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)
    .all();
  return { mails, total };
}
