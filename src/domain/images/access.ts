import type { Db } from "../../db/client.ts";
import { canView, getItem } from "../items.ts";
import { itemsShowingImage, type UploadedImageRow } from "./uploads.ts";

// Who may see an uploaded picture: whoever uploaded it, and whoever may read a post that shows
// it (a private community's members only, for its posts). Anyone else, signed in or not, is
// told it does not exist.

/** Whether a viewer (null when signed out) may see an uploaded picture. */
export function mayViewUploadedImage(
  db: Db,
  image: UploadedImageRow,
  viewerId: number | null | undefined,
): boolean {
  if (viewerId && image.uploaderId === viewerId) return true;
  return itemsShowingImage(db, image.id).some((id) => {
    const item = getItem(db, id);
    return item !== undefined && !item.deletedAt && canView(db, item, viewerId);
  });
}

/** Whether anyone at all may see the picture: a public, published post shows it. */
export function isPublicImage(db: Db, image: UploadedImageRow): boolean {
  return mayViewUploadedImage(db, { ...image, uploaderId: null }, null);
}
