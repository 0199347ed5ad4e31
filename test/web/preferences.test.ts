import { describe, expect, it } from "vitest";
import {
  preferenceRoutes,
  readTextSize,
  safeReturnPath,
  TEXT_SIZE_COOKIE,
} from "../../src/web/routes/preferences.ts";

/** Posts the text size form as a browser would, without JavaScript. */
function postTextSize(fields: Record<string, string>, secureCookies = false): Promise<Response> {
  return Promise.resolve(
    preferenceRoutes({ secureCookies }).request("/preferences/text-size", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

describe("readTextSize", () => {
  it("accepts the three sizes and falls back to standard", () => {
    expect(readTextSize("standard")).toBe("standard");
    expect(readTextSize("large")).toBe("large");
    expect(readTextSize("largest")).toBe("largest");
    expect(readTextSize(undefined)).toBe("standard");
    expect(readTextSize("huge")).toBe("standard");
    expect(readTextSize("")).toBe("standard");
  });
});

describe("POST /preferences/text-size", () => {
  it("sets a year-long, httpOnly, SameSite=Lax cookie and goes back with a 303", async () => {
    const response = await postTextSize({ size: "large", return: "/communities?page=2" });
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/communities?page=2");
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toContain(`${TEXT_SIZE_COOKIE}=large`);
    expect(cookie).toContain("Max-Age=31536000");
    expect(cookie).toContain("Path=/");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).not.toContain("Secure");
  });

  it("marks the cookie Secure when the site is served over https", async () => {
    const response = await postTextSize({ size: "largest", return: "/" }, true);
    expect(response.headers.get("Set-Cookie")).toContain("Secure");
  });

  it("refuses an unknown size with 400 and sets no cookie", async () => {
    const attempts: Record<string, string>[] = [{ size: "huge", return: "/" }, { return: "/" }];
    for (const fields of attempts) {
      const response = await postTextSize(fields);
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("Choose a text size");
      expect(response.headers.get("Set-Cookie")).toBeNull();
    }
  });

  it("never redirects off the site", async () => {
    const hostile = [
      "//evil.example/",
      "/\\evil.example",
      "\\\\evil.example",
      "https://evil.example/",
      "javascript:alert(1)",
      "/\t/evil.example",
      "/\n/evil.example",
      "evil",
      "",
    ];
    for (const target of hostile) {
      const response = await postTextSize({ size: "standard", return: target });
      expect(response.status, target).toBe(303);
      expect(response.headers.get("Location"), target).toBe("/");
    }
  });

  it("falls back to the home page when no return path is sent", async () => {
    const response = await postTextSize({ size: "standard" });
    expect(response.headers.get("Location")).toBe("/");
  });
});

describe("safeReturnPath", () => {
  it("keeps local paths with their query and fragment", () => {
    expect(safeReturnPath("/")).toBe("/");
    expect(safeReturnPath("/c/planning@other.example?page=2#posts")).toBe(
      "/c/planning@other.example?page=2#posts",
    );
  });

  it("rejects anything that is not a string", () => {
    expect(safeReturnPath(undefined)).toBe("/");
    expect(safeReturnPath(["/a"])).toBe("/");
  });
});
