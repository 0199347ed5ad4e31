import type { Context, MiddlewareHandler } from "hono";
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
    c.req.raw = new Request(c.req.raw, { body });
    return next();
  };
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
