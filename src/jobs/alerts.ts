import type { Config } from "../config.ts";
import { sendDigests } from "../domain/alerts/digest.ts";
import { nextDigestAt } from "../domain/alerts/schedule.ts";
import { SWEEP_TASK, sweepAlerts, sweepAlertsPaced } from "../domain/alerts/sweep.ts";
import { wakeMailSender } from "../domain/mail/delivery.ts";
import { logger } from "../logging.ts";
import type { Task } from "./runner.ts";

const log = logger("jobs", "alerts");

/** How often the sweep looks for new content, messages and requests. */
const SWEEP_EVERY_MS = 20_000;

/** The alert sweep and the daily and weekly digests. */
export function alertTasks(config: Config): Task[] {
  const site = { origin: config.origin, instanceName: config.instanceName };
  const digest = (frequency: "daily" | "weekly"): Task => {
    const at = (now: number) =>
      nextDigestAt(now, config.digestHour, config.timeZone, frequency === "weekly");
    return {
      name: `alerts.digest.${frequency}`,
      first: at,
      next: at,
      async run({ db }) {
        // A digest run after a sweep sees everything that arrived before it.
        sweepAlerts(db, site);
        try {
          const { mails } = sendDigests(db, site, frequency);
          log.info("Queued {mails} {frequency} digest(s)", { mails, frequency });
        } finally {
          // Whatever was queued before a failure should still go out promptly.
          wakeMailSender(db);
        }
      },
    };
  };
  return [
    {
      name: SWEEP_TASK,
      next: (now) => now + SWEEP_EVERY_MS,
      async run({ db }) {
        const { entries, news, mails } = await sweepAlertsPaced(db, site);
        if (entries + news > 0) {
          log.debug("Recorded {entries} personal alert(s) and {news} piece(s) of community news", {
            entries,
            news,
          });
        }
        if (mails > 0) wakeMailSender(db);
      },
    },
    digest("daily"),
    digest("weekly"),
  ];
}
