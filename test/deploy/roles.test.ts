import "../helpers/temporal.ts";
import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { type Db, openDatabase } from "../../src/db/client.ts";
import { createAccount } from "../../src/domain/accounts.ts";
import { type Community, createCommunity } from "../../src/domain/communities.ts";
import { openInstanceDatabase } from "../../src/instance-db.ts";
import { WebClient } from "../helpers/client.ts";
import { CopseProcess, roundRobinProxy } from "../helpers/copse-process.ts";
import { EventStream } from "../helpers/event-stream.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { freePort } from "../helpers/free-port.ts";
import { eventually, TEST_PASSWORD } from "../helpers/instances.ts";
import { describeWithPostgres, freshSchema, type TestSchema } from "../helpers/postgres.ts";

// Two web and two worker processes on one data directory, behind a proxy that takes turns
// between the web processes, as `copse start --role web|worker` runs them. Processes are the
// point here, so they are real ones (build/main.js). The follower is a signed fake server,
// which counts what it is sent.

const AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public";
const DIGEST_RAN = /Queued \d+ '?daily'? digest\(s\)/;

/**
 * The scenario, with everything in SQLite under the shared data directory, or with the data
 * (and so the queue, which follows it) on PostgreSQL (COPSE_DATABASE_URL).
 */
