import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { signRequest, verifyRequest } from "@fedify/fedify";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { testRsaKeyPair } from "./test-keys.ts";

// A stand-in for a foreign fediverse server (Mastodon, Lemmy, Mbin...) at the network
// boundary. Copse talks to it over real HTTP: it fetches the peer's actors and keys, delivers
// signed activities to its inboxes, and receives signed activities from it. Nothing of Copse
// is imported here, so the peer sees Copse exactly as a remote server would.

/** The content type ActivityPub servers serve and post documents with. */
export const ACTIVITY_JSON = "application/activity+json";

/** What the peer was sent on one of its inboxes. */
export interface ReceivedActivity {
  path: string;
  // biome-ignore lint/suspicious/noExplicitAny: activities are arbitrary JSON-LD from Copse.
  body: any;
  headers: Record<string, string>;
  /**
   * The key id whose HTTP signature (draft-cavage or RFC 9421) verified, or null. The peer
   * records rather than refuses unverified deliveries, so a test can say what was wrong.
   */
  signer: string | null;
}

/** An actor the peer hosts, with the key pair it signs with. */
export interface FakeActor {
  path: string;
  /** The actor's id, `http://127.0.0.1:PORT{path}`. */
  id: string;
  inbox: string;
  keyId: string;
  privateKey: CryptoKey;
  publicKeyPem: string;
  document: Record<string, unknown>;
  /** The Content-Type the document is served with. */
  servedAs: string;
}

/** Options of {@link FakePeer.addActor}. */
export interface AddActorOptions {
  path: string;
  type: "Person" | "Group" | "Service" | "Application" | "Organization";
  preferredUsername: string;
  /**
   * More fields for the actor document, e.g. a fixture's real actor document with its ids
   * rewritten. The fields the peer needs to work (id, type, inbox, endpoints, publicKey)
   * always win over these, so a fixture's foreign key never replaces the peer's own. A
   * fixture's @context is kept, so it must be one Fedify has preloaded (tests run offline).
   */
  extra?: Record<string, unknown>;
  /** The Content-Type the actor document is served with; ActivityPub's by default. */
  servedAs?: string;
  /** The key's `owner`; the actor itself by default (another id plays a key-theft attempt). */
  keyOwner?: string;
}

/** Options of {@link FakePeer.deliver}. */
export interface DeliverOptions {
  /** Path of the actor whose key signs the request; omit it to send the POST unsigned. */
  as?: string;
  /** Signs with this key and/or key id instead of the actor's own (forged signatures). */
  keyOverride?: { privateKey?: CryptoKey; keyId?: string };
}

// Fedify's default loader refuses loopback addresses; Copse under test listens on one.
const documentLoader = getDocumentLoader({ allowPrivateAddress: true });

const DEFAULT_CONTEXT = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"];

/**
 * Deep-replaces strings in a fixture: every string value that contains a key of `map` has
 * that part replaced. Longer keys are tried first, so an actor id is rewritten before the
 * bare origin it starts with. Object keys are left alone; they are vocabulary terms.
 */
export function rewrite<T>(fixture: T, map: Record<string, string>): T {
  const keys = Object.keys(map).sort((a, b) => b.length - a.length);
  // One pass per key would let a replacement be rewritten again by a shorter key, so all
  // keys go into one alternation (longest first) and each match is replaced exactly once.
  const pattern =
    keys.length > 0
      ? new RegExp(keys.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|"), "g")
      : null;
  const visit = (value: unknown): unknown => {
    if (typeof value === "string") {
      return pattern ? value.replace(pattern, (match) => map[match]!) : value;
    }
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    }
    return value;
  };
  return visit(fixture) as T;
}

