import { randomUUID } from "node:crypto";
import { and, eq, inArray, lt, notExists, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { uploadedImages, uploadedImageUses } from "../../db/schema/index.ts";
import { ValidationError } from "../errors.ts";
import type { FileStore } from "../storage/store.ts";
import { ImageRefusedError, prepareImage, storeImageFile } from "./prepare.ts";

// Pictures people put into what they write. An upload is stored at once (so the writer sees
// it in the preview) under an unguessable address; it becomes visible to others only through
// the posts whose text shows it, recorded when a post is saved (linkUploadedImages).

/** The largest picture accepted from a writer, before resizing. */
export const MAX_IMAGE_UPLOAD_BYTES = 10 * 1024 * 1024;
/** The longest side of a stored picture, in pixels. */
export const UPLOAD_MAX_SIDE = 1600;
/** The longest alt text kept. */
export const MAX_ALT_LENGTH = 1000;

/** An uploaded picture's row. */
export type UploadedImageRow = typeof uploadedImages.$inferSelect;

const UPLOAD_PATH =
  /\/media\/uploads\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.webp/g;

/** The path an uploaded picture is served at. */
export function uploadedImagePath(image: Pick<UploadedImageRow, "uuid">): string {
  return `/media/uploads/${image.uuid}.webp`;
}

/**
 * Checks and stores a writer's picture; refuses anything that is not a JPEG, PNG, GIF or WebP
 * picture of at most 10 MB with a ValidationError on the `image` field.
 */
export async function storeUploadedImage(
  db: Db,
  store: FileStore,
  uploaderId: number,
  bytes: Uint8Array,
): Promise<UploadedImageRow> {
  const refuse = (message: string) => new ValidationError([{ field: "image", message }]);
  if (bytes.length === 0) throw refuse("Choose an image to add");
  if (bytes.length > MAX_IMAGE_UPLOAD_BYTES) throw refuse("The image must be smaller than 10 MB");
  let prepared: Awaited<ReturnType<typeof prepareImage>>;
  try {
    prepared = await prepareImage(bytes, {
      maxBytes: MAX_IMAGE_UPLOAD_BYTES,
      maxSide: UPLOAD_MAX_SIDE,
    });
  } catch (error) {
    if (!(error instanceof ImageRefusedError)) throw error;
    throw refuse(
      error.message.startsWith("not a picture")
        ? "The image must be a JPEG, PNG, GIF or WebP file"
        : "The image could not be read; try saving it again as a JPEG or PNG",
    );
  }
  const storagePath = await storeImageFile(store, "media/uploads", prepared.webp);
  return db
    .insert(uploadedImages)
    .values({
      uuid: randomUUID(),
      uploaderId,
      storagePath,
      width: prepared.width,
      height: prepared.height,
      bytes: prepared.webp.length,
    })
    .returning()
    .get();
}

/** An uploaded picture by the uuid in its address. */
export function getUploadedImage(db: Db, uuid: string): UploadedImageRow | undefined {
  return db.select().from(uploadedImages).where(eq(uploadedImages.uuid, uuid)).get();
}

/** The uuids of uploaded pictures a text refers to, in order, each once. */
export function uploadedImageIdsIn(text: string): string[] {
  return [...new Set([...text.matchAll(UPLOAD_PATH)].map((m) => m[1]!))];
}

/**
 * Records that a saved post shows the pictures its text refers to, so its readers may see
 * them. Only pictures the writer uploaded are linked: someone who merely guessed or copied
 * an address cannot make another person's picture visible to new readers.
 */
export function linkUploadedImages(db: Db, itemId: number, writerId: number, text: string): void {
  const uuids = uploadedImageIdsIn(text);
  if (uuids.length === 0) return;
  const mine = db
    .select({ id: uploadedImages.id })
    .from(uploadedImages)
    .where(and(inArray(uploadedImages.uuid, uuids), eq(uploadedImages.uploaderId, writerId)))
    .all();
  for (const { id } of mine) {
    db.insert(uploadedImageUses).values({ imageId: id, itemId }).onConflictDoNothing().run();
  }
}

/** How long an upload no saved post shows is kept: long enough to finish writing the post. */
export const UNUSED_UPLOAD_MS = 24 * 60 * 60 * 1000;

/**
 * Removes pictures uploaded before `before` that no saved post shows (abandoned drafts), and
 * their files unless another upload has the same bytes. Returns how many went.
 */
export async function removeUnusedUploads(db: Db, store: FileStore, before: Date): Promise<number> {
  const unused = db
    .select()
    .from(uploadedImages)
    .where(
      and(
        lt(uploadedImages.createdAt, before),
        notExists(
          db
            .select({ one: sql`1` })
            .from(uploadedImageUses)
            .where(eq(uploadedImageUses.imageId, uploadedImages.id)),
        ),
      ),
    )
    .all();
  for (const image of unused) {
    db.delete(uploadedImages).where(eq(uploadedImages.id, image.id)).run();
    const shared = db
      .select({ id: uploadedImages.id })
      .from(uploadedImages)
      .where(eq(uploadedImages.storagePath, image.storagePath))
      .get();
    if (!shared) await store.delete(image.storagePath);
  }
  return unused.length;
}

/** The ids of the posts that show a picture. */
export function itemsShowingImage(db: Db, imageId: number): number[] {
  return db
    .select({ itemId: uploadedImageUses.itemId })
    .from(uploadedImageUses)
    .where(eq(uploadedImageUses.imageId, imageId))
    .all()
    .map((r) => r.itemId);
}

/** One picture a text shows, with its alt text, for federation's `attachment`s. */
export interface ImageInText {
  image: UploadedImageRow;
  alt: string;
}

const MARKDOWN_IMAGE = /!\[((?:\\.|[^\]\\])*)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** The uploaded pictures a Markdown text shows (`![alt](…/media/uploads/….webp)`), in order. */
export function uploadedImagesInMarkdown(db: Db, markdown: string): ImageInText[] {
  const found: ImageInText[] = [];
  for (const match of markdown.matchAll(MARKDOWN_IMAGE)) {
    const uuid = uploadedImageIdsIn(match[2]!)[0];
    if (!uuid || found.some((f) => f.image.uuid === uuid)) continue;
    const image = getUploadedImage(db, uuid);
    if (image) found.push({ image, alt: match[1]!.replace(/\\(.)/g, "$1") });
  }
  return found;
}

/** What the writing script puts where a picture's description goes, for the writer to replace. */
export const ALT_PLACEHOLDER = "Describe the image";

/**
 * The problem with a text that shows a picture uploaded here without a description (or with
 * the writing script's placeholder still in place), or null when every picture has one.
 */
export function missingAltText(markdown: string): string | null {
  for (const match of markdown.matchAll(MARKDOWN_IMAGE)) {
    if (uploadedImageIdsIn(match[2]!).length === 0) continue;
    const alt = match[1]!.trim();
    if (!alt || alt.toLowerCase() === ALT_PLACEHOLDER.toLowerCase()) {
      return "Describe each image for people who cannot see it: type the description between ![ and ]";
    }
  }
  return null;
}

/** The Markdown that shows a picture, its alt text made safe to sit between the brackets. */
export function imageMarkdown(alt: string, url: string): string {
  const text = alt
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_ALT_LENGTH)
    .replace(/([\\[\]])/g, "\\$1");
  return `![${text}](${url})`;
}
