import type { Config } from "../config.ts";
import { alertTasks } from "./alerts.ts";
import { imageHousekeepingTask } from "./images.ts";
import { itemImagesTask } from "./item-images.ts";
import { mailSenderTask } from "./mail-sender.ts";
import { newsRefreshTask } from "./news-refresh.ts";
import { pollClosingTask } from "./poll-closing.ts";
import { pollTotalsTask } from "./poll-totals.ts";
import type { Task } from "./runner.ts";

/** Every recurring task of an instance; each area adds its own line. */
export function instanceTasks(config: Config): Task[] {
  return [
    newsRefreshTask(config),
    mailSenderTask(config),
    ...alertTasks(config),
    pollClosingTask(),
    pollTotalsTask(),
    itemImagesTask(),
    imageHousekeepingTask(),
  ];
}
