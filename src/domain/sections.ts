import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { cachedUntilChange } from "../db/generation.ts";
import { communitySections } from "../db/schema/index.ts";

/** The sections a community can have; facilitators switch each on or off. */
export const SECTIONS = [
  { id: "forum", label: "Forum" },
  { id: "blog", label: "Blog" },
  { id: "wiki", label: "Wiki" },
  { id: "events", label: "Events" },
  { id: "documents", label: "Documents" },
  { id: "polls", label: "Polls" },
  { id: "news", label: "News" },
] as const;

/** One of the community sections. */
export type SectionId = (typeof SECTIONS)[number]["id"];

/** Whether a string names a section. */
export function isSectionId(value: string): value is SectionId {
  return SECTIONS.some((s) => s.id === value);
}

/** Which sections a community shows; every section is on until a facilitator switches it off. */
export function enabledSections(db: Db, groupId: number): Set<SectionId> {
  // Read on every page of a community (its tabs), so kept until the database changes; each
  // caller gets its own set.
  const on = sectionsOn(db, groupId, () => {
    const off = new Set(
      db
        .select()
        .from(communitySections)
        .where(and(eq(communitySections.groupId, groupId), eq(communitySections.enabled, false)))
        .all()
        .map((row) => row.section),
    );
    return SECTIONS.map((s) => s.id).filter((id) => !off.has(id));
  });
  return new Set(on);
}

const sectionsOn = cachedUntilChange<number, SectionId[]>(500);

/** Saves which sections a community shows (the rest are switched off). */
export function setEnabledSections(
  db: Db,
  groupId: number,
  enabled: Iterable<string>,
): Set<SectionId> {
  const on = new Set([...enabled].filter(isSectionId));
  db.transaction((tx) => {
    for (const { id } of SECTIONS) {
      tx.insert(communitySections)
        .values({ groupId, section: id, enabled: on.has(id) })
        .onConflictDoUpdate({
          target: [communitySections.groupId, communitySections.section],
          set: { enabled: on.has(id) },
        })
        .run();
    }
  });
  return on;
}
