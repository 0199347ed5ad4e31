import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import type { AccountWithActor } from "../domain/accounts.ts";
import type { ActorRow } from "../domain/actors.ts";
import { ancestorsOf, childrenOf, moveTargets, parentOf } from "../domain/community-tree.ts";
import { stageOf } from "../domain/lifecycle.ts";
import type { Lineage } from "./views/community-tree.tsx";
import type { LifecycleSettingsData } from "./views/lifecycle-settings.tsx";

/** Where a community sits in the tree, and its stage, for its page. */
export function lineageFor(db: Db, group: ActorRow): Lineage {
  // The same for every viewer and read on every view of the page (a dozen small queries), so
  // kept until the database next changes.
  return lineages(db, group.id, () => ({
    ancestors: ancestorsOf(db, group.id),
    children: childrenOf(db, group),
    stage: stageOf(db, group.id),
  }));
}

const lineages = cachedUntilChange<number, Lineage>(200);

/** The stage and parent a facilitator can change in a local community's settings. */
export function lifecycleSettingsFor(
  db: Db,
  group: ActorRow,
  account: AccountWithActor,
): LifecycleSettingsData | undefined {
  const stage = stageOf(db, group.id);
  if (!stage) return undefined;
  return {
    stage,
    parent: parentOf(db, group.id),
    targets: moveTargets(db, group.id, account.actor.id, account.isAdmin),
  };
}
