import type { ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { LookupError, resolveActor } from "../../src/federation/lookup.ts";
import { guardedContextLoader } from "../../src/federation/outbound/context-loader.ts";
import { guardedDocumentLoader } from "../../src/federation/outbound/document-loader.ts";
import { outboundPolicy } from "../../src/federation/outbound/policy.ts";
import { type FeedServer, startFeedServer } from "../helpers/feed-server.ts";
import { startTestInstance } from "../helpers/instances.ts";
import { testRsaKeyPair } from "../helpers/test-keys.ts";

// A 50 MB actor document was downloaded (twice) and accepted: memory rose by 170 MB and the
// server stalled. Every federation fetch is now capped while it streams (COPSE_FETCH_MAX_BYTES,
// 1 MiB by default, after decompression), in time and in redirects, and is read once.

const MiB = 1024 * 1024;
const FIFTY_MB = 50 * MiB;
const ACTIVITY_JSON = "application/activity+json";
const config = loadConfig({ COPSE_ALLOW_PRIVATE_ADDRESS: "true" });

/** Streams a JSON actor of `total` bytes, as fast as the reader takes it; records what was sent. */
function streamActor(res: ServerResponse, total: number, sent: { bytes: number }): void {
  res.writeHead(200, { "Content-Type": ACTIVITY_JSON });
  const chunk = Buffer.alloc(64 * 1024, "a");
  res.write('{"@context":"https://www.w3.org/ns/activitystreams","type":"Person","summary":"');
  const pump = () => {
    while (!res.destroyed && sent.bytes < total) {
      sent.bytes += chunk.byteLength;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"}');
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}

describe("size, time and redirect limits on what Copse fetches", () => {
  let server: FeedServer;
  const huge = { bytes: 0 };
  const viaInstance = { bytes: 0 };

  beforeAll(async () => {
    server = await startFeedServer();
    server.set("/users/huge", (_req, res) => streamActor(res, FIFTY_MB, huge));
    server.set("/users/huge2", (_req, res) => streamActor(res, FIFTY_MB, viaInstance));
    server.set("/users/declared", (_req, res) => {
      // Says up front it will send 50 MB, then sends a first piece and waits.
      res.writeHead(200, { "Content-Type": ACTIVITY_JSON, "Content-Length": String(FIFTY_MB) });
      res.write(Buffer.alloc(1024, " "));
    });
    const bomb = gzipSync(
      Buffer.concat([
        Buffer.from('{"type":"Person","summary":"'),
        Buffer.alloc(FIFTY_MB, "a"),
        Buffer.from('"}'),
      ]),
    );
    server.set("/users/bomb", (_req, res) => {
      res.writeHead(200, { "Content-Type": ACTIVITY_JSON, "Content-Encoding": "gzip" });
      res.end(bomb);
    });
    server.set("/users/middling", (_req, res) => {
      const body = JSON.stringify({ type: "Person", summary: "a".repeat(20 * 1024) });
      res.writeHead(200, { "Content-Type": ACTIVITY_JSON }).end(body);
    });
    server.set("/loop", (_req, res) => res.writeHead(302, { Location: "/loop" }).end());
    server.set("/users/slow", () => {
      // Never answers.
    });
    server.set("/contexts/huge", (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/ld+json" });
      res.end(JSON.stringify({ "@context": { filler: "a".repeat(2 * MiB) } }));
    });
  });
  afterAll(() => server?.close());

  it("stops reading a 50 MB actor document at the byte cap, and fetches it only once", async () => {
    const { privateKey } = await testRsaKeyPair();
    const signed = guardedDocumentLoader(outboundPolicy(config), {
      keyId: new URL("http://127.0.0.1/actor#main-key"),
      privateKey,
    });
    await expect(signed(`${server.origin}/users/huge`)).rejects.toThrow(
      "The answer is too large (more than 1 MiB).",
    );
    // The connection was dropped near the cap: socket buffers let a few MiB through, never 50.
    expect(huge.bytes).toBeLessThan(16 * MiB);
    expect(server.requestsFor("/users/huge")).toHaveLength(1);
  });

  it("stops an instance's actor look-up at the byte cap", async () => {
    const copse = await startTestInstance("Limits");
    try {
      await expect(resolveActor(copse.ctx(), `${server.origin}/users/huge2`)).rejects.toThrow(
        LookupError,
      );
      expect(viaInstance.bytes).toBeLessThan(16 * MiB);
      expect(server.requestsFor("/users/huge2")).toHaveLength(1);
    } finally {
      await copse.close();
    }
  });

  it("refuses a declared 50 MB Content-Length before reading the body", async () => {
    const loader = guardedDocumentLoader(outboundPolicy(config));
    await expect(loader(`${server.origin}/users/declared`)).rejects.toThrow(
      "The answer is too large (more than 1 MiB).",
    );
    // Without the check the loader would wait for the other 50 MB (until its timeout).
  });

  it("stops a gzip bomb at the cap, counted after decompression", async () => {
    const loader = guardedDocumentLoader(outboundPolicy(config));
    await expect(loader(`${server.origin}/users/bomb`)).rejects.toThrow(
      "The answer is too large (more than 1 MiB).",
    );
  });

  it("takes its byte cap from COPSE_FETCH_MAX_BYTES", async () => {
    const small = loadConfig({
      COPSE_ALLOW_PRIVATE_ADDRESS: "true",
      COPSE_FETCH_MAX_BYTES: "16384",
    });
    await expect(
      guardedDocumentLoader(outboundPolicy(small))(`${server.origin}/users/middling`),
    ).rejects.toThrow("The answer is too large (more than 16 KiB).");
    const fetched = await guardedDocumentLoader(outboundPolicy(config))(
      `${server.origin}/users/middling`,
    );
    expect((fetched.document as { type: string }).type).toBe("Person");
  });

  it("follows at most five redirects", async () => {
    const before = server.requestsFor("/loop").length;
    await expect(
      guardedDocumentLoader(outboundPolicy(config))(`${server.origin}/loop`),
    ).rejects.toThrow("The address redirects too many times (more than 5).");
    expect(server.requestsFor("/loop").length - before).toBe(6);
  });

  it("gives up on an actor server that never answers", async () => {
    const loader = guardedDocumentLoader(outboundPolicy(config, { timeoutMs: 300 }));
    await expect(loader(`${server.origin}/users/slow`)).rejects.toThrow(
      "The server took too long to answer (more than 300 milliseconds).",
    );
  });

  it("does not take a JSON-LD context larger than the cap", async () => {
    const contexts = guardedContextLoader(outboundPolicy(config));
    const loaded = await contexts(`${server.origin}/contexts/huge`);
    expect(loaded.document).toEqual({ "@context": {} });
  });
});
