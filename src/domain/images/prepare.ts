import { createHash } from "node:crypto";
import { loadSharp } from "../sharp.ts";
import { sniffBytes } from "../sniff.ts";
import type { FileStore } from "../storage/store.ts";

// Every picture Copse keeps, uploaded here or fetched from elsewhere, is checked by its bytes
// and written again by sharp as WebP: whatever the file claimed to be, what is served is a
// plain picture, resized, and without the EXIF, XMP or IPTC metadata a camera or phone puts
// in (a location among them), because sharp keeps none unless asked.

/** The formats accepted, by their sniffed type. */
export const IMAGE_TYPES: ReadonlySet<string> = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** A picture refused: not one of the formats, too large, or not readable. */
export class ImageRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageRefusedError";
  }
}

/** A picture checked and written again: WebP, at most `maxSide` pixels a side, no metadata. */
export interface PreparedImage {
  webp: Buffer;
  width: number;
  height: number;
}

/**
 * Checks the bytes are a JPEG, PNG, GIF or WebP picture of at most `maxBytes`, then writes it
 * again as WebP. The EXIF orientation is applied first so phone pictures stand the right way
 * up; an animated picture keeps its first frame.
 */
export async function prepareImage(
  bytes: Uint8Array,
  limits: { maxBytes: number; maxSide: number },
): Promise<PreparedImage> {
  if (bytes.length > limits.maxBytes) throw new ImageRefusedError("the picture is too large");
  const type = sniffBytes(bytes);
  if (!IMAGE_TYPES.has(type)) throw new ImageRefusedError(`not a picture (${type})`);
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: 40_000_000 })
      .rotate()
      .resize(limits.maxSide, limits.maxSide, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 82 })
      .toBuffer({ resolveWithObject: true });
    return { webp: data, width: info.width, height: info.height };
  } catch {
    throw new ImageRefusedError("the picture could not be read");
  }
}

/**
 * Stores a prepared picture in the file store, keyed by its content inside `folder` (e.g.
 * `media/uploads`), and returns the key; bytes already stored are not written again.
 */
export async function storeImageFile(
  store: FileStore,
  folder: string,
  webp: Uint8Array,
): Promise<string> {
  const key = imageKey(folder, webp);
  if (!(await store.exists(key))) await store.put(key, webp);
  return key;
}

/** The content address of a picture inside `folder`, with forward slashes on any system. */
function imageKey(folder: string, webp: Uint8Array): string {
  const sha256 = createHash("sha256").update(webp).digest("hex");
  return `${folder}/${sha256.slice(0, 2)}/${sha256}.webp`;
}