/** A running fake fediverse server on 127.0.0.1. */
export class FakePeer {
  readonly received: ReceivedActivity[] = [];
  /**
   * Deliveries refused because they were not signed in the one format set by
   * {@link FakePeer.acceptOnly}, as a server that reads only that format answers: 401.
   */
  readonly refused: ReceivedActivity[] = [];
  /**
   * When set, the peer takes only deliveries signed in this format: "rfc9421" plays a server
   * that reads only RFC 9421 HTTP Message Signatures, "draft-cavage" one (older Mastodon)
   * that reads only draft-cavage HTTP Signatures. Unset, it records whatever comes.
   */
  acceptOnly: "rfc9421" | "draft-cavage" | null = null;
  private readonly actors = new Map<string, FakeActor>();
  private readonly documents = new Map<string, unknown>();
  private readonly answers = new Map<
    string,
    { status: number; body: string | Uint8Array; contentType: string }
  >();

  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:PORT` */
    readonly origin: string,
  ) {}

  /** Starts a peer on a random free port. */
  static async start(): Promise<FakePeer> {
    let peer: FakePeer | undefined;
    const server = createServer((req, res) => {
      peer!.handle(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    peer = new FakePeer(server, `http://127.0.0.1:${port}`);
    return peer;
  }

  /** `127.0.0.1:PORT`, the host part of the peer's handles. */
  get host(): string {
    return new URL(this.origin).host;
  }

  /** The absolute URL of a path on the peer. */
  url(path: string): string {
    return new URL(path, this.origin).href;
  }

  /** Creates an actor with a fresh RSA key pair and serves its document and WebFinger. */
  async addActor(options: AddActorOptions): Promise<FakeActor> {
    // 2,048 bits, as Mastodon's keys are (Fedify's default of 4,096 takes seconds to make),
    // from the tests' pool of ready-made keys while it lasts.
    const pair = await testRsaKeyPair();
    const spki = Buffer.from(await crypto.subtle.exportKey("spki", pair.publicKey)).toString(
      "base64",
    );
    const publicKeyPem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g)!.join("\n")}\n-----END PUBLIC KEY-----\n`;
    const id = this.url(options.path);
    const inbox = `${id}/inbox`;
    const keyId = `${id}#main-key`;
    const { "@context": context, ...extra } = options.extra ?? {};
    const document: Record<string, unknown> = {
      "@context": context ?? DEFAULT_CONTEXT,
      preferredUsername: options.preferredUsername,
      ...extra,
      id,
      type: options.type,
      inbox,
      endpoints: { sharedInbox: this.url("/inbox") },
      publicKey: { id: keyId, owner: options.keyOwner ?? id, publicKeyPem },
    };
    const actor: FakeActor = {
      path: options.path,
      id,
      inbox,
      keyId,
      privateKey: pair.privateKey,
      publicKeyPem,
      document,
      servedAs: options.servedAs ?? ACTIVITY_JSON,
    };
    this.actors.set(options.path, actor);
    return actor;
  }

  /** The actor created at `path`; throws when there is none, which is a mistake in the test. */
  actor(path: string): FakeActor {
    const actor = this.actors.get(path);
    if (!actor) throw new Error(`The fake peer has no actor at ${path}`);
    return actor;
  }

  /** Serves an arbitrary JSON document (e.g. a Follow to dereference) at `path`. */
  serve(path: string, json: unknown): void {
    this.documents.set(path, json);
  }

  /**
   * Answers GETs of `path` with a status of the test's choosing (a server that errs, refuses,
   * or says an object is gone), in place of whatever was served there. The body may be bytes
   * (a picture).
   */
  answer(
    path: string,
    status: number,
    body: string | Uint8Array = "",
    contentType = "text/plain",
  ): void {
    this.answers.set(path, { status, body, contentType });
  }

  /**
   * Serves NodeInfo (FEP-f1d5) naming the peer's software, as Lemmy, NodeBB or Copse would:
   * `/.well-known/nodeinfo` linking to a schema 2.1 document at `/nodeinfo/2.1`.
   */
  serveNodeInfo(softwareName: string): void {
    const index = {
      links: [
        {
          rel: "http://nodeinfo.diaspora.software/ns/schema/2.1",
          href: `${this.origin}/nodeinfo/2.1`,
        },
      ],
    };
    const document = {
      version: "2.1",
      software: { name: softwareName, version: "1.0.0" },
      protocols: ["activitypub"],
      services: { inbound: [], outbound: [] },
      openRegistrations: false,
      usage: { users: {} },
      metadata: {},
    };
    this.answer("/.well-known/nodeinfo", 200, JSON.stringify(index), "application/json");
    this.answer("/nodeinfo/2.1", 200, JSON.stringify(document), "application/json");
  }

  /** What was posted to inbox paths, optionally only activities of one type. */
  // biome-ignore lint/suspicious/noExplicitAny: see ReceivedActivity.body.
  activities(type?: string): (ReceivedActivity & { body: any })[] {
    return this.received.filter((r) => type === undefined || r.body?.type === type);
  }

  /**
   * POSTs an activity (or a raw string, for malformed bodies) to an inbox, signed with
   * draft-cavage HTTP Signatures as Mastodon and Lemmy sign, and returns Copse's response.
   */
  async deliver(
    inboxUrl: string,
    activity: unknown,
    options: DeliverOptions = {},
  ): Promise<Response> {
    const body = typeof activity === "string" ? activity : JSON.stringify(activity);
    let request = new Request(inboxUrl, {
      method: "POST",
      headers: { "Content-Type": ACTIVITY_JSON, Accept: ACTIVITY_JSON },
      body,
    });
    request = await this.sign(request, options);
    return fetch(request, { redirect: "manual" });
  }

  /** GETs a URL as this peer, signed by one of its actors when `as` is given (authorized fetch). */
  async get(url: string, options: DeliverOptions & { accept?: string } = {}): Promise<Response> {
    let request = new Request(url, { headers: { Accept: options.accept ?? ACTIVITY_JSON } });
    request = await this.sign(request, options);
    return fetch(request, { redirect: "manual" });
  }

  /** Stops listening; open keep-alive connections are ended so tests do not hang. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async sign(request: Request, options: DeliverOptions): Promise<Request> {
    if (options.as === undefined) return request;
    const actor = this.actor(options.as);
    const privateKey = options.keyOverride?.privateKey ?? actor.privateKey;
    const keyId = new URL(options.keyOverride?.keyId ?? actor.keyId);
    return signRequest(request, privateKey, keyId, { spec: "draft-cavage-http-signatures-12" });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    if (req.method === "POST") {
      const raw = await readBody(req);
      if (!url.pathname.endsWith("/inbox")) return send(res, 404, "text/plain", "Not an inbox");
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.join(", ") : (v ?? ""),
        ]),
      );
      const signer = await verifyRequest(
        new Request(url, { method: "POST", headers: headers, body: raw }),
        { documentLoader, contextLoader: documentLoader },
      ).then(
        (key) => key?.id?.href ?? null,
        () => null,
      );
      const format = headers["signature-input"]
        ? "rfc9421"
        : headers.signature
          ? "draft-cavage"
          : null;
      if (this.acceptOnly !== null && format !== this.acceptOnly) {
        this.refused.push({ path: url.pathname, body, headers, signer });
        return send(res, 401, "text/plain", `Only ${this.acceptOnly} signatures are read here`);
      }
      this.received.push({ path: url.pathname, body, headers, signer });
      return send(res, 202, "text/plain", "");
    }
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "");
    if (url.pathname === "/.well-known/webfinger") return this.webFinger(url, res);
    const answer = this.answers.get(url.pathname);
    if (answer) return send(res, answer.status, answer.contentType, answer.body);
    const actor = this.actors.get(url.pathname);
    if (actor) return send(res, 200, actor.servedAs, JSON.stringify(actor.document));
    if (this.documents.has(url.pathname)) {
      return send(res, 200, ACTIVITY_JSON, JSON.stringify(this.documents.get(url.pathname)));
    }
    return send(res, 404, "text/plain", "Not found");
  }

  private webFinger(url: URL, res: ServerResponse): void {
    const resource = url.searchParams.get("resource") ?? "";
    const match = /^acct:([^@]+)@(.+)$/.exec(resource);
    const actor =
      match?.[2] === this.host
        ? [...this.actors.values()].find((a) => a.document.preferredUsername === match[1])
        : undefined;
    if (!actor) {
      send(res, 404, "text/plain", "No such account");
      return;
    }
    const jrd = {
      subject: resource,
      aliases: [actor.id],
      links: [{ rel: "self", type: ACTIVITY_JSON, href: actor.id }],
    };
    send(res, 200, "application/jrd+json", JSON.stringify(jrd));
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, { "Content-Type": type });
  res.end(body);
}

/** Starts a fake fediverse server; close it in `afterAll`. */
export function startFakePeer(): Promise<FakePeer> {
  return FakePeer.start();
}
