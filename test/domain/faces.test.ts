import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AVATAR_TONES, initialsOf, toneOf } from "../../src/domain/faces.ts";

// WCAG 2.x relative luminance and contrast ratio, written out here so the test checks the
// palette against the standard's formula rather than against the code under test.
function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(n >> 16) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}
function contrastWithWhite(hex: string): number {
  return 1.05 / (luminance(hex) + 0.05);
}

describe("initials", () => {
  it("take the first letters of the first and last names", () => {
    expect(initialsOf("Priya Shah")).toBe("PS");
    expect(initialsOf("Mary Ann de la Cruz")).toBe("MC");
    expect(initialsOf("alice")).toBe("A");
    expect(initialsOf("Mo Farah-Lee")).toBe("MF");
    expect(initialsOf("  zoë   ångström ")).toBe("ZÅ");
  });

  it("skip punctuation and emoji, and fall back to the handle, then to a question mark", () => {
    expect(initialsOf("🌳 Oak (Parks team)")).toBe("OT");
    expect(initialsOf("", "bob_jones")).toBe("BJ");
    expect(initialsOf("   ", "")).toBe("?");
    expect(initialsOf("!!!")).toBe("?");
  });
});

describe("initials colours", () => {
  it("every colour carries white text at WCAG AA contrast (4.5:1)", () => {
    for (const tone of AVATAR_TONES) {
      expect(contrastWithWhite(tone), tone).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("match the stylesheet's palette, colour for colour", () => {
    const scss = readFileSync("src/web/assets/_avatars.scss", "utf8");
    const list = /\$tones:\s*\(([^)]*)\)/.exec(scss)?.[1] ?? "";
    expect(list.split(",").map((s) => s.trim().toLowerCase())).toEqual([...AVATAR_TONES]);
  });

  it("are the same for the same name every time, and spread over the palette", () => {
    expect(toneOf("Priya Shah")).toBe(toneOf("priya shah "));
    const names = Array.from({ length: 200 }, (_, i) => `Person ${i}`);
    const used = new Set(names.map(toneOf));
    for (const tone of used) expect(tone).toBeLessThan(AVATAR_TONES.length);
    // 200 names over 12 colours: a hash that clustered would leave most colours unused.
    expect(used.size).toBe(AVATAR_TONES.length);
  });
});
