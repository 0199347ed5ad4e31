import { createCommunity } from "../src/domain/communities.ts";
import { findMembership, requestMembership } from "../src/domain/membership.ts";
import { resolveActor } from "../src/federation/lookup.ts";
import { joinCommunity, leaveCommunity } from "../src/federation/membership.ts";
import { eventually, startTestInstance } from "../test/helpers/instances.ts";
import { median, percentile, timeRuns } from "./stats.ts";

const COMMUNITIES = 300;
// Each account costs an argon2 hash (about 20 ms), so members are kept to a few hundred.
const MEMBERS = 200;
const REQUESTS = 200;
const ROUND_TRIPS = 20;

/** Page and federation endpoint latency on an instance with realistic numbers of rows. */
export async function benchWeb(): Promise<void> {
  const copse = await startTestInstance("Bench");
  try {
    const owner = await copse.createUser("owner");
    const groups = [];
    for (let i = 0; i < COMMUNITIES; i++) {
      groups.push(
        createCommunity(copse.db, copse.origin, {
          handle: `community_${i}`,
          name: `Community ${i}`,
          description: `Practice area ${i}.`,
          visibility: i % 5 === 0 ? "private" : "public",
          ownerActorId: owner.actor.id,
        }),
      );
    }
    const big = groups[1]!;
    for (let i = 0; i < MEMBERS; i++) {
      const person = await copse.createUser(`p${i}`);
      requestMembership(copse.db, { groupId: big.actor.id, memberId: person.actor.id });
    }
    const targets: [string, string, Record<string, string>][] = [
      ["All communities", "/communities", {}],
      [`Community page (${MEMBERS} members)`, `/c/${big.actor.handle}`, {}],
      ["WebFinger", `/.well-known/webfinger?resource=acct:${big.actor.handle}@${copse.host}`, {}],
      [
        "Group actor (JSON-LD)",
        `/ap/actors/${big.actor.handle}`,
        { accept: "application/activity+json" },
      ],
      [
        "Followers collection",
        `/ap/actors/${big.actor.handle}/followers`,
        { accept: "application/activity+json" },
      ],
    ];
    console.log(
      `\nWeb and federation endpoints (${COMMUNITIES} communities, ${REQUESTS} sequential requests each)`,
    );
    for (const [label, path, headers] of targets) {
      const url = new URL(path, copse.origin);
      await fetch(url, { headers }).then((r) => r.arrayBuffer()); // warm up
      const times = await timeRuns(REQUESTS, () =>
        fetch(url, { headers }).then((r) => r.arrayBuffer()),
      );
      console.log(
        `  ${label.padEnd(32)} median ${median(times).toFixed(2)} ms   p95 ${percentile(times, 95).toFixed(2)} ms`,
      );
    }
  } finally {
    await copse.close();
  }
}

/** Time for a person on one instance to join a public community on another and be accepted. */
export async function benchJoinRoundTrip(): Promise<void> {
  const [a, b] = await Promise.all([startTestInstance("BenchA"), startTestInstance("BenchB")]);
  try {
    const owner = await a.createUser("owner");
    a.createCommunity("garden", owner, "public");
    const member = await b.createUser("member");
    const group = await resolveActor(b.ctx(), `@garden@${a.host}`);
    const times = await timeRuns(ROUND_TRIPS, async () => {
      await joinCommunity(b.ctx(), member.actor, group);
      await eventually(
        () => findMembership(b.db, group.id, member.actor.id)?.state === "active",
        30_000,
      );
      await leaveCommunity(b.ctx(), member.actor, group);
    });
    console.log(
      `\nCross-instance join (Follow -> Accept over loopback HTTP, signed, queued), ${ROUND_TRIPS} runs`,
    );
    console.log(
      `  median ${median(times).toFixed(1)} ms   p95 ${percentile(times, 95).toFixed(1)} ms (first run includes key generation: ${times[0]!.toFixed(1)} ms)`,
    );
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}
