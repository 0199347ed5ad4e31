import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { actors, itemMentions } from "../db/schema/index.ts";
import type { ActorRow } from "./actors.ts";
import { renderMarkdown } from "./html.ts";
import { writtenMentions } from "./markdown-links.ts";
import { personPagePath } from "./paths.ts";

// A post mentions people with `@handle` (someone here) or `@handle@host` (someone anywhere).
// Only people Copse knows become mentions: local people, and remote people already stored or
// found over WebFinger by the web layer before the post is saved (src/federation/mentions.ts).

/** How many people one post may mention; more is a mass notification, not a conversation. */
export const MAX_MENTIONS = 20;

/** Our own page for a person: their profile here, or our copy of a remote person's profile. */
export function mentionHref(person: ActorRow): string {
  return personPagePath(person.isLocal ? person.handle : `${person.handle}@${person.host}`);
}

/** The person a written handle (`name` or `name@host`) names, when Copse knows them. */
export function findMentioned(db: Db, localHost: string, written: string): ActorRow | undefined {
  const [name, host] = written.toLowerCase().split("@") as [string, string | undefined];
  const local = !host || host === localHost.toLowerCase();
  // Remote servers choose their handles' case (Mastodon keeps "Alice"); people type any case.
  const person = db
    .select()
    .from(actors)
    .where(
      and(
        sql`lower(${actors.handle}) = ${name}`,
        local ? eq(actors.isLocal, true) : sql`lower(${actors.host}) = ${host}`,
        eq(actors.type, "Person"),
        isNull(actors.deletedAt),
      ),
    )
    .get();
  return person;
}

/** Markdown rendered with its mentions as links, and the people it mentions. */
export function renderWithMentions(
  db: Db,
  origin: string,
  markdown: string,
): { html: string; mentioned: ActorRow[] } {
  const localHost = new URL(origin).host;
  const mentioned = new Map<number, ActorRow>();
  const html = renderMarkdown(markdown, {
    mention: (written) => {
      const person = findMentioned(db, localHost, written);
      if (!person) return undefined;
      if (!mentioned.has(person.id) && mentioned.size >= MAX_MENTIONS) return undefined;
      mentioned.set(person.id, person);
      return mentionHref(person);
    },
  });
  return { html, mentioned: [...mentioned.values()] };
}

/** The `name@host` handles a text mentions that are not on this server (to look up). */
export function remoteHandlesIn(markdown: string, origin: string): string[] {
  const localHost = new URL(origin).host.toLowerCase();
  return writtenMentions(markdown)
    .filter((w) => w.includes("@") && !w.endsWith(`@${localHost}`))
    .slice(0, MAX_MENTIONS);
}

/** Sets who an item mentions (replacing what an earlier version said). */
export function recordMentions(db: Db, itemId: number, actorIds: number[]): void {
  db.transaction((tx) => {
    tx.delete(itemMentions).where(eq(itemMentions.itemId, itemId)).run();
    for (const actorId of new Set(actorIds).values())
      tx.insert(itemMentions).values({ itemId, actorId }).run();
  });
}

/** The people an item mentions. */
export function mentionedIn(db: Db, itemId: number): ActorRow[] {
  return db
    .select({ actor: actors })
    .from(itemMentions)
    .innerJoin(actors, eq(actors.id, itemMentions.actorId))
    .where(eq(itemMentions.itemId, itemId))
    .all()
    .map((r) => r.actor);
}

/** Records the local people among some actor ids (a remote post's Mention tags). */
export function recordLocalMentions(db: Db, itemId: number, actorIds: number[]): void {
  if (actorIds.length === 0) return;
  const local = db
    .select({ id: actors.id })
    .from(actors)
    .where(and(inArray(actors.id, actorIds), eq(actors.isLocal, true), eq(actors.type, "Person")))
    .all()
    .map((r) => r.id);
  recordMentions(db, itemId, local.slice(0, MAX_MENTIONS));
}
