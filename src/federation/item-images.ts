import type { Object as APObject } from "@fedify/vocab";
import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import {
  dueImages,
  ITEM_IMAGES_TASK,
  type ItemImageRow,
  imageFetchFailed,
  MAX_REMOTE_IMAGE_BYTES,
  prepareRemoteImage,
  saveRemoteMedia,
  storeItemImage,
} from "../domain/item-media.ts";
import { wakeTask } from "../domain/scheduled-tasks.ts";
import { fileStoreFor } from "../domain/storage/store.ts";
import { logger } from "../logging.ts";
import { OutboundFetchError } from "./outbound/fetch-errors.ts";
import { guardedFetch } from "./outbound/guarded-fetch.ts";
import { parseMediaType } from "./outbound/media-types.ts";
import { outboundPolicy } from "./outbound/policy.ts";
import { remoteMediaOf } from "./vocab/media.ts";

// Pictures of posts from other servers are copied here, never shown from there: a reader's
// browser loading them from the sender's server would tell it who reads what. The copy is
// made by a background task, off the inbox request, so a slow picture server holds up
// nothing but its own pictures. Every fetch goes through the one guarded fetcher (address
// checks at connect time, redirects checked hop by hop, a time limit and a byte cap).

const log = logger("federation", "item-images");

/**
 * Keeps the link and pictures of a remote post (on arrival and after an edit) and wakes the
 * task that copies the pictures.
 */
export async function keepRemoteMedia(db: Db, itemId: number, object: APObject): Promise<void> {
  const media = await remoteMediaOf(object);
  if (saveRemoteMedia(db, itemId, media)) wakeTask(db, ITEM_IMAGES_TASK);
}

/** Why a fetched answer is not a picture we keep, or null when it may be one. */
function refusal(status: number, contentType: string | undefined): string | null {
  if (status < 200 || status > 299) return `the server answered ${status}`;
  const essence = parseMediaType(contentType)?.essence ?? "";
  return essence.startsWith("image/") ? null : `served as ${essence || "no type"}, not image/*`;
}

/** Copies one picture; a failure is recorded on the picture, never thrown. */
async function copyImage(db: Db, config: Config, image: ItemImageRow): Promise<void> {
  let permanent = false;
  try {
    const response = await guardedFetch(image.remoteUrl, {
      policy: outboundPolicy(config),
      headers: { Accept: "image/webp, image/png, image/jpeg, image/gif" },
      maxBytes: MAX_REMOTE_IMAGE_BYTES,
    });
    const refused = refusal(response.status, response.headers["content-type"]);
    if (refused || !response.body) {
      // A 4xx will not change by asking again; a 5xx might.
      permanent = response.status < 500;
      throw new Error(refused ?? "empty answer");
    }
    permanent = true;
    const prepared = await prepareRemoteImage(response.body);
    await storeItemImage(db, fileStoreFor(config.files), image.id, prepared);
    log.info("Copied picture {url} of item {item}", { url: image.remoteUrl, item: image.itemId });
  } catch (error) {
    if (error instanceof OutboundFetchError) {
      const reason = error.failure.reason;
      permanent = ["private-address", "too-large", "scheme"].includes(reason);
    }
    const message = error instanceof Error ? error.message : String(error);
    log.warn("Could not copy picture {url} of item {item}: {message}", {
      url: image.remoteUrl,
      item: image.itemId,
      message,
    });
    imageFetchFailed(db, image, message, new Date(), permanent);
  }
}

/** Copies every picture whose turn has come, a few at a time; the task runs this. */
export async function copyDueImages(db: Db, config: Config, batches = 5): Promise<void> {
  for (let batch = 0; batch < batches; batch++) {
    const due = dueImages(db, new Date());
    if (due.length === 0) return;
    await Promise.all(due.map((image) => copyImage(db, config, image)));
  }
}
