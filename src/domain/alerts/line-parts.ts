import type { alertEntries } from "../../db/schema/index.ts";
import type { ActorRow } from "../actors.ts";

// The parts every alert line is made of, shared by the content lines (entry-lines.ts) and the
// moderation lines (moderation-lines.ts).

/** A row of the alert_entries table. */
export type AlertEntry = typeof alertEntries.$inferSelect;

/** One line of an alert mail: what happened, who did it, and where to read it. */
export interface AlertLine {
  entryId: number;
  /** The community it happened in; null for messages and replies. */
  community: string | null;
  /** The heading it is listed under: a section name, "Direct messages" or "Replies to you". */
  heading: string;
  title: string;
  by: string;
  /** Absolute link to the page (the mail is read outside the site). */
  url: string;
  /** The start of the post's text, as plain text; absent when there is none to quote. */
  excerpt?: string;
  /** Set when the line is an edit of a wiki page, with the reason the editor gave. */
  edit?: { reason: string };
  /** Set when the title says it all (no author): the count closing a long digest section. */
  summary?: true;
}

/** How an actor is named in a mail. */
export function nameOf(actor: ActorRow | undefined): string {
  if (!actor) return "someone";
  return actor.name || `@${actor.handle}@${actor.host}`;
}
