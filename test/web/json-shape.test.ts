import { describe, expect, it } from "vitest";
import { checkJsonShape, MAX_JSON_DEPTH, MAX_JSON_VALUES } from "../../src/web/json-shape.ts";

// The flat scan behind the inbox guard: it must count only real structure, so brackets,
// commas and escaped quotes inside strings never count, and it must never recurse.

describe("checkJsonShape", () => {
  it("accepts an ordinary activity and returns it parsed", () => {
    const activity = { type: "Create", object: { type: "Note", tag: [{ type: "Hashtag" }] } };
    expect(checkJsonShape(JSON.stringify(activity))).toEqual({ ok: true, value: activity });
  });

  it("accepts nesting at the limit and refuses one level more", () => {
    const nested = (levels: number) => `{"a":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    expect(checkJsonShape(nested(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(checkJsonShape(nested(MAX_JSON_DEPTH + 1))).toEqual({
      ok: false,
      reason: expect.stringMatching(/too deep/),
    });
  });

  it("ignores brackets, commas and escaped quotes inside strings", () => {
    const text = JSON.stringify({
      content: `${"[{".repeat(1_000)} \\" ${",".repeat(MAX_JSON_VALUES * 2)}`,
      quoted: 'a "quoted" [string]',
    });
    expect(checkJsonShape(text).ok).toBe(true);
  });

  it("refuses too many values even when shallow", () => {
    const text = JSON.stringify({ items: new Array(MAX_JSON_VALUES + 1).fill(1) });
    expect(checkJsonShape(text)).toEqual({ ok: false, reason: expect.stringMatching(/too many/) });
  });

  it("scans a million levels without overflowing", () => {
    const text = `${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`;
    expect(checkJsonShape(text).ok).toBe(false);
  });

  it.each([
    ["not JSON", "{type: Create}", /not valid JSON/],
    ["an array", "[1, 2]", /must be a JSON object/],
    ["null", "null", /must be a JSON object/],
    ["a string", '"Create"', /must be a JSON object/],
    ["nothing", "", /not valid JSON/],
  ])("refuses %s", (_what, text, reason) => {
    expect(checkJsonShape(text)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});
