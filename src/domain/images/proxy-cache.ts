import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { and, asc, eq, inArray, lt, ne, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { imageProxyCache, instanceSettings } from "../../db/schema/index.ts";
import type { FileStore } from "../storage/store.ts";
import { type PreparedImage, storeImageFile } from "./prepare.ts";

// The image proxy's rules, without the fetching (src/federation/image-proxy.ts) or the route
// (src/web/images/). A proxied address is signed with a key only this instance knows, so the
// proxy fetches only what a page here chose to show, never what a stranger asks for; what it
// fetched is kept in the file store for a week, within a size cap, least recently used going first.

/** How long a fetched picture is served before it is fetched again. */
export const PROXY_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a failed fetch is remembered, so a dead address is not asked on every view. */
export const PROXY_FAILURE_TTL_MS = 60 * 60 * 1000;
/** The most the cache keeps on disk, in bytes. */
export const PROXY_CACHE_MAX_BYTES = 256 * 1024 * 1024;

const KEY_SETTING = "media.proxy-key";
const keys = new WeakMap<Db, Buffer>();

/** This instance's signing key, made and stored on first use. */
export function imageProxyKey(db: Db): Buffer {
  const known = keys.get(db);
  if (known) return known;
  db.insert(instanceSettings)
    .values({ key: KEY_SETTING, value: randomBytes(32).toString("base64url") })
    .onConflictDoNothing()
    .run();
  const stored = db
    .select()
    .from(instanceSettings)
    .where(eq(instanceSettings.key, KEY_SETTING))
    .get()!;
  const key = Buffer.from(stored.value, "base64url");
  keys.set(db, key);
  return key;
}

/** The signature of a remote address: 43 base64url characters. */
export function signImageUrl(key: Buffer, url: string): string {
  return createHmac("sha256", key).update(url).digest("base64url");
}

/** Whether a signature is the one this instance made for the address (in constant time). */
export function verifyImageUrl(key: Buffer, url: string, signature: string): boolean {
  const expected = Buffer.from(signImageUrl(key, url));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The cache's key for a remote address. */
export function proxyUrlHash(url: string): string {
  return createHash("sha256").update(url).digest("hex");
}

/** A cache entry. */
export type ProxyCacheRow = typeof imageProxyCache.$inferSelect;

/** The cache entry for an address while it is fresh (a picture, or a remembered failure). */
export function freshProxyEntry(db: Db, url: string, now = new Date()): ProxyCacheRow | undefined {
  const row = db
    .select()
    .from(imageProxyCache)
    .where(eq(imageProxyCache.urlHash, proxyUrlHash(url)))
    .get();
  if (!row || row.expiresAt <= now) return undefined;
  db.update(imageProxyCache)
    .set({ usedAt: now })
    .where(eq(imageProxyCache.urlHash, row.urlHash))
    .run();
  return row;
}

/** Of these addresses, the ones whose last fetch failed (and is still remembered). */
export function failedProxyUrls(db: Db, urls: string[], now = new Date()): Set<string> {
  if (urls.length === 0) return new Set();
  const rows = db
    .select({ url: imageProxyCache.url, expiresAt: imageProxyCache.expiresAt })
    .from(imageProxyCache)
    .where(
      and(
        inArray(imageProxyCache.urlHash, urls.map(proxyUrlHash)),
        eq(imageProxyCache.state, "failed"),
      ),
    )
    .all();
  return new Set(rows.filter((r) => r.expiresAt > now).map((r) => r.url));
}

/** Keeps a fetched picture, then makes room if the cache has grown past its cap. */
export async function storeProxiedImage(
  db: Db,
  store: FileStore,
  url: string,
  image: PreparedImage,
  options: { now?: Date; maxBytes?: number } = {},
): Promise<ProxyCacheRow> {
  const now = options.now ?? new Date();
  const storagePath = await storeImageFile(store, "media/proxy", image.webp);
  const values = {
    url,
    state: "stored" as const,
    storagePath,
    bytes: image.webp.length,
    reason: null,
    expiresAt: new Date(now.getTime() + PROXY_TTL_MS),
    usedAt: now,
  };
  const row = db
    .insert(imageProxyCache)
    .values({ urlHash: proxyUrlHash(url), ...values })
    .onConflictDoUpdate({ target: imageProxyCache.urlHash, set: values })
    .returning()
    .get();
  await pruneProxyCache(db, store, options.maxBytes ?? PROXY_CACHE_MAX_BYTES);
  return row;
}

/** Remembers that an address gave no picture, and why. */
export async function recordProxyFailure(
  db: Db,
  store: FileStore,
  url: string,
  reason: string,
  now = new Date(),
): Promise<void> {
  const values = {
    url,
    state: "failed" as const,
    storagePath: null,
    bytes: 0,
    reason: reason.slice(0, 500),
    expiresAt: new Date(now.getTime() + PROXY_FAILURE_TTL_MS),
    usedAt: now,
  };
  const old = db
    .select()
    .from(imageProxyCache)
    .where(eq(imageProxyCache.urlHash, proxyUrlHash(url)))
    .get();
  db.insert(imageProxyCache)
    .values({ urlHash: proxyUrlHash(url), ...values })
    .onConflictDoUpdate({ target: imageProxyCache.urlHash, set: values })
    .run();
  if (old?.storagePath) await removeIfUnused(db, store, old.storagePath);
}

/** Removes a cached file once no entry refers to it. */
async function removeIfUnused(db: Db, store: FileStore, storagePath: string): Promise<void> {
  const shared = db
    .select({ n: sql<number>`count(*)` })
    .from(imageProxyCache)
    .where(eq(imageProxyCache.storagePath, storagePath))
    .get();
  if ((shared?.n ?? 0) === 0) await store.delete(storagePath);
}

/**
 * Drops expired failures, then the least recently used pictures until the cache holds at
 * most `maxBytes`. A file two addresses share goes only with the last of them.
 */
export async function pruneProxyCache(
  db: Db,
  store: FileStore,
  maxBytes: number,
  now = new Date(),
): Promise<void> {
  db.delete(imageProxyCache)
    .where(and(eq(imageProxyCache.state, "failed"), lt(imageProxyCache.expiresAt, now)))
    .run();
  const total = () =>
    db
      .select({ n: sql<number>`coalesce(sum(${imageProxyCache.bytes}), 0)` })
      .from(imageProxyCache)
      .get()?.n ?? 0;
  let size = total();
  if (size <= maxBytes) return;
  const oldest = db
    .select()
    .from(imageProxyCache)
    .where(ne(imageProxyCache.state, "failed"))
    .orderBy(asc(imageProxyCache.usedAt))
    .all();
  for (const row of oldest) {
    if (size <= maxBytes) break;
    db.delete(imageProxyCache).where(eq(imageProxyCache.urlHash, row.urlHash)).run();
    if (row.storagePath) await removeIfUnused(db, store, row.storagePath);
    size -= row.bytes;
  }
}
