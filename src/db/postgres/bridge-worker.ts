import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type MessagePort, workerData } from "node:worker_threads";
import type pg from "pg";
import type { BridgeReply, BridgeRequest } from "./bridge-protocol.ts";
import { HAS_DERIVED_OBJECTS_MARK } from "./derived-objects.ts";

// The thread that talks to PostgreSQL for the process's synchronous clients (see bridge.ts).
// It holds their connections and answers one request at a time: the main thread waits for
// each answer, so there is never more than one in flight. Each answer is posted on the port
// and then signalled through the shared flag, which is what the waiting main thread watches.

const { flag, port } = workerData as { flag: SharedArrayBuffer; port: MessagePort };
const signal = new Int32Array(flag);
const driver = createRequire(import.meta.url)("pg") as typeof pg;

// SQLite hands back numbers where PostgreSQL has bigint, numeric and boolean; the code was
// written for SQLite's values, so they are read the same way here. Every id and millisecond
// timestamp fits in a double exactly.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    if (oid === 16) return (value: string) => (value === "t" ? 1 : 0);
    return driver.types.getTypeParser(oid, format as "text");
  },
};

/** Server-side prepared statements per connection, so PostgreSQL plans each text once. */
const MAX_NAMED = 2_000;

/** How long PostgreSQL lets one statement run before cancelling it (the bridge waits longer). */
const STATEMENT_TIMEOUT_MS = 60_000;

/** One client's connection, with what it has prepared; made again after it is lost. */
class Connection {
  client!: pg.Client;
  connected!: Promise<unknown>;
  /** A dropped connection is reported to the next request rather than crashing the thread. */
  broken: Error | undefined;
  private names = new Map<string, string>();
  readonly url: string;
  readonly migrationsFolder: string;

  // Plain fields, not parameter properties: Node runs this file's TypeScript by stripping types.
  constructor(url: string, migrationsFolder: string) {
    this.url = url;
    this.migrationsFolder = migrationsFolder;
    this.connect();
  }

  /**
   * Opens the connection. After a loss (PostgreSQL restarted, the network dropped) the request
   * that finds it broken fails, and the next one runs on a new connection: a transaction that
   * was open is gone either way, and its caller has been told.
   */
  connect(): void {
    this.broken = undefined;
    this.names = new Map();
    const client = new driver.Client({
      connectionString: this.url,
      types,
      statement_timeout: STATEMENT_TIMEOUT_MS,
    });
    this.client = client;
    // Only this client's own loss counts: an old one's late error must not break its successor.
    const lost = (error: Error) => {
      if (this.client === client) this.broken = error;
    };
    client.on("error", lost);
    client.on("end", () => lost(new Error("The PostgreSQL connection ended")));
    this.connected = client.connect().catch(lost);
  }

  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known) return known;
    if (this.names.size >= MAX_NAMED || text.length > 8_000) return undefined;
    const name = `copse_${this.names.size + 1}`;
    this.names.set(text, name);
    return name;
  }
}

const connections = new Map<number, Connection>();
const done: BridgeReply = { ok: true, columns: [], rows: [], rowCount: 0 };

async function answer(request: BridgeRequest): Promise<BridgeReply> {
  if (request.op === "open") {
    connections.set(request.connection, new Connection(request.url, request.migrationsFolder));
    return done;
  }
  const connection = connections.get(request.connection);
  if (!connection) throw new Error("This PostgreSQL connection is closed");
  await connection.connected;
  if (connection.broken) {
    const lost = connection.broken;
    reconnect(connection);
    throw lost;
  }
  try {
    return await answerOn(connection, request);
  } catch (error) {
    // A statement that failed because the connection went (rather than for what it said)
    // leaves a new connection for the next request.
    if (isConnectionLoss(error)) reconnect(connection);
    throw error;
  }
}

function reconnect(connection: Connection): void {
  void connection.client.end().catch(() => {});
  connection.connect();
}

