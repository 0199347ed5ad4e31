import { and, count, desc, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { accounts, actors } from "../../db/schema/index.ts";
import { endSessions } from "../accounts.ts";
import { ConflictError, NotFoundError, ValidationError } from "../errors.ts";

// What an administrator may do to the instance's own accounts: find them, suspend and
// unsuspend them, and make or revoke administrators. The rules that keep an instance
// manageable live here, not in the pages: nobody suspends themselves, and the last
// administrator in good standing cannot be revoked.

/** The longest suspension reason kept. */
const MAX_REASON = 1000;

/** One local account as the administrators' list shows it. */
export interface AccountListing {
  id: number;
  handle: string;
  name: string;
  email: string;
  isAdmin: boolean;
  createdAt: Date;
  lastSignInAt: Date | null;
  suspendedAt: Date | null;
  suspensionReason: string;
}

const LISTING = {
  id: accounts.id,
  handle: actors.handle,
  name: actors.name,
  email: accounts.email,
  isAdmin: accounts.isAdmin,
  createdAt: accounts.createdAt,
  lastSignInAt: accounts.lastSignInAt,
  suspendedAt: accounts.suspendedAt,
  suspensionReason: accounts.suspensionReason,
};

/** Escapes LIKE's wildcards so a search for "a_b" finds exactly that. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A page of local accounts, newest first, whose handle, name or email contains `query`. */
export function listAccounts(
  db: Db,
  options: { query?: string; page: number; pageSize: number },
): { accounts: AccountListing[]; total: number } {
  const query = (options.query ?? "").trim().toLowerCase().replace(/^@/, "");
  let where: SQL | undefined;
  if (query) {
    const pattern = likePattern(query);
    // SQLite's LIKE ignores ASCII case, which is what a search box should do.
    where = or(
      sql`${actors.handle} LIKE ${pattern} ESCAPE '\\'`,
      sql`${actors.name} LIKE ${pattern} ESCAPE '\\'`,
      sql`${accounts.email} LIKE ${pattern} ESCAPE '\\'`,
    );
  }
  const base = () =>
    db.select(LISTING).from(accounts).innerJoin(actors, eq(accounts.actorId, actors.id));
  const rows = base()
    .where(where)
    .orderBy(desc(accounts.createdAt), desc(accounts.id))
    .limit(options.pageSize)
    .offset((options.page - 1) * options.pageSize)
    .all();
  const total =
    db
      .select({ n: count() })
      .from(accounts)
      .innerJoin(actors, eq(accounts.actorId, actors.id))
      .where(where)
      .get()?.n ?? 0;
  return { accounts: rows, total };
}

/** One local account by its id, or undefined. */
export function findAccountListing(db: Db, id: number): AccountListing | undefined {
  return db
    .select(LISTING)
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(eq(accounts.id, id))
    .get();
}

/** The account, or a NotFoundError. */
function existing(db: Db, id: number): AccountListing {
  const account = findAccountListing(db, id);
  if (!account) throw new NotFoundError("There is no account with that number.");
  return account;
}

/**
 * Suspends an account: it cannot sign in, its sessions end, and its actor answers 410 to
 * other servers until it is unsuspended. Needs a reason; an administrator cannot suspend
 * themselves (which also means the last administrator can never be suspended).
 */
export function suspendAccount(
  db: Db,
  input: { by: number; accountId: number; reason: string },
  now = Date.now(),
): AccountListing {
  const reason = input.reason.trim();
  if (!reason) {
    throw new ValidationError([{ field: "reason", message: "Enter why you are suspending it" }]);
  }
  if (reason.length > MAX_REASON) {
    throw new ValidationError([
      { field: "reason", message: `The reason must be ${MAX_REASON} characters or fewer` },
    ]);
  }
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const account = existing(txDb, input.accountId);
    if (account.id === input.by) throw new ConflictError("You cannot suspend your own account.");
    if (account.suspendedAt) throw new ConflictError(`@${account.handle} is already suspended.`);
    txDb
      .update(accounts)
      .set({ suspendedAt: new Date(now), suspensionReason: reason })
      .where(eq(accounts.id, account.id))
      .run();
    endSessions(txDb, account.id);
    return existing(txDb, account.id);
  });
}

/** Lifts a suspension; the person signs in again with their password. */
export function unsuspendAccount(db: Db, accountId: number): AccountListing {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const account = existing(txDb, accountId);
    if (!account.suspendedAt) throw new ConflictError(`@${account.handle} is not suspended.`);
    txDb
      .update(accounts)
      .set({ suspendedAt: null, suspensionReason: "" })
      .where(eq(accounts.id, accountId))
      .run();
    return existing(txDb, accountId);
  });
}

/** How many administrators are not suspended. */
function activeAdministrators(db: Db): number {
  return (
    db
      .select({ n: count() })
      .from(accounts)
      .where(and(eq(accounts.isAdmin, true), isNull(accounts.suspendedAt)))
      .get()?.n ?? 0
  );
}

/**
 * Makes an account an administrator or revokes it. Revoking the last administrator in good
 * standing is refused, so an instance always has someone who can reach these pages.
 */
export function setAdministrator(db: Db, accountId: number, admin: boolean): AccountListing {
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db;
    const account = existing(txDb, accountId);
    if (account.isAdmin === admin) {
      throw new ConflictError(
        `@${account.handle} ${admin ? "is already" : "is not"} an administrator.`,
      );
    }
    if (admin && account.suspendedAt) {
      throw new ConflictError(`@${account.handle} is suspended; unsuspend them first.`);
    }
    if (!admin && !account.suspendedAt && activeAdministrators(txDb) <= 1) {
      throw new ConflictError(
        `@${account.handle} is the last administrator; make someone else an administrator first.`,
      );
    }
    txDb.update(accounts).set({ isAdmin: admin }).where(eq(accounts.id, accountId)).run();
    return existing(txDb, accountId);
  });
}

/** Whether the local actor with this handle belongs to a suspended account. */
export function isSuspendedHandle(db: Db, handle: string): boolean {
  const row = db
    .select({ suspendedAt: accounts.suspendedAt })
    .from(accounts)
    .innerJoin(actors, eq(accounts.actorId, actors.id))
    .where(and(eq(actors.handle, handle), eq(actors.isLocal, true)))
    .get();
  return Boolean(row?.suspendedAt);
}
