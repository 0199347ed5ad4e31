import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { OutboundFetchError } from "./fetch-errors.ts";

// Reading a body from a server that may be hostile: a declared length over the cap is refused
// before a byte is read, and the bytes are counted as they arrive, after decompression, so
// neither a huge document nor a small gzip bomb is ever held in memory past the cap.

/** Reads the body, giving up as soon as it passes `maxBytes` (a declared length is checked first). */
export async function readCapped(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new OutboundFetchError({ reason: "too-large", maxBytes });
  const declared = Number(response.headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const body = decompressed(response);
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body) {
      const buffer = chunk as Buffer;
      total += buffer.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(buffer);
    }
  } finally {
    // Dropping the connection rather than draining it: the rest may never end.
    if (total > maxBytes || !response.complete) response.destroy();
  }
  return Buffer.concat(chunks, total);
}

/** The body as sent before any Content-Encoding; unknown encodings are refused. */
function decompressed(response: IncomingMessage): Readable {
  const encoding = (response.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding === "identity" || encoding === "") return response;
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? createGunzip()
      : encoding === "br"
        ? createBrotliDecompress()
        : encoding === "deflate"
          ? createInflate()
          : null;
  if (!decoder) {
    response.destroy();
    throw new OutboundFetchError({ reason: "unknown-encoding", encoding });
  }
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}
