import { Create, Delete, Tombstone, Update } from "@fedify/vocab";
import { type ActorRow, getActor } from "../domain/actors.ts";
import type { EntryEdit } from "../domain/blog.ts";
import { groupsOfItem, type ItemRow } from "../domain/items.ts";
import { logger } from "../logging.ts";
import { announceNewPost } from "./announces.ts";
import type { CopseContext } from "./context.ts";
import { newActivityIri } from "./membership.ts";
import { announceToMembers, localItemObject, publishItemChange } from "./publish.ts";
import { recipientOf } from "./recipients.ts";
import { addressing } from "./vocab/items.ts";

const log = logger("federation", "blog");

// An entry in communities travels like any other post (FEP-1b12): each local community
// announces it to its members, each remote one receives the author's activity and announces it
// itself. An entry in no community is still a public Article, served at its id for anyone who
// looks it up; it would go to the author's followers, but a Person on Copse has no followers
// yet, so there is nobody to deliver it to.

/** Tells other servers about a new entry; drafts stay on this server. */
export async function publishNewEntry(ctx: CopseContext, entry: ItemRow): Promise<void> {
  await publishItemChange(ctx, entry, "create");
}

/**
 * Tells other servers what an edit changed: publishing a draft is a Create, withdrawing a
 * published entry (back to draft) a Delete of the id it was published under, and editing a
 * published entry an Update to its communities plus a Create to any it was newly put into.
 */
export async function publishEntryEdit(ctx: CopseContext, edit: EntryEdit): Promise<void> {
  const { before, after, previousGroups } = edit;
  const wasPublished = before.status === "published";
  const isPublished = after.status === "published";
  if (!wasPublished && isPublished) {
    await publishItemChange(ctx, after, "create");
  } else if (wasPublished && !isPublished) {
    await sendEntryActivity(ctx, before, "delete", { addressed: previousGroups });
  } else if (wasPublished && isPublished) {
    const groups = groupsOfItem(ctx.data.db, after.id);
    const known = new Set(previousGroups.map((g) => g.id));
    const added = groups.filter((g) => !known.has(g.id));
    await sendEntryActivity(ctx, after, "update", { addressed: groups, to: previousGroups });
    if (added.length > 0) {
      await sendEntryActivity(ctx, after, "create", { addressed: groups, to: added });
    }
  }
}

/**
 * Sends one activity about a local entry to some of its communities, addressed to all of them
 * (`addressed`), as publishItemChange does for every community at once.
 */
async function sendEntryActivity(
  ctx: CopseContext,
  entry: ItemRow,
  change: "create" | "update" | "delete",
  groups: { addressed: ActorRow[]; to?: ActorRow[] },
): Promise<void> {
  const author = getActor(ctx.data.db, entry.authorId);
  const targets = groups.to ?? groups.addressed;
  if (!entry.isLocal || !author?.isLocal || targets.length === 0) return;
  const { tos, ccs } = addressing(entry, groups.addressed);
  const object =
    change === "delete"
      ? new Tombstone({ id: new URL(entry.iri), deleted: Temporal.Now.instant() })
      : localItemObject(ctx, entry);
  const Verb = change === "create" ? Create : change === "update" ? Update : Delete;
  const activity = new Verb({
    id: newActivityIri(ctx, change),
    actor: new URL(author.iri),
    object,
    tos,
    ccs,
  });
  for (const group of targets) {
    if (group.isLocal && activity instanceof Create) {
      await announceNewPost(ctx, group, entry, activity, object);
    } else if (group.isLocal) {
      await announceToMembers(ctx, group, activity, entry.visibility);
    } else {
      await ctx.sendActivity({ identifier: author.handle }, recipientOf(group), activity);
    }
  }
  log.info("Sent {change} of entry {entry} to {count} communities", {
    change,
    entry: entry.iri,
    count: targets.length,
  });
}
