import type { Config } from "../config.ts";
import type { Db } from "../db/client.ts";
import {
  freshProxyEntry,
  type ProxyCacheRow,
  recordProxyFailure,
  storeProxiedImage,
} from "../domain/images/proxy-cache.ts";
import { MAX_REMOTE_IMAGE_BYTES, prepareRemoteImage } from "../domain/item-media.ts";
import { fileStoreFor } from "../domain/storage/store.ts";
import { logger } from "../logging.ts";
import { guardedFetch } from "./outbound/guarded-fetch.ts";
import { parseMediaType } from "./outbound/media-types.ts";
import { type OutboundPolicy, outboundPolicy } from "./outbound/policy.ts";

// The image proxy's fetch: a picture a remote post shows inline is fetched by this server, on
// the first reader's behalf, through the one guarded fetcher (http(s) only, the address checked
// as the connection is made so private and loopback addresses stay out, redirects checked hop
// by hop, a time limit, and a byte cap). Only an image/* answer whose bytes are a JPEG, PNG,
// GIF or WebP picture is kept, written again as WebP without metadata.

const log = logger("federation", "image-proxy");

// Two readers opening the same page at once share one fetch.
const inFlight = new Map<string, Promise<ProxyCacheRow | null>>();

/**
 * The cached copy of a remote picture, fetching it first when it is not cached or has
 * expired; null when it cannot be had (the failure is remembered for an hour).
 */
export function proxiedImage(
  db: Db,
  config: Config,
  url: string,
  policy: OutboundPolicy = outboundPolicy(config),
): Promise<ProxyCacheRow | null> {
  const cached = freshProxyEntry(db, url);
  if (cached) return Promise.resolve(cached.state === "stored" ? cached : null);
  const key = `${config.dataDir}\n${url}`;
  let pending = inFlight.get(key);
  if (!pending) {
    pending = fetchAndStore(db, config, url, policy).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

async function fetchAndStore(
  db: Db,
  config: Config,
  url: string,
  policy: OutboundPolicy,
): Promise<ProxyCacheRow | null> {
  try {
    const response = await guardedFetch(url, {
      policy,
      headers: { Accept: "image/webp, image/png, image/jpeg, image/gif" },
      maxBytes: MAX_REMOTE_IMAGE_BYTES,
    });
    if (response.status < 200 || response.status > 299) {
      throw new Error(`the server answered ${response.status}`);
    }
    const essence = parseMediaType(response.headers["content-type"])?.essence ?? "";
    if (!essence.startsWith("image/")) {
      throw new Error(`served as ${essence || "no type"}, not image/*`);
    }
    if (!response.body) throw new Error("empty answer");
    const prepared = await prepareRemoteImage(response.body);
    const row = await storeProxiedImage(db, fileStoreFor(config.files), url, prepared);
    log.info("Fetched picture {url} for the image proxy", { url });
    return row;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.warn("Image proxy refused or could not fetch {url}: {message}", { url, message });
    await recordProxyFailure(db, fileStoreFor(config.files), url, message);
    return null;
  }
}
