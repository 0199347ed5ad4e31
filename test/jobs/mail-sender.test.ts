import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { ParsedMail } from "mailparser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { mailOutbox } from "../../src/db/schema/index.ts";
import { takeLease } from "../../src/domain/leases.ts";
import { claimNextMail, MAX_MAIL_ATTEMPTS } from "../../src/domain/mail/delivery.ts";
import { type OutgoingMail, type QueuedMail, queueMail } from "../../src/domain/mail/outbox.ts";
import { mailSenderTask } from "../../src/jobs/mail-sender.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { type SmtpSink, startSmtpSink } from "../helpers/smtp-sink.ts";

// The mail sender against a real SMTP server on loopback (test/helpers/smtp-sink.ts): what
// arrives, and that outages, refusals, crashes and concurrent runs never lose or double a mail.

const UNSUBSCRIBE = "<https://copse.example/alerts/unsubscribe/7f3a9c>";

/** A mail like the alerts queue: text and HTML, with RFC 8058 one-click unsubscribe headers. */
function alertMail(n: number, to = "bob@council.example"): OutgoingMail {
  return {
    to,
    subject: `New topic ${n} in Highways`,
    text: `Alice started "Gritting routes ${n}".\n\nRead it: https://copse.example/c/highways/forum/${n}`,
    html: `<p>Alice started <a href="https://copse.example/c/highways/forum/${n}">Gritting routes ${n}</a>.</p>`,
    headers: {
      "List-Unsubscribe": UNSUBSCRIBE,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
}

function row(db: Db, id: number): QueuedMail {
  return db.select().from(mailOutbox).where(eq(mailOutbox.id, id)).get()!;
}

/** Moves a mail's retry time to now, as if its backoff had passed. */
function backoffPassed(db: Db, id: number): void {
  db.update(mailOutbox).set({ nextAttemptAt: Date.now() }).where(eq(mailOutbox.id, id)).run();
}

/** How many received messages carry this Message-ID. */
function received(sink: SmtpSink, messageId: string): ParsedMail[] {
  return sink.messages.filter((m) => m.messageId === messageId);
}

/** A raw header line as it arrived, unfolded. */
function rawHeader(mail: ParsedMail, name: string): string | undefined {
  const line = mail.headerLines.find((h) => h.key === name.toLowerCase())?.line;
  return line
    ?.replace(/\r?\n[ \t]+/g, " ")
    .slice(name.length + 1)
    .trim();
}

describe("the mail sender over SMTP", () => {
  let sink: SmtpSink;
  let copse: TestInstance;

  beforeAll(async () => {
    sink = await startSmtpSink();
    copse = await startTestInstance("Mailtown", { SMTP_URL: sink.url });
  });

  afterEach(async () => {
    sink.setRejecting(false);
    await sink.restart();
  });

  afterAll(async () => {
    await copse?.close();
    await sink?.stop();
  });

  it("delivers a queued mail with its text, HTML, Message-ID and unsubscribe headers", async () => {
    const queued = queueMail(copse.db, alertMail(1), copse.origin);
    await copse.jobs.runNow("mail.send");

    const [mail] = received(sink, queued.messageId);
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe("New topic 1 in Highways");
    expect(mail!.to).toMatchObject({ text: "bob@council.example" });
    expect(mail!.from).toMatchObject({ text: copse.config.mailFrom });
    expect(mail!.text?.trim()).toBe(alertMail(1).text);
    expect(mail!.html).toContain('<a href="https://copse.example/c/highways/forum/1">');
    expect(rawHeader(mail!, "List-Unsubscribe")).toBe(UNSUBSCRIBE);
    expect(rawHeader(mail!, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");

    const sent = row(copse.db, queued.id);
    expect(sent.state).toBe("sent");
    expect(sent.attempts).toBe(1);
    expect(sent.sentAt).not.toBeNull();
    // A second run finds nothing to do: the mail is not sent again.
    await copse.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
  });

  it("keeps mail queued with backoff while the server is down, then sends it once", async () => {
    await sink.stop();
    const queued = queueMail(copse.db, alertMail(2), copse.origin);
    const before = Date.now();
    await copse.jobs.runNow("mail.send");

    const waiting = row(copse.db, queued.id);
    expect(waiting.state).toBe("queued");
    expect(waiting.attempts).toBe(1);
    expect(waiting.lastError).toMatch(/ECONNREFUSED/);
    expect(waiting.nextAttemptAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(waiting.nextAttemptAt).toBeLessThan(Date.now() + 61_000);

    // Before the backoff is over the mail is left alone, even with the server back.
    await sink.restart();
    await copse.jobs.runNow("mail.send");
    expect(row(copse.db, queued.id).attempts).toBe(1);
    expect(received(sink, queued.messageId)).toHaveLength(0);

    backoffPassed(copse.db, queued.id);
    await copse.jobs.runNow("mail.send");
    await copse.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
    expect(row(copse.db, queued.id)).toMatchObject({ state: "sent", attempts: 2, lastError: null });
  });

  it("retries a mail the server refuses with 451, doubling the wait, and sends it once", async () => {
    sink.setRejecting(true);
    const queued = queueMail(copse.db, alertMail(3), copse.origin);
    await copse.jobs.runNow("mail.send");
    const first = row(copse.db, queued.id);
    expect(first).toMatchObject({ state: "queued", attempts: 1 });
    expect(first.lastError).toMatch(/451/);

    backoffPassed(copse.db, queued.id);
    const before = Date.now();
    await copse.jobs.runNow("mail.send");
    const second = row(copse.db, queued.id);
    expect(second).toMatchObject({ state: "queued", attempts: 2 });
    expect(second.nextAttemptAt).toBeGreaterThanOrEqual(before + 120_000);

    sink.setRejecting(false);
    backoffPassed(copse.db, queued.id);
    await copse.jobs.runNow("mail.send");
    await copse.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
    expect(row(copse.db, queued.id).state).toBe("sent");
  });

  it(`marks a mail failed after ${MAX_MAIL_ATTEMPTS} refused attempts`, async () => {
    sink.setRejecting(true);
    const queued = queueMail(copse.db, alertMail(4), copse.origin);
    for (let attempt = 1; attempt <= MAX_MAIL_ATTEMPTS; attempt++) {
      backoffPassed(copse.db, queued.id);
      await copse.jobs.runNow("mail.send");
    }
    expect(row(copse.db, queued.id)).toMatchObject({
      state: "failed",
      attempts: MAX_MAIL_ATTEMPTS,
    });
    // A failed mail is not picked up again by the sender.
    sink.setRejecting(false);
    backoffPassed(copse.db, queued.id);
    await copse.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(0);
  });

  it("never sends a mail twice when runs overlap", async () => {
    const ctx = {
      db: copse.db,
      config: copse.config,
      federation: () => copse.ctx(),
    };
    // Two more senders over the same database, as if runs were started from several places.
    const one = mailSenderTask(copse.config);
    const two = mailSenderTask(copse.config);
    const queued = Array.from({ length: 12 }, (_, i) =>
      queueMail(copse.db, alertMail(100 + i, `reader${i}@council.example`), copse.origin),
    );
    await Promise.all([one.run(ctx), two.run(ctx), copse.jobs.runNow("mail.send"), one.run(ctx)]);
    for (const mail of queued) {
      expect(received(sink, mail.messageId), mail.subject).toHaveLength(1);
      expect(row(copse.db, mail.id).state).toBe("sent");
    }
  });

  it("sends a mail another worker left mid-send, once that worker's lease has lapsed", async () => {
    // This process's first run, which takes back mail left by an earlier process, is done.
    await copse.jobs.runNow("mail.send");
    const queued = queueMail(copse.db, alertMail(200), copse.origin);
    // Another worker claimed it and died mid-send, holding the sender's lease.
    expect(claimNextMail(copse.db)?.id).toBe(queued.id);
    expect(takeLease(copse.db, "task:mail.send", "dead-worker", 60_000, Date.now() - 60_001)).toBe(
      true,
    );
    await copse.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
    expect(row(copse.db, queued.id).state).toBe("sent");
  });
});

describe("the mail sender across a crash", () => {
  let sink: SmtpSink;
  let dataDir: string;
  const instances: TestInstance[] = [];

  beforeAll(async () => {
    sink = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), "copse-mail-crash-"));
  });

  afterAll(async () => {
    for (const instance of instances) await instance.close().catch(() => {});
    await sink?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("sends a mail claimed by a process that stopped before sending it, once", async () => {
    const first = await startTestInstance("Crashford", { SMTP_URL: sink.url }, { dataDir });
    instances.push(first);
    const port = Number(new URL(first.origin).port);
    const queued = queueMail(first.db, alertMail(5), first.origin);
    // The sender's first step, and then the process dies before it hands the mail over.
    const claimed = claimNextMail(first.db);
    expect(claimed?.id).toBe(queued.id);
    await first.close();
    expect(received(sink, queued.messageId)).toHaveLength(0);

    const second = await startTestInstance("Crashford", { SMTP_URL: sink.url }, { dataDir, port });
    instances.push(second);
    await second.jobs.runNow("mail.send");
    await second.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
    expect(row(second.db, queued.id)).toMatchObject({ state: "sent", attempts: 2 });
    await second.close();

    // A further restart finds nothing left to send.
    const third = await startTestInstance("Crashford", { SMTP_URL: sink.url }, { dataDir, port });
    instances.push(third);
    await third.jobs.runNow("mail.send");
    expect(received(sink, queued.messageId)).toHaveLength(1);
  });
});
