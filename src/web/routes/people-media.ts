import type { Context } from "hono";
import { Hono, type MiddlewareHandler } from "hono";
import type { ActorRow } from "../../domain/actors.ts";
import { findLocalActor } from "../../domain/actors.ts";
import type { PersonProfileRow } from "../../domain/person-details.ts";
import { getPersonProfile } from "../../domain/person-details.ts";
import { MAX_PHOTO_BYTES, PHOTO_SIZES, type PhotoSize, photoKey } from "../../domain/photos.ts";
import { fileStoreFor } from "../../domain/storage/store.ts";
import type { AppEnv } from "../env.ts";
import { avatarSrc } from "../faces.ts";
import { pageContext, render } from "../render.ts";
import { uploadLimit } from "../upload-limit.ts";
import { PhotoTooLargePage } from "../views/pages/profile-edit.tsx";

// The profile form carries text fields and the CSRF token beside the photo.
const FORM_OVERHEAD_BYTES = 256 * 1024;

/** The URL of a person's photo at one size, or null when they have none we can show. */
export function photoUrl(
  person: ActorRow,
  profile: PersonProfileRow,
  size: PhotoSize,
): string | null {
  const face = {
    photoVersion: profile.photoUpdatedAt?.getTime() ?? null,
    iconUrl: profile.iconUrl,
  };
  return avatarSrc(person, face, size);
}

/** Whether a request is the profile form, which may carry a photo bigger than other forms. */
export function isPhotoUpload(c: Context<AppEnv>): boolean {
  return c.req.method === "POST" && c.req.path === "/profile/edit";
}

const TOO_LARGE = `The photo must be smaller than ${MAX_PHOTO_BYTES / 1024 / 1024} MB. Nothing was saved, so choose a smaller photo and fill in the form again.`;

/** Caps the profile form at the photo limit before anything reads it. */
export function photoUploadLimit(): MiddlewareHandler<AppEnv> {
  return uploadLimit({
    applies: isPhotoUpload,
    maxBytes: MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES,
    tooLarge: (c) => render(c, PhotoTooLargePage({ ctx: pageContext(c), message: TOO_LARGE }), 413),
  });
}

/** Serves local people's photos with a long cache: each upload gets a new URL. */
export function peopleMediaRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get("/media/people/:handle/:file", async (c) => {
    const { db, config } = c.get("deps");
    const match = /^(\d+)\.webp$/.exec(c.req.param("file"));
    const size = Number(match?.[1]) as PhotoSize;
    const person = findLocalActor(db, c.req.param("handle").toLowerCase());
    if (!match || !PHOTO_SIZES.includes(size) || person?.type !== "Person") return c.notFound();
    if (!getPersonProfile(db, person.id).photoUpdatedAt) return c.notFound();
    const bytes = await fileStoreFor(config.files).get(photoKey(person.handle, size));
    if (!bytes) return c.notFound();
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": "image/webp",
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    });
  });
  return app;
}
