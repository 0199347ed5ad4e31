import { mkdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { SendMailOptions, Transporter } from "nodemailer";
import type { Config } from "../config.ts";
import { emlFileName, mailDirectory } from "../domain/mail/files.ts";
import type { QueuedMail } from "../domain/mail/outbox.ts";

// How the mail sender hands a mail over: to the SMTP server in SMTP_URL, or, with none
// configured, to an .eml file under the data directory (nodemailer's stream transport builds
// the same RFC 5322 message it would have sent). Either way send() resolves only once the mail
// is accepted, which is what lets the sender mark a row sent.

/** Where outgoing mail goes. */
export interface MailTransport {
  /** `smtp` when SMTP_URL is set, `eml` when mail is written to files instead. */
  readonly kind: "smtp" | "eml";
  /** Hands one mail over; `at` is the time of the attempt (it names the .eml file). */
  send(mail: QueuedMail, at: number): Promise<void>;
}

/** A send that did not go through, with what the admin page shows and whether to stop trying. */
export class MailSendError extends Error {
  /**
   * True when the server could not be reached or said it is shutting down, so the rest of the
   * queue would fail the same way and is better left for the next run.
   */
  readonly serverUnavailable: boolean;

  constructor(message: string, serverUnavailable: boolean) {
    super(message);
    this.name = "MailSendError";
    this.serverUnavailable = serverUnavailable;
  }
}

// Generous enough for a slow relay, short enough that a silent one does not hold a run for
// nodemailer's defaults of two and ten minutes.
const CONNECTION_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUT_MS = 120_000;

/** nodemailer's error codes for a server that could not be reached or dropped the line. */
const UNREACHABLE = new Set([
  "ECONNECTION",
  "ESOCKET",
  "ETIMEDOUT",
  "EDNS",
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
]);

/**
 * A nodemailer transporter made on the first send. nodemailer is forty modules, and most
 * starts send no mail, so the server loads it only when a mail goes out.
 */
function lazyTransporter(
  options: Parameters<typeof import("nodemailer").createTransport>[0],
): () => Promise<Transporter> {
  let made: Promise<Transporter> | undefined;
  return () => {
    made ??= import("nodemailer").then((nodemailer) => nodemailer.createTransport(options));
    return made;
  };
}

/** Builds the transport the configuration asks for. */
export function createMailTransport(config: Config): MailTransport {
  return config.smtpUrl ? smtpTransport(config, config.smtpUrl) : emlTransport(config);
}

/** Sends through an SMTP server, one connection per mail (the volume is modest). */
function smtpTransport(config: Config, url: string): MailTransport {
  const transporter = lazyTransporter({
    url,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    greetingTimeout: CONNECTION_TIMEOUT_MS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  return {
    kind: "smtp",
    async send(mail) {
      const options = messageOptions(config, mail);
      try {
        await (await transporter()).sendMail(options);
      } catch (error) {
        throw asSendError(error);
      }
    },
  };
}

/** Writes each mail as an .eml file, counting it as sent once the file is in place. */
function emlTransport(config: Config): MailTransport {
  const transporter = lazyTransporter({
    streamTransport: true,
    buffer: true,
    newline: "windows",
  });
  const directory = mailDirectory(config.dataDir);
  return {
    kind: "eml",
    async send(mail, at) {
      const options = messageOptions(config, mail);
      const info = await (await transporter()).sendMail(options);
      await mkdir(directory, { recursive: true });
      const name = emlFileName(mail.id, at);
      // Written under a temporary name and renamed, so a crash never leaves half a message
      // under a name the admin page would show.
      const partial = join(directory, `.${name}.partial`);
      await writeFile(partial, info.message as Buffer);
      await rename(partial, join(directory, name));
    },
  };
}

/** The nodemailer message for an outbox row, with its stored Message-ID and extra headers. */
export function messageOptions(config: Config, mail: QueuedMail): SendMailOptions {
  return {
    from: config.mailFrom,
    to: mail.toAddress,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    headers: parseHeaders(mail.headers),
  };
}

/** The stored headers: a JSON object of strings; anything else would send a malformed mail. */
function parseHeaders(json: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new MailSendError("The mail's stored headers are not valid JSON.", false);
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    Array.isArray(parsed) ||
    !Object.values(parsed).every((v) => typeof v === "string")
  ) {
    throw new MailSendError("The mail's stored headers are not a set of names and values.", false);
  }
  return parsed as Record<string, string>;
}

/** Turns nodemailer's error into what the admin sees, and whether the server is down. */
function asSendError(error: unknown): MailSendError {
  if (error instanceof MailSendError) return error;
  const e = error as { message?: string; code?: string; responseCode?: number };
  const message = e.message ?? String(error);
  // A failed connection, or 421 (the server closing down), would fail every other mail too.
  const serverUnavailable =
    e.responseCode === 421 || (e.responseCode === undefined && UNREACHABLE.has(e.code ?? ""));
  const prefix = e.responseCode === undefined && e.code ? `${e.code}: ` : "";
  return new MailSendError(`${prefix}${message}`, serverUnavailable);
}
