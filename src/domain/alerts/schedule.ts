// Digests go out at a wall-clock hour in the instance's time zone, so "7 in the morning" stays
// 7 in the morning across daylight saving changes. Temporal does the zone arithmetic; the
// global is installed by src/temporal.ts at start-up.

/**
 * The next time (epoch ms) strictly after `now` that is `hour`:00 in `timeZone`; with
 * `mondays`, the next such time on a Monday.
 */
export function nextDigestAt(now: number, hour: number, timeZone: string, mondays = false): number {
  const today = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(timeZone);
  let date = today.toPlainDate();
  for (let i = 0; i < 9; i++) {
    const candidate = date.toZonedDateTime({
      timeZone,
      plainTime: new Temporal.PlainTime(hour),
    });
    if (candidate.epochMilliseconds > now && (!mondays || candidate.dayOfWeek === 1)) {
      return candidate.epochMilliseconds;
    }
    date = date.add({ days: 1 });
  }
  throw new Error("No digest time found within nine days");
}
