import { and, asc, count, eq, inArray, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange, frozen } from "../db/generation.ts";
import { items } from "../db/schema/index.ts";
import { groupsOfItem, type ItemRow } from "./items.ts";
import { isFacilitator } from "./membership.ts";

// A topic's replies a page at a time, oldest first. Pages are chronological, so a reply keeps
// its page as newer ones arrive and the newest replies (and the reply box) are on the last
// page. Only one page of replies is read, however long the thread.

/** Replies a page of a thread shows. */
export const REPLIES_PER_PAGE = 50;

/** One page of a thread's replies, with where it stands among the pages. */
export interface ThreadPage {
  replies: ItemRow[];
  /** The page shown, from 1 to totalPages. */
  page: number;
  totalPages: number;
  /** Replies the viewer can see in the whole thread. */
  total: number;
}

/**
 * Which replies of a thread a viewer sees: not deleted ones, and removed ones only when they
 * wrote them or facilitate a community the thread is in (the rule of maySeeRemoved).
 */
function visibleReplies(db: Db, root: ItemRow, viewerId: number | null | undefined): SQL {
  const inThread = and(eq(items.rootId, root.id), ne(items.id, root.id), isNull(items.deletedAt));
  if (viewerId && groupsOfItem(db, root.id).some((g) => isFacilitator(db, g.id, viewerId)))
    return inThread as SQL;
  const seesRemoved = viewerId
    ? or(isNull(items.removedAt), eq(items.authorId, viewerId))
    : isNull(items.removedAt);
  return and(inThread, seesRemoved) as SQL;
}

/** Pages needed for some number of replies; an empty thread still has its first page. */
export function pageCount(total: number, perPage = REPLIES_PER_PAGE): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/** One page of a thread's replies; a page past the end shows the last one. */
export function threadPage(
  db: Db,
  root: ItemRow,
  viewerId: number | null | undefined,
  requestedPage: number,
  perPage = REPLIES_PER_PAGE,
): ThreadPage {
  // Viewers differ only in which removed replies they see; in a thread without any, all see
  // the same page, which is then kept once for all of them.
  const viewer = viewerId && hasRemovedReplies(db, root.id) ? viewerId : "anyone";
  const key = `${root.id}:${viewer}:${requestedPage}:${perPage}`;
  return keptPages(db, key, () => readThreadPage(db, root, viewerId, requestedPage, perPage));
}

// Every view of a thread reads its page of replies (a count and up to 50 whole rows, through
// Drizzle's query builder each time); the page is the same until the database changes
// (src/db/generation.ts), so it is kept till then, frozen since requests share it. At most 200
// pages: 50 replies of a few kilobytes each make a page some 100-200 KB.
const keptPages = cachedUntilChange<string, ThreadPage>(200);
const removedIn = cachedUntilChange<number, boolean>(2_000);

/** Whether any reply of a thread has been removed by a facilitator (and not deleted). */
function hasRemovedReplies(db: Db, rootId: number): boolean {
  return removedIn(db, rootId, () =>
    Boolean(
      db.$client
        .prepare(
          `SELECT 1 FROM items WHERE root_id = ? AND id <> root_id
             AND removed_at IS NOT NULL AND deleted_at IS NULL LIMIT 1`,
        )
        .get(rootId),
    ),
  );
}

function readThreadPage(
  db: Db,
  root: ItemRow,
  viewerId: number | null | undefined,
  requestedPage: number,
  perPage: number,
): ThreadPage {
  const where = visibleReplies(db, root, viewerId);
  const total = db.select({ n: count() }).from(items).where(where).get()?.n ?? 0;
  const totalPages = pageCount(total, perPage);
  const page = Math.min(Math.max(1, Math.trunc(requestedPage) || 1), totalPages);
  const replies = db
    .select()
    .from(items)
    .where(where)
    .orderBy(asc(items.publishedAt), asc(items.id))
    .limit(perPage)
    .offset((page - 1) * perPage)
    .all();
  return frozen({ replies, page, totalPages, total });
}

/** The page of a thread a reply is on, for this viewer; 1 when it is not in the thread. */
export function pageOfReply(
  db: Db,
  root: ItemRow,
  replyId: number,
  viewerId: number | null | undefined,
  perPage = REPLIES_PER_PAGE,
): number {
  const where = visibleReplies(db, root, viewerId);
  const reply = db
    .select({ publishedAt: items.publishedAt })
    .from(items)
    .where(and(where, eq(items.id, replyId)))
    .get();
  if (!reply) return 1;
  const at = reply.publishedAt.getTime();
  // Replies before it in the page order (time, then id for replies of the same instant).
  const before =
    db
      .select({ n: count() })
      .from(items)
      .where(
        and(
          where,
          or(
            sql`${items.publishedAt} < ${at}`,
            and(sql`${items.publishedAt} = ${at}`, sql`${items.id} < ${replyId}`),
          ),
        ),
      )
      .get()?.n ?? 0;
  return Math.floor(before / perPage) + 1;
}

/**
 * Posts of a thread by id (parents on earlier pages, shown as "in reply to"); removed posts
 * are left out, so their authors are not named to people who may not see them.
 */
export function threadPostsById(db: Db, root: ItemRow, ids: number[]): Map<number, ItemRow> {
  if (ids.length === 0) return new Map();
  return new Map(
    db
      .select()
      .from(items)
      .where(
        and(
          eq(items.rootId, root.id),
          inArray(items.id, ids),
          isNull(items.deletedAt),
          isNull(items.removedAt),
        ),
      )
      .all()
      .map((row) => [row.id, row]),
  );
}
