import { join, resolve } from "node:path";

// The settings of where uploaded files are kept, split from config.ts for length; config.ts
// calls readFiles with the environment it reads, so settings are still read in one place.

/** Where uploaded files are kept; the same shape as FileStoreSettings in src/domain/storage/. */
export type FilesConfig =
  | { kind: "local"; root: string }
  | {
      kind: "s3";
      bucket: string;
      endpoint: string;
      region: string;
      accessKeyId: string;
      secretAccessKey: string;
      pathStyle: boolean;
      tempDir: string;
    };

// Uploaded files: COPSE_FILES_DIR, or the COPSE_S3_* settings, or neither (the data directory).
const S3_REQUIRED = ["COPSE_S3_BUCKET", "COPSE_S3_ACCESS_KEY_ID", "COPSE_S3_SECRET_ACCESS_KEY"];

/** Reads where uploaded files are kept: a directory, or all the settings of an S3 bucket. */
export function readFiles(
  env: Record<string, string | undefined>,
  dataDir: string,
  problems: string[],
): FilesConfig | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  const given = Object.keys(env).filter((name) => name.startsWith("COPSE_S3_") && value(name));
  const filesDir = value("COPSE_FILES_DIR");
  if (given.length === 0) return { kind: "local", root: filesDir ? resolve(filesDir) : dataDir };
  const before = problems.length;
  if (filesDir) {
    problems.push(
      "Uploaded files go either to COPSE_FILES_DIR or to an S3 bucket (COPSE_S3_*), not both: remove one",
    );
  }
  const missing = S3_REQUIRED.filter((name) => !value(name));
  if (missing.length > 0) {
    problems.push(
      `Keeping uploaded files in S3 needs ${S3_REQUIRED.join(", ")}; missing: ${missing.join(", ")}`,
    );
  }
  const region = value("COPSE_S3_REGION") ?? "us-east-1";
  const endpoint = value("COPSE_S3_ENDPOINT") ?? `https://s3.${region}.amazonaws.com`;
  try {
    const url = new URL(endpoint);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
    if (url.search || url.hash || url.username) throw new Error("extra");
  } catch {
    problems.push(
      `COPSE_S3_ENDPOINT must be the bucket service's address, e.g. https://s3.eu-west-2.amazonaws.com (got "${endpoint}")`,
    );
  }
  const pathStyle = parseBoolean(env.COPSE_S3_PATH_STYLE, false);
  if (pathStyle === undefined) {
    problems.push(`COPSE_S3_PATH_STYLE must be true or false (got "${env.COPSE_S3_PATH_STYLE}")`);
  }
  if (problems.length > before) return undefined;
  return {
    kind: "s3",
    bucket: value("COPSE_S3_BUCKET")!,
    endpoint,
    region,
    accessKeyId: value("COPSE_S3_ACCESS_KEY_ID")!,
    secretAccessKey: value("COPSE_S3_SECRET_ACCESS_KEY")!,
    pathStyle: pathStyle ?? false,
    // Uploads are received into the data directory, outside the folders a backup copies.
    tempDir: join(dataDir, "tmp", "uploads"),
  };
}

/** A true/false setting (also 1/0, yes/no, on/off); undefined when it is neither. */
export function parseBoolean(value: string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined || value === "") return fallback;
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off"].includes(v)) return false;
  return undefined;
}
