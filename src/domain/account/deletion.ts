import { and, count, eq, inArray, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import {
  accounts,
  actors,
  alertDigestCursors,
  alertSettingChanges,
  alertSettings,
  alertTokens,
  communityNotices,
  contacts,
  documents,
  feedTokens,
  items,
  memberships,
  messages,
  notificationReads,
  personProfiles,
  personTags,
  rsvps,
} from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";
import { ConflictError, NotFoundError } from "../errors.ts";
import { type ItemRow, tombstoneItem } from "../items.ts";
import { wakeMailSender } from "../mail/delivery.ts";
import { queueMail } from "../mail/outbox.ts";
import type { SignUpSite } from "../sign-up-mail.ts";
import { accountDeletedMail } from "./mail.ts";

// Deleting an account, by its owner or an administrator. The person chooses whether what they
// wrote is removed or kept under "A former member". Either way the account row goes (and with
// it every session and pending link), their profile, contacts, memberships and personal
// settings go, and the Person actor row stays as a marked, nameless tombstone: its id must keep
// answering 410 Gone and must never be handed to someone new, and posts kept anonymised still
// need an author. The federation layer then tells every server that knew them.

/** The name shown for a person who deleted their account. */
export const FORMER_MEMBER = "A former member";

/** What happens to a deleted person's posts. */
export type KeepChoice = "remove" | "anonymise";

/** Kinds removed when a person chooses removal; wiki pages are shared work and stay. */
const REMOVED_KINDS = ["topic", "reply", "entry", "event", "document", "poll"] as const;

/** What the federation layer needs once an account is deleted. */
export interface DeletedAccount {
  /** The Person actor, anonymised and marked deleted. */
  actor: ActorRow;
  /** Local items turned into tombstones (empty when the posts were kept). */
  removedItems: ItemRow[];
  /** Other servers' actors that knew the person, to be sent Delete{Person}. */
  knownBy: ActorRow[];
  /** Stored files no document uses any more, to be removed from disk. */
  unusedFiles: string[];
}

/**
 * The remote actors whose servers know the person: their contacts either way, the remote
 * communities they belonged to, the remote members of the local communities they belonged to
 * (who received their posts), and the people they exchanged messages with.
 */
export function serversThatKnow(db: Db, actorId: number): ActorRow[] {
  const ids = new Set<number>();
  const add = (rows: { id: number }[]) => {
    for (const r of rows) ids.add(r.id);
  };
  add(
    db
      .select({ id: contacts.followerId })
      .from(contacts)
      .where(eq(contacts.followeeId, actorId))
      .all(),
  );
  add(
    db
      .select({ id: contacts.followeeId })
      .from(contacts)
      .where(eq(contacts.followerId, actorId))
      .all(),
  );
  const mine = db
    .select({ id: memberships.groupId })
    .from(memberships)
    .where(eq(memberships.memberId, actorId))
    .all();
  add(mine);
  if (mine.length > 0) {
    add(
      db
        .select({ id: memberships.memberId })
        .from(memberships)
        .where(
          and(
            inArray(
              memberships.groupId,
              mine.map((m) => m.id),
            ),
            eq(memberships.state, "active"),
          ),
        )
        .all(),
    );
  }
  add(
    db
      .select({ id: messages.recipientId })
      .from(messages)
      .where(eq(messages.senderId, actorId))
      .all(),
  );
  add(
    db
      .select({ id: messages.senderId })
      .from(messages)
      .where(eq(messages.recipientId, actorId))
      .all(),
  );
  ids.delete(actorId);
  if (ids.size === 0) return [];
  return db
    .select()
    .from(actors)
    .where(and(inArray(actors.id, [...ids]), eq(actors.isLocal, false), isNull(actors.deletedAt)))
    .all();
}

/** Takes a person out of everything personal: profile, tags, contacts, memberships, settings. */
function removePersonalRows(db: Db, actorId: number): void {
  db.delete(personProfiles).where(eq(personProfiles.actorId, actorId)).run();
  db.delete(personTags).where(eq(personTags.actorId, actorId)).run();
  db.delete(contacts)
    .where(or(eq(contacts.followerId, actorId), eq(contacts.followeeId, actorId)))
    .run();
  db.delete(memberships).where(eq(memberships.memberId, actorId)).run();
  db.delete(rsvps).where(eq(rsvps.actorId, actorId)).run();
  db.delete(alertSettings).where(eq(alertSettings.personId, actorId)).run();
  db.delete(alertSettingChanges).where(eq(alertSettingChanges.personId, actorId)).run();
  db.delete(alertDigestCursors).where(eq(alertDigestCursors.personId, actorId)).run();
  db.delete(alertTokens).where(eq(alertTokens.personId, actorId)).run();
  db.delete(feedTokens).where(eq(feedTokens.personId, actorId)).run();
  db.delete(notificationReads).where(eq(notificationReads.actorId, actorId)).run();
  // Administrators' notices about communities, kept per person for the notifications page.
  db.delete(communityNotices).where(eq(communityNotices.personId, actorId)).run();
}

/** Renames the actor to "A former member", clears what described them and marks it deleted. */
function anonymiseActor(db: Db, actorId: number, now: number): ActorRow {
  return db
    .update(actors)
    .set({
      name: FORMER_MEMBER,
      summary: "",
      jobTitle: "",
      organisation: "",
      url: null,
      deletedAt: new Date(now),
    })
    .where(eq(actors.id, actorId))
    .returning()
    .get();
}

/** How many administrators in good standing there are besides one account. */
function otherAdministrators(db: Db, accountId: number): number {
  return (
    db
      .select({ n: count() })
      .from(accounts)
      .where(
        and(eq(accounts.isAdmin, true), isNull(accounts.suspendedAt), ne(accounts.id, accountId)),
      )
      .get()?.n ?? 0
  );
}

/** The stored files of the documents given that no live document uses any more. */
function filesLeftUnused(db: Db, removed: ItemRow[]): string[] {
  const ids = removed.filter((i) => i.kind === "document").map((i) => i.id);
  if (ids.length === 0) return [];
  const files = db
    .select({ sha256: documents.sha256, path: documents.storagePath })
    .from(documents)
    .where(and(inArray(documents.itemId, ids), isNotNull(documents.storagePath)))
    .all();
  return files.flatMap((f) => {
    const stillUsed = db
      .select({ id: documents.itemId })
      .from(documents)
      .innerJoin(items, eq(documents.itemId, items.id))
      .where(and(eq(documents.sha256, f.sha256 ?? ""), isNull(items.deletedAt)))
      .get();
    return stillUsed || !f.path ? [] : [f.path];
  });
}

/**
 * Deletes a local account, as its owner asked or an administrator decided, in one
 * transaction, and mails the address a goodbye. The last administrator in good standing
 * cannot be deleted, so an instance always keeps someone who can run it.
 */
export function deleteAccount(
  db: Db,
  site: SignUpSite,
  input: { accountId: number; keep: KeepChoice; byAdmin: boolean },
  now = Date.now(),
): DeletedAccount {
  const result = db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const row = txDb
      .select({ account: accounts, actor: actors })
      .from(accounts)
      .innerJoin(actors, eq(accounts.actorId, actors.id))
      .where(eq(accounts.id, input.accountId))
      .get();
    if (!row) throw new NotFoundError("There is no account with that number.");
    if (row.account.isAdmin && otherAdministrators(txDb, row.account.id) === 0) {
      throw new ConflictError(
        "This is the last administrator's account; make someone else an administrator first.",
      );
    }
    const actorId = row.actor.id;
    const knownBy = serversThatKnow(txDb, actorId);
    let removedItems: ItemRow[] = [];
    if (input.keep === "remove") {
      const live = txDb
        .select()
        .from(items)
        .where(
          and(
            eq(items.authorId, actorId),
            eq(items.isLocal, true),
            isNull(items.deletedAt),
            inArray(items.kind, [...REMOVED_KINDS]),
          ),
        )
        .all();
      removedItems = live.map((item) => tombstoneItem(txDb, item));
      txDb.delete(messages).where(eq(messages.senderId, actorId)).run();
    }
    removePersonalRows(txDb, actorId);
    const actor = anonymiseActor(txDb, actorId, now);
    txDb.delete(accounts).where(eq(accounts.id, row.account.id)).run();
    queueMail(
      txDb,
      accountDeletedMail(site, {
        to: row.account.email,
        handle: row.actor.handle,
        byAdmin: input.byAdmin,
      }),
      site.origin,
    );
    return { actor, removedItems, knownBy, unusedFiles: filesLeftUnused(txDb, removedItems) };
  });
  wakeMailSender(db, now);
  return result;
}

/**
 * Marks a remote person gone after their own server said so (Delete{Person}): their
 * memberships, contacts and profile here go, and their actor is renamed "A former member".
 * Their posts stay, shown under that name, unless their server deletes them one by one.
 * Returns false when the actor is unknown, local, not a person or already gone.
 */
export function markRemotePersonGone(db: Db, actorId: number, now = Date.now()): boolean {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const actor = txDb.select().from(actors).where(eq(actors.id, actorId)).get();
    if (!actor || actor.isLocal || actor.type !== "Person" || actor.deletedAt) return false;
    removePersonalRows(txDb, actorId);
    anonymiseActor(txDb, actorId, now);
    return true;
  });
}
