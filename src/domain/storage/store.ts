import { randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import { checkKey, type FileStore, type FileStoreSettings } from "./file-store.ts";

export { checkKey, type FileStore, type FileStoreSettings } from "./file-store.ts";

// Uploaded files (documents, profile photos, pictures in posts, the copies of other servers'
// pictures shown in posts, and the image proxy's cache) are kept in one FileStore, chosen by a setting: a local
// directory (the data directory itself by default, so existing instances keep their layout),
// a shared directory such as an NFS mount (COPSE_FILES_DIR), or an S3-compatible bucket. Keys
// are the paths the database has always recorded, relative to the data directory, such as
// `files/ab/ab12...` and `media/uploads/ab/ab12....webp`; nothing needs migrating.
// The image proxy's cache is here too because its index is a database table every machine
// shares (and prunes); the stylesheet cache and development mail stay in the data directory,
// which each machine rebuilds or keeps for itself.

/** Files in a local directory, each key a path below it (the default, and COPSE_FILES_DIR). */
export function localFileStore(root: string): FileStore {
  const path = (key: string) => join(root, checkKey(key));
  const sizeOf = async (key: string) => {
    const info = await stat(path(key)).catch(() => null);
    return info?.isFile() ? info.size : null;
  };
  return {
    kind: "local",
    description: `the directory ${root}`,
    // Inside the store, so the final rename stays on one file system and is atomic.
    tempDir: join(root, "files", "tmp"),
    async put(key, bytes) {
      const file = path(key);
      await mkdir(dirname(file), { recursive: true });
      const part = `${file}.${randomUUID()}.tmp`;
      await writeFile(part, bytes);
      await rename(part, file);
    },
    async putFile(key, from) {
      const file = path(key);
      await mkdir(dirname(file), { recursive: true });
      if (existsSync(file)) await rm(from, { force: true });
      else await rename(from, file);
    },
    async get(key) {
      return readFile(path(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" || error.code === "EISDIR") return null;
        throw error;
      });
    },
    async stream(key) {
      if ((await sizeOf(key)) === null) return null;
      return Readable.toWeb(createReadStream(path(key))) as ReadableStream<Uint8Array>;
    },
    async exists(key) {
      return (await sizeOf(key)) !== null;
    },
    size: sizeOf,
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

const stores = new WeakMap<FileStoreSettings, FileStore>();

/**
 * The store for these settings, made once per settings object. The S3 code is loaded on first
 * use only, so an instance that keeps its files on disk never loads it.
 */
export function fileStoreFor(settings: FileStoreSettings): FileStore {
  let store = stores.get(settings);
  if (!store) {
    store = settings.kind === "local" ? localFileStore(settings.root) : lazyS3Store(settings);
    stores.set(settings, store);
  }
  return store;
}

function lazyS3Store(settings: Extract<FileStoreSettings, { kind: "s3" }>): FileStore {
  let loaded: Promise<FileStore> | undefined;
  const store = () => {
    loaded ??= import("./s3.ts").then((m) => m.s3FileStore(settings));
    return loaded;
  };
  return {
    kind: "s3",
    description: `the S3 bucket ${settings.bucket} at ${settings.endpoint}`,
    tempDir: settings.tempDir,
    put: async (key, bytes) => (await store()).put(key, bytes),
    putFile: async (key, path) => (await store()).putFile(key, path),
    get: async (key) => (await store()).get(key),
    stream: async (key) => (await store()).stream(key),
    exists: async (key) => (await store()).exists(key),
    size: async (key) => (await store()).size(key),
    delete: async (key) => (await store()).delete(key),
  };
}
