import "../src/temporal.ts";
import { benchAlerts } from "./alerts.ts";
import { benchFanout } from "./fanout.ts";
import { benchFeeds } from "./feeds.ts";
import { benchInbox } from "./inbox.ts";
import { benchLive } from "./live.ts";
import { benchMetrics } from "./metrics.ts";
import { benchPages, benchPagesOneAtATime } from "./pages.ts";
import { benchPagesProcesses } from "./pages-processes.ts";
import { benchQueue } from "./queue.ts";
import { benchScaleFanout, benchScalePages } from "./scale.ts";
import { benchSearch } from "./search.ts";
import { benchSigning } from "./signing.ts";
import { benchSoak } from "./soak.ts";
import { benchStartup } from "./startup.ts";
import { benchTagWrites } from "./tag-writes.ts";
import { benchJoinRoundTrip, benchWeb } from "./web.ts";

// `npm run bench`: every benchmark prints its own figures. Machines are noisy: compare medians
// and ratios between runs on the same machine, not absolute numbers between machines.
const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  queue: benchQueue,
  web: benchWeb,
  join: benchJoinRoundTrip,
  search: benchSearch,
  metrics: benchMetrics,
  alerts: benchAlerts,
  feeds: benchFeeds,
  live: benchLive,
  pages: benchPages,
  "pages-one": benchPagesOneAtATime,
  "pages-processes": benchPagesProcesses,
  signing: benchSigning,
  fanout: benchFanout,
  inbox: benchInbox,
  startup: benchStartup,
  soak: benchSoak,
  "scale-pages": benchScalePages,
  "scale-fanout": benchScaleFanout,
  "tag-writes": benchTagWrites,
};
for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await run();
}
