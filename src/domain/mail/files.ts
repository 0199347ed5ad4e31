import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { QueuedMail } from "./outbox.ts";

// With no SMTP server configured, each mail is written as an .eml file under
// `<data dir>/mail/`, named `<id padded to six digits>-<UTC time it was written>.eml` so an
// admin listing the directory sees them in order and can match a file to the outbox page. The
// name is computed from the row's id and sentAt only, never from anything a person typed.

/** The directory the .eml files go in. */
export function mailDirectory(dataDir: string): string {
  return join(dataDir, "mail");
}

/** The file name of a mail written at `sentAt`, e.g. `000123-2026-03-01T07-00-00-000Z.eml`. */
export function emlFileName(id: number, sentAt: number): string {
  const stamp = new Date(sentAt).toISOString().replace(/[:.]/g, "-");
  return `${String(id).padStart(6, "0")}-${stamp}.eml`;
}

/** Where a sent mail's .eml file is, if it was written as one and is still there. */
export function storedEmlPath(dataDir: string, mail: QueuedMail): string | undefined {
  if (mail.state !== "sent" || mail.sentAt === null) return undefined;
  const path = join(mailDirectory(dataDir), emlFileName(mail.id, mail.sentAt));
  return existsSync(path) ? path : undefined;
}

/** The text of a sent mail's .eml file, or undefined when there is none. */
export async function readStoredEml(
  dataDir: string,
  mail: QueuedMail,
): Promise<string | undefined> {
  const path = storedEmlPath(dataDir, mail);
  if (!path) return undefined;
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    // An admin may tidy the directory at any moment; a file gone since the check is just gone.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
