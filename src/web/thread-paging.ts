import type { Context } from "hono";
import type { ItemRow } from "../domain/items.ts";
import { pageOfReply, type ThreadPage, threadPage } from "../domain/thread-pages.ts";
import type { AppEnv } from "./env.ts";

// Which page of a thread a request shows, the same for forum topics and every commented item:
// `?page=N` names it, `?reply=<id>` (the form every link to a reply or comment takes, see
// itemPagePath) opens the page holding that reply, and a refused reply or comment being written
// again shows the last page, where the writing box is.

/**
 * One page of a thread's replies or comments for this request's viewer; `last` asks for the
 * last page and `at` for the page holding one reply (a refused answer to it comes back there).
 */
export function requestedThreadPage(
  c: Context<AppEnv>,
  root: ItemRow,
  options: { last?: boolean; at?: number | undefined } = {},
): ThreadPage {
  const { db } = c.get("deps");
  const viewerId = c.get("account")?.actor.id;
  const pageParam = c.req.query("page");
  const replyParam = c.req.query("reply");
  const requested = options.last
    ? Number.MAX_SAFE_INTEGER
    : options.at !== undefined
      ? pageOfReply(db, root, options.at, viewerId)
      : pageParam === undefined && replyParam && /^\d+$/.test(replyParam)
        ? pageOfReply(db, root, Number(replyParam), viewerId)
        : Number.parseInt(pageParam ?? "1", 10);
  return threadPage(db, root, viewerId, requested);
}
