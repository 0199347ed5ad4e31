import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import {
  isPublicAddress,
  PrivateAddressError,
} from "../../src/federation/outbound/address-policy.ts";
import type { Resolver } from "../../src/federation/outbound/guarded-lookup.ts";
import { type GuardedPost, guardedPoster } from "../../src/federation/outbound/guarded-post.ts";
import { outboundPolicy } from "../../src/federation/outbound/policy.ts";

// Deliveries Copse sends itself (src/federation/direct-delivery.ts) are POSTed through the
// guarded poster: the address policy checked as each connection is made, one timeout over the
// exchange, and the answer read only up to a cap. Its connections are kept alive for the next
// delivery to the same server. The server can only listen on loopback, so 127.0.0.1 stands in
// for the public internet and every other private address stays refused.

const STAND_IN = "127.0.0.1";

/** A DNS that knows two names: one for the stand-in, one for a private address. */
const dns: Resolver = async (hostname) => {
  if (hostname === "inbox.example") return [{ address: STAND_IN, family: 4 }];
  if (hostname === "intranet.example") return [{ address: "10.0.0.7", family: 4 }];
  throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
};

describe("the guarded poster that sends deliveries", () => {
  let server: Server;
  let port: number;
  let post: GuardedPost;
  let connections = 0;
  const bodies: string[] = [];

  beforeAll(async () => {
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      if (req.url === "/silent") return; // never answers
      if (req.url === "/chatty") {
        res.writeHead(202, { "Content-Type": "text/plain" }).end("x".repeat(200 * 1024));
        return;
      }
      res.writeHead(req.url === "/gone" ? 410 : 202, { "Content-Type": "text/plain" }).end("ok");
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, STAND_IN, resolve));
    port = (server.address() as AddressInfo).port;
    post = guardedPoster(
      outboundPolicy(loadConfig({}), {
        resolve: dns,
        isPublicAddress: (address) => address === STAND_IN || isPublicAddress(address),
        timeoutMs: 500,
      }),
    );
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const send = (url: string, body = "{}") =>
    post(new URL(url), { "content-type": "application/activity+json" }, Buffer.from(body));

  it("posts the body, returns the status, and reuses one connection for the next delivery", async () => {
    const before = connections;
    const first = await send(`http://inbox.example:${port}/inbox`, '{"n":1}');
    // The connection goes back to the pool on the turn after the answer ends.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await send(`http://inbox.example:${port}/gone`, '{"n":2}');
    expect([first.status, second.status]).toEqual([202, 410]);
    expect(second.body).toBe("ok");
    expect(bodies.slice(-2)).toEqual(['{"n":1}', '{"n":2}']);
    expect(connections - before).toBe(1);
  });

  it("refuses a private address, literal or behind a name, without connecting", async () => {
    const before = connections;
    await expect(send(`http://127.0.0.2:${port}/inbox`)).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    await expect(send(`http://intranet.example:${port}/inbox`)).rejects.toBeInstanceOf(
      PrivateAddressError,
    );
    expect(connections).toBe(before);
  });

  it("gives up on a server that never answers", async () => {
    await expect(send(`http://inbox.example:${port}/silent`)).rejects.toThrow(/No answer/);
  });

  it("stops reading an answer past its cap", async () => {
    await expect(send(`http://inbox.example:${port}/chatty`)).rejects.toThrow(/over 65536 bytes/);
  });

  it("posts only over http and https", async () => {
    await expect(send("ftp://inbox.example/inbox")).rejects.toThrow(/Only http/);
  });
});
