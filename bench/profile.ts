import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

// What one phase of a benchmark cost this process: CPU time (user + system) and how busy the
// event loop was. A phase that runs slowly with its event loop idle is waiting on something (a
// timer, a poll, a lock, another process); one with the loop busy is bound by its own work.
// BENCH_PROFILE=<dir> also writes a CPU profile of each measured phase there, to open in
// Chrome's DevTools, so the profile shows the phase alone and not the set-up around it.

const profileDir = process.env.BENCH_PROFILE;
let session: Session | undefined;

/** A running measurement; `stop()` returns what the phase cost. */
export interface PhaseMeter {
  stop(): Promise<{ cpuMs: number; loopBusy: number }>;
}

/** Starts measuring a phase named `name` (the profile's file name when profiling). */
export async function measurePhase(name: string): Promise<PhaseMeter> {
  if (profileDir && !session) {
    session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
  }
  if (session) await session.post("Profiler.start");
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  return {
    async stop() {
      const used = process.cpuUsage(cpu);
      const loopBusy = performance.eventLoopUtilization(loop).utilization;
      if (session && profileDir) {
        const { profile } = await session.post("Profiler.stop");
        writeFileSync(join(profileDir, `${name}.cpuprofile`), JSON.stringify(profile));
      }
      return { cpuMs: (used.user + used.system) / 1000, loopBusy };
    },
  };
}

/** "12 ms of CPU each, event loop 85% busy": a phase's cost per unit of work. */
export function describeCost(cost: { cpuMs: number; loopBusy: number }, units: number): string {
  return (
    `${(cost.cpuMs / units).toFixed(1)} ms of CPU each, ` +
    `event loop ${(cost.loopBusy * 100).toFixed(0)}% busy`
  );
}
