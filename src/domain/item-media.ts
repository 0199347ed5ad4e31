import { and, asc, eq, inArray, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import { inIdList, preparedQuery } from "../db/prepared.ts";
import { itemImages, itemLinks } from "../db/schema/index.ts";
import { type PreparedImage, prepareImage, storeImageFile } from "./images/prepare.ts";
import type { FileStore } from "./storage/store.ts";

export type { PreparedImage } from "./images/prepare.ts";

// The link a post from another server shares, and its pictures. Pictures are copied here by a
// background task (src/jobs/item-images.ts) and served from this server, so a reader's browser
// never asks the sender's server for them; until a copy exists the page links to the picture.

/** The link and pictures read from a remote post (src/federation/vocab/media.ts). */
export interface RemoteMedia {
  link: { href: string; title: string } | null;
  images: { url: string; alt: string }[];
}

/** A picture of a post, as the page shows it. */
export type ItemImageRow = typeof itemImages.$inferSelect;

/** What the page shows under a post besides its text. */
export interface ItemMedia {
  link: { href: string; title: string } | null;
  images: ItemImageRow[];
}

/** The name of the background task that copies pictures (src/jobs/item-images.ts). */
export const ITEM_IMAGES_TASK = "items.images";
/** The largest picture read from another server. */
export const MAX_REMOTE_IMAGE_BYTES = 8 * 1024 * 1024;
/** How often a picture's fetch is tried before the page keeps the plain link for good. */
export const MAX_IMAGE_ATTEMPTS = 3;
/** The longest side of a stored copy, in pixels. */
const MAX_SIDE = 1280;

/**
 * Keeps what a remote post shares: its link (replacing any earlier one) and its pictures,
 * queued for copying. Pictures it no longer lists go; ones already known keep their copy.
 * Returns whether any picture is waiting to be copied.
 */
export function saveRemoteMedia(db: Db, itemId: number, media: RemoteMedia): boolean {
  // Most posts share neither (every reply a community receives): two prepared deletes, not a
  // transaction of queries built afresh.
  if (media.link === null && media.images.length === 0) {
    const { links, images } = forgetMedia(db);
    links.run(itemId);
    images.run(itemId);
    return false;
  }
  return db.transaction((tx) => {
    tx.delete(itemLinks).where(eq(itemLinks.itemId, itemId)).run();
    if (media.link)
      tx.insert(itemLinks)
        .values({ itemId, ...media.link })
        .run();
    const known = tx.select().from(itemImages).where(eq(itemImages.itemId, itemId)).all();
    const wanted = new Set(media.images.map((i) => i.url));
    const gone = known.filter((k) => !wanted.has(k.remoteUrl)).map((k) => k.id);
    if (gone.length > 0) tx.delete(itemImages).where(inArray(itemImages.id, gone)).run();
    const fresh = media.images.filter((i) => !known.some((k) => k.remoteUrl === i.url));
    for (const image of fresh) {
      tx.insert(itemImages)
        .values({ itemId, remoteUrl: image.url, alt: image.alt.trim().slice(0, 1000) })
        .run();
    }
    return fresh.length > 0;
  });
}

const forgetMedia = preparedQuery((db) => ({
  links: db.$client.prepare<[number]>("DELETE FROM item_links WHERE item_id = ?"),
  images: db.$client.prepare<[number]>("DELETE FROM item_images WHERE item_id = ?"),
}));

/** The links and pictures of these items, by item id (items with neither are left out). */
export function mediaOfItems(db: Db, itemIds: number[]): Map<number, ItemMedia> {
  const result = new Map<number, ItemMedia>();
  if (itemIds.length === 0) return result;
  const entry = (id: number) => {
    let media = result.get(id);
    if (!media) {
      media = { link: null, images: [] };
      result.set(id, media);
    }
    return media;
  };
  const ids = JSON.stringify(itemIds);
  for (const link of linksOfItems(db).all({ ids })) {
    entry(link.itemId).link = { href: link.href, title: link.title };
  }
  const images = imagesOfItems(db).all({ ids });
  for (const image of images) entry(image.itemId).images.push(image);
  return result;
}

// Prepared once per database: every list and thread page asks for its posts' media.
const linksOfItems = preparedQuery((db) =>
  db.select().from(itemLinks).where(inIdList(itemLinks.itemId)).prepare(),
);
const imagesOfItems = preparedQuery((db) =>
  db
    .select()
    .from(itemImages)
    .where(inIdList(itemImages.itemId))
    .orderBy(asc(itemImages.id))
    .prepare(),
);

/** One stored picture, for serving. */
export function getItemImage(db: Db, id: number): ItemImageRow | undefined {
  return db.select().from(itemImages).where(eq(itemImages.id, id)).get();
}

/** Pictures waiting to be copied whose turn has come, oldest first. */
export function dueImages(db: Db, now: Date, limit = 10): ItemImageRow[] {
  return db
    .select()
    .from(itemImages)
    .where(
      and(
        eq(itemImages.state, "pending"),
        or(isNull(itemImages.retryAt), lte(itemImages.retryAt, now)),
      ),
    )
    .orderBy(asc(itemImages.id))
    .limit(limit)
    .all();
}

/**
 * Checks fetched bytes are a picture (by the bytes, whatever the server said), then makes the
 * copy: WebP, at most 1280 px on its longest side, without metadata (src/domain/images/).
 */
export function prepareRemoteImage(bytes: Uint8Array): Promise<PreparedImage> {
  return prepareImage(bytes, { maxBytes: MAX_REMOTE_IMAGE_BYTES, maxSide: MAX_SIDE });
}

/** Keeps a copy in the file store and marks the picture as stored. */
export async function storeItemImage(
  db: Db,
  store: FileStore,
  id: number,
  image: PreparedImage,
): Promise<void> {
  const storagePath = await storeImageFile(store, "media/images", image.webp);
  db.update(itemImages)
    .set({
      state: "stored",
      storagePath,
      width: image.width,
      height: image.height,
      lastError: null,
      retryAt: null,
    })
    .where(eq(itemImages.id, id))
    .run();
}

/**
 * Records a failed copy: tried again later with a growing wait (a minute, then four), and
 * after the last attempt, or at once when trying again cannot help (not a picture, too
 * large, a refused address), the page keeps showing the plain link.
 */
export function imageFetchFailed(
  db: Db,
  image: ItemImageRow,
  reason: string,
  now: Date,
  permanent = false,
): void {
  const attempts = image.attempts + 1;
  const finished = permanent || attempts >= MAX_IMAGE_ATTEMPTS;
  db.update(itemImages)
    .set({
      attempts,
      lastError: reason.slice(0, 500),
      state: finished ? "failed" : "pending",
      retryAt: finished ? null : new Date(now.getTime() + 60_000 * 4 ** (attempts - 1)),
    })
    .where(eq(itemImages.id, image.id))
    .run();
}
