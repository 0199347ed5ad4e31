import type { InboxContext } from "@fedify/fedify";
import type { Update } from "@fedify/vocab";
import { logger } from "../../logging.ts";
import type { ContextData } from "../context.ts";
import { onActorUpdated } from "./actors.ts";
import { onContentUpdated } from "./content.ts";
import { onWikiUpdated } from "./wiki.ts";

const log = logger("federation", "inbox", "updates");

/** Routes an Update to the handler for what it updates. */
export async function onUpdated(ctx: InboxContext<ContextData>, update: Update): Promise<void> {
  if (await onActorUpdated(ctx, update)) return;
  if (await onWikiUpdated(ctx, update)) return;
  if (await onContentUpdated(ctx, update)) return;
  log.debug("Ignored Update {id} of {object}", {
    id: update.id?.href,
    object: update.objectId?.href,
  });
}
