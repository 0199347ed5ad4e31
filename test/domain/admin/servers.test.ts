import { describe, expect, it } from "vitest";
import { domainBlocksCsv, parseDomainBlocksCsv } from "../../../src/domain/admin/domain-csv.ts";
import {
  checkDomainBlock,
  domainSeverity,
  listDomainBlocks,
  normaliseDomain,
  saveDomainBlocks,
} from "../../../src/domain/admin/servers.ts";
import { ValidationError } from "../../../src/domain/errors.ts";
import { freshDb } from "../../helpers/db.ts";

describe("blocked and limited servers", () => {
  it("normalises domains and covers subdomains, a block beating a limit", () => {
    expect(normaliseDomain(" https://Social.Example.org/about ")).toBe("social.example.org");
    expect(normaliseDomain("not a domain")).toBeUndefined();
    expect(normaliseDomain("ex*mple.org")).toBeUndefined();
    const db = freshDb();
    saveDomainBlocks(db, [
      { domain: "example.org", severity: "limit", reason: "" },
      { domain: "bad.example.org", severity: "block", reason: "Spam" },
    ]);
    expect(domainSeverity(db, "a.example.org")).toBe("limit");
    expect(domainSeverity(db, "x.bad.example.org:8443")).toBe("block");
    expect(domainSeverity(db, "example.net")).toBeUndefined();
    expect(() => checkDomainBlock({ domain: "", severity: "ban", reason: "" })).toThrow(
      ValidationError,
    );
  });

  it("exports and imports Mastodon's CSV format", () => {
    const db = freshDb();
    saveDomainBlocks(db, [{ domain: "spam.example", severity: "block", reason: 'Spam, "lots"' }]);
    const csv = domainBlocksCsv(listDomainBlocks(db));
    expect(csv).toBe(
      '#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\nspam.example,suspend,false,false,"Spam, ""lots""",false\n',
    );
    expect(parseDomainBlocksCsv(csv).entries).toEqual([
      { domain: "spam.example", severity: "block", reason: 'Spam, "lots"' },
    ]);
    const parsed = parseDomainBlocksCsv(
      "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\r\nquiet.example,silence,false,false,,false\r\nmedia.example,noop,true,false,,false\r\n",
    );
    expect(parsed).toEqual({
      entries: [{ domain: "quiet.example", severity: "limit", reason: "" }],
      skipped: 1,
    });
  });

  it("reports every malformed line by number and imports nothing", () => {
    const text = [
      "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate",
      "good.example,suspend,false,false,,false",
      "ex*mple.org,suspend,false,false,,true",
      "other.example,ban,false,false,,false",
    ].join("\n");
    try {
      parseDomainBlocksCsv(text);
      expect.unreachable();
    } catch (error) {
      expect((error as ValidationError).errors.map((e) => e.message)).toEqual([
        'Line 3: "ex*mple.org" is obfuscated with *, so it cannot be blocked; write the domain in full',
        'Line 4: the severity "ban" is not suspend, silence or noop',
      ]);
    }
  });
});
