import { POLL_TOTALS_TASK } from "../domain/polls/totals.ts";
import { sendUnsentTotals } from "../federation/polls.ts";
import type { Task } from "./runner.ts";

// Votes only mark a poll's totals as changed; this task sends one Update{Question} per changed
// poll. Running every few seconds keeps other servers' totals close behind while a burst of
// votes becomes a handful of Updates. It is not woken by each vote, which would undo that;
// `jobs.wake(POLL_TOTALS_TASK)` sends at once when something needs it.
const EVERY_MS = 3_000;

/** Sends the latest totals of each local poll that has had votes since its last Update. */
export function pollTotalsTask(): Task {
  return {
    name: POLL_TOTALS_TASK,
    next: (now) => now + EVERY_MS,
    async run(ctx) {
      await sendUnsentTotals(ctx.federation());
    },
  };
}
