import { Agent, request } from "node:http";
import { gunzipSync } from "node:zlib";
import { median, percentile } from "./stats.ts";

// A small load generator: a fixed number of requests spread over a fixed number of keep-alive
// connections, each connection sending its next request as soon as the last one is answered
// (a closed loop, as autocannon and wrk do). Asking for gzip measures what browsers receive.

/** One page to load: where it is and the headers a real client would send. */
export interface LoadTarget {
  label: string;
  path: string;
  headers?: Record<string, string>;
}

/** What one page did under load. */
export interface LoadResult {
  label: string;
  status: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Bytes of the body on the wire (gzipped when the server compressed it). */
  wireBytes: number;
  /** Bytes of the body once decompressed. */
  bodyBytes: number;
  /**
   * CPU time of this process (server and load generator together) per request: unlike the
   * latencies, it hardly changes when other programs share the machine.
   */
  cpuMsPerRequest: number;
}

interface Answer {
  status: number;
  body: Buffer;
  gzipped: boolean;
}

/**
 * One request. When the server is so busy that a connection sits idle past its keep-alive
 * timeout, the server may close it just as the next request goes out; browsers retry such a
 * request on a new connection, and so does this (once), as the time it took still counts.
 */
function get(
  agent: Agent,
  base: URL,
  target: LoadTarget,
  host: string,
  retry = true,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname: base.hostname,
        port: base.port,
        path: target.path,
        headers: { host, "accept-encoding": "gzip", ...target.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks),
            gzipped: res.headers["content-encoding"] === "gzip",
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (retry && req.reusedSocket && error.code === "ECONNRESET") {
        get(agent, base, target, host, false).then(resolve, reject);
      } else reject(error);
    });
    req.end();
  });
}

/**
 * Sends `requests` requests for one page over `connections` keep-alive connections to the
 * server at `base` (with `host` as the Host header) and returns throughput and latencies.
 */
export async function loadPage(
  base: URL,
  host: string,
  target: LoadTarget,
  options: {
    requests: number;
    connections: number;
    warmUp: number;
    /** Called as each measured request is sent, with its number from 0 (writes under load). */
    beforeRequest?: (n: number) => void;
  },
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  try {
    let first: Answer | undefined;
    for (let i = 0; i < options.warmUp; i++) first = await get(agent, base, target, host);
    first ??= await get(agent, base, target, host);
    const times: number[] = [];
    let next = 0;
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const worker = async () => {
      while (next < options.requests) {
        options.beforeRequest?.(next);
        next++;
        const at = performance.now();
        const answer = await get(agent, base, target, host);
        times.push(performance.now() - at);
        if (answer.status !== first!.status) {
          throw new Error(`${target.label}: status ${answer.status}, first was ${first!.status}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.connections }, worker));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      label: target.label,
      status: first.status,
      requestsPerSecond: times.length / seconds,
      p50: median(times),
      p99: percentile(times, 99),
      wireBytes: first.body.length,
      bodyBytes: first.gzipped ? gunzipSync(first.body).length : first.body.length,
      cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / times.length,
    };
  } finally {
    agent.destroy();
  }
}

/** The results as an aligned table, one page a line. */
export function formatResults(results: LoadResult[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  const rows = [
    ["page", "status", "req/s", "p50", "p99", "CPU/req", "gzip", "body"],
    ...results.map((r) => [
      r.label,
      String(r.status),
      r.requestsPerSecond.toFixed(0),
      `${r.p50.toFixed(1)} ms`,
      `${r.p99.toFixed(1)} ms`,
      `${r.cpuMsPerRequest.toFixed(1)} ms`,
      kb(r.wireBytes),
      kb(r.bodyBytes),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
        .join("  "),
    )
    .join("\n");
}
