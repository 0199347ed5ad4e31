import { ITEM_IMAGES_TASK } from "../domain/item-media.ts";
import { copyDueImages } from "../federation/item-images.ts";
import type { Task } from "./runner.ts";

// Pictures of posts from other servers are copied by this task, not by the inbox: the inbox
// stores the post, queues its pictures in the database (durable across restarts) and wakes
// the task. The regular run picks up retries of pictures whose server was down.
const EVERY_MS = 60_000;

/** Copies queued pictures of remote posts to this server. */
export function itemImagesTask(): Task {
  return {
    name: ITEM_IMAGES_TASK,
    next: (now) => now + EVERY_MS,
    async run(ctx) {
      await copyDueImages(ctx.db, ctx.config);
    },
  };
}
