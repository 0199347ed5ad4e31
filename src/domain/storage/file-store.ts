// What a file store is (store.ts makes one from the settings), apart from the stores
// themselves, so the S3 store, loaded lazily by store.ts, imports this and not store.ts.

/** Where uploaded files are kept, as config.ts reads it from the settings. */
export type FileStoreSettings =
  | { kind: "local"; root: string }
  | {
      kind: "s3";
      bucket: string;
      endpoint: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      pathStyle: boolean;
      /** A local directory for uploads being received, before they go to the bucket. */
      tempDir: string;
    };

/** A place uploaded files are kept, addressed by key (a relative path). */
export interface FileStore {
  readonly kind: "local" | "s3";
  /** Where the files are, for people: a directory, or a bucket at an endpoint. */
  readonly description: string;
  /** A local directory for an upload being received before it is stored. */
  readonly tempDir: string;
  /** Stores bytes under a key, replacing what was there; readers never see half a file. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * Moves a complete local file (in tempDir) to a content-addressed key, whose content is the
   * file's whatever uploaded it: when the key is already stored, the file is simply removed.
   */
  putFile(key: string, path: string): Promise<void>;
  /** The whole file, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** The file as a stream, or null when there is none. */
  stream(key: string): Promise<ReadableStream<Uint8Array> | null>;
  /** Whether a file is stored under the key. */
  exists(key: string): Promise<boolean>;
  /** The size in bytes, or null when there is no file. */
  size(key: string): Promise<number | null>;
  /** Removes the file, if any. */
  delete(key: string): Promise<void>;
}

const KEY = /^[a-z]+(?:\/[A-Za-z0-9_-][A-Za-z0-9._-]*)+$/;

/** Refuses a key that could leave the store (`..`, absolute paths, odd characters). */
export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split("/").some((part) => part === "." || part === "..")) {
    throw new Error(`Not a stored file key: ${JSON.stringify(key)}`);
  }
  return key;
}
