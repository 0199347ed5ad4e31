import { createRequire } from "node:module";
import { type MessagePort, workerData } from "node:worker_threads";
import type pg from "pg";
import type { BridgeReply, BridgeRequest } from "./bridge-protocol.ts";

// The thread that talks to PostgreSQL for a synchronous client (see bridge.ts). It holds one
// connection and answers one request at a time: the main thread waits for each answer, so
// there is never more than one in flight. Each answer is posted on the port and then signalled
// through the shared flag, which is what the waiting main thread watches.

const { url, flag, port, migrationsFolder } = workerData as {
  url: string;
  flag: SharedArrayBuffer;
  port: MessagePort;
  migrationsFolder: string;
};
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

const client = new driver.Client({ connectionString: url, types });
const connected = client.connect();
// A dropped connection is reported to the next request rather than crashing the thread.
let broken: Error | undefined;
client.on("error", (error) => {
  broken = error;
});

/** Server-side prepared statements by SQL text, so PostgreSQL plans each text once. */
const names = new Map<string, string>();
const MAX_NAMED = 2_000;

function nameFor(text: string): string | undefined {
  const known = names.get(text);
  if (known) return known;
  if (names.size >= MAX_NAMED || text.length > 8_000) return undefined;
  const name = `copse_${names.size + 1}`;
  names.set(text, name);
  return name;
}

async function answer(request: BridgeRequest): Promise<BridgeReply> {
  await connected;
  if (broken) throw broken;
  switch (request.op) {
    case "query": {
      const query = {
        text: request.text,
        values: request.values,
        name: nameFor(request.text),
        rowMode: "array" as const,
      };
      if (!request.guard) {
        const result = await client.query(query);
        return reply(result);
      }
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
      return { ok: true, columns: [], rows: [], rowCount: 0 };
    case "migrate":
      throw new Error(`migrations from ${migrationsFolder} are not wired yet`);
    case "close":
      await client.end();
      return { ok: true, columns: [], rows: [], rowCount: 0 };
  }
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
      port.postMessage(result);
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
    });
});
