import { Article, Event, Follow, Note, Page, Question } from "@fedify/vocab";
import { getActor } from "../domain/actors.ts";
import { findItemByIri, groupsOfItem } from "../domain/items.ts";
import { findMembershipByRequest } from "../domain/membership.ts";
import { registerAnnounceObjects } from "./announce-objects.ts";
import { signerMayReadGroup } from "./authorize.ts";
import type { CopseContext, CopseFederation } from "./context.ts";
import { localMessageNote, signerMayReadMessage } from "./messages.ts";
import { localItemObject } from "./publish.ts";
import { localWikiArticle, registerWikiObjects } from "./wiki.ts";

/** Registers dispatchers that make the ids of activities and content Copse sends dereferenceable. */
export function registerObjects(federation: CopseFederation): void {
  // Peers may fetch a Follow to verify an Accept or an Undo that names it by id.
  federation.setObjectDispatcher(Follow, "/ap/follows/{id}", (ctx, values) => {
    const iri = ctx.getObjectUri(Follow, values).href;
    const membership = findMembershipByRequest(ctx.data.db, iri);
    if (!membership) return null;
    const member = getActor(ctx.data.db, membership.memberId);
    const group = getActor(ctx.data.db, membership.groupId);
    if (!member?.isLocal || !group) return null;
    return new Follow({ id: new URL(iri), actor: new URL(member.iri), object: new URL(group.iri) });
  });

  // Content is served from one path per ActivityStreams type. Members-only items answer only
  // requests signed by someone allowed to read one of their communities.
  for (const [cls, path] of [
    [Page, "/ap/pages/{id}"],
    [Note, "/ap/notes/{id}"],
    [Article, "/ap/articles/{id}"],
    [Event, "/ap/events/{id}"],
    [Question, "/ap/questions/{id}"],
  ] as const) {
    federation
      .setObjectDispatcher(cls as typeof Note, path, (ctx, values) => {
        const item = liveLocalItem(ctx, ctx.getObjectUri(cls as typeof Note, values).href);
        // A wiki page is attributed to its community rather than to its first author.
        if (item?.kind === "wiki") return localWikiArticle(ctx, item) as unknown as Note;
        if (!item) return localMessageNote(ctx, ctx.getObjectUri(cls as typeof Note, values).href);
        return localItemObject(ctx, item) as Note;
      })
      .authorize(async (ctx, values) => {
        const item = liveLocalItem(ctx, ctx.getObjectUri(cls as typeof Note, values).href);
        // Private messages share the Notes path; only their two people may read them.
        if (!item)
          return signerMayReadMessage(ctx, ctx.getObjectUri(cls as typeof Note, values).href);
        if (item.visibility === "public") return true;
        for (const group of groupsOfItem(ctx.data.db, item.id)) {
          if (await signerMayReadGroup(ctx, group)) return true;
        }
        return false;
      });
  }
  registerWikiObjects(federation);
  registerAnnounceObjects(federation);
}

/**
 * A published, undeleted local item with this id. A removed one answers 404 meanwhile: it is
 * hidden, not gone, and peers treat "could not fetch" as neither (FEDERATION.md).
 */
function liveLocalItem(ctx: CopseContext, iri: string) {
  const item = findItemByIri(ctx.data.db, iri);
  return item?.isLocal && !item.deletedAt && !item.removedAt && item.status === "published"
    ? item
    : undefined;
}
