import { createHash, randomUUID } from "node:crypto";
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { sniffFile } from "./sniff.ts";
import type { FileStore } from "./storage/store.ts";

// Uploaded files are kept under the key `files/<first two hex digits>/<sha256>` of the file
// store (src/domain/storage/; by default the data directory): named by content, so the same
// file uploaded twice is stored once and a name can never be chosen by the uploader. An
// upload is written to a temporary file first (in `files/tmp/` of a local store, the same
// file system, so the final rename is atomic) and stored only when it is complete.

/** A file kept in the file store. */
export interface StoredFile {
  sha256: string;
  size: number;
  /** Sniffed from the bytes. */
  mediaType: string;
  /** Its key in the file store (the path relative to the data directory, by default). */
  storagePath: string;
}

/** The upload is bigger than the configured limit; nothing was kept. */
export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The file is larger than the limit of ${limitBytes} bytes`);
    this.name = "UploadTooLargeError";
  }
}

const FILES_DIR = "files";

/**
 * Streams an upload to disk, hashing as it writes and stopping as soon as it passes the
 * limit. The bytes are sniffed once they are all on disk (a zip's directory is at its end),
 * then the file is renamed to its content address. On any failure the temporary file is
 * removed, so no partial file is ever left.
 */
export async function storeUpload(
  store: FileStore,
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number,
): Promise<StoredFile> {
  const tmpDir = store.tempDir;
  await mkdir(tmpDir, { recursive: true });
  await removeStaleUploads(tmpDir);
  const tmpPath = join(tmpDir, `${randomUUID()}.part`);
  const hash = createHash("sha256");
  let size = 0;
  const out = createWriteStream(tmpPath, { flags: "wx" });
  const closed = new Promise<void>((res, rej) => {
    out.once("close", res);
    out.once("error", rej);
  });
  // Awaited below; this only stops an early write error counting as unhandled meanwhile.
  closed.catch(() => undefined);
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > maxBytes) throw new UploadTooLargeError(maxBytes);
      hash.update(chunk);
      if (!out.write(chunk)) await once(out, "drain");
    }
    out.end();
    await closed;
    const sha256 = hash.digest("hex");
    const mediaType = sniffFile(tmpPath);
    // Keys are written with forward slashes whatever the system, as the database records them.
    const storagePath = `${FILES_DIR}/${sha256.slice(0, 2)}/${sha256}`;
    await store.putFile(storagePath, tmpPath);
    return { sha256, size, mediaType, storagePath };
  } catch (error) {
    out.destroy();
    await closed.catch(() => undefined);
    await rm(tmpPath, { force: true });
    throw error;
  }
}

// An upload cut short by a crash cannot clean up after itself; the next upload does, once the
// leftover is old enough that no upload in progress could still be writing it.
const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

async function removeStaleUploads(tmpDir: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => null);
    if (info && now - info.mtimeMs > STALE_UPLOAD_MS) await rm(path, { force: true });
  }
}

/** Removes a stored file (used when nothing refers to it any more). */
export async function removeStoredFile(store: FileStore, storagePath: string): Promise<void> {
  await store.delete(storagePath);
}

/** A size for people to read, in the units GOV.UK uses: "850 bytes", "12 KB", "1.5 MB". */
export function describeSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${units[unit]}`;
}