/** Errors that end a session: no SQLSTATE (a socket error), or class 08 or 57P. */
function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) return true;
  return code.startsWith("08") || code.startsWith("57P");
}

async function answerOn(
  connection: Connection,
  request: Exclude<BridgeRequest, { op: "open" }>,
): Promise<BridgeReply> {
  const { client } = connection;
  switch (request.op) {
    case "query": {
      const query = {
        text: request.text,
        values: request.values,
        // A named statement gets a generic plan after five runs, made without the values; for
        // a full-text query the best plan depends on how common its words are, and the generic
        // one read every match (3-5 ms became 70-90 ms at 20,000 items), so those are planned
        // with their values each time.
        name: request.planWithValues ? undefined : connection.nameFor(request.text),
        rowMode: "array" as const,
      };
      if (!request.guard) return reply(await client.query(query));
      // Inside a transaction a failed statement would abort the whole transaction, where
      // SQLite lets the caller catch the error and go on; a savepoint keeps SQLite's meaning.
      await client.query("SAVEPOINT copse_statement");
      try {
        const result = await client.query(query);
        await client.query("RELEASE SAVEPOINT copse_statement");
        return reply(result);
      } catch (error) {
        await client.query("ROLLBACK TO SAVEPOINT copse_statement");
        throw error;
      }
    }
    case "exec":
      await client.query(request.text);
      return done;
    case "migrate":
      await migrate(connection);
      return done;
    case "close":
      connections.delete(request.connection);
      await client.end();
      return done;
  }
}

async function migrate(connection: Connection): Promise<void> {
  if (await upToDate(connection)) return;
  // On a connection of its own with pg's usual types: the migrator reads PostgreSQL's values
  // as pg gives them, not as SQLite would.
  const { migratePostgres } = await import("./migrate.ts");
  const own = new driver.Client({ connectionString: connection.url });
  await own.connect();
  try {
    await migratePostgres(own, { migrationsFolder: connection.migrationsFolder });
  } finally {
    await own.end();
  }
}

/**
 * Whether the newest migration is applied and the derived objects are made and current
 * (derived-objects.ts): then every start after the first needs neither the migrator's code
 * nor its lock.
 */
async function upToDate({ client, migrationsFolder }: Connection): Promise<boolean> {
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, "meta", "_journal.json"), "utf8"),
  ) as { entries: { when: number }[] };
  const newest = journal.entries.at(-1)?.when;
  const found = await client.query<[number, number]>({
    text: `SELECT to_regclass('__drizzle_migrations') IS NOT NULL, ${HAS_DERIVED_OBJECTS_MARK}`,
    rowMode: "array",
  });
  const [migrated, marked] = found.rows[0] ?? [0, 0];
  if (!migrated || !marked || newest === undefined) return false;
  const applied = await client.query<[number | null]>({
    text: "SELECT max(created_at) FROM __drizzle_migrations",
    rowMode: "array",
  });
  return applied.rows[0]?.[0] === newest;
}

function reply(result: pg.QueryResult<unknown[]>): BridgeReply {
  return {
    ok: true,
    columns: result.fields.map((f) => f.name),
    rows: result.rows,
    rowCount: result.rowCount ?? 0,
  };
}

function failure(error: unknown): BridgeReply {
  const e = error as Partial<pg.DatabaseError> & Error;
  return {
    ok: false,
    message: e?.message ?? String(error),
    code: typeof e?.code === "string" ? e.code : undefined,
    detail: e?.detail,
    constraint: e?.constraint,
  };
}

port.on("message", (request: BridgeRequest) => {
  answer(request)
    .catch(failure)
    .then((result) => {
      port.postMessage({ ...result, seq: request.seq });
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});

// Says the thread is up: the main thread waits for this before its first request, so a thread
// that cannot start is an error at once rather than a request that is never answered.
Atomics.store(signal, 0, 1);
Atomics.notify(signal, 0);
