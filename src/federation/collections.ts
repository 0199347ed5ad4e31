import type { RequestContext } from "@fedify/fedify";
import type { Recipient } from "@fedify/vocab";
import { Page, Person } from "@fedify/vocab";
import { findLocalActor, getActor } from "../domain/actors.ts";
import { findCommunityByActorId } from "../domain/communities.ts";
import { listContactFollowers } from "../domain/contacts.ts";
import { pinnedTopics } from "../domain/forum.ts";
import { listMemberAddresses, listMembershipsOf } from "../domain/membership.ts";
import { facilitatorsBySeniority } from "../domain/moderation/ranks.ts";
import { outboxAnnounces } from "./announce-objects.ts";
import { signerMayReadGroup } from "./authorize.ts";
import type { ContextData, CopseFederation } from "./context.ts";

/** Registers outbox, followers, following and moderators collections of local actors. */
export function registerCollections(federation: CopseFederation): void {
  // A group's outbox holds the Announce{Create} of its latest public posts, which is how Lemmy
  // fills a community it has just followed (src/federation/announce-objects.ts); a person's is
  // empty. An empty outbox is still served rather than a 404, which peers take for a broken actor.
  federation
    .setOutboxDispatcher("/ap/actors/{identifier}/outbox", (ctx, identifier) =>
      findLocalActor(ctx.data.db, identifier) ? { items: outboxAnnounces(ctx, identifier) } : null,
    )
    .setCounter((ctx, identifier) =>
      findLocalActor(ctx.data.db, identifier) ? outboxAnnounces(ctx, identifier).length : null,
    );

  // A group's followers are its members, local and remote. Fan-out uses this dispatcher too,
  // so it returns inbox and shared-inbox ids, not just actor ids.
  federation
    .setFollowersDispatcher("/ap/actors/{identifier}/followers", (ctx, identifier) => {
      const actor = findLocalActor(ctx.data.db, identifier);
      if (!actor) return null;
      // A person's followers are the people who have them as an accepted contact.
      const followers =
        actor.type === "Group"
          ? listMemberAddresses(ctx.data.db, actor.id)
          : actor.type === "Person"
            ? listContactFollowers(ctx.data.db, actor.id)
            : [];
      const items: Recipient[] = followers.map((member) => ({
        id: new URL(member.iri),
        inboxId: member.inboxUrl ? new URL(member.inboxUrl) : null,
        endpoints: member.sharedInboxUrl ? { sharedInbox: new URL(member.sharedInboxUrl) } : null,
      }));
      return { items };
    })
    .setCounter((ctx, identifier) => {
      const actor = findLocalActor(ctx.data.db, identifier);
      if (!actor) return null;
      if (actor.type === "Person") return listContactFollowers(ctx.data.db, actor.id).length;
      return actor.type === "Group" ? listMemberAddresses(ctx.data.db, actor.id).length : 0;
    })
    // The members are served on a page, so the collection itself can take the shape Lemmy
    // parses: a Collection whose `items` is empty (src/federation/served.ts).
    .setFirstCursor(() => "0")
    .authorize((ctx, identifier) => mayReadMembership(ctx, identifier));

  federation
    .setFollowingDispatcher("/ap/actors/{identifier}/following", (ctx, identifier) => {
      const actor = findLocalActor(ctx.data.db, identifier);
      if (!actor) return null;
      // Only public communities are listed: membership of a private one is its members' business.
      const items = listMembershipsOf(ctx.data.db, actor.id)
        .filter(
          ({ membership, group }) =>
            membership.state === "active" && isListable(ctx.data, group.id),
        )
        .map(({ group }) => new URL(group.iri));
      return { items };
    })
    .setCounter((ctx, identifier) => {
      const actor = findLocalActor(ctx.data.db, identifier);
      if (!actor) return null;
      return listMembershipsOf(ctx.data.db, actor.id).filter(
        ({ membership, group }) => membership.state === "active" && isListable(ctx.data, group.id),
      ).length;
    });

  // An OrderedCollection, longest-serving first, as Lemmy reads a community's moderators.
  federation
    .setOrderedCollectionDispatcher(
      "moderators",
      Person,
      "/ap/actors/{identifier}/moderators",
      (ctx, values) => {
        const group = findLocalActor(ctx.data.db, values.identifier ?? "");
        if (group?.type !== "Group") return null;
        const items = facilitatorsBySeniority(ctx.data.db, group.id)
          .map((m) => getActor(ctx.data.db, m.memberId))
          .filter((member) => member !== undefined)
          .map((member) => new Person({ id: new URL(member.iri) }));
        return { items };
      },
    )
    .authorize((ctx, values) => mayReadMembership(ctx, values.identifier ?? ""));

  // Pinned topics (FEP-1b12 and Lemmy read them from the group's `featured` collection).
  federation
    .setFeaturedDispatcher("/ap/actors/{identifier}/featured", (ctx, identifier) => {
      const group = findLocalActor(ctx.data.db, identifier);
      if (group?.type !== "Group") return null;
      const items = pinnedTopics(ctx.data.db, group.id).map(
        (topic) => new Page({ id: new URL(topic.iri) }),
      );
      return { items };
    })
    .authorize((ctx, identifier) => mayReadMembership(ctx, identifier));
}

function isListable(data: ContextData, groupId: number): boolean {
  const community = findCommunityByActorId(data.db, groupId);
  // Remote groups decide their own visibility; we only ever list what their servers showed us.
  return community ? community.visibility === "public" : true;
}

/** Members of a private community are visible only to its members and their servers. */
async function mayReadMembership(
  ctx: RequestContext<ContextData>,
  identifier: string,
): Promise<boolean> {
  const group = findLocalActor(ctx.data.db, identifier);
  if (group?.type !== "Group") return true; // the dispatcher answers 404 or an empty list
  return signerMayReadGroup(ctx, group);
}
