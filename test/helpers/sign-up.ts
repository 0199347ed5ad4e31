import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { desc, eq } from "drizzle-orm";
import { type ParsedMail, simpleParser } from "mailparser";
import { expect } from "vitest";
import type { Db } from "../../src/db/client.ts";
import { mailOutbox } from "../../src/db/schema/index.ts";
import type { WebClient } from "./client.ts";
import { eventually } from "./instances.ts";

/** The newest outbox mail to an address (undefined when there is none). */
export function latestMailTo(db: Db, address: string) {
  return db
    .select()
    .from(mailOutbox)
    .where(eq(mailOutbox.toAddress, address))
    .orderBy(desc(mailOutbox.id))
    .limit(1)
    .get();
}

/** The confirmation link in a mail's text, or undefined when it carries none. */
export function confirmationLinkIn(text: string): string | undefined {
  return /https?:\/\/\S+\/signup\/confirm\/[A-Za-z0-9_-]{43}/.exec(text)?.[0];
}

/** The confirmation link in the newest outbox mail to an address. */
export function confirmationLinkFor(db: Db, address: string): string {
  const mail = latestMailTo(db, address);
  const link = mail && confirmationLinkIn(mail.text);
  if (!link) throw new Error(`No confirmation link has been queued for ${address}`);
  return link;
}

/**
 * Waits for the mail sender to write a mail to an address as an .eml file under the data
 * directory (no SMTP_URL in tests) and returns the newest such mail (whose subject matches, if
 * given) parsed.
 */
export async function emlTo(
  dataDir: string,
  address: string,
  subject?: RegExp,
): Promise<ParsedMail> {
  return eventually(async () => {
    const dir = join(dataDir, "mail");
    for (const file of readdirSync(dir).sort().reverse()) {
      const mail = await simpleParser(readFileSync(join(dir, file)));
      const to = mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined;
      if (to === address && (!subject || subject.test(mail.subject ?? ""))) return mail;
    }
    return undefined;
  });
}

/**
 * Signs up through the form, then opens and confirms the link from the outbox, as a person
 * would; the client ends up signed in.
 */
export async function signUpAndConfirm(
  web: WebClient,
  db: Db,
  fields: { name?: string; handle: string; email: string; password: string },
): Promise<void> {
  const form = await web.post("/signup", { name: "", ...fields });
  expect(form.response.status).toBe(200);
  expect(form.body).toContain("Check your email");
  const link = new URL(confirmationLinkFor(db, fields.email.toLowerCase()));
  const page = await web.get(link.pathname);
  expect(page.response.status).toBe(200);
  const confirmed = await web.post(link.pathname, {});
  expect(confirmed.response.status).toBe(303);
}
