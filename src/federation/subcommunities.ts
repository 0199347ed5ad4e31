import type { Actor } from "@fedify/vocab";
import type { Db } from "../db/client.ts";
import type { ActorRow } from "../domain/actors.ts";
import { parentOf, setRemoteParent } from "../domain/community-tree.ts";
import { setRemotePostingRestriction } from "../domain/moderation/announcement.ts";
import { postingRestrictionIn } from "./vocab/lemmy-group.ts";
import { parentIriOf, parentLink } from "./vocab/subcommunities.ts";

/** The attachments a local Group carries to name its parent (none at the top of the tree). */
export function groupParentLinks(db: Db, group: ActorRow) {
  const parent = parentOf(db, group.id);
  return parent ? [parentLink(parent.iri)] : [];
}

/**
 * Remembers which parent a fetched remote Group names, so its page can say what it is part of,
 * and whether it is announcement-only (Lemmy's postingRestrictedToMods).
 */
export async function refreshRemoteGroup(
  db: Db,
  row: ActorRow,
  actor: Actor,
  received?: unknown,
): Promise<void> {
  if (row.isLocal || row.type !== "Group") return;
  setRemoteParent(db, row.id, await parentIriOf(actor));
  // `received` is the Group's JSON as it arrived, when the actor was rebuilt from an activity.
  const json = received && typeof received === "object" ? received : await actor.toJsonLd();
  setRemotePostingRestriction(db, row.id, postingRestrictionIn(json));
}
