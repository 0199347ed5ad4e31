import {
  createHash,
  createPrivateKey,
  type KeyObject,
  type JsonWebKey as NodeJwk,
  sign,
} from "node:crypto";
import type { KvStore, MessageQueue } from "@fedify/fedify";
import { logger } from "../logging.ts";
import { PrivateAddressError } from "./outbound/address-policy.ts";
import type { GuardedPost } from "./outbound/guarded-post.ts";

const log = logger("federation", "direct-delivery");

// Fedify sends each queued delivery through a path made for every case: tracing spans, two or
// three WHATWG Request objects and a web stream per request, the body digested and signed
// through WebCrypto, undici's fetch, and three key-value reads and writes (signature format,
// circuit breaker). Profiling a fan-out to a thousand servers found that path to be most of
// the CPU a delivery costs. Nearly every delivery is the plain case: a server that reads
// draft-cavage signatures (as Mastodon, Lemmy and Mbin do), with no failures on record. Copse
// sends that case itself, through the guarded poster (address checked at connect, a timeout,
// a capped answer, kept-alive connections), signed exactly as Fedify signs it. Anything else
// (a server known to want RFC 9421 or with failures on record, a delivery held by the circuit
// breaker, and any answer but 2xx, or no answer) goes to Fedify's handler, which sends it
// again with its own double knock, retry policy, circuit breaker and permanent-failure rules.

/** Fedify's key-value prefix for the signature format each origin accepted (its default). */
const SPEC_PREFIX = ["_fedify", "httpMessageSignaturesSpec"] as const;
/** Fedify's key-value prefix for a remote host's circuit-breaker state (its default). */
const CIRCUIT_PREFIX = ["_fedify", "circuit"] as const;
const DRAFT_CAVAGE = "draft-cavage-http-signatures-12";
const RFC_9421 = "rfc9421";
/** More private keys than a large instance has actors; past it the cache starts afresh. */
const MAX_KEYS = 20_000;

/** The parts of Fedify's queued outbox message that a direct delivery reads. */
interface OutboxMessage {
  type: "outbox";
  keys: { keyId: string; privateKey: JsonWebKey }[];
  activity: unknown;
  activityId?: string;
  inbox: string;
  headers?: Record<string, string>;
  circuitHeld?: boolean;
}

/** What became of a delivery Copse tried to send itself. */
export type DirectOutcome = "sent" | "refused" | "fallback";

/** Delivers plain outbox messages directly; says what happened, so the rest go to Fedify. */
export function directDelivery(
  kv: KvStore,
  post: GuardedPost,
): (message: unknown) => Promise<DirectOutcome> {
  const keys = new Map<string, KeyObject>();
  const keyOf = (jwk: JsonWebKey): KeyObject => {
    const id = `${jwk.n}\n${jwk.d}`;
    let key = keys.get(id);
    if (key === undefined) {
      if (keys.size >= MAX_KEYS) keys.clear();
      key = createPrivateKey({ key: jwk as NodeJwk, format: "jwk" });
      keys.set(id, key);
    }
    return key;
  };
  return async (message) => {
    if (!isPlainOutbox(message)) return "fallback";
    const pair = message.keys.find(({ privateKey }) => isRsaSigningKey(privateKey));
    let inbox: URL;
    try {
      inbox = new URL(message.inbox);
    } catch {
      return "fallback";
    }
    if (pair === undefined) return "fallback";
    const [spec, circuit] = await Promise.all([
      kv.get([...SPEC_PREFIX, inbox.origin]),
      kv.get([...CIRCUIT_PREFIX, inbox.host]),
    ]);
    if ((spec !== undefined && spec !== DRAFT_CAVAGE) || circuit !== undefined) return "fallback";
    const body = Buffer.from(JSON.stringify(message.activity));
    const headers = await signedHeaders(inbox, body, message.headers ?? {}, {
      keyId: pair.keyId,
      key: keyOf(pair.privateKey),
    });
    try {
      const answer = await post(inbox, headers, body);
      if (answer.status === 400 || answer.status === 401) {
        // The server refused the draft-cavage signature (or the request). Fedify's sender would
        // knock with draft-cavage first again; recorded as wanting RFC 9421, it knocks with that
        // first and falls back to draft-cavage itself, remembering whichever is taken, so a
        // server that reads only RFC 9421 costs one refused knock, as before.
        await kv.set([...SPEC_PREFIX, inbox.origin], RFC_9421);
      }
      if (answer.status < 200 || answer.status > 299) {
        log.debug("{inbox} answered {status} to {activityId}; Fedify's sender takes it over", {
          inbox: message.inbox,
          status: answer.status,
          activityId: message.activityId,
        });
        return "fallback";
      }
    } catch (error) {
      if (error instanceof PrivateAddressError) {
        // Fedify's own sender does not check addresses, so this delivery must not reach it.
        log.warn("Dropped delivery of {activityId} to {inbox}: {error}", {
          activityId: message.activityId,
          inbox: message.inbox,
          error: error.message,
        });
        return "refused";
      }
      return "fallback";
    }
    // As Fedify does after a first knock, remember the format the server took.
    if (spec === undefined) await kv.set([...SPEC_PREFIX, inbox.origin], DRAFT_CAVAGE);
    return "sent";
  };
}

