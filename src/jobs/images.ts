import { PROXY_CACHE_MAX_BYTES, pruneProxyCache } from "../domain/images/proxy-cache.ts";
import { removeUnusedUploads, UNUSED_UPLOAD_MS } from "../domain/images/uploads.ts";
import { fileStoreFor } from "../domain/storage/store.ts";
import { logger } from "../logging.ts";
import type { Task } from "./runner.ts";

// Housekeeping for pictures: uploads that no post ended up showing (a draft abandoned after
// "Add image") go after a day, and the image proxy's cache drops what it no longer needs.
const EVERY_MS = 60 * 60 * 1000;

const log = logger("jobs", "images");

/** Removes unused uploads and prunes the image proxy's cache, hourly. */
export function imageHousekeepingTask(): Task {
  return {
    name: "images.housekeeping",
    next: (now) => now + EVERY_MS,
    async run(ctx) {
      const now = new Date();
      const removed = await removeUnusedUploads(
        ctx.db,
        fileStoreFor(ctx.config.files),
        new Date(now.getTime() - UNUSED_UPLOAD_MS),
      );
      if (removed > 0) log.info("Removed {count} unused uploaded pictures", { count: removed });
      await pruneProxyCache(ctx.db, fileStoreFor(ctx.config.files), PROXY_CACHE_MAX_BYTES, now);
    },
  };
}
