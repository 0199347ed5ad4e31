import { Hono } from "hono";
import type { Stylesheet } from "../assets/css.ts";
import { acceptsEncoding } from "../compress.ts";

/** Serves the hashed stylesheet with a year-long immutable cache and a pre-gzipped body. */
export function assetRoutes(sheet: Stylesheet): Hono {
  const app = new Hono();
  // Both bodies are encoded once here rather than on every request.
  const plain = new TextEncoder().encode(sheet.css);
  const gzipped = new Uint8Array(sheet.gzip);

  app.get(`/assets/${sheet.fileName}`, (c) => {
    // The name carries a hash of the content, so a browser or proxy may keep it for a year
    // without revalidating: a new stylesheet always arrives under a new name.
    const headers: Record<string, string> = {
      "Content-Type": "text/css; charset=utf-8",
      "Cache-Control": "public, max-age=31536000, immutable",
      // Caches must key on Accept-Encoding because the same URL has two bodies.
      Vary: "Accept-Encoding",
    };
    if (acceptsEncoding(c.req.header("Accept-Encoding"), "gzip")) {
      headers["Content-Encoding"] = "gzip";
      headers["Content-Length"] = String(gzipped.byteLength);
      return c.body(gzipped, 200, headers);
    }
    headers["Content-Length"] = String(plain.byteLength);
    return c.body(plain, 200, headers);
  });

  return app;
}
