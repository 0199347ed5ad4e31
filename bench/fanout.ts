import type { Db } from "../src/db/client.ts";
import { upsertRemoteActor } from "../src/domain/actors.ts";
import { composeItem } from "../src/domain/items.ts";
import { requestMembership } from "../src/domain/membership.ts";
import { publishItemChange } from "../src/federation/publish.ts";
import { startTestInstance } from "../test/helpers/instances.ts";
import { signaturesPerSecond } from "./signing.ts";
import { SwarmClient } from "./swarm/client.ts";
import type { SwarmInstance } from "./swarm/servers.ts";

// `npm run bench -- fanout`: a community with one remote member on each of N fake servers
// (bench/swarm/, not Fedify; they check signatures as Mastodon does) publishes posts, and the
// swarm times their arrival. A new post goes out in two forms (src/federation/announces.ts),
// so each post is 2 x N signed deliveries. BENCH_FANOUT_INSTANCES (1,000) sets N and
// BENCH_FANOUT_BURST (5) the number of posts published back to back. Beside each rate it prints
// the CPU this process spent per delivery, as a number of signatures' worth of CPU.

const INSTANCES = Number(process.env.BENCH_FANOUT_INSTANCES ?? 1000);
const BURST = Number(process.env.BENCH_FANOUT_BURST ?? 5);
/** Deliveries each new post makes per follower instance (its two announce forms). */
const FORMS = 2;

/** Makes each fake instance's person a member of the community, straight in the database. */
export function addSwarmMembers(db: Db, groupId: number, instances: SwarmInstance[]): void {
  db.$client.transaction(() => {
    for (const instance of instances) {
      for (const actor of instance.actors) {
        const host = new URL(actor.id).host;
        const row = upsertRemoteActor(db, {
          iri: actor.id,
          type: "Person",
          handle: actor.id.split("/").pop()!,
          host,
          name: `Person at ${host}`,
          summary: "",
          url: null,
          inboxUrl: actor.inbox,
          sharedInboxUrl: instance.sharedInbox,
          followersUrl: null,
          manuallyApprovesFollowers: false,
        });
        requestMembership(db, { groupId, memberId: row.id });
      }
    }
  })();
}

/** The CPU this process has used, in milliseconds: every thread (signing included). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU one signature costs here, in milliseconds, measured as the signing rate is. */
async function cpuPerSignatureMs(count = 200): Promise<number> {
  const before = cpuMs();
  await signaturesPerSecond(2048, count);
  return (cpuMs() - before) / count;
}

/**
 * Publishes posts; returns the time until the swarm verified every copy, and every first copy,
 * and the CPU this process spent meanwhile (the swarm runs in another process). On a shared,
 * loaded machine the wall-clock rate swings with the load; CPU per delivery hardly does.
 */
async function timePosts(
  swarm: SwarmClient,
  post: (i: number) => Promise<void>,
  posts: number,
  alreadyReceived: number,
): Promise<{ ms: number; firstEachMs: number; cpuMs: number }> {
  const cpuBefore = cpuMs();
  const started = performance.now();
  const firstEach = swarm
    .waitFor("Announce", alreadyReceived + INSTANCES)
    .then(() => performance.now() - started);
  for (let i = 0; i < posts; i++) await post(i);
  await swarm.waitFor("Announce", alreadyReceived + posts * FORMS * INSTANCES);
  const ms = performance.now() - started;
  return { ms, firstEachMs: await firstEach, cpuMs: cpuMs() - cpuBefore };
}

/** Fan-out of one post, then of a burst of posts, to N instances' shared inboxes. */
export async function benchFanout(): Promise<void> {
  const signing = await signaturesPerSecond();
  const signatureCpuMs = await cpuPerSignatureMs();
  const { swarm, instances } = await SwarmClient.start(INSTANCES, 1);
  const copse = await startTestInstance("BenchFanout");
  try {
    const owner = await copse.createUser("owner");
    const garden = copse.createCommunity("garden", owner, "public");
    addSwarmMembers(copse.db, garden.actor.id, instances);
    let received = 0;
    const post = async (n: number) => {
      const item = composeItem(copse.db, copse.origin, {
        kind: "topic",
        author: owner.actor,
        groups: [garden.actor],
        title: `Post ${n}`,
        body: "Street lighting: who has switched to LED?",
      });
      await publishItemChange(copse.ctx(), item, "create");
    };
    console.log(
      `fanout: ${INSTANCES} fake instances (not Fedify) on loopback, one member each; ` +
        `a post is ${FORMS} deliveries per instance. Signing here: ${signing.toFixed(0)} signatures/s ` +
        `(one core, 2,048-bit RSA), ${signatureCpuMs.toFixed(2)} ms of CPU each`,
    );
    const report = (
      label: string,
      deliveries: number,
      r: { ms: number; firstEachMs: number; cpuMs: number },
    ) => {
      const rate = (deliveries * 1000) / r.ms;
      const cpuEach = r.cpuMs / deliveries;
      console.log(
        `  ${label}: ${deliveries} deliveries in ${(r.ms / 1000).toFixed(2)} s = ${rate.toFixed(0)}/s ` +
          `(${(rate / signing).toFixed(2)} x signing rate); every instance had its first copy after ${(r.firstEachMs / 1000).toFixed(2)} s; ` +
          `CPU ${cpuEach.toFixed(2)} ms a delivery (${(cpuEach / signatureCpuMs).toFixed(1)} signatures' worth)`,
      );
    };
    let n = 0;
    const first = await timePosts(swarm, () => post(n++), 1, received);
    received += FORMS * INSTANCES;
    report("first post (first contact with every server)", FORMS * INSTANCES, first);
    const second = await timePosts(swarm, () => post(n++), 1, received);
    received += FORMS * INSTANCES;
    report("second post", FORMS * INSTANCES, second);
    const burst = await timePosts(swarm, () => post(n++), BURST, received);
    received += BURST * FORMS * INSTANCES;
    report(`burst of ${BURST} posts`, BURST * FORMS * INSTANCES, burst);
    const counts = await swarm.counts();
    const refused = Object.entries(counts.refused)
      .map(([reason, count]) => `${count} ${reason}`)
      .join(", ");
    console.log(`  refused by the swarm (signature knocks that failed): ${refused || "none"}`);
  } finally {
    await copse.close();
    await swarm.close();
  }
}
