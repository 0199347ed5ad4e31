import { loadConfig } from "../src/config.ts";
import { createAccount } from "../src/domain/accounts.ts";
import { createCommunity } from "../src/domain/communities.ts";
import { openInstanceDatabase } from "../src/instance-db.ts";
import { WebClient } from "../test/helpers/client.ts";
import { CopseProcess, roundRobinProxy } from "../test/helpers/copse-process.ts";
import { freePort } from "../test/helpers/free-port.ts";
import { BENCH_ORIGIN } from "./bench-db.ts";
import { addSwarmMembers } from "./fanout.ts";
import { type LoadResult, loadPage } from "./load.ts";
import { copySeed, pagesSeed, seedPostgres } from "./pages-seed.ts";
import { type BenchStore, benchStores, processCounts } from "./scale-db.ts";
import { SwarmClient } from "./swarm/client.ts";

// `npm run bench -- scale-pages` and `npm run bench -- scale-fanout`: Copse as real processes
// (build/main.js, as `copse start --role web|worker` runs them), 1, 2 and 4 of them
// (BENCH_PROCESSES), with the data in SQLite or on PostgreSQL (BENCH_DATABASE=postgres; see
// bench/scale-db.ts). scale-pages loads the pages of bench/pages.ts through a proxy that takes
// turns between N web processes; scale-fanout times a community's posts reaching a swarm of
// fake servers (bench/swarm/) with one web process and N workers delivering them.

const CONNECTIONS = 10;
const PASSWORD = "correct horse battery staple";

/** Starts `count` processes of a role and waits until each says it runs. */
async function startProcesses(
  role: "web" | "worker",
  count: number,
  env: Record<string, string>,
): Promise<{ processes: CopseProcess[]; ports: number[] }> {
  const processes: CopseProcess[] = [];
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const port = role === "web" ? await freePort() : 0;
    ports.push(port);
    processes.push(
      CopseProcess.start(`${role} ${i + 1}`, { ...env, PORT: String(port) }, ["--role", role]),
    );
  }
  await Promise.all(processes.map((p) => p.started(120_000)));
  return { processes, ports };
}

const baseEnv = (store: BenchStore, origin: string): Record<string, string> => ({
  ...store.env,
  HOST: "127.0.0.1",
  COPSE_ORIGIN: origin,
  COPSE_INSTANCE_NAME: "Bench",
  COPSE_LOG_LEVEL: "error",
  COPSE_ALLOW_PRIVATE_ADDRESS: "true",
  // Every request renders its page: kept pages would measure the cache, not the database.
  COPSE_PAGE_CACHE_SECONDS: "0",
});

/** The pages of bench/pages.ts through 1, 2 and 4 web processes: req/s, p50 and p99 each. */
export async function benchScalePages(): Promise<void> {
  const stores = await benchStores();
  const store = await stores.fresh("scale-pages");
  const requests = Number(process.env.BENCH_REQUESTS) || 300;
  try {
    let started = performance.now();
    let seed: ReturnType<typeof pagesSeed>;
    if (store.url) {
      seed = seedPostgres(store.url);
    } else {
      seed = pagesSeed();
      copySeed(seed.path, store.dataDir);
    }
    console.log(
      `scale-pages: ${seed.items.toLocaleString("en")} items on ${store.kind}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
        `${requests} requests a page over ${CONNECTIONS} keep-alive connections, anonymous, gzip`,
    );
    const big = `/c/${seed.bigHandle}`;
    const targets = [
      { label: "home", path: "/" },
      { label: "community page", path: big },
      { label: "forum list", path: `${big}/forum` },
      { label: "topic with 100 replies", path: `${big}/forum/${seed.topicId}` },
      { label: "search", path: "/search?q=practice" },
      { label: "people finder", path: "/people?q=person" },
    ];
    const table: Record<string, LoadResult[]> = {};
    const counts = processCounts();
    for (const count of counts) {
      started = performance.now();
      const { processes, ports } = await startProcesses("web", count, baseEnv(store, BENCH_ORIGIN));
      const proxyPort = await freePort();
      const proxy = await roundRobinProxy(proxyPort, ports);
      console.log(
        `  ${count} web process(es) started in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      try {
        const base = new URL(`http://127.0.0.1:${proxyPort}`);
        for (const target of targets) {
          const result = await loadPage(base, new URL(BENCH_ORIGIN).host, target, {
            requests,
            connections: CONNECTIONS,
            warmUp: 5 * count,
          });
          if (result.status !== 200) {
            // A page that fails is reported with the server's error, and left out of the table.
            const errors = processes.flatMap((p) =>
              p.output.split("\n").filter((l) => /Unhandled error/.test(l)),
            );
            console.log(`    ${target.label}: answered ${result.status}: ${errors.at(-1) ?? ""}`);
            continue;
          }
          table[target.label] = [...(table[target.label] ?? []), result];
          console.log(
            `    ${target.label}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms`,
          );
        }
      } finally {
        await proxy.close();
        await Promise.all(processes.map((p) => p.stop()));
      }
    }
    console.log(
      `\n| Page (${store.kind}) | ${counts.map((n) => `${n} web: req/s, p50 / p99 ms`).join(" | ")} |`,
    );
    console.log(`|---|${counts.map(() => "---").join("|")}|`);
    for (const [label, results] of Object.entries(table)) {
      const cells = results.map(
        (r) => `${r.requestsPerSecond.toFixed(0)}, ${r.p50.toFixed(0)} / ${r.p99.toFixed(0)}`,
      );
      console.log(`| ${label} | ${cells.join(" | ")} |`);
    }
  } finally {
    await store.drop();
    await stores.close();
  }
}

