import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

// A real SMTP server on loopback that keeps every message it accepts, parsed, for tests of
// outgoing mail. Point an instance at it with its url:
//
//   const sink = await startSmtpSink();
//   const copse = await startTestInstance("Mailtown", { SMTP_URL: sink.url });
//   ... queue mail (queueMail) and run the sender (copse.jobs.runNow("mail.send")) ...
//   const [mail] = await sink.waitFor(1);
//   expect(mail.subject).toBe("...");                      // mailparser's ParsedMail
//   expect(mail.headers.get("list-unsubscribe")).toBe(...); // headers by lower-case name
//   await sink.stop();
//
// Outages are simulated for real: stop() closes the port (the sender sees "connection
// refused"), restart() opens the same port again, and setRejecting(true) makes the server
// answer every recipient with "451 4.3.0 Try again later" until it is switched off.

/** A running SMTP sink; see the comment at the top of test/helpers/smtp-sink.ts. */
export interface SmtpSink {
  /** `smtp://127.0.0.1:<port>`, for SMTP_URL. */
  url: string;
  /** Every message accepted so far, in the order they arrived. */
  messages: ParsedMail[];
  /** Resolves with all messages once at least `count` have arrived; rejects after the timeout. */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  /** While on, every recipient is refused with a temporary 451 error and nothing is accepted. */
  setRejecting(on: boolean): void;
  /** Closes the server; connecting to the url then fails with ECONNREFUSED. */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(); messages received so far are kept. */
  restart(): Promise<void>;
}

/** Starts an SMTP sink on 127.0.0.1 on a free port (no TLS, any or no authentication). */
export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  let rejecting = false;
  let server: SMTPServer | undefined;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      // Connections left open by a client must not hold stop() for the default 30 seconds.
      closeTimeout: 1000,
      onRcptTo(_address, _session, callback) {
        if (!rejecting) return callback();
        const error = Object.assign(new Error("4.3.0 Try again later"), { responseCode: 451 });
        callback(error);
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            messages.push(mail);
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });

  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const s = create();
      s.once("error", reject);
      const listening = s.listen(port, "127.0.0.1", () => {
        server = s;
        resolve((listening.address() as AddressInfo).port);
      });
    });

  const port = await listen(0);

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async waitFor(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) {
          throw new Error(
            `The SMTP sink received ${messages.length} message(s) within ${timeoutMs} ms, not ${count}`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    setRejecting(on) {
      rejecting = on;
    },
    async stop() {
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    async restart() {
      if (server) return;
      await listen(port);
    },
  };
}

/** The single address a parsed mail was sent to. */
export function recipientOf(mail: ParsedMail): string | undefined {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address;
}
