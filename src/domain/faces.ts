import { eq, sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { preparedQuery } from "../db/prepared.ts";
import { personProfiles } from "../db/schema/index.ts";

// What stands beside a person's name in lists when there is no photo to show: their initials
// on a coloured circle. The colour comes from the name, so one person keeps one colour on every
// page, and every colour of the palette carries white text at WCAG AA contrast (4.5:1).

/**
 * Background colours of initials, each at least 4.5:1 against white text. The stylesheet
 * (`src/web/assets/_avatars.scss`) lists the same colours in the same order as
 * `.copse-avatar--tone-<index>`; test/domain/faces.test.ts checks that both agree.
 */
export const AVATAR_TONES = [
  "#1d70b8", // blue
  "#00703c", // green
  "#4c2c92", // purple
  "#a8321c", // brick red
  "#005a6f", // teal
  "#912b88", // magenta
  "#505a5f", // slate
  "#7a4a00", // brown
  "#003078", // navy
  "#a3175c", // raspberry
  "#3d5a0f", // olive
  "#6b3fa0", // violet
] as const;

/** Up to two letters for a person: the first letters of their first and last names. */
export function initialsOf(name: string, handle = ""): string {
  // A hyphenated surname is one name; a handle's parts are split at dots and underscores too.
  const words = (name.trim() ? name.split(/\s+/u) : handle.split(/[\s._-]+/u))
    // A word's first letter or digit; punctuation and emoji around names are skipped.
    .map((word) => Array.from(word).find((ch) => /[\p{L}\p{N}]/u.test(ch)))
    .filter((ch): ch is string => ch !== undefined);
  const first = words[0];
  if (first === undefined) return "?";
  const last = words.length > 1 ? words[words.length - 1] : undefined;
  return `${first}${last ?? ""}`.toLocaleUpperCase("en-GB");
}

/** The palette index of a name's colour: the same name always gets the same one. */
export function toneOf(name: string): number {
  // FNV-1a over the UTF-16 code units: cheap, stable across runs and well spread.
  let hash = 0x811c9dc5;
  const key = name.trim().toLocaleLowerCase("en-GB");
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % AVATAR_TONES.length;
}

/** What is stored about a person's picture: a local photo's version, a remote icon's address. */
export interface StoredFace {
  photoUpdatedAt: Date | null;
  iconUrl: string | null;
}

/** One actor's stored picture details; nothing for actors without a profile row. */
export function storedFace(db: Db, actorId: number): StoredFace {
  return faceById(db).get({ id: actorId }) ?? { photoUpdatedAt: null, iconUrl: null };
}

// Every avatar on a page asks for its face, so the look-up is prepared once and reused.
const faceById = preparedQuery((db) =>
  db
    .select({ photoUpdatedAt: personProfiles.photoUpdatedAt, iconUrl: personProfiles.iconUrl })
    .from(personProfiles)
    .where(eq(personProfiles.actorId, sql.placeholder("id")))
    .prepare(),
);
