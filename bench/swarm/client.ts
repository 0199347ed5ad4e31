import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { SwarmCounts, SwarmInstance } from "./servers.ts";

/** The parent's handle on the swarm of fake servers running in a child process. */
export class SwarmClient {
  readonly #child: ChildProcess;
  readonly #pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on("message", (m: { id: number; result?: unknown; error?: string }) => {
      const p = this.#pending.get(m.id);
      if (!p) return;
      this.#pending.delete(m.id);
      if (m.error) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
  }

  /** Forks the swarm process and starts `count` fake instances with `actorsEach` people each. */
  static async start(
    count: number,
    actorsEach: number,
  ): Promise<{ swarm: SwarmClient; instances: SwarmInstance[] }> {
    const child = fork(fileURLToPath(new URL("./child.ts", import.meta.url)), [], {
      execArgv: ["--import", "tsx"],
      stdio: "inherit",
    });
    const swarm = new SwarmClient(child);
    const instances = (await swarm.#call("start", count, actorsEach)) as SwarmInstance[];
    return { swarm, instances };
  }

  /** Resolves once `count` verified deliveries of `type` ("*" for any) have arrived. */
  waitFor(type: string, count: number): Promise<void> {
    return this.#call("waitFor", type, count) as Promise<void>;
  }

  /** Verified deliveries by type, and refusals by reason. */
  counts(): Promise<SwarmCounts> {
    return this.#call("counts") as Promise<SwarmCounts>;
  }

  /** Signs requests from swarm actors ahead of time; returns a batch to fire. */
  prepare(requests: { actor: string; inbox: string; activity: unknown }[]): Promise<number> {
    return this.#call("prepare", requests) as Promise<number>;
  }

  /** Sends a prepared batch with `concurrency` requests in flight. */
  fire(
    batch: number,
    concurrency: number,
  ): Promise<{ statuses: Record<string, number>; ms: number }> {
    return this.#call("fire", batch, concurrency) as Promise<{
      statuses: Record<string, number>;
      ms: number;
    }>;
  }

  /** Stops the servers and the child process. */
  async close(): Promise<void> {
    await this.#call("close").catch(() => undefined);
    this.#child.kill();
  }

  #call(op: string, ...args: unknown[]): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#child.send({ id, op, args });
    });
  }
}
