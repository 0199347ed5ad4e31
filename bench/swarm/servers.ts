import {
  createHash,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// A swarm of fake fediverse servers for the federation benchmarks. They are not Fedify: plain
// node:http servers that check draft-cavage HTTP signatures the way Mastodon does ((request-
// target), host, date and digest signed; the digest matches the body; the date is recent; the
// key is fetched from the signer's actor document and cached), using node:crypto. A request
// signed only with RFC 9421 gets a 401, as from a Mastodon that does not read those yet, so a
// sender that knocks with RFC 9421 first pays for a second signature.

const ACTIVITY_JSON = "application/activity+json";
const CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];
/** How far a signature's Date may be from now, as Mastodon allows. */
const CLOCK_SKEW_MS = 12 * 60 * 60 * 1000;

/** One fake instance as the parent process sees it. */
export interface SwarmInstance {
  origin: string;
  sharedInbox: string;
  actors: { id: string; inbox: string }[];
}

/** Verified deliveries so far, by activity type, and refusals by reason. */
export interface SwarmCounts {
  byType: Record<string, number>;
  refused: Record<string, number>;
}

/** A request signed ahead of time, ready to be sent. */
interface Prepared {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** The servers, their shared signing key, and what they received. */
export class Swarm {
  readonly instances: SwarmInstance[] = [];
  readonly #servers: Server[] = [];
  readonly counts: SwarmCounts = { byType: {}, refused: {} };
  readonly #keys = new Map<string, Promise<KeyObject>>();
  readonly #waiters: { type: string; count: number; resolve: () => void }[] = [];
  readonly #batches = new Map<number, Prepared[]>();
  #nextBatch = 1;
  // Every actor of the swarm signs with this one key (each under its own key id): making a
  // 2,048-bit key per actor would take minutes, and the receiver cannot tell.
  readonly #pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  readonly #publicPem = this.#pair.publicKey.export({ type: "spki", format: "pem" }).toString();

