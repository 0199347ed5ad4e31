import { describe, expect, it } from "vitest";
import { cleanHtml, htmlToPlainText, renderMarkdown } from "../../src/domain/html.ts";

// Each case pairs something hostile with text that must survive, so a sanitizer that simply
// threw everything away would fail too.
const HOSTILE: [string, string, RegExp][] = [
  ["script", "<p>safe</p><script>alert(1)</script>", /<script|alert\(1\)/],
  ["javascript: link", '<a href="javascript:alert(1)">safe</a>', /javascript:/i],
  ["vbscript: link", '<a href="vbscript:msgbox(1)">safe</a>', /vbscript:/i],
  ["data: link", '<a href="data:text/html;base64,PHNjcmlwdD4=">safe</a>', /data:/i],
  ["data: image", '<p>safe</p><img src="data:image/svg+xml;base64,PHN2Zz4=" alt="x">', /data:/i],
  [
    "event handler",
    '<p onclick="steal()">safe</p><img src="https://e.org/a.png" onerror="steal()">',
    /onclick|onerror|steal/,
  ],
  ["svg", '<p>safe</p><svg onload="steal()"><circle r="5"/></svg>', /<svg|onload|circle/],
  ["iframe", '<p>safe</p><iframe src="https://evil.example"></iframe>', /iframe|evil/],
  ["style element", "<p>safe</p><style>body{display:none}</style>", /<style|display:none/],
  [
    "style attribute",
    '<p style="position:fixed;top:0;background:url(https://evil.example/x)">safe</p>',
    /style=|position:fixed|url\(/,
  ],
  [
    "form",
    '<p>safe</p><form action="https://evil.example"><input name="password"></form>',
    /<form|<input|evil/,
  ],
  ["object", '<p>safe</p><object data="https://evil.example/x.swf"></object>', /<object|swf/],
  [
    "meta refresh",
    '<p>safe</p><meta http-equiv="refresh" content="0;url=https://evil.example">',
    /<meta|refresh/,
  ],
  ["base href", '<base href="https://evil.example/"><p>safe</p>', /<base/],
  ["encoded javascript", '<a href="jav&#x09;ascript:alert(1)">safe</a>', /ascript:/i],
];

describe("cleanHtml", () => {
  it.each(HOSTILE)("neutralises %s and keeps the safe text", (_name, html, forbidden) => {
    const clean = cleanHtml(html);
    expect(clean).not.toMatch(forbidden);
    expect(clean).toContain("safe");
  });

  it("marks every link nofollow ugc noopener, whatever rel it came with", () => {
    expect(cleanHtml('<a href="https://e.org" rel="me author" target="_blank">x</a>')).toBe(
      '<a href="https://e.org" rel="nofollow ugc noopener">x</a>',
    );
  });

  it("keeps ordinary formatting and demotes top-level headings below the page's own", () => {
    const clean = cleanHtml(
      "<h1>Title</h1><p><strong>b</strong> <em>i</em></p><ul><li>one</li></ul>",
    );
    expect(clean).toBe("<h3>Title</h3><p><strong>b</strong> <em>i</em></p><ul><li>one</li></ul>");
  });

  it("gives images without a text alternative an empty one", () => {
    expect(cleanHtml('<img src="https://e.org/a.png">')).toBe(
      '<img src="https://e.org/a.png" alt="" loading="lazy" />',
    );
  });
});

describe("renderMarkdown", () => {
  it("renders Markdown and cleans any HTML mixed into it", () => {
    const html = renderMarkdown(
      "**bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n- item",
    );
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<li>item</li>");
    expect(html).not.toMatch(/javascript:|onerror|alert/);
  });
});

describe("htmlToPlainText", () => {
  it("keeps paragraph breaks and decodes entities", () => {
    expect(htmlToPlainText("<p>Fish &amp; chips</p><p>2 &lt; 3</p>")).toBe("Fish & chips\n2 < 3");
  });
});
