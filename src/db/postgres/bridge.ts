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

/** Answers from a worker thread's PostgreSQL connection, one blocking call at a time. */
export class PostgresBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private closed = false;

  constructor(url: string, migrationsFolder: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerUrl(), {
      workerData: { url, flag: this.flag.buffer, port: port2, migrationsFolder },
      transferList: [port2],
    });
    // The thread must not keep a process alive that has nothing else to do.
    this.worker.unref();
    this.port.unref();
  }

  /** Sends one request and waits for its answer; PostgreSQL's errors are thrown. */
  call(request: BridgeRequest): Extract<BridgeReply, { ok: true }> {
    if (this.closed) throw new Error("The PostgreSQL connection is closed");
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(request);
    if (Atomics.wait(this.flag, 0, 0, ANSWER_TIMEOUT_MS) === "timed-out") {
      this.terminate();
      throw new Error(`PostgreSQL did not answer within ${ANSWER_TIMEOUT_MS / 1000} s`);
    }
    const message = receiveMessageOnPort(this.port);
    if (!message) throw new Error("The PostgreSQL thread answered nothing");
    const reply = message.message as BridgeReply;
    if (!reply.ok) {
      const code = (reply.code && SQLITE_CODES[reply.code]) ?? `POSTGRES_${reply.code ?? "ERROR"}`;
      throw new PostgresError(reply.message, reply.code, code, reply.detail);
    }
    return reply;
  }

  /** Closes the connection and ends the thread. */
  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: "close" });
    } finally {
      this.terminate();
    }
  }

  private terminate(): void {
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
