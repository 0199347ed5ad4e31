import type { Db } from "../db/client.ts";
import { changeStamp } from "../db/generation.ts";
import { storedFace } from "../domain/faces.ts";
import type { PhotoSize } from "../domain/photos.ts";

// Where the picture beside a person's name comes from. Every avatar on every page asks
// avatarSrc() for its address, so this file is the one place that decides which images a
// page loads; the rest of the web layer only renders what it answers.

/** What is known about a person's picture. */
export interface Face {
  /** When a local person last replaced their photo (ms), or null without one. */
  photoVersion: number | null;
  /** A remote person's avatar as their server published it, or null. */
  iconUrl: string | null;
}

/** The parts of a person (or community) an avatar needs. */
export interface FacePerson {
  id: number;
  name: string;
  handle: string;
  isLocal: boolean;
  deletedAt?: Date | null | undefined;
}

/** Looks up one actor's face by id. */
export type FaceLookup = (actorId: number) => Face;

/** A face with no picture: initials are shown. */
export const NO_FACE: Face = { photoVersion: null, iconUrl: null };

/**
 * The address of a person's picture at one size, or null when initials must stand in.
 * Local people's photos are ours, resized, versioned and cached for a year. A remote person's
 * icon is never loaded from their server, which would tell it who reads what: until the
 * remote image cache serves a local copy, remote people are shown by their initials.
 */
export function avatarSrc(person: FacePerson, face: Face, size: PhotoSize): string | null {
  if (person.deletedAt) return null;
  if (!person.isLocal || face.photoVersion === null) return null;
  // The version in the query lets the file be cached for a year and still change at once.
  return `/media/people/${encodeURIComponent(person.handle)}/${size}.webp?v=${face.photoVersion}`;
}

/** Faces read while the database was at one change stamp, shared by the requests made then. */
const shared = new WeakMap<Db, { stamp: string; faces: Map<number, Face> }>();
/** More faces than a page shows; past it the shared map starts afresh. */
const MAX_SHARED = 20_000;

/**
 * One request's face look-up: each actor is read once, however often they appear. Faces read
 * by earlier requests are reused while the database is unchanged (its change stamp is read
 * once, at the first avatar), so a list of fifty people costs no query at all on a quiet
 * instance and never shows a photo that has since changed.
 */
export function faceLookup(db: Db): FaceLookup {
  let faces: Map<number, Face> | undefined;
  return (actorId) => {
    if (faces === undefined) {
      const stamp = changeStamp(db);
      let entry = shared.get(db);
      if (stamp === null) {
        // Inside a transaction: this request's own look-ups only, shared with no other.
        entry = { stamp: "", faces: new Map() };
      } else if (entry === undefined || entry.stamp !== stamp || entry.faces.size > MAX_SHARED) {
        entry = { stamp, faces: new Map() };
        shared.set(db, entry);
      }
      faces = entry.faces;
    }
    let face = faces.get(actorId);
    if (!face) {
      const stored = storedFace(db, actorId);
      face = { photoVersion: stored.photoUpdatedAt?.getTime() ?? null, iconUrl: stored.iconUrl };
      faces.set(actorId, face);
    }
    return face;
  };
}
