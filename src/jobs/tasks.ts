import type { Config } from "../config.ts";
import type { Task } from "./runner.ts";

/** Every recurring task of an instance; each area adds its own line. */
export function instanceTasks(_config: Config): Task[] {
  return [];
}
