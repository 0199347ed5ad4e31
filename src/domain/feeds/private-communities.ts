import type { Db } from "../../db/client.ts";
import { findCommunityByActorId } from "../communities.ts";
import { listMembershipsOf } from "../membership.ts";
import { enabledSections, SECTIONS, type SectionId } from "../sections.ts";

/** A private community whose feeds a person reads with their token. */
export interface PrivateFeedCommunity {
  handle: string;
  name: string;
  sections: SectionId[];
}

/**
 * The local private communities a person is an active member of, with the sections each
 * shows: the feeds that only work with the person's token. Public communities' feeds need no
 * token, so their addresses are never mixed with the person's secret.
 */
export function privateFeedCommunities(db: Db, personId: number): PrivateFeedCommunity[] {
  return listMembershipsOf(db, personId)
    .filter(({ membership, group }) => membership.state === "active" && group.isLocal)
    .filter(({ group }) => findCommunityByActorId(db, group.id)?.visibility === "private")
    .map(({ group }) => {
      const on = enabledSections(db, group.id);
      return {
        handle: group.handle,
        name: group.name || group.handle,
        sections: SECTIONS.map((s) => s.id).filter((id) => on.has(id)),
      };
    });
}
