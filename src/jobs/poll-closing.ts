import { announceClosedPolls } from "../federation/polls.ts";
import type { Task } from "./runner.ts";

/** Name of the task that sends closed polls' final totals; tests run it with `runNow`. */
export const POLL_CLOSING_TASK = "polls.close";

// Polls close on their own (votes are refused from endsAt on); this task only tells other
// servers, with an Update{Question} marked `closed`. A minute's delay is close enough.
const EVERY_MS = 60_000;

/** Sends an Update with the final totals of each local poll that has just closed. */
export function pollClosingTask(): Task {
  return {
    name: POLL_CLOSING_TASK,
    next: (now) => now + EVERY_MS,
    async run(ctx) {
      await announceClosedPolls(ctx.federation());
    },
  };
}
