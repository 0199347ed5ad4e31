import type { Context, MiddlewareHandler } from "hono";
import { preparedQuery } from "../db/prepared.ts";
import { blockedDomainChecker } from "../domain/admin/servers.ts";
import { INBOX_PATH, SHARED_INBOX_PATH } from "../domain/paths.ts";
import { logger } from "../logging.ts";
import type { AppEnv } from "./env.ts";
import { checkJsonShape } from "./json-shape.ts";

const log = logger("web", "inbox");

// How much of a refused, oversized body is read and dropped before answering, so the peer
// gets the 413 instead of a connection cut mid-upload (which it would retry as a network
// error). Bodies declared larger than the limit plus this are refused without reading.
const MAX_DISCARD_BYTES = 16 * 1024 * 1024;

const PERSONAL_INBOX = new RegExp(
  `^${INBOX_PATH.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace("{identifier}", "[^/]+")}$`,
);

/** Whether a request is a delivery to a local inbox (personal or shared). */
export function isInboxPost(c: Context<AppEnv>): boolean {
  if (c.req.method !== "POST") return false;
  const path = c.req.path;
  return path === SHARED_INBOX_PATH || PERSONAL_INBOX.test(path);
}

/**
 * Reads an inbox delivery's body (capped at the configured body limit) and refuses it with
 * 400 when it is not a JSON object of sane depth and size, before Fedify parses it or checks
 * its signature. An accepted body is handed on byte for byte with the same headers, because
 * the HTTP signature covers the Digest of exactly those bytes.
 */
export function inboxGuard(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isInboxPost(c)) return next();
    const max = c.get("deps").config.maxBodyBytes;
    const body = await readCapped(c.req.raw, max);
    if (body === "too large") {
      log.info("Refused a delivery to {path} over {max} bytes", { path: c.req.path, max });
      return c.text(`Request body too large (limit ${max} bytes)`, 413);
    }
    const shape = checkJsonShape(new TextDecoder().decode(body));
    if (!shape.ok) {
      log.info("Refused a delivery to {path}: {reason}", {
        path: c.req.path,
        reason: shape.reason,
      });
      return c.text(shape.reason, 400);
    }
    const blocked = blockedSender(c, shape.value);
    if (blocked) {
      log.info("Refused a delivery to {path} from {host}: the domain is blocked", {
        path: c.req.path,
        host: blocked,
      });
      return c.text("This server does not accept deliveries from your domain.", 403);
    }
    c.req.raw = new Request(c.req.raw, { body });
    return next();
  };
}

// Every delivery asks whether its sender's domain is blocked: one prepared statement per
// database instead of a query built afresh for each request.
const blockChecker = preparedQuery(blockedDomainChecker);

/** The host of a URL-ish string, or undefined. */
function hostOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  try {
    return new URL(value).host;
  } catch {
    return undefined;
  }
}

/**
 * The blocked host behind a delivery, if any: the host of its signing key (draft-cavage
 * Signature or RFC 9421 Signature-Input) or of the activity's actor. Checked before the
 * signature is verified, because nothing from a blocked server is wanted whether or not it
 * is genuine, and refusing early costs the least.
 */
function blockedSender(c: Context<AppEnv>, json: unknown): string | undefined {
  const isBlocked = blockChecker(c.get("deps").db);
  const signature = `${c.req.header("signature") ?? ""} ${c.req.header("signature-input") ?? ""}`;
  const keyId = /keyid="([^"]+)"/i.exec(signature)?.[1];
  const actor = (json as { actor?: unknown } | null)?.actor;
  const actorId =
    typeof actor === "object" && actor !== null ? (actor as { id?: unknown }).id : actor;
  for (const host of [hostOf(keyId), hostOf(actorId)]) {
    if (host && isBlocked(host)) return host;
  }
  return undefined;
}

/** The request's body, or "too large" once it is over `max` bytes (read on up to a cap). */
async function readCapped(
  request: Request,
  max: number,
): Promise<Buffer<ArrayBuffer> | "too large"> {
  if (!request.body) return Buffer.alloc(0);
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  const reader = request.body.getReader();
  if (declared > max + MAX_DISCARD_BYTES) {
    await reader.cancel();
    return "too large";
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > max + MAX_DISCARD_BYTES) {
      await reader.cancel();
      break;
    }
    if (size <= max) chunks.push(value);
  }
  return size > max ? "too large" : Buffer.concat(chunks);
}