function severalProcesses(backend: "sqlite" | "postgres") {
  const dataDir = mkdtempSync(join(tmpdir(), `copse-roles-${backend}-`));
  const processes: CopseProcess[] = [];
  let schema: TestSchema | undefined;
  let proxy: { close(): Promise<void> } | undefined;
  let peer: FakePeer;
  let mona: FakeActor;
  let watcher: Db;
  let garden: Community;
  let origin: string;
  let env: Record<string, string>;
  const webPorts: number[] = [];

  /** Messages waiting or being handled, wherever the queue is. */
  async function queued(): Promise<number> {
    if (schema) {
      const { rows } = await schema.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM fedify_queue",
      );
      return rows[0]!.n;
    }
    return (
      watcher.$client.prepare("SELECT count(*) AS n FROM fedify_queue").get() as {
        n: number;
      }
    ).n;
  }

  /** The claim tokens (host:pid:uuid) of deliveries being handled now. */
  async function claimTokens(): Promise<string[]> {
    const sql =
      "SELECT claimed_by AS token FROM fedify_queue WHERE channel = 'outbox' AND claimed_by LIKE '%:%:%'";
    const rows = schema
      ? (await schema.pool.query<{ token: string }>(sql)).rows
      : (watcher.$client.prepare(sql).all() as { token: string }[]);
    return rows.map(({ token }) => token);
  }

  function start(name: string, role: "web" | "worker", port: number, byArgument: boolean) {
    const started = CopseProcess.start(
      name,
      { ...env, PORT: String(port), ...(byArgument ? {} : { COPSE_ROLE: role }) },
      byArgument ? ["--role", role] : [],
    );
    processes.push(started);
    return started;
  }

  beforeAll(async () => {
    const proxyPort = await freePort();
    webPorts.push(await freePort(), await freePort());
    origin = `http://127.0.0.1:${proxyPort}`;
    if (backend === "postgres") schema = await freshSchema();
    env = {
      HOST: "127.0.0.1",
      COPSE_ORIGIN: origin,
      COPSE_DATA_DIR: dataDir,
      COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      COPSE_LOG_LEVEL: "info",
      ...(schema ? { COPSE_DATABASE_URL: schema.url } : {}),
    };
    // The instance's people and community, made before any process starts.
    const config = loadConfig({ ...env, PORT: String(proxyPort) });
    const db = openInstanceDatabase(config);
    const alice = await createAccount(db, origin, {
      handle: "alice",
      email: "alice@aston.example",
      password: TEST_PASSWORD,
    });
    garden = createCommunity(db, origin, {
      handle: "garden",
      name: "Garden",
      description: "The garden community.",
      visibility: "public",
      ownerActorId: alice.actor.id,
    });
    db.$client.close();
    watcher = openDatabase(schema?.url ?? join(dataDir, "copse.db"));
    peer = await startFakePeer();
    mona = await peer.addActor({ path: "/users/mona", type: "Person", preferredUsername: "mona" });
    proxy = await roundRobinProxy(proxyPort, webPorts);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    await proxy?.close();
    await peer?.close();
    watcher?.$client.close();
    await schema?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("web processes only enqueue: an incoming Follow waits until a worker runs", async () => {
    const webs = [
      start("web 1", "web", webPorts[0]!, true),
      start("web 2", "web", webPorts[1]!, false),
    ];
    await Promise.all(webs.map((web) => web.started()));
    const follow = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url("/follows/1"),
      type: "Follow",
      actor: mona.id,
      object: garden.actor.iri,
    };
    const response = await peer.deliver(garden.actor.inboxUrl!, follow, { as: mona.path });
    expect(response.status).toBe(202);
    // Both web processes answer (the proxy takes turns), and the Follow is still queued: a
    // process handling the queue would have taken it as it was enqueued.
    for (const port of webPorts) {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    }
    expect(await queued()).toBe(1);
    expect(peer.activities("Accept")).toEqual([]);

    const workers = [start("worker 1", "worker", 0, true), start("worker 2", "worker", 0, false)];
    await Promise.all(workers.map((worker) => worker.started()));
    await eventually(() => peer.activities("Accept").length > 0, 60_000);
  });

  it("runs a due digest in one of the two workers", async () => {
    const before = Date.now();
    watcher.$client
      .prepare("UPDATE scheduled_tasks SET next_run_at = 0 WHERE name = 'alerts.digest.daily'")
      .run();
    const schedule = () =>
      watcher.$client
        .prepare(
          "SELECT next_run_at AS next, last_run_at AS last FROM scheduled_tasks WHERE name = 'alerts.digest.daily'",
        )
        .get() as { next: number; last: number | null };
    await eventually(() => (schedule().last ?? 0) >= before && schedule().next > before, 60_000);
    expect(schedule().next).toBeGreaterThan(Date.now());
  });

  it("delivers a post made through one web process once, and streams work from workers to every web process", async () => {
    const streams = await Promise.all(
      webPorts.map((port) => EventStream.open(`http://127.0.0.1:${port}`)),
    );
    try {
      // Alice posts through the first web process directly.
      const alice = new WebClient(`http://127.0.0.1:${webPorts[0]}`);
      const signIn = await alice.post("/signin", { login: "alice", password: TEST_PASSWORD });
      expect(signIn.response.status).toBe(303);
      const created = await alice.post("/c/garden/forum/new", {
        title: "Gritting routes",
        body: "Which roads first?",
      });
      expect(created.response.status).toBe(303);
      const topicId = Number(/\/(\d+)$/.exec(created.response.headers.get("location")!)?.[1]);
      const { iri: topicIri } = watcher.$client
        .prepare("SELECT iri FROM items WHERE id = ?")
        .get(topicId) as { iri: string };

      // Mona's post arrives through the proxy and is applied by a worker.
      const noteId = `${mona.id}/statuses/1`;
      const note = {
        id: noteId,
        type: "Note",
        attributedTo: mona.id,
        content: `<p><span class="h-card"><a href="${garden.actor.url}" class="u-url mention">@<span>garden</span></a></span> Bulky waste collections</p>`,
        published: new Date().toISOString(),
        to: [AS_PUBLIC],
        cc: [`${mona.id}/followers`, garden.actor.iri],
        tag: [{ type: "Mention", href: garden.actor.iri, name: `@garden@${new URL(origin).host}` }],
      };
      peer.serve(new URL(noteId).pathname, {
        "@context": "https://www.w3.org/ns/activitystreams",
        ...note,
      });
      const create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${noteId}/activity`,
        type: "Create",
        actor: mona.id,
        to: note.to,
        cc: note.cc,
        object: note,
      };
      expect((await peer.deliver(`${origin}/ap/inbox`, create, { as: mona.path })).status).toBe(
        202,
      );

      // Both web processes' streams show both posts: Alice's (stored by web 1) and Mona's
      // (stored by a worker).
      for (const stream of streams) {
        await eventually(
          () =>
            stream.text.includes("Gritting routes") &&
            stream.text.includes("Bulky waste collections"),
          60_000,
        );
      }

      // Once the queue is empty nothing more will be sent: the follower had each activity
      // once, and among them the community's boosts of both posts.
      const boosts = (iri: string) =>
        peer
          .activities("Announce")
          .filter((a) => [a.body.object?.id, a.body.object?.object?.id].includes(iri));
      await eventually(() => boosts(topicIri).length > 0 && boosts(noteId).length > 0, 60_000);
      await eventually(async () => (await queued()) === 0, 60_000);
      const ids = peer.activities().map((a) => a.body.id as string);
      expect(ids.length).toBeGreaterThanOrEqual(3);
      expect(new Set(ids).size, ids.join("\n")).toBe(ids.length);
    } finally {
      for (const stream of streams) stream.close();
    }
  });

  it("ran that digest once in all, though both workers looked at the schedule since", () => {
    // The federation test above kept both workers busy (and ticking every second) for seconds
    // after the digest's run: a second run would have been logged by now.
    const workers = processes.filter((p) => p.name.startsWith("worker"));
    expect(workers.map((w) => w.count(DIGEST_RAN)).reduce((a, b) => a + b)).toBe(1);
    for (const p of processes) expect(p.running, p.output).toBe(true);
  });

  // A worker that dies mid-message leaves its claim, and the other worker takes it back within
  // seconds: in SQLite because the claimant's process is gone (src/federation/queue-claims.ts),
  // on PostgreSQL because its database session is (src/federation/postgres/queue.ts).
  it("loses nothing when a worker is killed mid-delivery: the other one delivers", async () => {
    // The follower holds every delivery open until told, so one is surely in flight.
    const held: { req: IncomingMessage; res: ServerResponse }[] = [];
    let holding = true;
    const patched = peer as unknown as {
      handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
    };
    const handle = patched.handle.bind(peer);
    patched.handle = (req, res) => {
      if (!holding || req.method !== "POST") return handle(req, res);
      held.push({ req, res });
      return new Promise<void>(() => {});
    };
    try {
      const alice = new WebClient(`http://127.0.0.1:${webPorts[1]}`);
      await alice.post("/signin", { login: "alice", password: TEST_PASSWORD });
      const created = await alice.post("/c/garden/forum/new", {
        title: "Salt stocks",
        body: "How much is left?",
      });
      expect(created.response.status).toBe(303);
      const topicId = Number(/\/(\d+)$/.exec(created.response.headers.get("location")!)?.[1]);
      const { iri } = watcher.$client
        .prepare("SELECT iri FROM items WHERE id = ?")
        .get(topicId) as { iri: string };

      // The worker whose claim a held delivery is: its process id is in the claim.
      const claimant = await eventually(async () => {
        if (held.length === 0) return undefined;
        const pids = (await claimTokens()).map((token) => Number(token.split(":").at(-2)));
        return processes.find((p) => p.name.startsWith("worker") && pids.includes(p.child.pid!));
      }, 60_000);
      await claimant.stop("SIGKILL");
      const survivor = processes.find((p) => p.name.startsWith("worker") && p.running)!;

      // Deliveries of the killed worker died with it; the survivor's go through.
      holding = false;
      for (const { req, res } of held.splice(0)) {
        if (req.socket.destroyed) res.destroy();
        else void handle(req, res);
      }
      const boosts = () =>
        peer
          .activities("Announce")
          .filter((a) => [a.body.object?.id, a.body.object?.object?.id].includes(iri));
      await eventually(() => boosts().length > 0, 60_000);
      await eventually(async () => (await queued()) === 0, 60_000);
      expect(survivor.output).toMatch(
        backend === "sqlite"
          ? /Released \d+ messages claimed by a process that stopped/
          : /Returned \d+ messages whose listener's database session ended/,
      );
    } finally {
      holding = false;
      patched.handle = handle;
      for (const { res } of held) res.destroy();
    }
  });
}

describe("several web and worker processes, queue in SQLite", { timeout: 120_000 }, () => {
  severalProcesses("sqlite");
});

describeWithPostgres(
  "several web and worker processes, data and queue on PostgreSQL",
  { timeout: 120_000 },
  () => {
    severalProcesses("postgres");
  },
);
