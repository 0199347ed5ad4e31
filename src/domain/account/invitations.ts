import { and, eq, gt, lte } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, actors, invitations } from "../../db/schema/index.ts";
import {
  type AccountWithActor,
  checkNewAccount,
  emailHasAccount,
  hashPassword,
  insertAccount,
  normaliseLogin,
} from "../accounts.ts";
import type { ActorRow } from "../actors.ts";
import { findCommunityByActorId } from "../communities.ts";
import { ForbiddenError, ValidationError } from "../errors.ts";
import { wakeMailSender } from "../mail/delivery.ts";
import { queueMail } from "../mail/outbox.ts";
import { decideMembership, isFacilitator, requestMembership } from "../membership.ts";
import { communityPagePath } from "../paths.ts";
import { hashSecretToken, newSecretToken, SECRET_TOKEN_PATTERN } from "../secret-tokens.ts";
import type { SignUpSite } from "../sign-up-mail.ts";
import { invitationMail, invitedMemberMail } from "./mail.ts";

// Invitations by email: an administrator invites someone to the instance, a facilitator to
// their community (administrators may do both). The mailed link works once, for a week, and
// creates the account whatever the registration setting, then joins the community at once,
// even a private one: the invitation is the facilitator's approval. An address that already
// has an account gets a note with the community's link instead, and the inviter sees the same
// answer either way, so invitations cannot be used to learn who has an account.

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The path of the page an invitation link opens. */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

/** Whether someone may invite people into a community (or, with none, to the instance). */
function mayInvite(db: Db, inviter: AccountWithActor, groupId: number | null): boolean {
  if (inviter.isAdmin) return true;
  return groupId !== null && isFacilitator(db, groupId, inviter.actor.id);
}

/**
 * Invites an address, mailing it a single-use link (or, when it already has an account, a
 * note pointing at the community). Throws ForbiddenError for someone who may not invite
 * there and ValidationError for a malformed address. Returns the address, normalised.
 */
export function invite(
  db: Db,
  site: SignUpSite,
  input: { email: string; inviter: AccountWithActor; group: ActorRow | null },
  now = Date.now(),
): string {
  const email = normaliseLogin(input.email);
  if (!EMAIL_PATTERN.test(email) || email.length > 254) {
    throw new ValidationError([
      { field: "email", message: "Enter an email address like name@council.gov.uk" },
    ]);
  }
  const groupId = input.group?.id ?? null;
  if (input.group && !findCommunityByActorId(db, input.group.id)) {
    throw new ForbiddenError("Invitations are only to communities on this instance");
  }
  if (!mayInvite(db, input.inviter, groupId)) {
    throw new ForbiddenError("Only administrators and the community's facilitators can invite");
  }
  const inviter = input.inviter.actor.name || `@${input.inviter.actor.handle}`;
  const community = input.group?.name;
  db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    txDb
      .delete(invitations)
      .where(lte(invitations.expiresAt, new Date(now)))
      .run();
    if (emailHasAccount(txDb, email)) {
      const link = input.group
        ? `${site.origin}${communityPagePath(input.group.handle)}`
        : `${site.origin}/signin`;
      const mail = invitedMemberMail(site, { to: email, inviter, community, link });
      queueMail(txDb, mail, site.origin);
      return;
    }
    const token = newSecretToken();
    txDb
      .insert(invitations)
      .values({
        tokenHash: hashSecretToken(token),
        email,
        groupId,
        invitedById: input.inviter.actor.id,
        createdAt: new Date(now),
        expiresAt: new Date(now + INVITATION_DAYS * 86_400_000),
      })
      .run();
    queueMail(
      txDb,
      invitationMail(site, {
        to: email,
        inviter,
        community,
        link: `${site.origin}${invitationPath(token)}`,
        validDays: INVITATION_DAYS,
      }),
      site.origin,
    );
  });
  wakeMailSender(db, now);
  return email;
}

/** What an invitation link offers: the address and, if any, the community and its name. */
export interface OpenInvitation {
  email: string;
  group: ActorRow | undefined;
  invitedById: number | null;
}

/** The invitation behind a link, or undefined when it is malformed, used or expired. */
export function findInvitation(
  db: Db,
  token: string,
  now = Date.now(),
): OpenInvitation | undefined {
  if (!SECRET_TOKEN_PATTERN.test(token)) return undefined;
  const row = db
    .select()
    .from(invitations)
    .where(
      and(
        eq(invitations.tokenHash, hashSecretToken(token)),
        gt(invitations.expiresAt, new Date(now)),
      ),
    )
    .get();
  if (!row) return undefined;
  const group =
    row.groupId === null
      ? undefined
      : db.select().from(actors).where(eq(actors.id, row.groupId)).get();
  return { email: row.email, group, invitedById: row.invitedById };
}

/** Whether the inviter still may let people into the community (they may have stepped down). */
function inviterStillMay(db: Db, invitedById: number | null, groupId: number): boolean {
  if (invitedById === null) return false;
  if (isFacilitator(db, groupId, invitedById)) return true;
  const account = db.select().from(accounts).where(eq(accounts.actorId, invitedById)).get();
  return account?.isAdmin === true;
}

/**
 * Accepts an invitation: creates the account for the invited address (registration settings
 * do not apply), spends the link and joins the community. Returns undefined when the link
 * does not work; throws a ValidationError, leaving the link usable, for a bad handle or password.
 */
export async function acceptInvitation(
  db: Db,
  origin: string,
  token: string,
  input: { handle: string; name: string; password: string },
  now = Date.now(),
): Promise<AccountWithActor | undefined> {
  const open = findInvitation(db, token, now);
  if (!open) return undefined;
  const fields = { ...input, email: open.email };
  const details = checkNewAccount(db, fields);
  const passwordHash = await hashPassword(input.password);
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    // Spent here, so two forms sent at once cannot both use the link.
    const spent = txDb
      .delete(invitations)
      .where(eq(invitations.tokenHash, hashSecretToken(token)))
      .returning()
      .get();
    if (!spent || spent.expiresAt.getTime() <= now) return undefined;
    // The hash took a while: someone may have taken the handle or address meanwhile.
    checkNewAccount(txDb, fields);
    const account = insertAccount(txDb, origin, { ...details, passwordHash, isAdmin: false });
    if (spent.groupId !== null && findCommunityByActorId(txDb, spent.groupId)) {
      const membership = requestMembership(txDb, {
        groupId: spent.groupId,
        memberId: account.actor.id,
      });
      if (
        membership.state === "pending" &&
        inviterStillMay(txDb, spent.invitedById, spent.groupId)
      ) {
        decideMembership(txDb, {
          groupId: spent.groupId,
          memberId: account.actor.id,
          byActorId: null,
          approve: true,
        });
      }
    }
    return account;
  });
}
