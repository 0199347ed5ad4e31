import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from "node:worker_threads";
import { projectPath } from "../../project-root.ts";
import type { BridgeReply, BridgeRequest } from "./bridge-protocol.ts";

// Copse's domain code was written for SQLite, where a query is a function call that returns
// its rows. On PostgreSQL the same code runs unchanged through this bridge: a worker thread
// holds the connection, and the calling thread posts a request and blocks (Atomics.wait) until
// the answer is there. The process does nothing else while it waits, just as it does while
// SQLite reads a page from disk; PostgreSQL instances scale by running more processes
// (`--role web|worker`), which is what moving to PostgreSQL is for.

/** How long one statement may take before the caller gives up on the connection. */
const ANSWER_TIMEOUT_MS = 120_000;

/** How long the thread may take to load its code. */
const START_TIMEOUT_MS = 30_000;

/** PostgreSQL's error, with its SQLSTATE code and the SQLite-style code the code base checks. */
export class PostgresError extends Error {
  constructor(
    message: string,
    readonly sqlState: string | undefined,
    readonly code: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = "PostgresError";
  }
}

// The callers that tell a constraint failure from other errors look for SQLite's codes.
const SQLITE_CODES: Record<string, string> = {
  "23505": "SQLITE_CONSTRAINT_UNIQUE",
  "23503": "SQLITE_CONSTRAINT_FOREIGNKEY",
  "23502": "SQLITE_CONSTRAINT_NOTNULL",
  "23514": "SQLITE_CONSTRAINT_CHECK",
};

/**
 * The thread's code: beside this file when running the TypeScript sources, otherwise the one
 * scripts/build.mjs bundled (this file's own code may sit in any of build/'s chunks).
 */
function workerUrl(): URL {
  const source = new URL("./bridge-worker.ts", import.meta.url);
  if (import.meta.url.endsWith(".ts") && existsSync(source)) return source;
  return pathToFileURL(projectPath("build/db/postgres/bridge-worker.js"));
}

/** The process's PostgreSQL thread: every connection's requests go through it, one at a time. */
class BridgeThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private nextConnection = 1;
  private seq = 0;
  /** Set when the thread stopped answering; a new one is made for later connections. */
  dead = false;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerUrl(), {
      workerData: { flag: this.flag.buffer, port: port2 },
      transferList: [port2],
    });
    // The thread must not keep a process alive that has nothing else to do.
    this.worker.unref();
    this.port.unref();
    if (Atomics.wait(this.flag, 0, 0, START_TIMEOUT_MS) === "timed-out") {
      this.dead = true;
      void this.worker.terminate();
      throw new Error("The PostgreSQL thread did not start (run with the worker's code built?)");
    }
  }

  /** A number for a new connection. */
  connectionId(): number {
    return this.nextConnection++;
  }

  /** Sends one request and waits for its answer; PostgreSQL's errors are thrown. */
  call(request: BridgeRequest): Extract<BridgeReply, { ok: true }> {
    if (this.dead) throw new Error("The PostgreSQL thread has stopped");
    const seq = ++this.seq;
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ ...request, seq });
    if (Atomics.wait(this.flag, 0, 0, ANSWER_TIMEOUT_MS) === "timed-out") {
      // Its answer, should it ever come, would be taken for the next request's.
      this.dead = true;
      this.port.close();
      void this.worker.terminate();
      throw new Error(`PostgreSQL did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
    }
    const reply = this.receive(seq);
    if (!reply.ok) {
      const code = (reply.code && SQLITE_CODES[reply.code]) ?? `POSTGRES_${reply.code ?? "ERROR"}`;
      // The statement (never its values) says which of the code's queries failed.
      const text = "text" in request ? ` (in: ${request.text.slice(0, 400)})` : "";
      throw new PostgresError(`${reply.message}${text}`, reply.code, code, reply.detail);
    }
    return reply;
  }

  /**
   * Takes the answer off the port. The flag is raised only after the answer is posted, so it
   * is there; should the port still be handing it over, it is looked for again briefly.
   */
  private receive(seq: number): BridgeReply {
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    while (Date.now() < deadline) {
      const message = receiveMessageOnPort(this.port);
      if (!message) {
        Atomics.wait(this.flag, 0, 1, 1);
        continue;
      }
      const reply = message.message as BridgeReply;
      // Each answer carries its request's number, so an answer can never be taken for
      // another's; one left over from an earlier request is dropped (and would be a bug).
      if (reply.seq === seq) return reply;
      console.warn(`PostgreSQL bridge: dropped answer ${reply.seq} while waiting for ${seq}`);
    }
    throw new Error("The PostgreSQL thread raised its flag but posted no answer");
  }
}

let thread: BridgeThread | undefined;

/** The process's PostgreSQL thread, started on first use (and again if it stopped). */
function bridgeThread(): BridgeThread {
  if (!thread || thread.dead) thread = new BridgeThread();
  return thread;
}

/**
 * One PostgreSQL connection, used by blocking calls. Its requests go through the process's one
 * PostgreSQL thread: starting a thread costs a tenth of a second, a connection a few
 * milliseconds, and the calling thread waits on one answer at a time however many
 * connections it has.
 */
export class PostgresBridge {
  private readonly thread = bridgeThread();
  private readonly connection = this.thread.connectionId();
  private closed = false;

  constructor(url: string, migrationsFolder: string) {
    this.thread.call({ op: "open", connection: this.connection, url, migrationsFolder });
  }

  /** Sends one request on this connection and waits for its answer. */
  call(request: DistributiveOmit<BridgeRequest, "connection">): Extract<BridgeReply, { ok: true }> {
    if (this.closed) throw new Error("The PostgreSQL connection is closed");
    return this.thread.call({ ...request, connection: this.connection } as BridgeRequest);
  }

  /** Closes the connection. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.thread.dead) this.thread.call({ op: "close", connection: this.connection });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
