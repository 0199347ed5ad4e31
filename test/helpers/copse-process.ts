import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect, createServer, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { eventually } from "./instances.ts";

// Copse started as real processes (build/main.js, as `npm start` runs it), for the tests where
// processes are the point: roles, shutdown, crashes. test/global-setup.ts builds build/ first.

const projectRoot = fileURLToPath(new URL("../..", import.meta.url));

/** A Copse process a test started, with everything it printed. */
export class CopseProcess {
  output = "";
  readonly exited: Promise<unknown>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on("data", (chunk) => {
      this.output += chunk;
    });
    child.stderr!.on("data", (chunk) => {
      this.output += chunk;
    });
    this.exited = once(child, "exit");
  }

  /** Starts `node build/main.js ...args` with only PATH and HOME from this environment. */
  static start(name: string, env: Record<string, string>, args: string[] = []): CopseProcess {
    const { PATH, HOME } = process.env;
    const child = spawn(process.execPath, ["--enable-source-maps", "build/main.js", ...args], {
      cwd: projectRoot,
      env: { PATH, HOME, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new CopseProcess(name, child);
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for the start-up message; fails with the output if the process exits first. */
  async started(timeoutMs = 60_000): Promise<void> {
    await eventually(() => {
      if (!this.running) throw new Error(`${this.name} exited:\n${this.output}`);
      return this.output.includes("is running");
    }, timeoutMs);
  }

  /** How many lines of its output match. */
  count(pattern: RegExp): number {
    return this.output.split("\n").filter((line) => pattern.test(line)).length;
  }

  /** Sends a signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    await this.exited;
  }
}

/**
 * A TCP proxy that hands each new connection to the next of `targets` in turn, as a load
 * balancer in front of several web processes would (Caddy, nginx).
 */
export async function roundRobinProxy(
  port: number,
  targets: number[],
): Promise<{ close(): Promise<void> }> {
  let next = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const target = targets[next++ % targets.length]!;
    const upstream = connect(target, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