  /** Starts `count` servers on loopback ports, each with `actorsEach` people. */
  async start(count: number, actorsEach: number): Promise<SwarmInstance[]> {
    for (let i = 0; i < count; i++) {
      const server = createServer((req, res) => {
        this.#handle(req, res).catch((error: unknown) => {
          res.writeHead(500).end(String(error));
        });
      });
      // Keep-alive connections from the sender are reused across deliveries, as in life.
      server.keepAliveTimeout = 30_000;
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const actors = Array.from({ length: actorsEach }, (_, j) => {
        const id = `${origin}/users/u${j}`;
        return { id, inbox: `${id}/inbox` };
      });
      this.#servers.push(server);
      this.instances.push({ origin, sharedInbox: `${origin}/inbox`, actors });
    }
    return this.instances;
  }

  /** Resolves once `count` verified deliveries of `type` (or "*" for any) have arrived. */
  waitFor(type: string, count: number): Promise<void> {
    return new Promise((resolve) => {
      this.#waiters.push({ type, count, resolve });
      this.#checkWaiters();
    });
  }

  /** Signs requests now (draft-cavage, as Mastodon signs) so that sending them costs no CPU. */
  prepare(requests: { actor: string; inbox: string; activity: unknown }[]): number {
    const batch = requests.map(({ actor, inbox, activity }) => {
      const body = JSON.stringify(activity);
      const url = new URL(inbox);
      const headers: Record<string, string> = {
        host: url.host,
        date: new Date().toUTCString(),
        digest: `SHA-256=${createHash("sha256").update(body).digest("base64")}`,
        "content-type": ACTIVITY_JSON,
      };
      const names = ["(request-target)", "host", "date", "digest", "content-type"];
      const signed = names
        .map((n) => `${n}: ${n === "(request-target)" ? `post ${url.pathname}` : headers[n]}`)
        .join("\n");
      const signature = createSign("RSA-SHA256").update(signed).sign(this.#pair.privateKey);
      headers.signature = `keyId="${actor}#main-key",algorithm="rsa-sha256",headers="${names.join(" ")}",signature="${signature.toString("base64")}"`;
      return { url: inbox, headers, body };
    });
    const id = this.#nextBatch++;
    this.#batches.set(id, batch);
    return id;
  }

  /** Sends a prepared batch with `concurrency` requests in flight; returns statuses and time. */
  async fire(
    batchId: number,
    concurrency: number,
  ): Promise<{ statuses: Record<string, number>; ms: number }> {
    const batch = this.#batches.get(batchId) ?? [];
    this.#batches.delete(batchId);
    const statuses: Record<string, number> = {};
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < batch.length) {
        const { url, headers, body } = batch[next++]!;
        const status = await fetch(url, { method: "POST", headers, body }).then(
          async (r) => {
            await r.arrayBuffer();
            return String(r.status);
          },
          () => "network error",
        );
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return { statuses, ms: performance.now() - started };
  }

  /** Stops every server. */
  async close(): Promise<void> {
    await Promise.all(
      this.#servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeAllConnections();
          }),
      ),
    );
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    if (req.method === "GET") return this.#serveActor(url, res);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const refusal = await this.#verify(req, url, raw);
    if (refusal) {
      this.counts.refused[refusal] = (this.counts.refused[refusal] ?? 0) + 1;
      res.writeHead(401, { "content-type": "text/plain" }).end(refusal);
      return;
    }
    const type = String((JSON.parse(raw.toString("utf8")) as { type?: unknown }).type);
    this.counts.byType[type] = (this.counts.byType[type] ?? 0) + 1;
    res.writeHead(202).end();
    this.#checkWaiters();
  }

  /** Why a delivery's signature does not hold, or null when it does. */
  async #verify(req: IncomingMessage, url: URL, body: Buffer): Promise<string | null> {
    const header = req.headers.signature;
    if (typeof header !== "string") return "no draft-cavage signature";
    const params = Object.fromEntries(
      [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const names = (params.headers ?? "date").split(" ");
    for (const required of ["(request-target)", "host", "date", "digest"]) {
      if (!names.includes(required)) return `${required} not signed`;
    }
    const date = Date.parse(String(req.headers.date));
    if (!(Math.abs(Date.now() - date) < CLOCK_SKEW_MS)) return "date out of range";
    const digest = `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
    if (req.headers.digest !== digest) return "digest mismatch";
    const signed = names
      .map((n) =>
        n === "(request-target)"
          ? `${n}: ${req.method!.toLowerCase()} ${url.pathname}${url.search}`
          : `${n}: ${String(req.headers[n] ?? "").trim()}`,
      )
      .join("\n");
    let key: KeyObject;
    try {
      key = await this.#key(params.keyId ?? "");
    } catch {
      return "key not found";
    }
    const ok = createVerify("RSA-SHA256")
      .update(signed)
      .verify(key, Buffer.from(params.signature ?? "", "base64"));
    return ok ? null : "bad signature";
  }

  /** The signer's public key, fetched from its actor document once and then cached. */
  #key(keyId: string): Promise<KeyObject> {
    let key = this.#keys.get(keyId);
    if (!key) {
      key = (async () => {
        const response = await fetch(keyId, { headers: { accept: ACTIVITY_JSON } });
        if (!response.ok) throw new Error(`key fetch: ${response.status}`);
        const doc = (await response.json()) as { publicKey?: { publicKeyPem?: string } };
        return createPublicKey(doc.publicKey?.publicKeyPem ?? "");
      })();
      key.catch(() => this.#keys.delete(keyId));
      this.#keys.set(keyId, key);
    }
    return key;
  }

  #serveActor(url: URL, res: ServerResponse): void {
    const match = /^\/users\/(u\d+)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const id = `${url.origin}${url.pathname}`;
    const doc = {
      "@context": CONTEXT,
      id,
      type: "Person",
      preferredUsername: match[1],
      name: `Person ${match[1]}`,
      inbox: `${id}/inbox`,
      outbox: `${id}/outbox`,
      followers: `${id}/followers`,
      endpoints: { sharedInbox: `${url.origin}/inbox` },
      publicKey: { id: `${id}#main-key`, owner: id, publicKeyPem: this.#publicPem },
    };
    res.writeHead(200, { "content-type": ACTIVITY_JSON }).end(JSON.stringify(doc));
  }

  #checkWaiters(): void {
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      const have =
        w.type === "*"
          ? Object.values(this.counts.byType).reduce((a, b) => a + b, 0)
          : (this.counts.byType[w.type] ?? 0);
      if (have >= w.count) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
