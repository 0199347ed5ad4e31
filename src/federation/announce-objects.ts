import type { RequestContext } from "@fedify/fedify";
import { Announce, Create } from "@fedify/vocab";
import { findLocalActor } from "../domain/actors.ts";
import { findItemByIri, getItem, groupsOfItem, type ItemRow } from "../domain/items.ts";
import { latestLocalPosts } from "../domain/outbox.ts";
import {
  ANNOUNCE_PATH,
  type AnnounceForm,
  CREATE_PATH,
  groupAnnounce,
  newPostAnnounceIri,
} from "./announces.ts";
import { signerMayReadGroup } from "./authorize.ts";
import type { ContextData, CopseContext, CopseFederation } from "./context.ts";
import { localCreate, localItemObject } from "./publish.ts";

// The Creates and Announces that publish local posts are served at their ids, rebuilt from
// the item each time (their ids are stable: src/federation/announces.ts). An announce of a
// post that came from another server is served in its object form only: its Create belongs
// to the author's server, and Copse does not keep a copy of it.

/** A published, undeleted item, or nothing. */
function liveItem(item: ItemRow | undefined): ItemRow | undefined {
  return item && !item.deletedAt && item.status === "published" ? item : undefined;
}

/** Whether the requester may see an item: public, or readable in one of its communities. */
async function mayRead(
  ctx: RequestContext<ContextData>,
  item: ItemRow | undefined,
): Promise<boolean> {
  if (!item || item.visibility === "public") return true;
  for (const group of groupsOfItem(ctx.data.db, item.id)) {
    if (await signerMayReadGroup(ctx, group)) return true;
  }
  return false;
}

/** A local group's announce of one of its posts in one form, or null when there is none. */
export function postAnnounce(
  ctx: CopseContext,
  identifier: string,
  itemId: string,
  form: string,
): Announce | null {
  const group = findLocalActor(ctx.data.db, identifier);
  const item = liveItem(/^\d+$/.test(itemId) ? getItem(ctx.data.db, Number(itemId)) : undefined);
  if (group?.type !== "Group" || !item || (form !== "object" && form !== "create")) return null;
  if (!groupsOfItem(ctx.data.db, item.id).some((g) => g.id === group.id)) return null;
  const id = newPostAnnounceIri(ctx, group, item, form as AnnounceForm);
  if (form === "object") {
    const object = item.isLocal ? localItemObject(ctx, item) : new URL(item.iri);
    return groupAnnounce(ctx, group, object, item.visibility, id);
  }
  return item.isLocal
    ? groupAnnounce(ctx, group, localCreate(ctx, item), item.visibility, id)
    : null;
}

/** What a local group's outbox lists: `Announce{Create}` of its latest public local posts. */
export function outboxAnnounces(ctx: CopseContext, identifier: string): Announce[] {
  const group = findLocalActor(ctx.data.db, identifier);
  if (group?.type !== "Group") return [];
  return latestLocalPosts(ctx.data.db, group.id)
    .map((item) => postAnnounce(ctx, identifier, String(item.id), "create"))
    .filter((a): a is Announce => a !== null);
}

/** Registers the dispatchers that serve the Creates and Announces of posts at their ids. */
export function registerAnnounceObjects(federation: CopseFederation): void {
  federation
    .setObjectDispatcher(Create, CREATE_PATH, (ctx, values) => {
      const item = liveItem(
        findItemByIri(ctx.data.db, `${ctx.origin}/ap/${values.type}/${values.id}`),
      );
      return item?.isLocal && item.kind !== "wiki" ? localCreate(ctx, item) : null;
    })
    .authorize((ctx, values) =>
      mayRead(ctx, findItemByIri(ctx.data.db, `${ctx.origin}/ap/${values.type}/${values.id}`)),
    );
  federation
    .setObjectDispatcher(Announce, ANNOUNCE_PATH, (ctx, values) =>
      postAnnounce(ctx, values.identifier, values.item, values.form),
    )
    .authorize((ctx, values) =>
      mayRead(
        ctx,
        /^\d+$/.test(values.item) ? getItem(ctx.data.db, Number(values.item)) : undefined,
      ),
    );
}