/**
 * Wraps the outbox queue so that each delivery is first tried directly; what the direct path
 * leaves (see above) reaches Fedify's handler as before. Enqueueing is unchanged.
 */
export function deliverDirectly(
  queue: MessageQueue,
  deliver: (message: unknown) => Promise<DirectOutcome>,
): MessageQueue {
  const tryDirect = async (message: unknown): Promise<DirectOutcome> => {
    try {
      return await deliver(message);
    } catch (error) {
      log.error("Direct delivery failed unexpectedly; Fedify's sender takes it over: {error}", {
        error,
      });
      return "fallback";
    }
  };
  return {
    get nativeRetrial() {
      return queue.nativeRetrial;
    },
    enqueue: (message, options) => queue.enqueue(message, options),
    enqueueMany:
      queue.enqueueMany && ((messages, options) => queue.enqueueMany!(messages, options)),
    getDepth: queue.getDepth && (() => queue.getDepth!()),
    listen: (handler, options) =>
      queue.listen(async (message) => {
        if ((await tryDirect(message)) === "fallback") await handler(message);
      }, options),
  };
}

/**
 * The headers of a delivery signed with draft-cavage HTTP Signatures as Fedify signs them:
 * every header sent (Content-Type, Date, Digest, Host and any the message carries) under the
 * request target, names in lower case and sorted, RSA-SHA256. The signature is made on libuv's
 * thread pool, as WebCrypto's is, so it does not hold the event loop.
 */
async function signedHeaders(
  inbox: URL,
  body: Buffer,
  extra: Record<string, string>,
  signer: { keyId: string; key: KeyObject },
): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  headers["content-type"] = "application/activity+json";
  headers.host = inbox.host;
  headers.digest = `SHA-256=${createHash("sha256").update(body).digest("base64")}`;
  headers.date = new Date().toUTCString();
  const names = Object.keys(headers).sort();
  const signed = [
    `(request-target): post ${inbox.pathname}`,
    ...names.map((name) => `${name}: ${headers[name]!.trim()}`),
  ].join("\n");
  const signature = await new Promise<Buffer>((resolve, reject) =>
    sign("sha256", Buffer.from(signed), signer.key, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );
  headers.signature =
    `keyId="${signer.keyId}",algorithm="rsa-sha256",` +
    `headers="${["(request-target)", ...names].join(" ")}",signature="${signature.toString("base64")}"`;
  return headers;
}

function isPlainOutbox(message: unknown): message is OutboxMessage {
  const m = message as Partial<OutboxMessage> | null;
  return (
    m?.type === "outbox" &&
    typeof m.inbox === "string" &&
    Array.isArray(m.keys) &&
    m.activity != null &&
    m.circuitHeld !== true &&
    (m.headers === undefined || (typeof m.headers === "object" && m.headers !== null))
  );
}

/** An RSA private key in JWK for RSASSA-PKCS1-v1_5 with SHA-256, as Fedify exports it. */
function isRsaSigningKey(jwk: JsonWebKey | undefined): jwk is JsonWebKey {
  return jwk?.kty === "RSA" && typeof jwk.d === "string" && (jwk.alg ?? "RS256") === "RS256";
}
