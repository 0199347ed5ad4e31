import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Hono } from "hono";
import { projectPath } from "../../project-root.ts";

// The pages' few scripts (the live page's updates, pasting pictures into what one writes),
// read once at start-up and served under names carrying a hash of their content, like the
// stylesheet: browsers may keep them for a year because a changed script always arrives under
// a new name. Each is a few kilobytes, so none is worth a gzipped twin.

interface Script {
  path: string;
  body: Uint8Array<ArrayBuffer>;
}

function hashedScript(file: string, name: string): Script {
  const source = readFileSync(projectPath(file));
  const hash = createHash("sha256").update(source).digest("hex").slice(0, 16);
  return { path: `/assets/${name}.${hash}.js`, body: new Uint8Array(source) };
}

const live = hashedScript("src/web/assets/live.js", "live");
const writing = hashedScript("src/web/assets/writing.js", "writing");

/** Where the live page's script is served. */
export const LIVE_SCRIPT_PATH = live.path;
/** Where the script that uploads pictures pasted or dropped into a text box is served. */
export const WRITING_SCRIPT_PATH = writing.path;

/** Serves the scripts; mounted before the session middleware, so it sets no cookie. */
export function liveScriptRoutes(): Hono {
  const app = new Hono();
  for (const script of [live, writing]) {
    app.get(script.path, (c) =>
      c.body(script.body, 200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Content-Length": String(script.body.byteLength),
        "Cache-Control": "public, max-age=31536000, immutable",
      }),
    );
  }
  return app;
}
