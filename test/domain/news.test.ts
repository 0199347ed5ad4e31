import { describe, expect, it } from "vitest";
import { FeedError } from "../../src/domain/news/errors.ts";
import { parseFeed } from "../../src/domain/news/parse.ts";
import { backoffMs } from "../../src/domain/news/refresh.ts";

const NOW = Date.UTC(2030, 5, 1, 12, 0);
const FEED_URL = "https://news.example.org/feed.xml";

function rssItems(items: string): string {
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>  Council
  news </title><link>/</link>${items}</channel></rss>`;
}

describe("reading news feeds", () => {
  it("keys entries by guid, else link, else a stable hash of title and date", async () => {
    const xml = rssItems(`
      <item><title>A</title><guid isPermaLink="false">tag:a</guid><link>/a</link></item>
      <item><title>B</title><link>https://news.example.org/b</link></item>
      <item><title>C</title><pubDate>Mon, 06 Jan 2025 09:00:00 GMT</pubDate></item>`);
    const first = await parseFeed(xml, FEED_URL, NOW);
    expect(first.title).toBe("Council news");
    expect(first.siteUrl).toBe("https://news.example.org/");
    const byTitle = Object.fromEntries(first.entries.map((e) => [e.title, e]));
    expect(byTitle.A!.guid).toBe("tag:a");
    expect(byTitle.A!.link).toBe("https://news.example.org/a");
    expect(byTitle.B!.guid).toBe("https://news.example.org/b");
    expect(byTitle.C!.guid).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same entry read again (at another time) gets the same key, so it is not stored twice.
    const again = await parseFeed(xml, FEED_URL, NOW + 3_600_000);
    expect(again.entries.find((e) => e.title === "C")!.guid).toBe(byTitle.C!.guid);
  });

  it("dates entries robustly: missing, unreadable or future dates become the fetch time", async () => {
    const rssFeed = await parseFeed(
      rssItems(`
        <item><title>Dated</title><guid>1</guid><pubDate>Mon, 06 Jan 2025 09:00:00 GMT</pubDate></item>
        <item><title>Undated</title><guid>2</guid></item>
        <item><title>Garbled</title><guid>3</guid><pubDate>sometime soon</pubDate></item>
        <item><title>Future</title><guid>4</guid><pubDate>Sat, 01 Jan 2099 00:00:00 GMT</pubDate></item>`),
      FEED_URL,
      NOW,
    );
    const dates = Object.fromEntries(rssFeed.entries.map((e) => [e.title, e.publishedAt]));
    expect(dates).toEqual({
      Dated: Date.UTC(2025, 0, 6, 9),
      Undated: NOW,
      Garbled: NOW,
      Future: NOW,
    });
    // rss-parser alone rejects a whole Atom feed over one unreadable date.
    const atomFeed = await parseFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
        <entry><id>x</id><title>Odd</title><published>31/02/2025</published></entry>
        <entry><id>y</id><title>Fine</title><updated>2025-01-07T10:00:00Z</updated></entry></feed>`,
      FEED_URL,
      NOW,
    );
    expect(atomFeed.entries.map((e) => [e.title, e.publishedAt])).toEqual([
      ["Odd", NOW],
      ["Fine", Date.UTC(2025, 0, 7, 10)],
    ]);
  });

  it("cuts a whole article down to a plain-text excerpt", async () => {
    const article = `<p>${"Long words here. ".repeat(400)}</p>`;
    const feed = await parseFeed(
      rssItems(
        `<item><title>Long</title><guid>1</guid><description><![CDATA[${article}]]></description></item>`,
      ),
      FEED_URL,
      NOW,
    );
    const summary = feed.entries[0]!.summaryHtml;
    expect(summary.startsWith("<p>Long words here.")).toBe(true);
    expect(summary.endsWith("…</p>")).toBe(true);
    expect(summary.length).toBeLessThan(700);
  });

  it("says plainly when a document is not a feed", async () => {
    for (const body of ["<html><body>Hi</body></html>", "{}", "", "<rss><channel><item>"]) {
      const error = await parseFeed(body, FEED_URL, NOW).catch((e: unknown) => e);
      expect(error, body).toBeInstanceOf(FeedError);
      expect((error as FeedError).message).toContain("does not lead to an RSS or Atom feed");
    }
  });

  it("backs off by doubling the refresh interval per failure, up to a day", () => {
    expect(backoffMs(30, 1)).toBe(60 * 60_000);
    expect(backoffMs(30, 3)).toBe(240 * 60_000);
    expect(backoffMs(30, 12)).toBe(24 * 60 * 60_000);
  });
});
