import { and, count, eq } from "drizzle-orm";
import { items, votes } from "../src/db/schema/index.ts";
import { composeItem } from "../src/domain/items.ts";
import { listMembers } from "../src/domain/membership.ts";
import { startTestInstance } from "../test/helpers/instances.ts";
import { describeCost, measurePhase } from "./profile.ts";
import { signaturesPerSecond } from "./signing.ts";
import { SwarmClient } from "./swarm/client.ts";

// `npm run bench -- inbox`: people on fake servers (bench/swarm/, not Fedify; they sign as
// Mastodon does) send a Copse community signed activities, signed ahead of time so the figures
// are Copse's alone. First each person's Follow, which Copse verifies, records and answers with
// an Accept; then a reply (Create{Note}) and a Like of a topic from each, which Copse verifies,
// stores and relays to the community's followers. BENCH_INBOX_INSTANCES (4) servers with
// BENCH_INBOX_PEOPLE (50) people each; BENCH_INBOX_CONNECTIONS (16) requests in flight.

const INSTANCES = Number(process.env.BENCH_INBOX_INSTANCES ?? 4);
const PEOPLE = Number(process.env.BENCH_INBOX_PEOPLE ?? 50);
const CONNECTIONS = Number(process.env.BENCH_INBOX_CONNECTIONS ?? 16);
/** How long to wait for the relays of the replies and votes before reporting what arrived. */
const RELAY_WAIT_MS = 90_000;
const PUBLIC = "https://www.w3.org/ns/activitystreams#Public";

/** Polls `check` every 20 ms until it is true; returns the milliseconds since `started`. */
async function until(check: () => boolean, started: number): Promise<number> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
  return performance.now() - started;
}

/** Follows accepted and answered, then replies and votes verified and stored, per second. */
export async function benchInbox(): Promise<void> {
  const signing = await signaturesPerSecond();
  const { swarm, instances } = await SwarmClient.start(INSTANCES, PEOPLE);
  const copse = await startTestInstance("BenchInbox");
  try {
    const owner = await copse.createUser("owner");
    const garden = copse.createCommunity("garden", owner, "public");
    const topic = composeItem(copse.db, copse.origin, {
      kind: "topic",
      author: owner.actor,
      groups: [garden.actor],
      title: "Street lighting",
      body: "Who has switched to LED?",
    });
    const group = garden.actor;
    const people = instances.flatMap((i) => i.actors);
    const total = people.length;
    console.log(
      `inbox: ${total} people on ${INSTANCES} fake instances (not Fedify), ${CONNECTIONS} requests in flight, ` +
        `signed ahead of time. Signing here: ${signing.toFixed(0)} signatures/s (one core, 2,048-bit RSA)`,
    );

    const follows = await swarm.prepare(
      people.map((p) => ({
        actor: p.id,
        inbox: `${copse.origin}/ap/actors/${group.handle}/inbox`,
        activity: {
          "@context": "https://www.w3.org/ns/activitystreams",
          id: `${p.id}/follows/1`,
          type: "Follow",
          actor: p.id,
          object: group.iri,
        },
      })),
    );
    let meter = await measurePhase("inbox-follows");
    let started = performance.now();
    const sent = await swarm.fire(follows, CONNECTIONS);
    await swarm.waitFor("Accept", total);
    const followMs = performance.now() - started;
    const followCost = await meter.stop();
    const members = listMembers(copse.db, group.id).length - 1;
    console.log(
      `  Follows: ${total} posted in ${(sent.ms / 1000).toFixed(2)} s (${JSON.stringify(sent.statuses)}), ` +
        `all accepted and Accept delivered after ${(followMs / 1000).toFixed(2)} s = ` +
        `${((total * 1000) / followMs).toFixed(0)} follows/s (${members} remote members; ` +
        `${describeCost(followCost, total)})`,
    );

    const activities = await swarm.prepare(
      people.flatMap((p, i) => {
        const note = `${p.id}/notes/${i}`;
        const shared = `${copse.origin}/ap/inbox`;
        return [
          {
            actor: p.id,
            inbox: shared,
            activity: {
              "@context": "https://www.w3.org/ns/activitystreams",
              id: `${note}/activity`,
              type: "Create",
              actor: p.id,
              to: [PUBLIC],
              cc: [group.iri],
              object: {
                id: note,
                type: "Note",
                attributedTo: p.id,
                inReplyTo: topic.iri,
                content: `<p>Reply ${i}: we switched last spring.</p>`,
                to: [PUBLIC],
                cc: [group.iri],
                published: new Date().toISOString(),
              },
            },
          },
          {
            actor: p.id,
            inbox: shared,
            activity: {
              "@context": "https://www.w3.org/ns/activitystreams",
              id: `${p.id}/likes/${i}`,
              type: "Like",
              actor: p.id,
              object: topic.iri,
            },
          },
        ];
      }),
    );
    const replies = () =>
      copse.db.select({ n: count() }).from(items).where(eq(items.parentId, topic.id)).get()!.n;
    const likes = () =>
      copse.db
        .select({ n: count() })
        .from(votes)
        .where(and(eq(votes.itemId, topic.id)))
        .get()!.n;
    const before = await swarm.counts();
    const announcesBefore = before.byType.Announce ?? 0;
    meter = await measurePhase("inbox-activities");
    started = performance.now();
    const posted = await swarm.fire(activities, CONNECTIONS);
    const appliedMs = await until(() => replies() >= total && likes() >= total, started);
    const applyCost = await meter.stop();
    console.log(
      `  Create{Note} + Like: ${2 * total} posted in ${(posted.ms / 1000).toFixed(2)} s ` +
        `(${((2 * total * 1000) / posted.ms).toFixed(0)}/s verified and queued; ${JSON.stringify(posted.statuses)}), ` +
        `all stored after ${(appliedMs / 1000).toFixed(2)} s = ${((2 * total * 1000) / appliedMs).toFixed(0)} activities/s applied ` +
        `(${describeCost(applyCost, 2 * total)})`,
    );
    // The relays are sent once the activities are stored, so their tail is measured as well
    // (its own profile), to see the whole of what an activity costs.
    const tailMeter = await measurePhase("inbox-relays");
    // Each reply is relayed in two forms and each vote once, to every follower instance.
    const relays = total * 3 * INSTANCES;
    let timer: NodeJS.Timeout | undefined;
    const relayed = await Promise.race([
      swarm.waitFor("Announce", announcesBefore + relays).then(() => relays),
      new Promise<number>((r) => {
        timer = setTimeout(() => r(-1), RELAY_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    const relayMs = performance.now() - started;
    const got =
      relayed >= 0 ? relays : ((await swarm.counts()).byType.Announce ?? 0) - announcesBefore;
    const tail = await tailMeter.stop();
    console.log(
      `  relays to the ${INSTANCES} follower instances: ${got} of ${relays} delivered after ` +
        `${(relayMs / 1000).toFixed(2)} s = ${((got * 1000) / relayMs).toFixed(0)} deliveries/s; ` +
        `${((applyCost.cpuMs + tail.cpuMs) / (2 * total)).toFixed(1)} ms of CPU per activity ` +
        "from its arrival to the last relay's delivery",
    );
  } finally {
    await copse.close();
    await swarm.close();
  }
}
