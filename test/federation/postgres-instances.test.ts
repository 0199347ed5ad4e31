import { afterAll, beforeAll, expect, it } from "vitest";
import { isPostgres, tableExists } from "../../src/db/dialect.ts";
import { findActorByIri } from "../../src/domain/actors.ts";
import { findMembership, listMembers } from "../../src/domain/membership.ts";
import { resolveActor } from "../../src/federation/lookup.ts";
import { joinCommunity } from "../../src/federation/membership.ts";
import { freePort } from "../helpers/free-port.ts";
import { eventually, startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// COPSE_QUEUE_URL puts Fedify's queue and key-value store on PostgreSQL while Copse's own data
// stays in SQLite. Two real instances, each with its queue in a PostgreSQL schema of its own
// (as two servers would have), federate over loopback through those queues. In a PostgreSQL run
// the data is on PostgreSQL as well, in a database apart from the queue's schema.

const METRICS_TOKEN = "a-metrics-token-for-the-tests-only";

describeWithPostgres("instances whose queue is on PostgreSQL", () => {
  let somersetQueue: TestSchema;
  let sunderlandQueue: TestSchema;
  let somerset: TestInstance;
  let sunderland: TestInstance;

  beforeAll(async () => {
    [somersetQueue, sunderlandQueue] = await Promise.all([freshSchema(), freshSchema()]);
    [somerset, sunderland] = await Promise.all([
      startTestInstance("Somerset", {
        COPSE_QUEUE_URL: somersetQueue.url,
        COPSE_METRICS_TOKEN: METRICS_TOKEN,
      }),
      startTestInstance("Sunderland", { COPSE_QUEUE_URL: sunderlandQueue.url }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([somerset?.close(), sunderland?.close()]);
    await Promise.all([somersetQueue?.drop(), sunderlandQueue?.drop()]);
  });

  it("federates a join through the PostgreSQL queues, leaving SQLite's untouched", async () => {
    const alice = await somerset.createUser("alice");
    somerset.createCommunity("garden", alice, "public");
    const bob = await sunderland.createUser("bob");
    const group = await resolveActor(sunderland.ctx(), `@garden@${somerset.host}`);
    await joinCommunity(sunderland.ctx(), bob.actor, group);
    await eventually(
      () => findMembership(sunderland.db, group.id, bob.actor.id)?.state === "active",
    );
    const garden = findActorByIri(somerset.db, group.iri)!;
    expect(listMembers(somerset.db, garden.id).map((m) => m.member.iri)).toContain(bob.actor.iri);

    // Fedify cached what it fetched in the PostgreSQL store, and nothing went to SQLite's.
    const cached = await sunderlandQueue.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM fedify_kv",
    );
    expect(cached.rows[0]!.n).toBeGreaterThan(0);
    for (const instance of [somerset, sunderland]) {
      if (isPostgres(instance.db)) {
        // With the data on PostgreSQL too, its database has no queue tables at all: the queue
        // backend makes them only where COPSE_QUEUE_URL points.
        expect(tableExists(instance.db, "fedify_kv")).toBe(false);
        expect(tableExists(instance.db, "fedify_queue")).toBe(false);
        continue;
      }
      expect(instance.db.$client.prepare("SELECT count(*) AS n FROM fedify_kv").get()).toEqual({
        n: 0,
      });
      expect(instance.db.$client.prepare("SELECT count(*) AS n FROM fedify_queue").get()).toEqual({
        n: 0,
      });
    }
  });

  it("reports readiness and the queue's figures from PostgreSQL", async () => {
    const ready = await fetch(`${somerset.listenUrl}/readyz`);
    expect(ready.status).toBe(200);
    await somersetQueue.pool.query(
      `INSERT INTO fedify_queue (channel, message, available_at, created_at)
       VALUES ('outbox', '{}', now() + interval '1 hour', now() - interval '90 seconds')`,
    );
    const metrics = await fetch(`${somerset.listenUrl}/metrics`, {
      headers: { Authorization: `Bearer ${METRICS_TOKEN}` },
    });
    const text = await metrics.text();
    expect(text).toMatch(/^copse_queue_depth 1$/m);
    const age = Number(/^copse_queue_oldest_age_seconds (\S+)$/m.exec(text)?.[1]);
    expect(age).toBeGreaterThanOrEqual(90);
    await somersetQueue.pool.query("DELETE FROM fedify_queue");
  });

  it("is not ready while the queue's database cannot be reached", async () => {
    const nowhere = `postgres://copse@127.0.0.1:${await freePort()}/copse`;
    const stranded = await startTestInstance("Stranded", { COPSE_QUEUE_URL: nowhere });
    try {
      const response = await fetch(`${stranded.listenUrl}/readyz`);
      expect(response.status).toBe(503);
      const body = await response.text();
      expect(body).toBe(
        "not ready: the queue's PostgreSQL database does not answer (the log says why)",
      );
      // Anyone may ask, so the answer names neither the database's address nor its URL.
      expect(body).not.toContain(new URL(nowhere).port);
    } finally {
      await stranded.close();
    }
  });
});
