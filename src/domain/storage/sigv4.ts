import { createHash, createHmac } from "node:crypto";

// AWS Signature Version 4 for S3 requests, signed in headers. It is a few HMACs over a
// canonical form of the request, so Copse does it with node:crypto rather than load a client
// library (README: "Libraries, and why"). test/domain/storage/sigv4.test.ts checks it against
// the example AWS publishes in its S3 documentation.

/** The credentials and place a request is signed for. */
export interface SigningKey {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The SHA-256 of a body as lower-case hex, as `x-amz-content-sha256` carries it. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The SHA-256 of an empty body (GET, HEAD and DELETE). */
export const EMPTY_SHA256 = sha256Hex("");

/** A path encoded as S3 expects in the canonical request: each segment, slashes kept. */
export function encodePath(path: string): string {
  return path
    .split("/")
    .map((part) =>
      encodeURIComponent(part).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/");
}

const hmac = (key: Uint8Array | string, data: string) =>
  createHmac("sha256", key).update(data).digest();

/**
 * The headers that sign a request: `x-amz-date`, `x-amz-content-sha256` and `authorization`,
 * to send with the request's own headers (which are signed too; `host` comes from the URL).
 */
export function signS3Request(
  key: SigningKey,
  request: { method: string; url: URL; headers?: Record<string, string>; payloadHash: string },
  now = new Date(),
): Record<string, string> {
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(request.headers ?? {}).map(([n, v]) => [n.toLowerCase(), v.trim()]),
    ),
    host: request.url.host,
    "x-amz-content-sha256": request.payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(";");
  const query = [...request.url.searchParams]
    .map(([n, v]) => `${encodePath(n)}=${encodePath(v)}`)
    .sort()
    .join("&");
  const canonical = [
    request.method,
    // URL leaves some characters S3 encodes ($, ! and others) as they are, so the path is
    // decoded and encoded again the S3 way; S3 signs it once encoded, never twice.
    encodePath(decodeURIComponent(request.url.pathname)),
    query,
    names.map((n) => `${n}:${headers[n]}\n`).join(""),
    signedHeaders,
    request.payloadHash,
  ].join("\n");
  const scope = `${day}/${key.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const signingKey = hmac(
    hmac(hmac(hmac(`AWS4${key.secretAccessKey}`, day), key.region), "s3"),
    "aws4_request",
  );
  const signature = createHmac("sha256", signingKey).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${key.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
