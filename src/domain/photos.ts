import { ValidationError } from "./errors.ts";
import { loadSharp } from "./sharp.ts";
import { sniffBytes } from "./sniff.ts";
import type { FileStore } from "./storage/store.ts";

/** The largest photo accepted, before resizing. */
export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
/** The square sizes, in pixels, every profile photo is stored at. */
export const PHOTO_SIZES = [48, 128, 400] as const;
/** One of PHOTO_SIZES. */
export type PhotoSize = (typeof PHOTO_SIZES)[number];

/** A checked photo resized to every size, ready to be written. */
export interface PreparedPhoto {
  sizes: [PhotoSize, Buffer][];
}

const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The file store key of one size of a local person's photo. */
export function photoKey(handle: string, size: PhotoSize): string {
  return `media/people/${handle}/${size}.webp`;
}

/**
 * Checks an uploaded photo by its bytes, then resizes it to WebP squares of every size. sharp
 * drops EXIF and other metadata unless asked to keep it, so location data never leaves; the
 * EXIF orientation is applied first so phone pictures stand the right way up.
 */
export async function preparePhoto(bytes: Uint8Array): Promise<PreparedPhoto> {
  const invalid = (message: string) => new ValidationError([{ field: "photo", message }]);
  if (bytes.length > MAX_PHOTO_BYTES) throw invalid("The photo must be smaller than 5 MB");
  if (!IMAGE_TYPES.has(sniffBytes(bytes)))
    throw invalid("The photo must be a JPEG, PNG, GIF or WebP image");
  const sharp = await loadSharp();
  const outputs: [PhotoSize, Buffer][] = [];
  try {
    for (const size of PHOTO_SIZES) {
      const webp = await sharp(bytes, { limitInputPixels: 40_000_000 })
        .rotate()
        .resize(size, size, { fit: "cover" })
        .webp({ quality: 82 })
        .toBuffer();
      outputs.push([size, webp]);
    }
  } catch {
    // A file that sniffs as an image but does not decode is as useless as any other file.
    throw invalid("The photo could not be read; try saving it again as a JPEG or PNG");
  }
  return { sizes: outputs };
}

/** Writes a prepared photo as a local person's photo, replacing the old one. */
export async function writePhoto(
  store: FileStore,
  handle: string,
  photo: PreparedPhoto,
): Promise<void> {
  // The store replaces each size whole, so a reader never sees half a file.
  for (const [size, data] of photo.sizes) await store.put(photoKey(handle, size), data);
}

/** Removes a local person's stored photo, if any. */
export async function removePhoto(store: FileStore, handle: string): Promise<void> {
  for (const size of PHOTO_SIZES) await store.delete(photoKey(handle, size));
}
