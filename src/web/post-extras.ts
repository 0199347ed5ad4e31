import type { Db } from "../db/client.ts";
import { mediaOfItems } from "../domain/item-media.ts";
import { type ItemRow, readGroupsOfItemsAhead } from "../domain/items.ts";
import { mayVote, voteTallies } from "../domain/votes.ts";
import type { PostExtras } from "./views/post-extras.tsx";

/** Loads the votes, shared links and pictures of a page's posts, for the viewer. */
export function postExtras(db: Db, posts: ItemRow[], viewerId: number | undefined): PostExtras {
  const ids = posts.map((p) => p.id);
  // Each post's communities decide who may vote on it, edit it and see it: read at once.
  readGroupsOfItemsAhead(db, ids);
  return {
    votes: voteTallies(db, ids, viewerId),
    media: mediaOfItems(db, ids),
    mayVote: (item) => viewerId !== undefined && mayVote(db, item, viewerId),
  };
}
