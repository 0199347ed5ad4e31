import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the feed server received. */
export interface SeenRequest {
  path: string;
  headers: IncomingMessage["headers"];
}

/** How the server answers one path; tests swap handlers to change what a feed serves. */
export type FeedHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server that serves whatever feeds a test puts on it, and logs requests. */
export interface FeedServer {
  origin: string;
  requests: SeenRequest[];
  /** Serves `path` with this handler from now on. */
  set(path: string, handler: FeedHandler): void;
  /** The requests made for one path. */
  requestsFor(path: string): SeenRequest[];
  close(): Promise<void>;
}

/** Starts a feed server on 127.0.0.1; unknown paths get 404. */
export async function startFeedServer(): Promise<FeedServer> {
  const handlers = new Map<string, FeedHandler>();
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    requests.push({ path, headers: req.headers });
    const handler = handlers.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    set: (path, handler) => handlers.set(path, handler),
    requestsFor: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Serves a document with an ETag and Last-Modified, answering 304 to a request that sends
 * either one back unchanged, as a well-behaved feed server does.
 */
export function conditional(body: () => string, etag: () => string, type: string): FeedHandler {
  const lastModified = new Date(Date.UTC(2031, 0, 1)).toUTCString();
  return (req, res) => {
    const tag = etag();
    if (req.headers["if-none-match"] === tag) {
      res.writeHead(304, { ETag: tag, "Last-Modified": lastModified }).end();
      return;
    }
    res
      .writeHead(200, { "Content-Type": type, ETag: tag, "Last-Modified": lastModified })
      .end(body());
  };
}

/** A fixed answer. */
export function fixed(status: number, body: string, type = "application/rss+xml"): FeedHandler {
  return (_req, res) => {
    res.writeHead(status, { "Content-Type": type }).end(body);
  };
}

/** One RSS or Atom entry for the builders below. */
export interface TestEntry {
  id: string;
  title: string;
  link?: string;
  date?: Date;
  html?: string;
}

const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** An RSS 2.0 document. */
export function rss(title: string, entries: TestEntry[]): string {
  const items = entries
    .map(
      (e) => `<item>
  <title>${escapeXml(e.title)}</title>
  ${e.link ? `<link>${escapeXml(e.link)}</link>` : ""}
  <guid isPermaLink="false">${escapeXml(e.id)}</guid>
  ${e.date ? `<pubDate>${e.date.toUTCString()}</pubDate>` : ""}
  <description>${escapeXml(e.html ?? "")}</description>
</item>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>${escapeXml(title)}</title><link>https://news.example.org/</link>
<description>Test feed</description>
${items}
</channel></rss>`;
}

/** An Atom 1.0 document. */
export function atom(title: string, entries: TestEntry[]): string {
  const items = entries
    .map(
      (e) => `<entry>
  <id>${escapeXml(e.id)}</id>
  <title>${escapeXml(e.title)}</title>
  ${e.link ? `<link rel="alternate" href="${escapeXml(e.link)}"/>` : ""}
  ${e.date ? `<updated>${e.date.toISOString()}</updated>` : ""}
  <summary type="html">${escapeXml(e.html ?? "")}</summary>
</entry>`,
    )
    .join("\n");
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${escapeXml(title)}</title><id>urn:test:${escapeXml(title)}</id>
<updated>2031-01-01T00:00:00Z</updated>
${items}
</feed>`;
}
