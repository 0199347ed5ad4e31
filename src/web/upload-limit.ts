import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

// How much of a refused upload is read and dropped so the browser can show the answer.
const MAX_DISCARD_BYTES = 32 * 1024 * 1024;

/**
 * Caps the body of the requests `applies` picks at `maxBytes` before anything reads it (the
 * CSRF check parses the form). A refused body is read to its end, up to a further cap, so the
 * browser shows the answer from `tooLarge` instead of a network error.
 */
export function uploadLimit(options: {
  applies: (c: Context<AppEnv>) => boolean;
  maxBytes: number;
  tooLarge: (c: Context<AppEnv>) => Response | Promise<Response>;
}): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!options.applies(c) || !c.req.raw.body) return next();
    const max = options.maxBytes;
    const declared = Number(c.req.header("content-length") ?? Number.NaN);
    if (Number.isFinite(declared) && declared <= max) return next();
    const reader = c.req.raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max + MAX_DISCARD_BYTES) {
        await reader.cancel();
        break;
      }
      if (size <= max) chunks.push(value);
    }
    if (size > max) return options.tooLarge(c);
    c.req.raw = new Request(c.req.raw, { body: Buffer.concat(chunks) });
    return next();
  };
}
