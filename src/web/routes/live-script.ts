import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { projectPath } from "../../project-root.ts";

// The live page's script, read once at start-up and served under a name carrying a hash of its
// content, like the stylesheet: browsers may keep it for a year because a changed script always
// arrives under a new name. It is a few kilobytes, so it is not worth a gzipped twin.
const source = readFileSync(projectPath("src/web/assets/live.js"));
const fileName = `live.${createHash("sha256").update(source).digest("hex").slice(0, 16)}.js`;

/** Where the live page's script is served. */
export const LIVE_SCRIPT_PATH = `/assets/${fileName}`;

/** Serves the live page's script; mounted before the session middleware, so it sets no cookie. */
export function liveScriptRoutes(): Hono {
  const app = new Hono();
  const body = new Uint8Array(source);
  app.get(LIVE_SCRIPT_PATH, (c) =>
    c.body(body, 200, {
      "Content-Type": "text/javascript; charset=utf-8",
      "Content-Length": String(body.byteLength),
      "Cache-Control": "public, max-age=31536000, immutable",
    }),
  );
  return app;
}
