import type { Db } from "../../db/client.ts";
import type { ActorRow } from "../../domain/actors.ts";
import { findCommunityByActorId } from "../../domain/communities.ts";
import { textToHtml } from "./text.ts";

/** A local community's `summary`: its description, then its rules under a "Rules" heading. */
export function groupSummary(db: Db, group: ActorRow): string | null {
  const rules = findCommunityByActorId(db, group.id)?.rules ?? "";
  const parts = [group.summary ? textToHtml(group.summary) : ""];
  if (rules) parts.push(`<h2>Rules</h2>${textToHtml(rules)}`);
  const html = parts.join("");
  return html || null;
}
