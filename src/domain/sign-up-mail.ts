import type { OutgoingMail } from "./mail/outbox.ts";

// The mails about getting into an account. The two mails a sign-up can cause, in plain text and HTML. Whoever fills in the form sees the
// same "check your email" page either way; only the owner of the address learns which mail it
// was: a link to confirm a new account, or a note that the address already has one.

/** What sign-up mails need to know about the instance sending them. */
export interface SignUpSite {
  origin: string;
  instanceName: string;
}

/** A paragraph of a mail: plain sentences, or sentences followed by a link. */
export type Paragraph = string | { text: string; link: string };

/** Escapes text for HTML element content and double-quoted attributes. */
function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** Lays out a plain mail about an account: paragraphs in text and in simple HTML. */
export function layOutMail(to: string, subject: string, paragraphs: Paragraph[]): OutgoingMail {
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
  return layOutMail(input.to, `Confirm your email address for ${site.instanceName}`, [
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
  return layOutMail(
    input.to,
    `Someone tried to sign up to ${site.instanceName} with your address`,
    [
      `Someone tried to create a new account on ${site.instanceName} with this email address. It already has an account: @${input.handle}.`,
      {
        text: "If it was you, you do not need a new account. Sign in with your handle or this email address:",
        link: `${site.origin}/signin`,
      },
      {
        text: "If you have forgotten your password, you can set a new one here:",
        link: `${site.origin}/password/forgot`,
      },
      "If it was not you, you need do nothing: no account was created and yours has not changed.",
    ],
  );
}

/** The mail with a link to set a new password, asked for by its owner or an administrator. */
export function passwordResetMail(
  site: SignUpSite,
  input: { to: string; handle: string; link: string; validHours: number; byAdmin: boolean },
): OutgoingMail {
  return layOutMail(input.to, `Set a new password for ${site.instanceName}`, [
    input.byAdmin
      ? `An administrator of ${site.instanceName} sent you this link so you can set a new password for your account @${input.handle}.`
      : `Someone, probably you, asked to set a new password for the account @${input.handle} on ${site.instanceName}.`,
    {
      text: `To choose a new password, open this link within ${input.validHours} hours. It works once:`,
      link: input.link,
    },
    "If you did not ask for this, ignore this email: your password stays as it is.",
  ]);
}
