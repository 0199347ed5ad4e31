import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { mailOutbox } from "../../src/db/schema/index.ts";
import {
  claimNextMail,
  MAX_MAIL_ATTEMPTS,
  mailRetryDelay,
  recordMailFailure,
  recordMailSent,
  releaseInterruptedMail,
} from "../../src/domain/mail/delivery.ts";
import { queueMail } from "../../src/domain/mail/outbox.ts";
import { freshDb } from "../helpers/db.ts";

// The outbox's state changes on their own, over a fresh database: what a claim, a failure and
// a restart each leave behind.

const ORIGIN = "https://copse.example";
const MINUTE = 60_000;

function queue(db: ReturnType<typeof freshDb>, n: number) {
  return queueMail(
    db,
    { to: `r${n}@council.example`, subject: `Mail ${n}`, text: "Hello", html: "<p>Hello</p>" },
    ORIGIN,
  );
}

describe("the mail outbox's delivery states", () => {
  it("waits 1 minute after the first failure, doubling up to 6 hours", () => {
    expect([1, 2, 3, 4].map(mailRetryDelay)).toEqual([MINUTE, 2 * MINUTE, 4 * MINUTE, 8 * MINUTE]);
    expect(mailRetryDelay(9)).toBe(256 * MINUTE);
    expect(mailRetryDelay(10)).toBe(6 * 60 * MINUTE);
    expect(mailRetryDelay(40)).toBe(6 * 60 * MINUTE);
  });

  it("lets a due mail be claimed once, oldest first, and not before it is due", () => {
    const db = freshDb();
    const a = queue(db, 1);
    const b = queue(db, 2);
    const now = Date.now();
    db.update(mailOutbox)
      .set({ nextAttemptAt: now + MINUTE })
      .where(eq(mailOutbox.id, b.id))
      .run();

    const claimed = claimNextMail(db, now);
    expect(claimed).toMatchObject({ id: a.id, state: "sending", attempts: 1 });
    // Claimed already, and the other is not due: there is nothing more to take.
    expect(claimNextMail(db, now)).toBeUndefined();
    expect(claimNextMail(db, now + MINUTE)?.id).toBe(b.id);
  });

  it("queues a failed attempt again after the backoff, and fails it after the last attempt", () => {
    const db = freshDb();
    const mail = queue(db, 1);
    let now = Date.now();
    for (let attempt = 1; attempt < MAX_MAIL_ATTEMPTS; attempt++) {
      claimNextMail(db, now);
      const after = recordMailFailure(db, mail.id, "451 Try again later", now);
      expect(after).toMatchObject({ state: "queued", attempts: attempt });
      expect(after?.nextAttemptAt).toBe(now + mailRetryDelay(attempt));
      now = after!.nextAttemptAt;
    }
    claimNextMail(db, now);
    expect(recordMailFailure(db, mail.id, "451 Try again later", now)?.state).toBe("failed");
    expect(claimNextMail(db, now + 365 * 24 * 60 * MINUTE)).toBeUndefined();
  });

  it("marks only a claimed mail sent, so a late report cannot resurrect a failed one", () => {
    const db = freshDb();
    const mail = queue(db, 1);
    recordMailSent(db, mail.id, Date.now());
    expect(db.select().from(mailOutbox).get()?.state).toBe("queued");
    claimNextMail(db);
    recordMailSent(db, mail.id, 1234);
    expect(db.select().from(mailOutbox).get()).toMatchObject({ state: "sent", sentAt: 1234 });
  });

  it("puts mail interrupted mid-send back in the queue at restart, unless it had its last try", () => {
    const db = freshDb();
    const interrupted = queue(db, 1);
    const exhausted = queue(db, 2);
    db.update(mailOutbox)
      .set({ attempts: MAX_MAIL_ATTEMPTS - 1 })
      .where(eq(mailOutbox.id, exhausted.id))
      .run();
    const now = Date.now();
    claimNextMail(db, now);
    claimNextMail(db, now);

    expect(releaseInterruptedMail(db, now + 1)).toBe(2);
    const rows = db.select().from(mailOutbox).orderBy(mailOutbox.id).all();
    expect(rows[0]).toMatchObject({ id: interrupted.id, state: "queued", nextAttemptAt: now + 1 });
    expect(rows[1]).toMatchObject({ id: exhausted.id, state: "failed" });
    expect(rows[0]?.lastError).toMatch(/stopped while sending/);
    expect(releaseInterruptedMail(db)).toBe(0);
  });
});
