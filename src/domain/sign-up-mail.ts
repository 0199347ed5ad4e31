import type { OutgoingMail } from "./mail-outbox.ts";

// The two mails a sign-up can cause, in plain text and HTML. Whoever fills in the form sees the
// same "check your email" page either way; only the owner of the address learns which mail it
// was: a link to confirm a new account, or a note that the address already has one.

/** What sign-up mails need to know about the instance sending them. */
export interface SignUpSite {
  origin: string;
  instanceName: string;
}

/** A paragraph of a mail: plain sentences, or sentences followed by a link. */
type Paragraph = string | { text: string; link: string };

/** Escapes text for HTML element content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function layOut(to: string, subject: string, paragraphs: Paragraph[]): OutgoingMail {
  const text = paragraphs
    .map((p) => (typeof p === "string" ? p : `${p.text}\n${p.link}`))
    .join("\n\n");
  const html = [
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    `<body style="font-family: Arial, sans-serif; color: #0b0c0c;">`,
    ...paragraphs.map((p) =>
      typeof p === "string"
        ? `<p>${escapeHtml(p)}</p>`
        : `<p>${escapeHtml(p.text)}<br><a href="${escapeHtml(p.link)}">${escapeHtml(p.link)}</a></p>`,
    ),
    "</body></html>",
  ].join("\n");
  return { to, subject, text: `${text}\n`, html };
}

/** The mail with the link that confirms a new address and creates the account. */
export function confirmationMail(
  site: SignUpSite,
  input: { to: string; handle: string; link: string; validHours: number },
): OutgoingMail {
  return layOut(input.to, `Confirm your email address for ${site.instanceName}`, [
    `Someone, probably you, asked to create the account @${input.handle} on ${site.instanceName} with this email address.`,
    {
      text: `To confirm your address and finish creating the account, open this link within ${input.validHours} hours:`,
      link: input.link,
    },
    "If it was not you, ignore this email: no account is created without the link.",
  ]);
}

/** The note to the owner of an address someone tried to sign up with again. */
export function addressTakenMail(
  site: SignUpSite,
  input: { to: string; handle: string },
): OutgoingMail {
  return layOut(input.to, `Someone tried to sign up to ${site.instanceName} with your address`, [
    `Someone tried to create a new account on ${site.instanceName} with this email address. It already has an account: @${input.handle}.`,
    {
      text: "If it was you, you do not need a new account. Sign in with your handle or this email address:",
      link: `${site.origin}/signin`,
    },
    `If you have forgotten your password, ask an administrator of ${site.instanceName} to help.`,
    "If it was not you, you need do nothing: no account was created and yours has not changed.",
  ]);
}
