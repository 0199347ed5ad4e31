import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { preparedQuery } from "../db/prepared.ts";
import { memoRead } from "../db/read-memo.ts";
import { accounts } from "../db/schema/index.ts";

/**
 * Whether a person is one of this instance's administrators. Asked by every permission check
 * that administrators pass (moderating, tagging, reports): prepared once, and remembered while
 * a page renders (src/db/read-memo.ts).
 */
export function isAdministrator(db: Db, actorId: number): boolean {
  return memoRead(db, `isAdmin:${actorId}`, () => adminFlag(db).get({ actorId })?.isAdmin === true);
}

const adminFlag = preparedQuery((db) =>
  db
    .select({ isAdmin: accounts.isAdmin })
    .from(accounts)
    .where(eq(accounts.actorId, sql.placeholder("actorId")))
    .prepare(),
);
