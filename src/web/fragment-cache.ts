import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Db } from "../db/client.ts";
import { changeStamp } from "../db/generation.ts";

// Signed-in pages are rendered for each person, and rendering is most of their cost: a topic
// page of 100 replies spent some 60% of its CPU turning JSX into 127 KB of HTML, the same
// HTML for every member but for a few choices (may they reply, vote, moderate; how they
// voted) and the form token. So a part of a page made from the database and those choices
// alone is kept, rendered once, and served to everyone whose choices are the same, while the
// database is unchanged (its change stamp, src/db/generation.ts): every part names, in its
// key, each thing of the viewer's it depends on. The viewer's form token is rendered as a
// marker and put in on the way out.

/** Stands in for the viewer's masked CSRF token in a kept part (never in a token or in HTML). */
const TOKEN_MARKER = "\u0000csrf\u0000";

/** Parts kept per database, at most this many (a part is one to two kilobytes). */
const MAX_PARTS = 2_000;

interface Kept {
  stamp: string;
  parts: Map<string, string>;
}

const byDb = new WeakMap<Db, Kept>();

/** Renders (or reuses) one part of a page: `render` gets the form token to write. */
export type RenderPart = (key: string, render: (csrfToken: string) => unknown) => HtmlEscapedString;

/**
 * A request's way to render parts of its page that are the same for everyone whose key is the
 * same (see above); `csrfToken` is the viewer's. The stamp is read once, here.
 */
export function fragmentCache(db: Db, csrfToken: string): RenderPart {
  const stamp = changeStamp(db);
  if (stamp === null) return (_key, render) => raw(String(render(csrfToken)));
  let kept = byDb.get(db);
  if (kept === undefined || kept.stamp !== stamp) {
    kept = { stamp, parts: new Map() };
    byDb.set(db, kept);
  }
  const { parts } = kept;
  return (key, render) => {
    let html = parts.get(key);
    if (html === undefined) {
      html = String(render(TOKEN_MARKER));
      if (parts.size >= MAX_PARTS) parts.clear();
      parts.set(key, html);
    }
    return raw(html.replaceAll(TOKEN_MARKER, csrfToken));
  };
}
