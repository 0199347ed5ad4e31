import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { signS3Request } from "../../src/domain/storage/sigv4.ts";

// A FAKE S3-compatible server for tests: one bucket, objects in memory, path-style addresses
// (`/<bucket>/<key>`), and PUT, GET, HEAD and DELETE only. It is a true boundary (the bucket
// is another company's service), so a fake stands in for it. Like S3, it refuses a request
// whose SigV4 Authorization header is missing, names other credentials, or does not match
// the request; the match is checked by signing the request again with Copse's own signer, so
// the algorithm itself is proven separately, against AWS's published examples
// (test/domain/storage/sigv4.test.ts). Like S3, it refuses a body whose SHA-256 differs from
// the x-amz-content-sha256 header.

/** A running fake bucket. */
export interface FakeS3 {
  endpoint: string;
  bucket: string;
  objects: Map<string, Buffer>;
  /** Every request seen, as "METHOD key status". */
  requests: string[];
  /** The COPSE_S3_* settings that point an instance at this bucket. */
  env: Record<string, string>;
  close(): Promise<void>;
}

const ACCESS_KEY_ID = "COPSETESTKEY";
const SECRET = "copse-test-secret";
const REGION = "eu-west-2";

/** Starts a fake bucket on a free loopback port. */
export async function startFakeS3(bucket = "copse-files"): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const [, first, ...rest] = decodeURIComponent(url.pathname).split("/");
    const key = rest.join("/");
    const answer = (status: number, text = "", headers: Record<string, string> = {}) => {
      requests.push(`${req.method} ${key} ${status}`);
      res.writeHead(status, headers).end(req.method === "HEAD" ? undefined : text);
    };
    const refusal = checkSignature(req, url, body);
    if (refusal) return answer(403, `<Error><Code>${refusal}</Code></Error>`);
    if (first !== bucket || !key) return answer(404, "<Error><Code>NoSuchBucket</Code></Error>");
    const stored = objects.get(key);
    switch (req.method) {
      case "PUT":
        objects.set(key, body);
        return answer(200);
      case "GET":
      case "HEAD":
        if (!stored) return answer(404, "<Error><Code>NoSuchKey</Code></Error>");
        res.setHeader("content-length", String(stored.length));
        requests.push(`${req.method} ${key} 200`);
        return res.writeHead(200).end(req.method === "GET" ? stored : undefined);
      case "DELETE":
        objects.delete(key);
        return answer(204);
      default:
        return answer(405);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    bucket,
    objects,
    requests,
    env: {
      COPSE_S3_BUCKET: bucket,
      COPSE_S3_ENDPOINT: endpoint,
      COPSE_S3_REGION: REGION,
      COPSE_S3_ACCESS_KEY_ID: ACCESS_KEY_ID,
      COPSE_S3_SECRET_ACCESS_KEY: SECRET,
      COPSE_S3_PATH_STYLE: "true",
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Why S3 would refuse the request's signature, or null when it is sound. */
function checkSignature(req: IncomingMessage, url: URL, body: Buffer): string | null {
  const authorization = req.headers.authorization ?? "";
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=[0-9a-f]{64}$/.exec(
      authorization,
    );
  if (!match) return "MissingSecurityHeader";
  const [, keyId, , region, signed] = match;
  if (keyId !== ACCESS_KEY_ID || region !== REGION) return "InvalidAccessKeyId";
  const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
  if (createHash("sha256").update(body).digest("hex") !== payloadHash) {
    return "XAmzContentSHA256Mismatch";
  }
  const names = signed!.split(";");
  if (!["host", "x-amz-content-sha256", "x-amz-date"].every((n) => names.includes(n))) {
    return "AccessDenied";
  }
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  const when = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
  );
  const headers = Object.fromEntries(
    names
      .filter((n) => !["host", "x-amz-content-sha256", "x-amz-date"].includes(n))
      .map((n) => [n, String(req.headers[n] ?? "")]),
  );
  const again = signS3Request(
    { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, region: REGION },
    { method: req.method ?? "GET", url, headers, payloadHash },
    when,
  );
  return again.authorization === authorization ? null : "SignatureDoesNotMatch";
}
