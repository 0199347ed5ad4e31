import { readFile, rm } from "node:fs/promises";
import { logger } from "../../logging.ts";
import { checkKey, type FileStore, type FileStoreSettings } from "./file-store.ts";
import { EMPTY_SHA256, encodePath, sha256Hex, signS3Request } from "./sigv4.ts";

// Files in an S3-compatible bucket (AWS S3, MinIO, Ceph, Scaleway, OVH...), over fetch with
// signed requests. Objects are private: Copse reads each one itself and streams it to a reader
// it has checked, so the bucket needs no public access and no presigned address ever leaves.

const log = logger("storage");

// Small requests give up after this long; a download streams for as long as it takes.
const REQUEST_TIMEOUT_MS = 30_000;

/** Raised when the bucket answers a request with an error. */
export class ObjectStoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObjectStoreError";
  }
}

/** A FileStore on an S3-compatible bucket. */
export function s3FileStore(settings: Extract<FileStoreSettings, { kind: "s3" }>): FileStore {
  const endpoint = new URL(settings.endpoint);
  const base = settings.pathStyle
    ? `${endpoint.origin}${endpoint.pathname.replace(/\/$/, "")}/${encodePath(settings.bucket)}/`
    : `${endpoint.protocol}//${settings.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/$/, "")}/`;

  async function send(
    method: string,
    key: string,
    options: { body?: Uint8Array; headers?: Record<string, string>; timeout?: boolean } = {},
  ): Promise<Response> {
    const url = new URL(encodePath(checkKey(key)), base);
    const headers = signS3Request(settings, {
      method,
      url,
      headers: options.headers,
      payloadHash: options.body ? sha256Hex(options.body) : EMPTY_SHA256,
    });
    try {
      return await fetch(url, {
        method,
        headers,
        body: options.body as Uint8Array<ArrayBuffer> | undefined,
        signal: options.timeout === false ? undefined : AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ObjectStoreError(
        `Could not reach the S3 bucket ${settings.bucket} at ${endpoint.origin} (${method} ${key}): ${(error as Error).message}`,
      );
    }
  }

  async function failed(response: Response, method: string, key: string): Promise<never> {
    // S3 explains a refusal in a small XML document; its code says what to fix.
    const text = await response.text().catch(() => "");
    const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? response.statusText;
    log.error("The S3 bucket refused {method} {key}: {status} {code}", {
      method,
      key,
      status: response.status,
      code,
    });
    throw new ObjectStoreError(
      `The S3 bucket ${settings.bucket} refused ${method} ${key}: ${response.status} ${code}`,
    );
  }

  async function head(key: string): Promise<number | null> {
    const response = await send("HEAD", key);
    if (response.status === 404) return null;
    if (!response.ok) return failed(response, "HEAD", key);
    return Number(response.headers.get("content-length") ?? 0);
  }

  async function put(key: string, bytes: Uint8Array): Promise<void> {
    const response = await send("PUT", key, {
      body: bytes,
      headers: { "content-type": "application/octet-stream" },
    });
    if (!response.ok) return failed(response, "PUT", key);
    await response.body?.cancel();
  }

  return {
    kind: "s3",
    description: `the S3 bucket ${settings.bucket} at ${endpoint.origin}`,
    tempDir: settings.tempDir,
    put,
    async putFile(key, path) {
      try {
        // S3 wants the length of a body before it starts, so the file (at most the upload
        // limit) is read whole rather than streamed; a key already stored is not sent again.
        if ((await head(key)) === null) await put(key, await readFile(path));
      } finally {
        await rm(path, { force: true });
      }
    },
    async get(key) {
      const response = await send("GET", key);
      if (response.status === 404) return null;
      if (!response.ok) return failed(response, "GET", key);
      return Buffer.from(await response.arrayBuffer());
    },
    async stream(key) {
      const response = await send("GET", key, { timeout: false });
      if (response.status === 404) return null;
      if (!response.ok) return failed(response, "GET", key);
      return response.body;
    },
    async exists(key) {
      return (await head(key)) !== null;
    },
    size: head,
    async delete(key) {
      const response = await send("DELETE", key);
      if (!response.ok && response.status !== 404) return failed(response, "DELETE", key);
      await response.body?.cancel();
    },
  };
}
