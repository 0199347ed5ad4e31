import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import {
  claimNextMail,
  MAIL_SEND_TASK,
  recordMailFailure,
  recordMailSent,
  releaseInterruptedMail,
} from "../domain/mail/delivery.ts";
import { logger } from "../logging.ts";
import { createMailTransport, MailSendError, type MailTransport } from "./mail-transport.ts";
import type { Task } from "./runner.ts";

const log = logger("jobs", "mail");

/** How often the outbox is looked at when nobody wakes the sender sooner. */
const POLL_MS = 15_000;

// Databases whose interrupted sends have been put back in the queue. Once per database handle
// is once per process for a data directory, however many sender tasks share the handle, so a
// second task can never release (and resend) a row the first one is still sending. Runs hold
// the task's lease, so no other process is sending during this process's first run either; a
// run after one whose worker died (`interrupted`) releases what that worker left in `sending`.
const released = new WeakSet<Db>();

/**
 * The task that drains the mail outbox: it claims due mail one row at a time, hands it to the
 * transport, and marks it sent only once the transport accepted it. Code that queues mail calls
 * `jobs.wake("mail.send")` (or wakeMailSender from the domain) so it goes out at once.
 */
export function mailSenderTask(config: Config): Task {
  const transport = createMailTransport(config);
  return {
    name: MAIL_SEND_TASK,
    next: (now) => now + POLL_MS,
    run: async ({ db, interrupted }) => {
      if (!released.has(db) || interrupted) {
        released.add(db);
        const count = releaseInterruptedMail(db);
        if (count > 0) log.warning("Requeued {count} mail(s) interrupted mid-send", { count });
      }
      await sendDueMail(db, transport);
    },
  };
}

/** Sends every due mail, stopping early if the server cannot be reached at all. */
async function sendDueMail(db: Db, transport: MailTransport): Promise<void> {
  for (;;) {
    const mail = claimNextMail(db);
    if (!mail) return;
    const at = Date.now();
    try {
      await transport.send(mail, at);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const row = recordMailFailure(db, mail.id, reason);
      log.warning("Mail {id} to {to} not sent (attempt {attempts}, now {state}): {reason}", {
        id: mail.id,
        to: mail.toAddress,
        attempts: mail.attempts,
        state: row?.state,
        reason,
      });
      // The rest would fail the same way; they keep their place for the next run.
      if (error instanceof MailSendError && error.serverUnavailable) return;
      continue;
    }
    recordMailSent(db, mail.id, at);
    log.info("Mail {id} to {to} {how}", {
      id: mail.id,
      to: mail.toAddress,
      how: transport.kind === "smtp" ? "sent" : "written as an .eml file",
    });
  }
}
