import {
  type Activity,
  Announce,
  type Object as APObject,
  Create,
  PUBLIC_COLLECTION,
} from "@fedify/vocab";
import type { ActorRow } from "../domain/actors.ts";
import type { ItemRow } from "../domain/items.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { relayToFollowers } from "./relay.ts";

// How a local group passes things on (FEP-1b12). A new post goes out in two forms, because no
// single form is read everywhere: Lemmy accepts only an announced activity,
// `Announce{Create{Page|Note}}` (it refuses `Announce{Page}` with CannotReceivePage and cannot
// parse `Announce{Note}`), while Mastodon shows `Announce{object}` as a boost and ignores
// announced activities. Lemmy sends both forms to its followers for the same reason. Each
// form has its own id, built from the group and the item, so the same announce always has
// the same id and can be fetched there (src/federation/announce-objects.ts).

/** URI template of a group's announce of a new post, in one of its two forms. */
export const ANNOUNCE_PATH = "/ap/actors/{identifier}/announces/{item}/{form}";
/** URI template of the Create that published a local item (`type` as in the item's id). */
export const CREATE_PATH = "/ap/creates/{type}/{id}";

/** The two forms a new post is announced in: the object itself, or the Create that made it. */
export type AnnounceForm = "object" | "create";

/** The id of a group's announce of a new post in one form; the same whenever it is built. */
export function newPostAnnounceIri(
  ctx: CopseContext,
  group: ActorRow,
  item: ItemRow,
  form: AnnounceForm,
): URL {
  return ctx.getObjectUri(Announce, { identifier: group.handle, item: String(item.id), form });
}

/** The id of the Create that published a local item, served at CREATE_PATH. */
export function localCreateIri(ctx: CopseContext, item: ItemRow): URL {
  const match = /^\/ap\/([a-z]+)\/([^/]+)$/.exec(new URL(item.iri).pathname);
  return match
    ? ctx.getObjectUri(Create, { type: match[1]!, id: match[2]! })
    : newActivityIri(ctx, "create");
}

/**
 * A group's Announce of an activity or object to its followers: public posts to everyone with
 * the followers in copy, members-only ones to the followers alone.
 */
export function groupAnnounce(
  ctx: CopseContext,
  group: ActorRow,
  payload: Activity | APObject | URL,
  visibility: "public" | "members",
  id: URL = newActivityIri(ctx, "announce"),
): Announce {
  const followers = group.followersUrl ? new URL(group.followersUrl) : null;
  return new Announce({
    id,
    actor: new URL(group.iri),
    object: payload,
    tos: visibility === "public" ? [PUBLIC_COLLECTION] : followers ? [followers] : [],
    ccs: visibility === "public" && followers ? [followers] : [],
  });
}

/**
 * Sends a group's Announce to its followers' (shared) inboxes; local members need no copy. It
 * goes HTTP-signed by the group, without a Linked Data signature or proof (relay.ts).
 */
export async function sendToFollowers(
  ctx: CopseContext,
  group: ActorRow,
  announce: Announce,
): Promise<void> {
  await relayToFollowers(ctx, group, announce);
}

/** Both announces of a new post: `Announce{Create}` for Lemmy and its kin, `Announce{object}` for Mastodon. */
export function newPostAnnounces(
  ctx: CopseContext,
  group: ActorRow,
  item: ItemRow,
  create: Create,
  object: APObject | URL,
): Announce[] {
  return [
    groupAnnounce(
      ctx,
      group,
      create,
      item.visibility,
      newPostAnnounceIri(ctx, group, item, "create"),
    ),
    groupAnnounce(
      ctx,
      group,
      object,
      item.visibility,
      newPostAnnounceIri(ctx, group, item, "object"),
    ),
  ];
}

/** Announces a new post in both forms to a local group's followers. */
export async function announceNewPost(
  ctx: CopseContext,
  group: ActorRow,
  item: ItemRow,
  create: Create,
  object: APObject | URL,
): Promise<void> {
  for (const announce of newPostAnnounces(ctx, group, item, create, object)) {
    await sendToFollowers(ctx, group, announce);
  }
}
