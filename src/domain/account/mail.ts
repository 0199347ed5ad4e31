import type { OutgoingMail } from "../mail/outbox.ts";
import { layOutMail, type SignUpSite } from "../sign-up-mail.ts";

// The mails a person's own account changes cause: confirming a new address, telling the old
// address it was replaced, telling the owner their password changed or their account went,
// and inviting someone in. Each says what happened and what to do if it was not them.

/** The mail to a new address, with the link that makes it the account's address. */
export function emailChangeMail(
  site: SignUpSite,
  input: { to: string; handle: string; link: string; validHours: number },
): OutgoingMail {
  return layOutMail(input.to, `Confirm your new email address for ${site.instanceName}`, [
    `Someone signed in as @${input.handle} on ${site.instanceName} asked to use this address for the account.`,
    {
      text: `To confirm it, open this link within ${input.validHours} hours. It works once:`,
      link: input.link,
    },
    "If it was not you, ignore this email: the account keeps its old address.",
  ]);
}

/** The note to a new address that already belongs to another account. */
export function emailChangeTakenMail(
  site: SignUpSite,
  input: { to: string; handle: string },
): OutgoingMail {
  return layOutMail(input.to, `Someone asked to use your address on ${site.instanceName}`, [
    `The account @${input.handle} on ${site.instanceName} asked to use this email address, but it already belongs to another account here, so nothing was changed.`,
    "If it was not you, you need do nothing.",
  ]);
}

/** The note to the old address once a new one has replaced it. */
export function emailChangedNotice(
  site: SignUpSite,
  input: { to: string; handle: string; newEmail: string },
): OutgoingMail {
  return layOutMail(input.to, `Your email address on ${site.instanceName} was changed`, [
    `The email address of your account @${input.handle} on ${site.instanceName} is now ${input.newEmail}. Mail about the account goes there from now on.`,
    {
      text: "If you did not do this, ask an administrator for help at once, or sign in and change it back:",
      link: `${site.origin}/account`,
    },
  ]);
}

/** The note that the account's password was changed from its settings page. */
export function passwordChangedMail(
  site: SignUpSite,
  input: { to: string; handle: string },
): OutgoingMail {
  return layOutMail(input.to, `Your password on ${site.instanceName} was changed`, [
    `The password of your account @${input.handle} on ${site.instanceName} was changed, and every other session was signed out.`,
    {
      text: "If you did not do this, set a new password straight away with this page:",
      link: `${site.origin}/password/forgot`,
    },
  ]);
}

/** The goodbye to the address of a deleted account. */
export function accountDeletedMail(
  site: SignUpSite,
  input: { to: string; handle: string; byAdmin: boolean },
): OutgoingMail {
  return layOutMail(input.to, `Your account on ${site.instanceName} was deleted`, [
    input.byAdmin
      ? `An administrator of ${site.instanceName} deleted your account @${input.handle}.`
      : `Your account @${input.handle} on ${site.instanceName} has been deleted, as you asked.`,
    "Other servers that knew the account have been told it is gone. This address is no longer linked to anything here.",
  ]);
}

/** The invitation, with the link that creates the account (and joins the community). */
export function invitationMail(
  site: SignUpSite,
  input: {
    to: string;
    inviter: string;
    community: string | undefined;
    link: string;
    validDays: number;
  },
): OutgoingMail {
  const where = input.community
    ? `to join the community "${input.community}" on ${site.instanceName}`
    : `to join ${site.instanceName}`;
  return layOutMail(input.to, `You are invited ${where}`, [
    `${input.inviter} invited you ${where}.`,
    {
      text: `To accept, open this link within ${input.validDays} days and choose a handle and password. It works once:`,
      link: input.link,
    },
    "If you do not want to join, ignore this email: nothing is created without the link.",
  ]);
}

/** The note to an invited address that already has an account here. */
export function invitedMemberMail(
  site: SignUpSite,
  input: { to: string; inviter: string; community: string | undefined; link: string },
): OutgoingMail {
  const what = input.community ? `the community "${input.community}"` : site.instanceName;
  return layOutMail(input.to, `${input.inviter} invited you to ${what}`, [
    `${input.inviter} invited you to ${what}. This address already has an account on ${site.instanceName}, so sign in and have a look:`,
    { text: "Open it here:", link: input.link },
  ]);
}
