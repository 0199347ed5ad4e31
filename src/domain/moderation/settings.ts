import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { actors, communities } from "../../db/schema/index.ts";
import { type Community, findCommunityByActorId } from "../communities.ts";
import { type FieldError, NotFoundError, ValidationError } from "../errors.ts";
import { recordModeration } from "./log.ts";
import { type ActingActor, assertMayModerateGroup } from "./ranks.ts";

/** What a facilitator may change about a community after creating it. */
export interface CommunitySettings {
  name: string;
  description: string;
  rules: string;
  /** Only facilitators start new topics and posts; members still reply. */
  announcementOnly: boolean;
}

/** The settings as they stand, for the form. */
export function communitySettings(db: Db, groupId: number): CommunitySettings {
  const community = findCommunityByActorId(db, groupId);
  if (!community) throw new NotFoundError("That community is not hosted here");
  return {
    name: community.actor.name,
    description: community.actor.summary,
    rules: community.rules,
    announcementOnly: community.announcementOnly,
  };
}

/**
 * A facilitator changes the community's name, description, rules and whether it is
 * announcement-only. The caller then tells
 * remote members' servers (Update{Group}), whose copies show the new rules too.
 */
export function updateCommunitySettings(
  db: Db,
  input: Omit<CommunitySettings, "announcementOnly"> & {
    /** Left as it is when not given. */
    announcementOnly?: boolean;
    groupId: number;
    byActorId: ActingActor;
  },
): Community {
  assertMayModerateGroup(db, input.groupId, input.byActorId, "settings");
  const name = input.name.replace(/\s+/g, " ").trim();
  const description = input.description.replace(/\r\n/g, "\n").trim();
  const rules = input.rules.replace(/\r\n/g, "\n").trim();
  const errors: FieldError[] = [];
  if (name.length === 0) errors.push({ field: "name", message: "Enter a name for the community" });
  else if (name.length > 100)
    errors.push({ field: "name", message: "Name must be 100 characters or fewer" });
  if (description.length > 5000) {
    errors.push({ field: "description", message: "Description must be 5,000 characters or fewer" });
  }
  if (rules.length > 5000) {
    errors.push({ field: "rules", message: "Rules must be 5,000 characters or fewer" });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  db.transaction((tx) => {
    tx.update(actors).set({ name, summary: description }).where(eq(actors.id, input.groupId)).run();
    tx.update(communities)
      .set({ rules, announcementOnly: input.announcementOnly })
      .where(eq(communities.actorId, input.groupId))
      .run();
    recordModeration(tx as unknown as Db, {
      groupId: input.groupId,
      actorId: input.byActorId,
      action: "settings",
      reason: "",
    });
  });
  return findCommunityByActorId(db, input.groupId)!;
}
