import { type Object as APObject, Mention } from "@fedify/vocab";
import { type ActorRow, findActorByIri } from "../domain/actors.ts";
import type { ItemRow } from "../domain/items.ts";
import {
  findMentioned,
  MAX_MENTIONS,
  mentionedIn,
  recordLocalMentions,
  remoteHandlesIn,
} from "../domain/mentions.ts";
import { logger } from "../logging.ts";
import type { CopseContext } from "./context.ts";
import { LookupError, resolveActor } from "./lookup.ts";
import { recipientOf } from "./recipients.ts";

// Mentions travel as Mastodon expects: the object's `tag` holds a Mention (href the actor id,
// name `@handle@host`), a public object names the mentioned people in `cc`, and their servers
// receive the activity in their inboxes. A members-only object is never sent to anyone who is
// not a member: the group's own delivery reaches those who are.

const log = logger("federation", "mentions");

/**
 * Looks up, over WebFinger and through the guarded fetcher, the `@name@host` people a text
 * mentions that Copse has not met yet, so that saving the text can link and notify them. A
 * failed look-up leaves the handle as plain text.
 */
export async function learnMentionedPeople(ctx: CopseContext, markdown: string): Promise<void> {
  const { db, config } = ctx.data;
  const localHost = new URL(config.origin).host;
  for (const written of remoteHandlesIn(markdown, config.origin)) {
    if (findMentioned(db, localHost, written)) continue;
    try {
      await resolveActor(ctx, `@${written}`);
    } catch (error) {
      if (!(error instanceof LookupError)) throw error;
      log.info("Mention of @{written} stays plain text: {reason}", {
        written,
        reason: error.message,
      });
    }
  }
}

/** The remote people a local public item mentions, who receive it in their own inboxes. */
export function remoteMentionedRecipients(ctx: CopseContext, item: ItemRow): ActorRow[] {
  if (item.visibility !== "public") return [];
  return mentionedIn(ctx.data.db, item.id).filter((p) => !p.isLocal && p.inboxUrl);
}

/** Sends an activity about a public item to the remote people it mentions. */
export async function deliverToMentioned(
  ctx: CopseContext,
  item: ItemRow,
  author: ActorRow,
  activity: Parameters<CopseContext["sendActivity"]>[2],
): Promise<void> {
  const people = remoteMentionedRecipients(ctx, item);
  if (people.length === 0) return;
  await ctx.sendActivity({ identifier: author.handle }, people.map(recipientOf), activity);
  log.info("Sent {item} to the {count} remote people it mentions", {
    item: item.iri,
    count: people.length,
  });
}

/** Records which local people a remote object's Mention tags name (they are notified). */
export async function recordInboundMentions(
  ctx: CopseContext,
  item: ItemRow,
  object: APObject,
): Promise<void> {
  const { db } = ctx.data;
  const ids: number[] = [];
  for await (const tag of object.getTags({
    documentLoader: async (url) => {
      throw new Error(`Not fetching tag ${url}`);
    },
    suppressError: true,
  })) {
    if (!(tag instanceof Mention) || !tag.href) continue;
    const person = findActorByIri(db, tag.href.href);
    if (person?.isLocal && person.type === "Person") ids.push(person.id);
    // Reading further would only find people who are not notified (see MAX_MENTIONS).
    if (ids.length >= MAX_MENTIONS) break;
  }
  recordLocalMentions(db, item.id, ids);
}