const INSTANCES = Number(process.env.BENCH_FANOUT_INSTANCES ?? 200);
const BURST = Number(process.env.BENCH_FANOUT_BURST ?? 5);
/** Deliveries a new post makes to each follower instance (its two announce forms). */
const FORMS = 2;

/** A community whose members are the swarm's people, and its owner with a password. */
async function prepareInstance(
  store: BenchStore,
  origin: string,
  instances: Awaited<ReturnType<typeof SwarmClient.start>>["instances"],
): Promise<void> {
  const db = openInstanceDatabase(loadConfig({ ...baseEnv(store, origin), PORT: "0" }));
  try {
    const owner = await createAccount(db, origin, {
      handle: "owner",
      email: "owner@bench.example",
      password: PASSWORD,
    });
    const garden = createCommunity(db, origin, {
      handle: "garden",
      name: "Garden",
      description: "The garden community.",
      visibility: "public",
      ownerActorId: owner.actor.id,
    });
    addSwarmMembers(db, garden.actor.id, instances);
  } finally {
    db.$client.close();
  }
}

/**
 * A community's posts to INSTANCES fake servers, made through one web process and delivered
 * by 1, 2 and 4 worker processes: deliveries a second for a burst of BURST posts, after one
 * post that makes first contact with every server (untimed).
 */
export async function benchScaleFanout(): Promise<void> {
  const stores = await benchStores();
  const { swarm, instances } = await SwarmClient.start(INSTANCES, 1);
  let received = 0;
  const counts = processCounts();
  const rates: string[] = [];
  console.log(
    `scale-fanout: ${INSTANCES} fake instances on loopback, one member each, data on ${stores.kind}; ` +
      `a post is ${FORMS} signed deliveries per instance; one web process, N workers`,
  );
  try {
    for (const count of counts) {
      const store = await stores.fresh("scale-fanout");
      const proxyPort = await freePort();
      const origin = `http://127.0.0.1:${proxyPort}`;
      await prepareInstance(store, origin, instances);
      const env = baseEnv(store, origin);
      const web = await startProcesses("web", 1, env);
      const proxy = await roundRobinProxy(proxyPort, web.ports);
      const workers = await startProcesses("worker", count, env);
      try {
        const owner = new WebClient(origin);
        const signIn = await owner.post("/signin", { login: "owner", password: PASSWORD });
        if (signIn.response.status !== 303) throw new Error("The owner could not sign in");
        const post = async (n: number) => {
          const { response } = await owner.post("/c/garden/forum/new", {
            title: `Post ${n}`,
            body: "Street lighting: who has switched to LED?",
          });
          if (response.status !== 303) throw new Error(`Posting answered ${response.status}`);
        };
        await post(0);
        received += FORMS * INSTANCES;
        await swarm.waitFor("Announce", received);
        const started = performance.now();
        for (let i = 1; i <= BURST; i++) await post(i);
        received += BURST * FORMS * INSTANCES;
        await swarm.waitFor("Announce", received);
        const seconds = (performance.now() - started) / 1000;
        const rate = (BURST * FORMS * INSTANCES) / seconds;
        rates.push(`${count} worker(s): ${rate.toFixed(0)} deliveries/s`);
        console.log(
          `  ${count} worker process(es): ${BURST * FORMS * INSTANCES} deliveries in ${seconds.toFixed(2)} s = ${rate.toFixed(0)}/s`,
        );
      } finally {
        await proxy.close();
        await Promise.all([...web.processes, ...workers.processes].map((p) => p.stop()));
        await store.drop();
      }
    }
    console.log(`\nscale-fanout (${stores.kind}): ${rates.join("; ")}`);
  } finally {
    await swarm.close();
    await stores.close();
  }
}
